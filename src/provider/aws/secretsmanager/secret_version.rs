//! `aws_secretsmanager_secret_version`: one value of a secret. `secret_string` and
//! `secret_binary` are sensitive: plans never show them and state keeps only their SHA-256
//! digests (the live value is read and hashed to detect drift). A new value is a new version
//! (replacement); staging labels move in place. The id is `SECRET-ARN|VERSION-ID`, as in
//! Terraform. `secret_string_wo` is the write-only form (Terraform 1.11): sent to AWS, never
//! stored, not even as a digest; a new `secret_string_wo_version` makes a new version with it.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required, secret_digest, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use base64::Engine;
use std::sync::Arc;

/// The stage AWS gives the newest version; it cannot be taken away, only moved.
const CURRENT: &str = "AWSCURRENT";

/// The `aws_secretsmanager_secret_version` resource type.
pub struct SecretVersion {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecretVersion {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecretVersion {
        let schema = resource("aws_secretsmanager_secret_version")
            .arg("secret_id")
            .force_new()
            .arg("secret_string")
            .force_new()
            .normalized(secret_digest)
            .arg("secret_binary")
            .force_new()
            .normalized(secret_digest)
            .arg("secret_string_wo")
            .arg("secret_string_wo_version")
            .force_new()
            .args(&["version_stages"])
            .rule(Rule::Conflicts(&["secret_string", "secret_binary", "secret_string_wo"]))
            .rule(Rule::RequiredWith("secret_string_wo", &["secret_string_wo_version"]))
            .rule(Rule::RequiredWith("secret_string_wo_version", &["secret_string_wo"]))
            .build();
        SecretVersion { c, schema }
    }

    async fn move_stages(&self, secret: &str, version: &str, add: &[String], remove: &[String]) -> PResult<()> {
        for stage in add {
            self.c
                .secrets
                .update_secret_version_stage()
                .secret_id(secret)
                .version_stage(stage)
                .move_to_version_id(version)
                .send()
                .await
                .map_err(aws_err)?;
        }
        for stage in remove.iter().filter(|s| *s != CURRENT) {
            self.c
                .secrets
                .update_secret_version_stage()
                .secret_id(secret)
                .version_stage(stage)
                .remove_from_version_id(version)
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }
}

fn split_id(id: &str) -> PResult<(&str, &str)> {
    id.split_once('|').ok_or_else(|| {
        ProviderError::msg(format!(
            "invalid secret version id {id:?}: expected SECRET-ARN|VERSION-ID"
        ))
    })
}

#[async_trait]
impl ResourceType for SecretVersion {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let secret = required(planned, "secret_id")?;
        let binary = opt_str(planned, "secret_binary")
            .map(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.as_bytes())
                    .map_err(|e| ProviderError::msg(format!("secret_binary must be base64: {e}")))
            })
            .transpose()?;
        let stages = str_list(planned, "version_stages");
        // The request token makes a retried call (after a lost answer, or by the run after a
        // killed one) create one version only.
        let out = self
            .c
            .secrets
            .put_secret_value()
            .secret_id(&secret)
            .set_secret_string(opt_str(planned, "secret_string").or_else(|| opt_str(planned, "secret_string_wo")))
            .set_secret_binary(binary.map(aws_sdk_secretsmanager::primitives::Blob::new))
            .set_version_stages(Some(stages).filter(|s| !s.is_empty()))
            .client_request_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!(
            "{}|{}",
            out.arn().unwrap_or(&secret),
            out.version_id().unwrap_or_default()
        );
        must_exist(self.read(ctx, &id, planned).await?, "secret version", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (secret, version) = split_id(id)?;
        let r = self
            .c
            .secrets
            .get_secret_value()
            .secret_id(secret)
            .version_id(version)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["ResourceNotFoundException"])? else {
            return Ok(None);
        };
        // A value written through secret_string_wo is kept nowhere, not even as a digest.
        let write_only = !prior.get("secret_string_wo_version").is_null()
            || prior.get("has_secret_string_wo").as_bool() == Some(true);
        let string = out.secret_string().filter(|_| !write_only).map(secret_digest);
        let binary = out
            .secret_binary()
            .map(|b| secret_digest(&base64::engine::general_purpose::STANDARD.encode(b.as_ref())));
        let stages: Vec<Value> = out.version_stages().iter().map(Value::str).collect();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            (
                "secret_id",
                match prior.get("secret_id") {
                    Value::Null | Value::Unknown => Value::str(secret),
                    v => v.clone(),
                },
            ),
            ("secret_string", Value::from(string)),
            ("secret_binary", Value::from(binary)),
            ("version_stages", Value::List(stages)),
            (
                "secret_string_wo_version",
                prior.get("secret_string_wo_version").clone(),
            ),
            ("has_secret_string_wo", Value::Bool(write_only)),
            ("arn", Value::from(out.arn())),
            ("version_id", Value::str(version)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (secret, version) = split_id(id)?;
        let old = str_list(prior, "version_stages");
        let new = str_list(planned, "version_stages");
        let add: Vec<String> = new.iter().filter(|s| !old.contains(s)).cloned().collect();
        let remove: Vec<String> = old.iter().filter(|s| !new.contains(s)).cloned().collect();
        self.move_stages(secret, version, &add, &remove).await?;
        must_exist(self.read(ctx, id, planned).await?, "secret version", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // Versions are not deleted, only unlabelled (AWS drops unlabelled versions itself);
        // AWSCURRENT stays until a newer version takes it, as with Terraform.
        let (secret, version) = split_id(id)?;
        let stages = str_list(prior, "version_stages");
        let r = self.move_stages(secret, version, &[], &stages).await;
        absent_on(r, &["ResourceNotFoundException", "InvalidRequestException"]).map(|_| ())
    }
}
