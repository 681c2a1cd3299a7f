//! `ephemeral "aws_secretsmanager_secret_version"`: one version of a secret (`AWSCURRENT` unless
//! `version_id` or `version_stage` say otherwise), read when a run needs it and never stored.

use crate::provider::aws::common::{aws_err, opt_str, required};
use crate::provider::aws::schema::ephemeral;
use crate::provider::aws::Clients;
use crate::provider::{EphemeralType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use base64::Engine;
use std::sync::Arc;

/// The `aws_secretsmanager_secret_version` ephemeral resource type.
pub struct SecretVersionEphemeral {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecretVersionEphemeral {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecretVersionEphemeral {
        let schema = ephemeral("aws_secretsmanager_secret_version")
            .args(&["secret_id", "version_id", "version_stage"])
            .build();
        SecretVersionEphemeral { c, schema }
    }
}

#[async_trait]
impl EphemeralType for SecretVersionEphemeral {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn open(&self, config: &Value) -> PResult<Value> {
        let (secret, stage, out) = get_secret_value(&self.c, config).await?;
        let binary = out
            .secret_binary()
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b.as_ref()));
        let created = out
            .created_date()
            .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
        Ok(Value::object([
            ("arn", Value::from(out.arn())),
            ("created_date", Value::from(created)),
            ("secret_binary", Value::from(binary)),
            ("secret_id", Value::str(&secret)),
            ("secret_string", Value::from(out.secret_string())),
            ("version_id", Value::from(out.version_id())),
            ("version_stage", Value::from(stage)),
            (
                "version_stages",
                Value::List(out.version_stages().iter().map(Value::str).collect()),
            ),
        ]))
    }
}

/// The version of the secret a configuration names (`secret_id`, and `version_id` or
/// `version_stage`, `AWSCURRENT` when neither is set): the secret id, the stage asked for and
/// AWS's answer. What the ephemeral resource and the data source read.
pub async fn get_secret_value(c: &Clients, config: &Value) -> PResult<(String, Option<String>, GetSecretValueOutput)> {
    let secret = required(config, "secret_id")?;
    let version_id = opt_str(config, "version_id");
    let stage = opt_str(config, "version_stage").or_else(|| version_id.is_none().then(|| "AWSCURRENT".into()));
    let out = c
        .secrets
        .get_secret_value()
        .secret_id(&secret)
        .set_version_id(version_id)
        .set_version_stage(stage.clone())
        .send()
        .await
        .map_err(aws_err)?;
    Ok((secret, stage, out))
}
