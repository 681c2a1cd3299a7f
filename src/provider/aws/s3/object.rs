//! `aws_s3_object`: one object of a bucket, uploaded from `content`, `content_base64` or a
//! `source` file, with its headers, encryption, storage class, Object Lock settings and tags.
//!
//! The id is the key, as the provider keeps it (the object is found by the `bucket` and `key`
//! attributes, so a state Terraform wrote reads the same); the import id is `BUCKET/KEY`
//! (`s3://BUCKET/KEY` is taken too). What the object holds
//! is not read back: an object changed behind infractl's back is noticed by its ETag, which for
//! an unencrypted or SSE-S3 object is the MD5 of its bytes; when it no longer matches the content
//! state recorded, state forgets that content and the next apply uploads it again. An upload
//! replaces the object whole, so a create a killed run began is simply made again (objects carry
//! no infractl tags: S3 allows an object only ten).

use super::purge::{delete_version, VersionRef};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, opt_bool, opt_str, required, tag_changes, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, matches, not_empty, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::primitives::{ByteStream, DateTime};
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, ObjectCannedAcl, ObjectLockLegalHold, ObjectLockLegalHoldStatus, ObjectLockMode,
    ObjectLockRetention, ObjectLockRetentionMode, ObjectStorageClass, ServerSideEncryption, StorageClass, Tag, Tagging,
};
use aws_smithy_types::date_time::Format;
use base64::Engine;
use md5::{Digest, Md5};
use std::sync::Arc;

/// What S3 answers for a missing object or bucket.
const ABSENT: &[&str] = &["NotFound", "NoSuchKey", "NoSuchBucket"];

/// Arguments whose change uploads the object again (the provider's list).
const CONTENT: &[&str] = &[
    "bucket_key_enabled",
    "cache_control",
    "checksum_algorithm",
    "content_base64",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "content",
    "etag",
    "kms_key_id",
    "metadata",
    "server_side_encryption",
    "source",
    "source_hash",
    "storage_class",
    "website_redirect",
];

/// The `aws_s3_object` resource type.
pub struct Object {
    c: Arc<Clients>,
    schema: Schema,
}

/// The bucket and key of an id (or import id).
/// Where the object is: the `bucket` and `key` a state or plan holds (the id is the key alone,
/// as the provider keeps it, so a state Terraform wrote reads the same), else an import id
/// `BUCKET/KEY` or `s3://BUCKET/KEY`.
fn locate(id: &str, v: &Value) -> PResult<(String, String)> {
    match (opt_str(v, "bucket"), opt_str(v, "key")) {
        (Some(bucket), Some(key)) => Ok((bucket, clean_key(&key))),
        _ => split_id(id).map(|(b, k)| (b.to_string(), k.to_string())),
    }
}

fn split_id(id: &str) -> PResult<(&str, &str)> {
    id.trim_start_matches("s3://")
        .split_once('/')
        .filter(|(b, k)| !b.is_empty() && !k.is_empty())
        .ok_or_else(|| {
            ProviderError::msg(format!(
                "invalid object id \"{id}\": expected BUCKET/KEY or s3://BUCKET/KEY"
            ))
        })
}

