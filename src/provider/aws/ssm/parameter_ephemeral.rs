//! `ephemeral "aws_ssm_parameter"`: a Parameter Store parameter's value, read (decrypted unless
//! `with_decryption = false`) when a run needs it and never stored. Addressed by ARN, as the
//! provider's ephemeral resource is.

use crate::provider::aws::common::{aws_err, required};
use crate::provider::aws::schema::ephemeral;
use crate::provider::aws::Clients;
use crate::provider::{EphemeralType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ssm_parameter` ephemeral resource type.
pub struct ParameterEphemeral {
    c: Arc<Clients>,
    schema: Schema,
}

impl ParameterEphemeral {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ParameterEphemeral {
        let schema = ephemeral("aws_ssm_parameter").args(&["arn", "with_decryption"]).build();
        ParameterEphemeral { c, schema }
    }
}

#[async_trait]
impl EphemeralType for ParameterEphemeral {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn open(&self, config: &Value) -> PResult<Value> {
        let arn = required(config, "arn")?;
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        // GetParameter takes the ARN as the name.
        let p = get_parameter(&self.c, &arn, decrypt).await?;
        Ok(Value::object([
            ("arn", Value::from(p.arn().map(str::to_string).unwrap_or(arn))),
            ("name", Value::from(p.name())),
            ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
            ("value", Value::from(p.value())),
            ("version", Value::from(p.version())),
            ("with_decryption", Value::Bool(decrypt)),
        ]))
    }
}

/// One parameter by name or ARN (a `:version` or `:label` selector included), decrypted when
/// asked: what the ephemeral resource and the data source read.
pub async fn get_parameter(c: &Clients, name: &str, decrypt: bool) -> PResult<aws_sdk_ssm::types::Parameter> {
    let out = c
        .ssm
        .get_parameter()
        .name(name)
        .with_decryption(decrypt)
        .send()
        .await
        .map_err(aws_err)?;
    out.parameter()
        .cloned()
        .ok_or_else(|| ProviderError::msg(format!("SSM parameter {name} not found")))
}
