//! `aws_lb_trust_store_revocation`: a certificate revocation list (an S3 object) added to a
//! trust store. Its id is `TRUST_STORE_ARN,REVOCATION_ID`, as the provider builds it; every
//! argument forces a new revocation (AWS has no call to change one).

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, recorded, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, not_empty};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::RevocationContent;
use std::sync::Arc;

/// The `aws_lb_trust_store_revocation` resource type.
pub struct TrustStoreRevocation {
    c: Arc<Clients>,
    schema: Schema,
}

/// What AWS never reports back: the S3 location the list was read from.
const CONTENT: [&str; 3] = [
    "revocations_s3_bucket",
    "revocations_s3_key",
    "revocations_s3_object_version",
];

impl TrustStoreRevocation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TrustStoreRevocation {
        let schema = resource("aws_lb_trust_store_revocation")
            .arg("trust_store_arn")
            .force_new()
            .check(arn())
            .arg("revocations_s3_bucket")
            .force_new()
            .check(not_empty())
            .arg("revocations_s3_key")
            .force_new()
            .check(not_empty())
            .arg("revocations_s3_object_version")
            .force_new()
            .check(not_empty())
            .timeouts(2, 0, 0)
            .build();
        TrustStoreRevocation { c, schema }
    }
}

/// The trust store ARN and revocation number of an id, split at its last `,`.
fn parse_id(id: &str) -> PResult<(&str, i64)> {
    id.rsplit_once(',')
        .and_then(|(arn, n)| Some((arn, n.parse::<i64>().ok()?)))
        .filter(|(arn, _)| !arn.is_empty())
        .ok_or_else(|| {
            ProviderError::msg(format!(
                "unexpected format for ID ({id}), expected TRUST_STORE_ARN,REVOCATION_ID"
            ))
        })
}

#[async_trait]
impl ResourceType for TrustStoreRevocation {
    fn type_name(&self) -> &'static str {
        "aws_lb_trust_store_revocation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let store = required(planned, "trust_store_arn")?;
        let content = RevocationContent::builder()
            .s3_bucket(required(planned, CONTENT[0])?)
            .s3_key(required(planned, CONTENT[1])?)
            .set_s3_object_version(opt_str(planned, CONTENT[2]))
            .build();
        let out = self
            .c
            .elbv2
            .add_trust_store_revocations()
            .trust_store_arn(&store)
            .revocation_contents(content)
            .send()
            .await
            .map_err(aws_err)?;
        let n = out
            .trust_store_revocations()
            .first()
            .and_then(|r| r.revocation_id())
            .ok_or_else(|| ProviderError::msg("AddTrustStoreRevocations returned no revocation id"))?;
        let id = format!("{store},{n}");
        must_exist(self.read(ctx, &id, planned).await?, "trust store revocation", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (store, n) = parse_id(id)?;
        let out = self
            .c
            .elbv2
            .describe_trust_store_revocations()
            .trust_store_arn(store)
            .revocation_ids(n)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["TrustStoreNotFound", "RevocationIdNotFound"])? else {
            return Ok(None);
        };
        if !out
            .trust_store_revocations()
            .iter()
            .any(|r| r.revocation_id() == Some(n))
        {
            return Ok(None);
        }
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("trust_store_arn", Value::str(store)),
            ("revocation_id", Value::Number(n as f64)),
            (CONTENT[0], recorded(prior, CONTENT[0])),
            (CONTENT[1], recorded(prior, CONTENT[1])),
            (CONTENT[2], recorded(prior, CONTENT[2])),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a new revocation: nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "trust store revocation", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (store, n) = parse_id(id)?;
        let r = self
            .c
            .elbv2
            .remove_trust_store_revocations()
            .trust_store_arn(store)
            .revocation_ids(n)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["TrustStoreNotFound", "RevocationIdNotFound"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_store_and_the_number() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:truststore/ts/0123456789abcdef";
        assert_eq!(parse_id(&format!("{arn},3")).unwrap(), (arn, 3));
        assert!(parse_id(arn).is_err());
        assert!(parse_id(",3").is_err());
        assert!(parse_id(&format!("{arn},x")).is_err());
    }
}
