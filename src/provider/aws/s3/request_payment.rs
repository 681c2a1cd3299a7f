//! `aws_s3_bucket_request_payment_configuration`: who pays for requests and transfer
//! (`BucketOwner` or `Requester`). Deleting hands the bill back to the bucket owner, as the
//! provider does.

use super::companion::{account_id, built, get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{Payer, RequestPaymentConfiguration};
use indexmap::IndexMap;

/// The `aws_s3_bucket_request_payment_configuration` setting.
pub struct RequestPayment;

/// Sets who pays for requests (`BucketOwner` or `Requester`); shared with the inline
/// `request_payer` of `aws_s3_bucket`.
pub async fn put_payer(c: &Clients, at: &At, payer: &str) -> PResult<()> {
    let config = built(RequestPaymentConfiguration::builder().payer(Payer::from(payer)).build())?;
    c.s3.put_bucket_request_payment()
        .bucket(&at.bucket)
        .set_expected_bucket_owner(at.owner.clone())
        .request_payment_configuration(config)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

#[async_trait]
impl BucketSetting for RequestPayment {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_request_payment_configuration"
    }

    fn what(&self) -> &'static str {
        "request payment configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(account_id())
            .arg("payer")
            .check(one_of(&["BucketOwner", "Requester"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let payer = required(planned, "payer")?;
        put_payer(c, at, &payer).await
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = get_once(c, "GetBucketRequestPayment", &at.bucket, at.owner.as_deref(), async {
            c.s3.get_bucket_request_payment()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone())
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        let payer = absent_on(r, &["NoSuchBucket"])?.and_then(|o| o.payer().map(|p| p.as_str().to_string()));
        Ok(payer.map(|p| IndexMap::from([("payer".to_string(), Value::str(p))])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        absent_on(put_payer(c, at, "BucketOwner").await, &["NoSuchBucket"]).map(|_| ())
    }
}
