//! Data source `aws_secretsmanager_secret_version`: one version of a secret (`AWSCURRENT` unless
//! `version_id` or `version_stage` say otherwise), its value sensitive. State keeps only its
//! digest (see [`crate::provider::DataSourceType::state_value`]).

use super::secret_version_ephemeral::get_secret_value;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_secretsmanager_secret_version` data source.
pub struct SecretVersionData {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecretVersionData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecretVersionData {
        let schema = data_source("aws_secretsmanager_secret_version")
            .args(&["secret_id", "version_id", "version_stage"])
            .build();
        SecretVersionData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for SecretVersionData {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let (secret, _, out) = get_secret_value(&self.c, config).await?;
        let version = out.version_id().unwrap_or_default().to_string();
        // The provider sets the bytes as they are (Go's string(b)), not base64.
        let binary = out
            .secret_binary()
            .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned());
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(format!("{secret}|{version}"))),
                ("arn", Value::from(out.arn())),
                ("created_date", Value::from(out.created_date().map(rfc3339))),
                ("secret_binary", Value::from(binary)),
                ("secret_string", Value::from(out.secret_string())),
                ("version_id", Value::str(version)),
                (
                    "version_stages",
                    Value::List(out.version_stages().iter().map(Value::str).collect()),
                ),
            ]),
        ))
    }
}
