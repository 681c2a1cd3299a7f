//! Data source `aws_lambda_function`: a function someone else deploys, read by name (and a
//! version or alias as `qualifier`), as the lambda module's deploy submodule reads the version
//! an alias points at. The attributes are the resource's read; without a qualifier `version`
//! and `qualified_arn` are the newest published version's, `$LATEST` when there is none, and
//! `source_code_hash` is Lambda's code digest, as the provider's data source sets them.

use super::function::{latest_version, to_state};
use super::{get_function, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, opt_str, required};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_lambda_function` data source.
pub struct FunctionData {
    c: Arc<Clients>,
    schema: Schema,
}

impl FunctionData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> FunctionData {
        let schema = data_source("aws_lambda_function")
            .args(&["function_name", "qualifier", "tags"])
            .build();
        FunctionData { c, schema }
    }

    /// The code signing configuration a function uses, empty when none.
    async fn code_signing_config(&self, name: &str) -> PResult<String> {
        let r = self
            .c
            .lambda
            .get_function_code_signing_config()
            .function_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?
            .map(|o| o.code_signing_config_arn().to_string())
            .unwrap_or_default())
    }
}

/// A function ARN without its version or alias (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`).
fn unqualified(arn: &str) -> String {
    arn.split(':').take(7).collect::<Vec<_>>().join(":")
}

#[async_trait]
impl DataSourceType for FunctionData {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "function_name")?;
        let qualifier = opt_str(config, "qualifier");
        let out = get_function(&self.c, &name, qualifier.as_deref())
            .await?
            .ok_or_else(|| ProviderError::msg(format!("reading Lambda Function ({name}): not found")))?;
        let fname = out
            .configuration()
            .and_then(|f| f.function_name())
            .unwrap_or(&name)
            .to_string();
        // With a qualifier, the configuration GetFunction answered is that version's.
        let version = match &qualifier {
            Some(_) => out.configuration().cloned(),
            None => latest_version(&self.c, &fname).await?,
        };
        let signing = self.code_signing_config(&fname).await?;
        let mut state = to_state(&self.c.region, &out, version, &Value::Null);
        let Value::Object(m) = &mut state else {
            return Ok(state);
        };
        if let Some(arn) = m.get("arn").and_then(Value::as_str).map(unqualified) {
            m.insert("arn".into(), Value::str(arn));
        }
        m.insert(
            "source_code_hash".into(),
            m.get("code_sha256").cloned().unwrap_or_default(),
        );
        m.insert("code_signing_config_arn".into(), Value::str(signing));
        m.insert("qualifier".into(), Value::from(qualifier));
        m.insert("tags".into(), m.get("tags_all").cloned().unwrap_or_default());
        let attrs = &self.schema.attrs;
        m.retain(|k, _| attrs.contains_key(k.as_str()));
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qualified_arn_loses_its_version_or_alias() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(unqualified(&format!("{arn}:7")), arn);
        assert_eq!(unqualified(&format!("{arn}:live")), arn);
        assert_eq!(unqualified(arn), arn);
    }
}
