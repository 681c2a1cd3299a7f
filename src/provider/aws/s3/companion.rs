//! What every bucket companion resource (`aws_s3_bucket_cors_configuration`, `..._website_...`,
//! `..._ownership_controls`, ...) shares: it is one PUT/GET/DELETE sub-resource of a bucket,
//! its id is the bucket name, and it is gone when the bucket or the setting is. A setting
//! supplies its schema and the three calls; [`Companion`] makes the resource type of it.

use crate::provider::aws::common::{must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::sync::Arc;

/// One bucket sub-resource written by PUT, read by GET and removed by DELETE.
#[async_trait]
pub trait BucketSetting: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;

    /// What the setting is called in messages ("CORS configuration").
    fn what(&self) -> &'static str;

    /// Declares the arguments besides `bucket`, which every companion has (and which forces
    /// replacement).
    fn declare(&self, d: Decl) -> Decl;

    /// Writes the setting from the planned value.
    async fn put(&self, c: &Clients, bucket: &str, planned: &Value) -> PResult<()>;

    /// The setting's attributes as S3 holds them (besides id and bucket); `None` when the
    /// bucket has no such setting or no longer exists.
    async fn get(&self, c: &Clients, bucket: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>>;

    /// Removes the setting; succeeds when it is already gone.
    async fn delete(&self, c: &Clients, bucket: &str) -> PResult<()>;
}

/// The resource type of a bucket setting.
pub struct Companion<S: BucketSetting> {
    c: Arc<Clients>,
    setting: S,
    schema: Schema,
}

impl<S: BucketSetting> Companion<S> {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>, setting: S) -> Companion<S> {
        let schema = setting
            .declare(resource(setting.type_name()).arg("bucket").force_new())
            .build();
        Companion { c, setting, schema }
    }
}

#[async_trait]
impl<S: BucketSetting + 'static> ResourceType for Companion<S> {
    fn type_name(&self) -> &'static str {
        self.setting.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = opt_str(planned, "bucket").ok_or_else(|| ProviderError::msg("bucket is required"))?;
        self.setting.put(&self.c, &bucket, planned).await?;
        must_exist(self.read(ctx, &bucket, planned).await?, self.setting.what(), &bucket)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(attrs) = self.setting.get(&self.c, id, prior).await? else {
            return Ok(None);
        };
        let mut m = IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert("bucket".into(), Value::str(id));
        if self.schema.attrs.contains_key("expected_bucket_owner") {
            m.insert(
                "expected_bucket_owner".into(),
                prior.get("expected_bucket_owner").clone(),
            );
        }
        m.extend(attrs);
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.setting.put(&self.c, id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, self.setting.what(), id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        self.setting.delete(&self.c, id).await
    }
}

/// `expected_bucket_owner`: an account id, as the provider checks it.
pub fn account_id() -> crate::schema::validators::Validator {
    crate::schema::validators::matches(r"^\d{12}$", "an AWS account id (exactly 12 digits)")
}

/// The first block of a nested block list, if any.
pub fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}
