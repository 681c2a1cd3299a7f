//! Data source `aws_secretsmanager_secret`: a secret's metadata (not its value) by ARN or name.

use crate::provider::aws::common::opt_str;
use crate::provider::aws::lookup::{project, read_as_resource, rfc3339};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::{arn, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_secretsmanager_secret` data source.
pub struct SecretData {
    secret: super::secret::Secret,
    schema: Schema,
}

impl SecretData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecretData {
        let schema = data_source("aws_secretsmanager_secret")
            .args(&["name", "tags"])
            .arg("arn")
            .check(arn())
            .rule(Rule::ExactlyOne(&["arn", "name"]))
            .build();
        SecretData {
            secret: super::secret::Secret::new(c),
            schema,
        }
    }
}

#[async_trait]
impl DataSourceType for SecretData {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let id = opt_str(config, "arn")
            .or_else(|| opt_str(config, "name"))
            .ok_or_else(|| ProviderError::msg("one of arn or name is required"))?;
        const WHAT: &str = "Secrets Manager Secret";
        let d = self
            .secret
            .describe(&id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("no matching {WHAT} found")))?;
        let arn = d.arn().unwrap_or(&id).to_string();
        let read = read_as_resource(&self.secret, &arn, WHAT).await?;
        let mut v = project(&read, &self.schema, config);
        if let Value::Object(m) = &mut v {
            m.insert("created_date".into(), Value::from(d.created_date().map(rfc3339)));
            m.insert(
                "last_changed_date".into(),
                Value::from(d.last_changed_date().map(rfc3339)),
            );
        }
        Ok(v)
    }
}
