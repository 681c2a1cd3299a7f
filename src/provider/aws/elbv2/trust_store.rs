//! `aws_lb_trust_store`: the CA certificates bundle (an S3 object) an HTTPS listener checks
//! client certificates against in mutual TLS `verify` mode. AWS never answers the bundle's S3
//! location, so it is kept as configured; a new location is sent with ModifyTrustStore.

use super::lb::read_tags_raw;
use super::{elb_tags, read_tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, known_early, must_exist, name_or_generated, name_prefix_read, op_timeout,
    opt_str, owns, read_beside, recorded, required, retry_while, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches, not_empty, not_matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lb_trust_store` resource type.
pub struct TrustStore {
    c: Arc<Clients>,
    schema: Schema,
}

/// The S3 location of the bundle, none of which AWS reports back.
const BUNDLE: [&str; 3] = [
    "ca_certificates_bundle_s3_bucket",
    "ca_certificates_bundle_s3_key",
    "ca_certificates_bundle_s3_object_version",
];

impl TrustStore {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TrustStore {
        let schema = resource("aws_lb_trust_store")
            .arg("ca_certificates_bundle_s3_bucket")
            .check(not_empty())
            .arg("ca_certificates_bundle_s3_key")
            .check(not_empty())
            .arg("ca_certificates_bundle_s3_object_version")
            .check(not_empty())
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .force_new()
            .check(len_between(0, 32))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .check(not_matches(r"-$", "a trailing hyphen"))
            .arg("name_prefix")
            .force_new()
            .check(len_between(0, 6))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .arg("tags")
            .timeouts(2, 0, 2)
            .build();
        TrustStore { c, schema }
    }

    /// The listeners that still use the trust store (DescribeTrustStoreAssociations).
    async fn associations(&self, arn: &str) -> PResult<usize> {
        let out = self
            .c
            .elbv2
            .describe_trust_store_associations()
            .trust_store_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.trust_store_associations().len())
    }
}

/// `truststore/NAME/ID`, the tail of the ARN CloudWatch and the provider call its suffix.
fn arn_suffix(arn: &str) -> String {
    arn.split_once(":truststore/")
        .map(|(_, rest)| format!("truststore/{rest}"))
        .unwrap_or_default()
}

#[async_trait]
impl ResourceType for TrustStore {
    fn type_name(&self) -> &'static str {
        "aws_lb_trust_store"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "tf-", 26);
        let out = self
            .c
            .elbv2
            .create_trust_store()
            .name(&name)
            .ca_certificates_bundle_s3_bucket(required(planned, BUNDLE[0])?)
            .ca_certificates_bundle_s3_key(required(planned, BUNDLE[1])?)
            .set_ca_certificates_bundle_s3_object_version(opt_str(planned, BUNDLE[2]))
            .set_tags(Some(elb_tags(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .trust_stores()
            .first()
            .and_then(|t| t.trust_store_arn())
            .ok_or_else(|| ProviderError::msg("CreateTrustStore returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "trust store", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let describe = async {
            let out = self
                .c
                .elbv2
                .describe_trust_stores()
                .trust_store_arns(id)
                .send()
                .await
                .map_err(aws_err);
            absent_on(out, &["TrustStoreNotFound"])
        };
        let Some((out, tags_all)) = read_beside(describe, read_tags(&self.c, id)).await? else {
            return Ok(None);
        };
        let Some(t) = out.trust_stores().iter().find(|t| t.trust_store_arn() == Some(id)) else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(id)),
            ("arn_suffix", Value::str(arn_suffix(id))),
            ("name", Value::from(t.name())),
            ("name_prefix", name_prefix_read(prior, t.name(), "")),
            (BUNDLE[0], recorded(prior, BUNDLE[0])),
            (BUNDLE[1], recorded(prior, BUNDLE[1])),
            (BUNDLE[2], recorded(prior, BUNDLE[2])),
            ("tags", configured_tags(prior)),
            ("tags_all", tags_all),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if BUNDLE.iter().any(|k| prior.get(k) != planned.get(k)) {
            self.c
                .elbv2
                .modify_trust_store()
                .trust_store_arn(id)
                .ca_certificates_bundle_s3_bucket(required(planned, BUNDLE[0])?)
                .ca_certificates_bundle_s3_key(required(planned, BUNDLE[1])?)
                .set_ca_certificates_bundle_s3_object_version(opt_str(planned, BUNDLE[2]))
                .send()
                .await
                .map_err(aws_err)?;
        }
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "trust store", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(120));
        // As the provider: wait until no listener uses it, then delete, retrying while AWS
        // still counts a listener that just let go.
        wait_for(Wait::new(id, "no listener associations", timeout), || async {
            let n = absent_on(self.associations(id).await, &["TrustStoreNotFound"])?;
            Ok(match n {
                None | Some(0) => Poll::Ready(()),
                Some(n) => Poll::Pending(format!("{n} associations")),
            })
        })
        .await?;
        let r = retry_while(&["TrustStoreInUse"], timeout, || async {
            self.c
                .elbv2
                .delete_trust_store()
                .trust_store_arn(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        absent_on(r, &["TrustStoreNotFound"]).map(|_| ())
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        known_early(planned, &["name"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let out = self
            .c
            .elbv2
            .describe_trust_stores()
            .names(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["TrustStoreNotFound"])? else {
            return Ok(None);
        };
        let Some(arn) = out.trust_stores().first().and_then(|t| t.trust_store_arn()) else {
            return Ok(None);
        };
        let tags = read_tags_raw(&self.c, arn).await?;
        let ours = owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(ours.then(|| arn.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suffix_is_the_arn_tail() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:truststore/ts/0123456789abcdef";
        assert_eq!(arn_suffix(arn), "truststore/ts/0123456789abcdef");
        assert_eq!(arn_suffix("nonsense"), "");
    }
}
