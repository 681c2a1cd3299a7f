//! Data source `aws_ssm_parameter`: a Parameter Store parameter by name (decrypted unless
//! `with_decryption = false`). `value` is sensitive; `insecure_value` repeats it for the
//! parameters that are not SecureString, as the provider does, so that they can be shown.

use super::parameter_ephemeral::get_parameter;
use crate::provider::aws::common::required;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::types::ParameterType;
use std::sync::Arc;

/// The `aws_ssm_parameter` data source.
pub struct ParameterData {
    c: Arc<Clients>,
    schema: Schema,
}

impl ParameterData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ParameterData {
        let schema = data_source("aws_ssm_parameter")
            .args(&["name", "with_decryption"])
            .build();
        ParameterData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for ParameterData {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Only a SecureString's value is a secret: the others are published as `insecure_value`
    /// on purpose, which concealing them wherever they turn up would defeat. (`value` stays
    /// sensitive, as the provider marks it, and state keeps its digest either way.)
    fn secrets_in(&self, read: &Value) -> Vec<String> {
        match read.get("type").as_str() {
            Some("SecureString") => read.get("value").as_str().map(str::to_string).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let p = get_parameter(&self.c, &name, decrypt).await?;
        let value = Value::from(p.value());
        let insecure = match p.r#type() {
            Some(ParameterType::SecureString) => Value::Null,
            _ => value.clone(),
        };
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::from(p.name())),
                ("arn", Value::from(p.arn())),
                ("name", Value::from(p.name())),
                ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
                ("value", value),
                ("insecure_value", insecure),
                ("version", Value::from(p.version())),
            ]),
        ))
    }
}
