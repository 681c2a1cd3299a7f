//! `aws_secretsmanager_secret`: a secret's metadata (name, description, KMS key, resource
//! policy, tags), without a value: values are `aws_secretsmanager_secret_version`s. Deleting
//! schedules deletion after `recovery_window_in_days` (0 deletes at once), as in Terraform.
//! The id is the secret ARN.

use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, json_as_configured, must_exist, name_or_generated, name_prefix_from_name,
    opt_str, owns, read_beside, sync_tags, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, int_between, int_in, json, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::Tag;
use std::sync::Arc;

/// Not-found codes.
const ABSENT: &[&str] = &["ResourceNotFoundException"];

/// The `aws_secretsmanager_secret` resource type.
pub struct Secret {
    c: Arc<Clients>,
    schema: Schema,
}

impl Secret {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Secret {
        let schema = resource("aws_secretsmanager_secret")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("recovery_window_in_days")
            .default(30)
            .arg("force_overwrite_replica_secret")
            .default(false)
            .args(&["description", "kms_key_id", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(matches(
                r"^[0-9A-Za-z/_+=.@-]*$",
                "letters, digits and / _ + = . @ - only",
            ))
            .arg("name_prefix")
            .check(matches(
                r"^[0-9A-Za-z/_+=.@-]*$",
                "letters, digits and / _ + = . @ - only",
            ))
            .arg("recovery_window_in_days")
            .check(any_of(vec![int_between(7, 30), int_in(&[0])]))
            .build();
        Secret { c, schema }
    }

    /// The secret by name or ARN; `None` when absent or scheduled for deletion.
    pub async fn describe(&self, id: &str) -> PResult<Option<DescribeSecretOutput>> {
        let r = self
            .c
            .secrets
            .describe_secret()
            .secret_id(id)
            .send()
            .await
            .map_err(aws_err);
        // A secret scheduled for deletion is gone as far as the blueprint is concerned.
        Ok(absent_on(r, ABSENT)?.filter(|d| d.deleted_date().is_none()))
    }

    async fn put_policy(&self, arn: &str, planned: &Value) -> PResult<()> {
        match opt_str(planned, "policy") {
            Some(policy) => {
                self.c
                    .secrets
                    .put_resource_policy()
                    .secret_id(arn)
                    .resource_policy(policy)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
            None => {
                self.c
                    .secrets
                    .delete_resource_policy()
                    .secret_id(arn)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        Ok(())
    }
}

fn tags(pairs: indexmap::IndexMap<String, String>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

#[async_trait]
impl ResourceType for Secret {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let out = self
            .c
            .secrets
            .create_secret()
            .name(&name)
            .set_description(opt_str(planned, "description"))
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_tags(Some(tags(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .arn()
            .ok_or_else(|| ProviderError::msg("CreateSecret returned no ARN"))?
            .to_string();
        if opt_str(planned, "policy").is_some() {
            self.put_policy(&arn, planned).await?;
        }
        must_exist(self.read(ctx, &arn, planned).await?, "secret", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // The resource policy is read beside the secret: it needs only the secret's id.
        let policy = async {
            self.c
                .secrets
                .get_resource_policy()
                .secret_id(id)
                .send()
                .await
                .map_err(aws_err)
        };
        let Some((d, policy)) = read_beside(self.describe(id), policy).await? else {
            return Ok(None);
        };
        let policy = policy.resource_policy().map(str::to_string);
        let policy = json_as_configured(prior.get("policy"), policy);
        let keep = |k: &str, default: Value| match prior.get(k) {
            Value::Null | Value::Unknown => default,
            v => v.clone(),
        };
        let tag_pairs = d.tags().iter().map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        });
        Ok(Some(Value::object([
            ("id", Value::from(d.arn())),
            ("name", Value::from(d.name())),
            // Recovered from the name, as the provider's read does, so an imported secret made
            // from a prefix keeps it (and is not replaced to get it back).
            (
                "name_prefix",
                Value::from(d.name().and_then(|n| name_prefix_from_name(n, ""))),
            ),
            ("description", Value::from(d.description())),
            ("kms_key_id", Value::from(d.kms_key_id())),
            ("policy", policy),
            (
                "recovery_window_in_days",
                keep("recovery_window_in_days", Value::from(30)),
            ),
            (
                "force_overwrite_replica_secret",
                keep("force_overwrite_replica_secret", Value::Bool(false)),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs)),
            ("arn", Value::from(d.arn())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("description") || changed("kms_key_id") {
            self.c
                .secrets
                .update_secret()
                .secret_id(id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .set_kms_key_id(opt_str(planned, "kms_key_id"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if changed("policy") && !planned.get("policy").has_unknown() {
            self.put_policy(id, planned).await?;
        }
        let sm = &self.c.secrets;
        sync_tags(
            prior,
            planned,
            |keys| async move {
                let r = sm.untag_resource().secret_id(id).set_tag_keys(Some(keys)).send().await;
                r.map(|_| ()).map_err(aws_err)
            },
            |add| async move {
                let r = sm.tag_resource().secret_id(id).set_tags(Some(tags(add))).send().await;
                r.map(|_| ()).map_err(aws_err)
            },
        )
        .await?;
        must_exist(self.read(ctx, id, planned).await?, "secret", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let window = prior.get("recovery_window_in_days").as_number().unwrap_or(30.0) as i64;
        let mut req = self.c.secrets.delete_secret().secret_id(id);
        req = if window == 0 {
            req.force_delete_without_recovery(true)
        } else {
            req.recovery_window_in_days(window)
        };
        let r = req.send().await.map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(d) = self.describe(&name).await? else {
            return Ok(None);
        };
        let tags = d.tags().iter().filter_map(|t| Some((t.key()?, t.value()?)));
        Ok(owns(tags, ctx).then(|| d.arn().unwrap_or_default().to_string()))
    }
}
