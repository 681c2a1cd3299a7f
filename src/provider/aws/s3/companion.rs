//! What every bucket companion resource (`aws_s3_bucket_cors_configuration`, `..._website_...`,
//! `..._ownership_controls`, `..._inventory`, ...) shares: it is one PUT/GET/DELETE
//! sub-resource of a bucket, named by the bucket (and, for the configurations a bucket has
//! several of, a name of its own), and it is gone when the bucket or the setting is. A setting
//! supplies its schema and the three calls; [`Companion`] makes the resource type of it, with
//! Terraform's ids (`BUCKET`, `BUCKET,OWNER` with `expected_bucket_owner`, `BUCKET:NAME`). PUT
//! replaces the whole setting, so a create a killed run began is simply made again.

use crate::provider::aws::common::{must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::future::Future;
use std::sync::Arc;

/// Which setting object a call is about.
#[derive(Debug, Clone, PartialEq)]
pub struct At {
    /// The bucket.
    pub bucket: String,
    /// The configuration's own name, for settings a bucket has several of.
    pub name: Option<String>,
    /// The account expected to own the bucket (`expected_bucket_owner`); S3 refuses a call
    /// when another account owns it.
    pub owner: Option<String>,
    /// A further part of the id some settings carry (the canned ACL of `aws_s3_bucket_acl`).
    pub qualifier: Option<String>,
}

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

    /// True for configurations a bucket has several of, each with a `name` (id `BUCKET:NAME`).
    fn named(&self) -> bool {
        false
    }

    /// The id Terraform gives an object: `BUCKET:NAME` for named configurations, else the
    /// bucket, followed by `,OWNER` when `expected_bucket_owner` is set.
    fn id(&self, at: &At, _planned: &Value) -> String {
        match (&at.name, &at.owner) {
            (Some(name), _) => format!("{}:{name}", at.bucket),
            (None, Some(owner)) => format!("{},{owner}", at.bucket),
            (None, None) => at.bucket.clone(),
        }
    }

    /// The object an id (or an import id, which is the same) names.
    fn parse(&self, id: &str) -> PResult<At> {
        if self.named() {
            let (bucket, name) = id
                .split_once(':')
                .filter(|(b, n)| !b.is_empty() && !n.is_empty())
                .ok_or_else(|| ProviderError::msg(format!("invalid id \"{id}\": expected BUCKET:NAME")))?;
            return Ok(At {
                bucket: bucket.into(),
                name: Some(name.into()),
                owner: None,
                qualifier: None,
            });
        }
        let (bucket, owner) = match id.split_once(',') {
            Some((b, o)) => (b, Some(o.to_string())),
            None => (id, None),
        };
        Ok(At {
            bucket: bucket.into(),
            name: None,
            owner,
            qualifier: None,
        })
    }

    /// Writes the setting from the planned value.
    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()>;

    /// Writes a change of the setting from state's value to the planned one. PUT replaces the
    /// whole setting, so most settings write the planned value; a setting with two spellings of
    /// one part (blocks and a JSON document) uses `prior` to tell which one the blueprint changed.
    async fn change(&self, c: &Clients, at: &At, _prior: &Value, planned: &Value) -> PResult<()> {
        self.put(c, at, planned).await
    }

    /// The setting's attributes as S3 holds them (besides id, bucket, name and
    /// expected_bucket_owner); `None` when the bucket has no such setting or no longer exists.
    async fn get(&self, c: &Clients, at: &At, prior: &Value) -> PResult<Option<IndexMap<String, Value>>>;

    /// Removes the setting; succeeds when it is already gone.
    async fn delete(&self, c: &Clients, at: &At) -> PResult<()>;

    /// True when [`BucketSetting::list`] reads every object of this setting of a bucket in one
    /// call (a refresh then costs a call per bucket, not one per object).
    fn lists(&self) -> bool {
        false
    }

    /// Every object of this setting on a bucket, by name, with its attributes as
    /// [`BucketSetting::get`] gives them; `None` when the bucket is gone.
    async fn list(&self, _c: &Clients, _bucket: &str) -> PResult<Option<Listed>> {
        Ok(None)
    }
}

