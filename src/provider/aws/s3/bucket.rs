//! `aws_s3_bucket`: a bucket and its tags. Versioning, encryption, policies and the rest are
//! separate companion resources, as in the AWS provider v4+; the bucket still takes them inline
//! (deprecated, Optional+Computed), written and read through the companions' code (`inline.rs`).

use super::purge::{delete_versions, VersionRef};
use crate::provider::aws::common::{
    aws_err, build_err, configured_tags, must_exist, opt_bool, opt_str, owns, read_beside, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType, STACK_TAG};
use crate::schema::validators::{len_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Tag, Tagging};
use std::sync::Arc;

/// The `aws_s3_bucket` resource type.
pub struct Bucket {
    c: Arc<Clients>,
    schema: Schema,
}

impl Bucket {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Bucket {
        let schema = super::inline::declare(resource("aws_s3_bucket"))
            .arg("bucket")
            .force_new()
            .arg("bucket_prefix")
            .force_new()
            .arg("force_destroy")
            .default(false)
            .arg("object_lock_enabled")
            .force_new()
            .args(&["tags"])
            .rule(Rule::Conflicts(&["bucket", "bucket_prefix"]))
            .rule(Rule::Conflicts(&["object_lock_enabled", "object_lock_configuration"]))
            .arg("bucket")
            .check(len_between(0, 63))
            .arg("bucket_prefix")
            .check(len_between(0, 37))
            .timeouts(20, 20, 60)
            .build();
        Bucket { c, schema }
    }

