//! Data source `aws_kms_alias`: the key an alias name points at. An AWS-managed alias
//! (`alias/aws/s3`) may be listed before AWS made its key; DescribeKey by the alias makes it, so
//! the target is taken from DescribeKey, as the provider does.

use super::alias::find_alias;
use super::ALIAS_NAME;
use crate::provider::aws::common::{aws_err, required};
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::matches;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_kms_alias` data source.
pub struct AliasData {
    c: Arc<Clients>,
    schema: Schema,
}

impl AliasData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AliasData {
        let schema = data_source("aws_kms_alias")
            .arg("name")
            .check(matches(ALIAS_NAME, "alias/ then letters, digits and : / _ - only"))
            .build();
        AliasData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for AliasData {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let alias = find_alias(&self.c, &name)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("reading KMS Alias ({name}): no matching KMS Alias found")))?;
        let key = self
            .c
            .kms
            .describe_key()
            .key_id(&name)
            .send()
            .await
            .map_err(aws_err)?
            .key_metadata
            .ok_or_else(|| ProviderError::msg(format!("reading KMS Alias ({name}): DescribeKey returned no key")))?;
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::from(alias.alias_arn())),
                ("name", Value::str(&name)),
                ("arn", Value::from(alias.alias_arn())),
                ("target_key_id", Value::str(key.key_id())),
                ("target_key_arn", Value::from(key.arn())),
            ]),
        ))
    }
}
