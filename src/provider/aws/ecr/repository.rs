//! `aws_ecr_repository`: an image repository with tag mutability, scan on push, encryption and
//! tags; `force_delete` removes its images on destroy.

use super::to_tags;
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, opt_bool, opt_str, owns, required, tag_changes,
    tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecr::types::{EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability};
use std::sync::Arc;

/// The `aws_ecr_repository` resource type.
pub struct Repository {
    c: Arc<Clients>,
    schema: Schema,
}

impl Repository {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Repository {
        let schema = resource("aws_ecr_repository")
            .arg("name")
            .force_new()
            .arg("image_tag_mutability")
            .default("MUTABLE")
            .arg("force_delete")
            .default(false)
            .arg("image_scanning_configuration")
            .live_if_unset()
            .arg("image_scanning_configuration.scan_on_push")
            .default(false)
            .arg("encryption_configuration")
            .force_new()
            .live_if_unset()
            .arg("encryption_configuration.encryption_type")
            .default("AES256")
            .args(&["tags"])
            .arg("image_tag_mutability")
            .check(one_of(&["MUTABLE", "IMMUTABLE"]))
            .arg("encryption_configuration.encryption_type")
            .check(one_of(&["AES256", "KMS", "KMS_DSSE"]))
            .timeouts(0, 0, 20)
            .build();
        Repository { c, schema }
    }

    async fn tags_of(&self, arn: &str) -> PResult<Vec<(String, String)>> {
        let out = self
            .c
            .ecr
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect())
    }
}

fn first(v: &Value, block: &str) -> Option<Value> {
    v.get(block).as_list().and_then(|l| l.first()).cloned()
}

fn scan_on_push(v: &Value) -> bool {
    first(v, "image_scanning_configuration")
        .and_then(|s| opt_bool(&s, "scan_on_push"))
        .unwrap_or(false)
}

#[async_trait]
impl ResourceType for Repository {
    fn type_name(&self) -> &'static str {
        "aws_ecr_repository"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let encryption = first(planned, "encryption_configuration").map(|e| {
            EncryptionConfiguration::builder()
                .encryption_type(EncryptionType::from(
                    opt_str(&e, "encryption_type")
                        .unwrap_or_else(|| "AES256".into())
                        .as_str(),
                ))
                .set_kms_key(opt_str(&e, "kms_key"))
                .build()
        });
        let encryption = encryption.transpose().map_err(build_err)?;
        self.c
            .ecr
            .create_repository()
            .repository_name(&name)
            .image_tag_mutability(ImageTagMutability::from(
                opt_str(planned, "image_tag_mutability")
                    .unwrap_or_else(|| "MUTABLE".into())
                    .as_str(),
            ))
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(scan_on_push(planned))
                    .build(),
            )
            .set_encryption_configuration(encryption)
            .set_tags(Some(to_tags(tags_to_write(ctx, planned))?))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "repository", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ecr
            .describe_repositories()
            .repository_names(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["RepositoryNotFoundException"])? else {
            return Ok(None);
        };
        let Some(r) = out.repositories().first() else {
            return Ok(None);
        };
        let arn = r.repository_arn().unwrap_or_default().to_string();
        let tags = self.tags_of(&arn).await?;
        let encryption = r.encryption_configuration().map(|e| {
            Value::object([
                ("encryption_type", Value::str(e.encryption_type().as_str())),
                ("kms_key", Value::from(e.kms_key())),
            ])
        });
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            (
                "image_tag_mutability",
                Value::str(
                    r.image_tag_mutability()
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_else(|| "MUTABLE".into()),
                ),
            ),
            (
                "image_scanning_configuration",
                Value::List(vec![Value::object([(
                    "scan_on_push",
                    Value::Bool(
                        r.image_scanning_configuration()
                            .map(|s| s.scan_on_push())
                            .unwrap_or(false),
                    ),
                )])]),
            ),
            (
                "encryption_configuration",
                Value::List(encryption.into_iter().collect()),
            ),
            (
                "force_delete",
                Value::Bool(opt_bool(prior, "force_delete").unwrap_or(false)),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
            ("arn", Value::str(&arn)),
            ("registry_id", Value::from(r.registry_id())),
            ("repository_url", Value::from(r.repository_uri())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("image_tag_mutability") != planned.get("image_tag_mutability") {
            self.c
                .ecr
                .put_image_tag_mutability()
                .repository_name(id)
                .image_tag_mutability(ImageTagMutability::from(
                    opt_str(planned, "image_tag_mutability")
                        .unwrap_or_else(|| "MUTABLE".into())
                        .as_str(),
                ))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if scan_on_push(prior) != scan_on_push(planned) {
            self.c
                .ecr
                .put_image_scanning_configuration()
                .repository_name(id)
                .image_scanning_configuration(
                    ImageScanningConfiguration::builder()
                        .scan_on_push(scan_on_push(planned))
                        .build(),
                )
                .send()
                .await
                .map_err(aws_err)?;
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !remove.is_empty() {
            self.c
                .ecr
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(remove))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !add.is_empty() {
            self.c
                .ecr
                .tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(to_tags(add)?))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let mut v = must_exist(self.read(ctx, id, planned).await?, "repository", id)?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "force_delete".into(),
                Value::Bool(opt_bool(planned, "force_delete").unwrap_or(false)),
            );
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ecr
            .delete_repository()
            .repository_name(id)
            .force(opt_bool(prior, "force_delete").unwrap_or(false))
            .send()
            .await
            .map_err(aws_err);
        match absent_on(r, &["RepositoryNotFoundException"]) {
            Err(e) if e.code.as_deref() == Some("RepositoryNotEmptyException") => Err(ProviderError {
                code: e.code,
                message: format!(
                    "{}. Set force_delete = true to delete its images too.",
                    e.message.trim_end_matches('.')
                ),
            }),
            other => other.map(|_| ()),
        }
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let out = self
            .c
            .ecr
            .describe_repositories()
            .repository_names(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["RepositoryNotFoundException"])? else {
            return Ok(None);
        };
        let Some(arn) = out.repositories().first().and_then(|r| r.repository_arn()) else {
            return Ok(None);
        };
        let tags = self.tags_of(arn).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}