/// A key as the provider sends it: no leading `./` or `/`, runs of `/` folded.
fn clean_key(key: &str) -> String {
    let key = key.strip_prefix("./").unwrap_or(key).trim_start_matches('/');
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// The bytes the blueprint gives the object, if they are known without reading AWS.
fn body(v: &Value) -> PResult<Option<Vec<u8>>> {
    if let Some(path) = opt_str(v, "source") {
        let path = match (path.strip_prefix("~/"), std::env::var("HOME")) {
            (Some(rest), Ok(home)) => format!("{home}/{rest}"),
            _ => path,
        };
        return std::fs::read(&path)
            .map(Some)
            .map_err(|e| ProviderError::msg(format!("reading the object's source {path}: {e}")));
    }
    if let Some(text) = v.get("content").to_plain_string() {
        return Ok(Some(text.into_bytes()));
    }
    if let Some(b64) = opt_str(v, "content_base64") {
        return base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map(Some)
            .map_err(|e| ProviderError::msg(format!("content_base64 is not base64: {e}")));
    }
    Ok(None)
}

/// Tags as S3 takes them on an upload (`k=v&...`, URL-encoded).
fn tagging_header(tags: &indexmap::IndexMap<String, String>) -> Option<String> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(k, NON_ALPHANUMERIC),
                    utf8_percent_encode(v, NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn tags_of(v: &Value) -> indexmap::IndexMap<String, String> {
    v.get("tags_all")
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.to_plain_string().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default()
}

fn date(v: &Value, name: &str) -> PResult<Option<DateTime>> {
    opt_str(v, name)
        .map(|s| DateTime::from_str(&s, Format::DateTime).map_err(|e| ProviderError::msg(format!("{name}: {e}"))))
        .transpose()
}

impl Object {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Object {
        let schema = resource("aws_s3_object")
            .arg("bucket")
            .force_new()
            .check(not_empty())
            .arg("key")
            .force_new()
            .check(not_empty())
            .arg("acl")
            .check(one_of(ObjectCannedAcl::values()))
            .arg("checksum_algorithm")
            .check(one_of(ChecksumAlgorithm::values()))
            .arg("kms_key_id")
            .check(arn())
            .arg("force_destroy")
            .default(false)
            .arg("object_lock_legal_hold_status")
            .check(one_of(ObjectLockLegalHoldStatus::values()))
            .arg("object_lock_mode")
            .check(one_of(ObjectLockMode::values()))
            .arg("object_lock_retain_until_date")
            .check(matches(
                r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
                "an RFC 3339 time such as 2030-01-01T00:00:00Z",
            ))
            .arg("server_side_encryption")
            .check(one_of(ServerSideEncryption::values()))
            .arg("storage_class")
            .check(one_of(ObjectStorageClass::values()))
            .args(&[
                "bucket_key_enabled",
                "cache_control",
                "content",
                "content_base64",
                "content_disposition",
                "content_encoding",
                "content_language",
                "content_type",
                "etag",
                "metadata",
                "source",
                "source_hash",
                "website_redirect",
                "override_provider",
                "tags",
            ])
            .rule(Rule::Conflicts(&["content", "content_base64", "source"]))
            .rule(Rule::Conflicts(&["etag", "kms_key_id"]))
            .build();
        Object { c, schema }
    }

    async fn upload(&self, bucket: &str, key: &str, v: &Value) -> PResult<()> {
        let bytes = body(v)?.unwrap_or_default();
        let mut sse = opt_str(v, "server_side_encryption").map(|s| ServerSideEncryption::from(s.as_str()));
        if opt_str(v, "kms_key_id").is_some() {
            sse = Some(ServerSideEncryption::AwsKms);
        }
        let lock = opt_str(v, "object_lock_legal_hold_status").is_some()
            || opt_str(v, "object_lock_mode").is_some()
            || opt_str(v, "object_lock_retain_until_date").is_some();
        // S3 wants a checksum on uploads with Object Lock settings.
        let checksum = opt_str(v, "checksum_algorithm")
            .map(|a| ChecksumAlgorithm::from(a.as_str()))
            .or(lock.then_some(ChecksumAlgorithm::Crc32));
        let metadata = v.get("metadata").as_object().map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.to_plain_string().map(|x| (k.clone(), x)))
                .collect()
        });
        self.c
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .set_acl(opt_str(v, "acl").map(|a| ObjectCannedAcl::from(a.as_str())))
            .set_bucket_key_enabled(opt_bool(v, "bucket_key_enabled"))
            .set_cache_control(opt_str(v, "cache_control"))
            .set_checksum_algorithm(checksum)
            .set_content_disposition(opt_str(v, "content_disposition"))
            .set_content_encoding(opt_str(v, "content_encoding"))
            .set_content_language(opt_str(v, "content_language"))
            .set_content_type(opt_str(v, "content_type"))
            .set_ssekms_key_id(opt_str(v, "kms_key_id"))
            .set_server_side_encryption(sse)
            .set_metadata(metadata)
            .set_object_lock_legal_hold_status(
                opt_str(v, "object_lock_legal_hold_status").map(|s| ObjectLockLegalHoldStatus::from(s.as_str())),
            )
            .set_object_lock_mode(opt_str(v, "object_lock_mode").map(|s| ObjectLockMode::from(s.as_str())))
            .set_object_lock_retain_until_date(date(v, "object_lock_retain_until_date")?)
            .set_storage_class(opt_str(v, "storage_class").map(|s| StorageClass::from(s.as_str())))
            .set_tagging(tagging_header(&tags_of(v)))
            .set_website_redirect_location(opt_str(v, "website_redirect"))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn put_tags(&self, bucket: &str, key: &str, v: &Value) -> PResult<()> {
        let tags = tags_of(v);
        if tags.is_empty() {
            self.c
                .s3
                .delete_object_tagging()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(aws_err)?;
            return Ok(());
        }
        let set = crate::provider::aws::common::sdk_tags!(Tag, tags.iter())?;
        let tagging = Tagging::builder().set_tag_set(Some(set)).build().map_err(build_err)?;
        self.c
            .s3
            .put_object_tagging()
            .bucket(bucket)
            .key(key)
            .tagging(tagging)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    /// Every version of the key (and its delete markers), for deleting an object of a
    /// versioned bucket whole.
    async fn versions(&self, bucket: &str, key: &str) -> PResult<Vec<String>> {
        let mut out = Vec::new();
        let (mut key_marker, mut version_marker) = (None, None);
        loop {
            let page = self
                .c
                .s3
                .list_object_versions()
                .bucket(bucket)
                .prefix(key)
                .set_key_marker(key_marker)
                .set_version_id_marker(version_marker)
                .send()
                .await
                .map_err(aws_err)?;
            out.extend(
                page.versions()
                    .iter()
                    .filter(|v| v.key() == Some(key))
                    .filter_map(|v| v.version_id().map(str::to_string)),
            );
            out.extend(
                page.delete_markers()
                    .iter()
                    .filter(|m| m.key() == Some(key))
                    .filter_map(|m| m.version_id().map(str::to_string)),
            );
            if !page.is_truncated().unwrap_or(false) {
                return Ok(out);
            }
            key_marker = page.next_key_marker().map(str::to_string);
            version_marker = page.next_version_id_marker().map(str::to_string);
        }
    }
}

#[async_trait]
impl ResourceType for Object {
    fn type_name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        // The provider's check: S3 lower-cases metadata keys, so a capital would never match.
        if let Some(m) = config.get("metadata").as_object() {
            if let Some(k) = m.keys().find(|k| k.to_lowercase() != **k) {
                return Err(format!("metadata keys must be lowercase only; offending key: \"{k}\""));
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = required(planned, "bucket")?;
        let key = clean_key(&required(planned, "key")?);
        self.upload(&bucket, &key, planned).await?;
        must_exist(self.read(ctx, &key, planned).await?, "object", &key)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (bucket, key) = locate(id, prior)?;
        let (bucket, key) = (bucket.as_str(), key.as_str());
        let head = self
            .c
            .s3
            .head_object()
            .bucket(bucket)
            .key(key)
            .set_checksum_mode(opt_str(prior, "checksum_algorithm").map(|_| ChecksumMode::Enabled))
            .send()
            .await
            .map_err(aws_err);
        let Some(h) = absent_on(head, ABSENT)? else {
            return Ok(None);
        };
        let tagging = self
            .c
            .s3
            .get_object_tagging()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(aws_err)?;
        let etag = h.e_tag().map(|e| e.trim_matches('"').to_string());
        let sse = h.server_side_encryption().map(|s| s.as_str().to_string());
        // Content is not read back: state keeps the configured content while the object's
        // ETag is still its MD5 (always so without KMS and multipart uploads).
        let md5_etag = !matches!(sse.as_deref(), Some(s) if s.starts_with("aws:kms"))
            && etag.as_ref().is_some_and(|e| !e.contains('-'));
        let still = |name: &str| -> Value {
            let v = prior.get(name);
            if v.is_null() || !md5_etag {
                return v.clone();
            }
            let wrote = match name {
                "content" => v.to_plain_string().map(String::into_bytes),
                _ => v
                    .to_plain_string()
                    .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok()),
            };
            match (wrote, &etag) {
                (Some(bytes), Some(e)) if hex::encode(Md5::digest(&bytes)) != *e => Value::Null,
                _ => v.clone(),
            }
        };
        let s = |x: Option<&str>| Value::from(x);
        let metadata = h
            .metadata()
            .map(|m| {
                let mut pairs: Vec<_> = m.iter().collect();
                pairs.sort();
                Value::Object(pairs.into_iter().map(|(k, v)| (k.clone(), Value::str(v))).collect())
            })
            .unwrap_or(Value::Null);
        Ok(Some(Value::object([
            ("id", Value::str(key)),
            ("bucket", Value::str(bucket)),
            ("key", Value::str(key)),
            ("arn", Value::str(format!("arn:aws:s3:::{bucket}/{key}"))),
            ("acl", prior.get("acl").clone()),
            (
                "bucket_key_enabled",
                Value::Bool(h.bucket_key_enabled().unwrap_or(false)),
            ),
            ("cache_control", s(h.cache_control())),
            ("checksum_algorithm", prior.get("checksum_algorithm").clone()),
            ("checksum_crc32", s(h.checksum_crc32())),
            ("checksum_crc32c", s(h.checksum_crc32_c())),
            ("checksum_crc64nvme", s(h.checksum_crc64_nvme())),
            ("checksum_sha1", s(h.checksum_sha1())),
            ("checksum_sha256", s(h.checksum_sha256())),
            ("content", still("content")),
            ("content_base64", still("content_base64")),
            ("content_disposition", s(h.content_disposition())),
            ("content_encoding", s(h.content_encoding())),
            ("content_language", s(h.content_language())),
            ("content_type", s(h.content_type())),
            ("etag", Value::from(etag.clone())),
            (
                "force_destroy",
                Value::Bool(opt_bool(prior, "force_destroy").unwrap_or(false)),
            ),
            ("kms_key_id", s(h.ssekms_key_id())),
            ("metadata", metadata),
            (
                "object_lock_legal_hold_status",
                s(h.object_lock_legal_hold_status().map(|x| x.as_str())),
            ),
            ("object_lock_mode", s(h.object_lock_mode().map(|x| x.as_str()))),
            (
                "object_lock_retain_until_date",
                Value::from(
                    h.object_lock_retain_until_date()
                        .and_then(|d| d.fmt(Format::DateTime).ok()),
                ),
            ),
            ("server_side_encryption", Value::from(sse)),
            ("source", prior.get("source").clone()),
            ("source_hash", prior.get("source_hash").clone()),
            (
                "storage_class",
                Value::str(h.storage_class().map(|c| c.as_str()).unwrap_or("STANDARD")),
            ),
            ("website_redirect", s(h.website_redirect_location())),
            ("version_id", s(h.version_id())),
            ("override_provider", prior.get("override_provider").clone()),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(
                    tagging
                        .tag_set()
                        .iter()
                        .map(|t| (t.key().to_string(), t.value().to_string())),
                ),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (bucket, key) = locate(id, prior)?;
        let (bucket, key) = (bucket.as_str(), key.as_str());
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if CONTENT.iter().any(|k| changed(k)) {
            self.upload(bucket, key, planned).await?;
            return must_exist(self.read(ctx, id, planned).await?, "object", id);
        }
        if changed("acl") {
            if let Some(acl) = opt_str(planned, "acl") {
                self.c
                    .s3
                    .put_object_acl()
                    .bucket(bucket)
                    .key(key)
                    .acl(ObjectCannedAcl::from(acl.as_str()))
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        if changed("object_lock_legal_hold_status") {
            let status = opt_str(planned, "object_lock_legal_hold_status").unwrap_or_else(|| "OFF".into());
            self.c
                .s3
                .put_object_legal_hold()
                .bucket(bucket)
                .key(key)
                .legal_hold(
                    ObjectLockLegalHold::builder()
                        .status(ObjectLockLegalHoldStatus::from(status.as_str()))
                        .build(),
                )
                .send()
                .await
                .map_err(aws_err)?;
        }
        if changed("object_lock_mode") || changed("object_lock_retain_until_date") {
            let (old, new) = (
                date(prior, "object_lock_retain_until_date")?,
                date(planned, "object_lock_retain_until_date")?,
            );
            // Lowering or clearing the date needs the governance bypass, as in the provider.
            let bypass = new.is_none() || matches!((old, new), (Some(o), Some(n)) if n.secs() < o.secs());
            self.c
                .s3
                .put_object_retention()
                .bucket(bucket)
                .key(key)
                .retention(
                    ObjectLockRetention::builder()
                        .set_mode(
                            opt_str(planned, "object_lock_mode").map(|m| ObjectLockRetentionMode::from(m.as_str())),
                        )
                        .set_retain_until_date(new)
                        .build(),
                )
                .set_bypass_governance_retention(bypass.then_some(true))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !add.is_empty() || !remove.is_empty() {
            self.put_tags(bucket, key, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "object", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (bucket, key) = locate(id, prior)?;
        let (bucket, key) = (bucket.as_str(), key.as_str());
        let force = opt_bool(prior, "force_destroy") == Some(true);
        let versions = if prior.get("version_id").is_null() {
            vec![]
        } else {
            match absent_on(self.versions(bucket, key).await, &["NoSuchBucket"])? {
                Some(v) => v,
                None => return Ok(()),
            }
        };
        if versions.is_empty() {
            let r = self
                .c
                .s3
                .delete_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(aws_err);
            return absent_on(r, ABSENT).map(|_| ());
        }
        for version in versions {
            let v = VersionRef {
                key: key.to_string(),
                version_id: Some(version),
            };
            delete_version(&self.c.s3, bucket, &v, force).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_ids_follow_the_provider() {
        assert_eq!(clean_key("./a//b///c"), "a/b/c");
        assert_eq!(clean_key("/x"), "x");
        assert_eq!(split_id("s3://b/k/e/y").unwrap(), ("b", "k/e/y"));
        assert_eq!(split_id("b/k").unwrap(), ("b", "k"));
        assert!(split_id("nokey").is_err());
        let tags = indexmap::IndexMap::from([("a b".to_string(), "c&d".to_string())]);
        assert_eq!(tagging_header(&tags).as_deref(), Some("a%20b=c%26d"));
    }
}
