//! Data source `aws_arn`: an ARN split into its parts, locally (no call), as the provider's
//! ARN parser splits it: six `:`-separated sections, the last (the resource) keeping any `:`.

use crate::provider::aws::common::required;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;

/// The `aws_arn` data source.
pub struct Arn {
    schema: Schema,
}

impl Arn {
    /// Creates the type (it needs no clients).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Arn {
        let schema = data_source("aws_arn").arg("arn").check(arn()).build();
        Arn { schema }
    }
}

/// The parts of an ARN: partition, service, region, account and resource.
#[derive(Debug, PartialEq)]
pub struct Parts<'a> {
    /// `aws`, `aws-cn`, ...
    pub partition: &'a str,
    /// The service namespace.
    pub service: &'a str,
    /// The region; empty for global services.
    pub region: &'a str,
    /// The account id; empty for some (S3 buckets).
    pub account: &'a str,
    /// Everything after the fifth `:`.
    pub resource: &'a str,
}

/// Splits an ARN, with the parser's messages for what it refuses.
pub fn parse(text: &str) -> Result<Parts<'_>, String> {
    let s: Vec<&str> = text.splitn(6, ':').collect();
    if s.len() != 6 {
        return Err("arn: not enough sections".into());
    }
    let checks = [
        (s[0] == "arn", "arn: invalid prefix"),
        (!s[1].is_empty(), "arn: invalid partition"),
        (!s[2].is_empty(), "arn: invalid service"),
        (!s[5].is_empty(), "arn: invalid resource"),
    ];
    if let Some((_, e)) = checks.iter().find(|(ok, _)| !ok) {
        return Err((*e).into());
    }
    Ok(Parts {
        partition: s[1],
        service: s[2],
        region: s[3],
        account: s[4],
        resource: s[5],
    })
}

#[async_trait]
impl DataSourceType for Arn {
    fn type_name(&self) -> &'static str {
        "aws_arn"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let text = required(config, "arn")?;
        let p = parse(&text).map_err(|e| ProviderError::msg(format!("parsing ARN ({text}): {e}")))?;
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&text)),
                ("partition", Value::str(p.partition)),
                ("service", Value::str(p.service)),
                ("region", Value::str(p.region)),
                ("account", Value::str(p.account)),
                ("resource", Value::str(p.resource)),
            ]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_keeps_its_colons_and_empty_parts_stay_empty() {
        let p = parse("arn:aws:iam::123456789012:role/path/x:y").unwrap();
        assert_eq!(
            p,
            Parts {
                partition: "aws",
                service: "iam",
                region: "",
                account: "123456789012",
                resource: "role/path/x:y"
            }
        );
        assert_eq!(parse("arn:aws:iam").unwrap_err(), "arn: not enough sections");
        assert_eq!(parse("nra:aws:s3:::b").unwrap_err(), "arn: invalid prefix");
        assert_eq!(parse("arn:aws:s3:::").unwrap_err(), "arn: invalid resource");
    }
}