/// A bucket setting's GET, asked once per refresh ([`read_once`]): a bucket's inline settings
/// and its companion resources read the same sub-resources of one bucket.
///
/// [`read_once`]: crate::provider::shared_reads::read_once
pub async fn get_once<T, F>(c: &Clients, operation: &str, bucket: &str, owner: Option<&str>, read: F) -> PResult<T>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = PResult<T>>,
{
    let question = || format!("{:p} s3 {operation} {bucket} {}", c, owner.unwrap_or_default());
    crate::provider::shared_reads::read_once(question, read).await
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
        let mut d = resource(setting.type_name()).arg("bucket").force_new();
        if setting.named() {
            d = d.arg("name").force_new();
        }
        let schema = setting.declare(d).build();
        Companion { c, setting, schema }
    }

    /// The state value of an object: what names it, and what S3 holds. (States written before
    /// ids carried the owner keep it in `expected_bucket_owner` only.)
    fn value(&self, id: &str, at: &At, prior: &Value, attrs: IndexMap<String, Value>) -> Value {
        let mut m = IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert("bucket".into(), Value::str(&at.bucket));
        if let Some(name) = &at.name {
            m.insert("name".into(), Value::str(name));
        }
        if self.schema.attrs.contains_key("expected_bucket_owner") {
            let kept = at.owner.clone().or_else(|| owner(prior));
            m.insert("expected_bucket_owner".into(), Value::from(kept));
        }
        m.extend(attrs);
        Value::Object(m)
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
        let bucket = required(planned, "bucket")?;
        let at = At {
            bucket,
            name: if self.setting.named() {
                Some(required(planned, "name")?)
            } else {
                None
            },
            owner: owner(planned),
            qualifier: None,
        };
        let id = self.setting.id(&at, planned);
        let at = self.setting.parse(&id)?;
        self.setting.put(&self.c, &at, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, self.setting.what(), &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let at = self.setting.parse(id)?;
        let attrs = self.setting.get(&self.c, &at, prior).await?;
        Ok(attrs.map(|a| self.value(id, &at, prior, a)))
    }

    fn bulk_read_limit(&self) -> usize {
        if self.setting.lists() {
            100
        } else {
            0
        }
    }

    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        if !self.setting.lists() {
            return crate::provider::read_each(self, ctx, items).await;
        }
        // One listing per bucket, however many of its configurations state holds.
        let mut listed: IndexMap<String, Option<Listed>> = IndexMap::new();
        let mut out = Vec::with_capacity(items.len());
        for (id, prior) in items {
            let at = self.setting.parse(id)?;
            if !listed.contains_key(&at.bucket) {
                let all = self.setting.list(&self.c, &at.bucket).await?;
                listed.insert(at.bucket.clone(), all);
            }
            let found = listed
                .get(&at.bucket)
                .and_then(|all| all.as_ref())
                .and_then(|all| all.iter().find(|(name, _)| Some(name) == at.name.as_ref()))
                .map(|(_, attrs)| self.value(id, &at, prior, attrs.clone()));
            out.push(found);
        }
        Ok(out)
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // The id may name what changes in place (the canned ACL of `aws_s3_bucket_acl`): the
        // object keeps its bucket, name and owner and takes the id the planned value gives.
        let id = self.setting.id(&self.setting.parse(id)?, planned);
        let at = self.setting.parse(&id)?;
        self.setting.change(&self.c, &at, prior, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, self.setting.what(), &id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let at = self.setting.parse(id)?;
        self.setting.delete(&self.c, &at).await
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

/// The account the blueprint expects to own the bucket (`expected_bucket_owner`), if set.
pub fn owner(v: &Value) -> Option<String> {
    opt_str(v, "expected_bucket_owner")
}

/// An SDK builder's result, its error as a provider error.
pub fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> PResult<T> {
    r.map_err(|e| ProviderError::msg(e.to_string()))
}

/// The shared number helper, under the name this module's code uses.
pub use crate::provider::aws::common::opt_i32 as int;

/// Objects of a setting, by name, with their attributes.
pub type Listed = Vec<(String, IndexMap<String, Value>)>;

/// Follows S3's continuation tokens through a listing of a bucket's configurations: `page`
/// gets the token (none for the first page) and gives the page's objects and the next token,
/// or `None` when the bucket is gone.
pub async fn list_pages<F, Fut>(mut page: F) -> PResult<Option<Listed>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = PResult<Option<(Listed, Option<String>)>>>,
{
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let Some((items, next)) = page(token).await? else {
            return Ok(None);
        };
        out.extend(items);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(Some(out)),
        }
    }
}

/// The continuation token of a listing's next page, when there is one.
pub fn next_token(truncated: Option<bool>, token: Option<&str>) -> Option<String> {
    token.filter(|_| truncated.unwrap_or(false)).map(str::to_string)
}