    async fn put_tags(&self, name: &str, tags: indexmap::IndexMap<String, String>) -> PResult<()> {
        let tag_set = crate::provider::aws::common::sdk_tags!(Tag, tags)?;
        let tagging = Tagging::builder()
            .set_tag_set(Some(tag_set))
            .build()
            .map_err(build_err)?;
        self.c
            .s3
            .put_bucket_tagging()
            .bucket(name)
            .tagging(tagging)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn read_tags(&self, name: &str) -> PResult<Vec<(String, String)>> {
        match self
            .c
            .s3
            .get_bucket_tagging()
            .bucket(name)
            .send()
            .await
            .map_err(aws_err)
        {
            Ok(out) => Ok(out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()),
            Err(e) if e.code.as_deref() == Some("NoSuchTagSet") => Ok(vec![]),
            Err(e) => Err(e),
        }
    }

    /// Deletes every version and delete marker, page by page. `locked` (a bucket made with
    /// Object Lock) bypasses governance retention and lifts legal holds, as the provider's
    /// `force_destroy` does for such buckets.
    async fn empty_bucket(&self, name: &str, locked: bool) -> PResult<()> {
        loop {
            let out = self
                .c
                .s3
                .list_object_versions()
                .bucket(name)
                .send()
                .await
                .map_err(aws_err)?;
            let versions = out.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = out.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            let all: Vec<VersionRef> = versions
                .chain(markers)
                .filter_map(|(key, version)| {
                    key.map(|k| VersionRef {
                        key: k.to_string(),
                        version_id: version.map(str::to_string),
                    })
                })
                .collect();
            if all.is_empty() {
                return Ok(());
            }
            delete_versions(&self.c.s3, name, &all, locked).await?;
        }
    }
}

/// A bucket name for a blueprint that gave none (or only a prefix), as Terraform generates.
fn generated_name(prefix: Option<String>) -> String {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    format!("{}{}", prefix.unwrap_or_else(|| "infractl-".into()), &unique[..26]).to_lowercase()
}

#[async_trait]
impl ResourceType for Bucket {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "bucket").unwrap_or_else(|| generated_name(opt_str(planned, "bucket_prefix")));
        let mut req = self
            .c
            .s3
            .create_bucket()
            .bucket(&name)
            .set_object_lock_enabled_for_bucket(
                opt_bool(planned, "object_lock_enabled")
                    .map(|on| on || super::inline::legacy_object_lock(planned))
                    .or(super::inline::legacy_object_lock(planned).then_some(true)),
            );
        if self.c.region != "us-east-1" {
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(self.c.region.as_str()))
                    .build(),
            );
        }
        req.send().await.map_err(aws_err)?;
        self.put_tags(&name, tags_to_write(ctx, planned)).await?;
        super::inline::write(&self.c, &name, None, planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "bucket", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let head = async {
            match self.c.s3.head_bucket().bucket(id).send().await {
                Ok(_) => Ok(Some(())),
                Err(e) if e.raw_response().map(|r| r.status().as_u16()) == Some(404) => Ok(None),
                Err(e) => Err(aws_err(e)),
            }
        };
        // Object Lock is fixed at creation; S3 says whether the bucket has it. Tags, lock and the
        // inline settings are read beside the bucket's head: none needs another's answer.
        let rest = async { futures::try_join!(self.read_tags(id), super::inline::read(&self.c, id, prior)) };
        let Some(((), (tags, inline))) = read_beside(head, rest).await? else {
            return Ok(None);
        };
        let locked = inline
            .get("object_lock_configuration")
            .and_then(Value::as_list)
            .and_then(<[Value]>::first)
            .and_then(|l| l.get("object_lock_enabled").as_str())
            == Some("Enabled");
        let region = self.c.region.clone();
        let mut v = Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            ("bucket_prefix", prior.get("bucket_prefix").clone()),
            (
                "force_destroy",
                Value::Bool(opt_bool(prior, "force_destroy").unwrap_or(false)),
            ),
            ("object_lock_enabled", Value::Bool(locked)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
            ("arn", Value::str(format!("arn:aws:s3:::{id}"))),
            ("bucket_domain_name", Value::str(format!("{id}.s3.amazonaws.com"))),
            (
                "bucket_regional_domain_name",
                Value::str(format!("{id}.s3.{region}.amazonaws.com")),
            ),
            ("region", Value::str(region)),
            ("hosted_zone_id", Value::Null),
        ]);
        if let Value::Object(m) = &mut v {
            m.extend(inline);
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("tags_all") != planned.get("tags_all") {
            self.put_tags(id, tags_to_write(ctx, planned)).await?;
        }
        super::inline::write(&self.c, id, Some(prior), planned).await?;
        let mut v = self
            .read(ctx, id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("bucket {id} vanished during update")))?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "force_destroy".into(),
                Value::Bool(opt_bool(planned, "force_destroy").unwrap_or(false)),
            );
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "force_destroy") == Some(true) {
            let locked = opt_bool(prior, "object_lock_enabled") == Some(true);
            match self.empty_bucket(id, locked).await {
                Err(e) if e.code.as_deref() == Some("NoSuchBucket") => return Ok(()),
                other => other?,
            }
        }
        match self.c.s3.delete_bucket().bucket(id).send().await.map_err(aws_err) {
            Err(e) if e.code.as_deref() == Some("NoSuchBucket") => Ok(()),
            Err(e) if e.code.as_deref() == Some("BucketNotEmpty") => Err(ProviderError {
                code: e.code,
                message: format!(
                    "{}. Set force_destroy = true to delete its objects too.",
                    e.message.trim_end_matches('.')
                ),
            }),
            other => other.map(|_| ()),
        }
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // A named bucket is checked directly; a generated name is searched among the buckets
        // with the blueprint's prefix.
        let candidates: Vec<String> = match opt_str(planned, "bucket") {
            Some(name) => vec![name],
            None => {
                let prefix = opt_str(planned, "bucket_prefix").unwrap_or_else(|| "infractl-".into());
                let out = self.c.s3.list_buckets().prefix(&prefix).send().await.map_err(aws_err)?;
                out.buckets()
                    .iter()
                    .filter_map(|b| b.name())
                    .filter(|n| n.starts_with(&prefix))
                    .map(str::to_string)
                    .collect()
            }
        };
        let named = opt_str(planned, "bucket").is_some();
        for name in candidates {
            if self.c.s3.head_bucket().bucket(&name).send().await.is_err() {
                continue;
            }
            let tags = self.read_tags(&name).await.unwrap_or_default();
            if owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) {
                return Ok(Some(name));
            }
            // CreateBucket takes no tags: a run killed between it and PutBucketTagging leaves
            // the bucket untagged. When state says that create never finished, a bucket of
            // that exact name, in this account, tagged for no other stack, is that bucket.
            let claimed = tags.iter().any(|(k, _)| k == STACK_TAG);
            if ctx.resumed && named && !claimed {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }
}
