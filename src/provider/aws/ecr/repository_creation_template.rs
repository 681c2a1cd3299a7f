//! `aws_ecr_repository_creation_template`: the settings ECR gives the repositories it creates
//! itself under a prefix (by pull through cache, replication or push): tag mutability,
//! encryption, policies and tags. Its id is the prefix; everything but the prefix changes in
//! place (UpdateRepositoryCreationTemplate), as in the provider.

use super::to_tags;
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, differs, first, json_as_configured, list_value, must_exist, opt_str, required,
    str_list, string_pairs,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, items_at_least, json, len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecr::types::{
    EncryptionConfigurationForRepositoryCreationTemplate as Encryption, EncryptionType, ImageTagMutability,
    RctAppliedFor, RepositoryCreationTemplate,
};
use std::sync::Arc;

/// What ECR answers for a prefix that has no template.
const GONE: &[&str] = &["TemplateNotFoundException"];

/// The prefix as the provider checks it. Its pattern is unanchored there, so a value passes when
/// any part of it matches; kept so, to refuse exactly what the provider refuses.
const PREFIX_PATTERN: &str = r"(?:ROOT|(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)";

/// The `aws_ecr_repository_creation_template` resource type.
pub struct CreationTemplate {
    c: Arc<Clients>,
    schema: Schema,
}

impl CreationTemplate {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CreationTemplate {
        let schema = resource("aws_ecr_repository_creation_template")
            .arg("prefix")
            .force_new()
            .check(len_between(2, 256))
            .check(matches(
                PREFIX_PATTERN,
                "only alphanumeric, underscore, period, hyphen, or slash characters, or the string `ROOT`",
            ))
            .arg("applied_for")
            .check(one_of(&["REPLICATION", "PULL_THROUGH_CACHE"]))
            .check(items_at_least(1))
            .arg("custom_role_arn")
            .check(arn())
            .arg("description")
            .check(len_between(0, 255))
            .arg("image_tag_mutability")
            .default("MUTABLE")
            .check(one_of(&["MUTABLE", "IMMUTABLE"]))
            .arg("lifecycle_policy")
            .check(json())
            .arg("repository_policy")
            .check(json())
            .compare_policy()
            .arg("encryption_configuration")
            .live_if_unset()
            .arg("encryption_configuration.encryption_type")
            .default("AES256")
            .check(one_of(&["AES256", "KMS", "KMS_DSSE"]))
            .args(&["resource_tags"])
            .build();
        CreationTemplate { c, schema }
    }
}

/// The `encryption_configuration` block as ECR takes it.
fn encryption(planned: &Value) -> PResult<Option<Encryption>> {
    first(planned, "encryption_configuration")
        .map(|e| {
            Encryption::builder()
                .encryption_type(EncryptionType::from(
                    opt_str(e, "encryption_type").as_deref().unwrap_or("AES256"),
                ))
                .set_kms_key(opt_str(e, "kms_key"))
                .build()
                .map_err(build_err)
        })
        .transpose()
}

/// `resource_tags` as ECR takes them.
fn resource_tags(planned: &Value) -> PResult<Vec<aws_sdk_ecr::types::Tag>> {
    to_tags(string_pairs(planned.get("resource_tags")))
}

/// A template as state records it; the policies keep the blueprint's text where ECR's copy means
/// the same document.
fn state_of(t: &RepositoryCreationTemplate, registry: Option<&str>, prior: &Value) -> Value {
    let mut applied: Vec<String> = t.applied_for().iter().map(|a| a.as_str().to_string()).collect();
    applied.sort();
    let encryption = t.encryption_configuration().map(|e| {
        Value::object([
            ("encryption_type", Value::str(e.encryption_type().as_str())),
            ("kms_key", Value::from(e.kms_key())),
        ])
    });
    let tags = t
        .resource_tags()
        .iter()
        .map(|tag| (tag.key().to_string(), Value::str(tag.value())));
    Value::object([
        ("id", Value::from(t.prefix())),
        ("prefix", Value::from(t.prefix())),
        ("applied_for", list_value(applied)),
        ("custom_role_arn", Value::from(t.custom_role_arn())),
        ("description", Value::from(t.description())),
        (
            "image_tag_mutability",
            Value::str(t.image_tag_mutability().map_or("MUTABLE", |m| m.as_str())),
        ),
        (
            "lifecycle_policy",
            json_as_configured(prior.get("lifecycle_policy"), t.lifecycle_policy().map(str::to_string)),
        ),
        (
            "repository_policy",
            json_as_configured(
                prior.get("repository_policy"),
                t.repository_policy().map(str::to_string),
            ),
        ),
        (
            "encryption_configuration",
            Value::List(encryption.into_iter().collect()),
        ),
        ("resource_tags", Value::Object(tags.collect())),
        ("registry_id", Value::from(registry)),
    ])
}

/// `applied_for` as ECR takes it.
fn applied_for(planned: &Value) -> Vec<RctAppliedFor> {
    str_list(planned, "applied_for")
        .iter()
        .map(|a| RctAppliedFor::from(a.as_str()))
        .collect()
}

#[async_trait]
impl ResourceType for CreationTemplate {
    fn type_name(&self) -> &'static str {
        "aws_ecr_repository_creation_template"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let prefix = required(planned, "prefix")?;
        self.c
            .ecr
            .create_repository_creation_template()
            .prefix(&prefix)
            .set_applied_for(Some(applied_for(planned)))
            .set_custom_role_arn(opt_str(planned, "custom_role_arn"))
            .set_description(opt_str(planned, "description"))
            .set_image_tag_mutability(
                opt_str(planned, "image_tag_mutability").map(|m| ImageTagMutability::from(m.as_str())),
            )
            .set_lifecycle_policy(opt_str(planned, "lifecycle_policy"))
            .set_repository_policy(opt_str(planned, "repository_policy"))
            .set_encryption_configuration(encryption(planned)?)
            .set_resource_tags(Some(resource_tags(planned)?).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, &prefix, planned).await?,
            "ECR repository creation template",
            &prefix,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ecr
            .describe_repository_creation_templates()
            .prefixes(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, GONE)? else {
            return Ok(None);
        };
        Ok(out
            .repository_creation_templates()
            .iter()
            .find(|t| t.prefix() == Some(id))
            .map(|t| state_of(t, out.registry_id(), prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Only what changed is sent, as the provider sends it: an unchanged unset role would be
        // `""`, which the role ARN's pattern refuses.
        let changed = |name: &str| differs(prior, planned, name);
        let cleared = |name: &str| changed(name).then(|| opt_str(planned, name).unwrap_or_default());
        self.c
            .ecr
            .update_repository_creation_template()
            .prefix(id)
            .set_applied_for(changed("applied_for").then(|| applied_for(planned)))
            .set_custom_role_arn(cleared("custom_role_arn"))
            .set_description(cleared("description"))
            .set_image_tag_mutability(
                changed("image_tag_mutability")
                    .then(|| opt_str(planned, "image_tag_mutability"))
                    .flatten()
                    .map(|m| ImageTagMutability::from(m.as_str())),
            )
            .set_lifecycle_policy(cleared("lifecycle_policy"))
            .set_repository_policy(cleared("repository_policy"))
            .set_encryption_configuration(if changed("encryption_configuration") {
                encryption(planned)?
            } else {
                None
            })
            .set_resource_tags(if changed("resource_tags") {
                Some(resource_tags(planned)?)
            } else {
                None
            })
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, id, planned).await?,
            "ECR repository creation template",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ecr
            .delete_repository_creation_template()
            .prefix(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, GONE).map(|_| ())
    }
}
