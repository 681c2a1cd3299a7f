//! `aws_s3_bucket_website_configuration`: static website hosting for a bucket (a frontend):
//! index and error documents, or a redirect of every request to another host.

use super::companion::{first, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{ErrorDocument, IndexDocument, Protocol, RedirectAllRequestsTo, WebsiteConfiguration};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no website configuration on it.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchWebsiteConfiguration"];

/// The `aws_s3_bucket_website_configuration` setting.
pub struct Website;

fn built<T>(r: Result<T, aws_sdk_s3::error::BuildError>) -> PResult<T> {
    r.map_err(|e| ProviderError::msg(e.to_string()))
}

#[async_trait]
impl BucketSetting for Website {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_website_configuration"
    }

    fn what(&self) -> &'static str {
        "website configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(super::companion::account_id())
            .args(&["index_document", "error_document", "redirect_all_requests_to"])
            .arg("redirect_all_requests_to.protocol")
            .check(one_of(&["http", "https"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let index = first(planned, "index_document")
            .map(|d| built(IndexDocument::builder().set_suffix(opt_str(d, "suffix")).build()))
            .transpose()?;
        let error = first(planned, "error_document")
            .map(|d| built(ErrorDocument::builder().set_key(opt_str(d, "key")).build()))
            .transpose()?;
        let redirect = first(planned, "redirect_all_requests_to")
            .map(|r| {
                built(
                    RedirectAllRequestsTo::builder()
                        .set_host_name(opt_str(r, "host_name"))
                        .set_protocol(opt_str(r, "protocol").map(|p| Protocol::from(p.as_str())))
                        .build(),
                )
            })
            .transpose()?;
        if index.is_none() == redirect.is_none() {
            return Err(ProviderError::msg(
                "exactly one of index_document and redirect_all_requests_to must be set",
            ));
        }
        let config = WebsiteConfiguration::builder()
            .set_index_document(index)
            .set_error_document(error)
            .set_redirect_all_requests_to(redirect)
            .build();
        c.s3.put_bucket_website()
            .bucket(bucket)
            .website_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r = c.s3.get_bucket_website().bucket(bucket).send().await.map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        let domain = format!("s3-website-{}.amazonaws.com", c.region);
        Ok(Some(IndexMap::from([
            (
                "index_document".to_string(),
                one(out
                    .index_document()
                    .map(|d| Value::object([("suffix", Value::str(d.suffix()))]))),
            ),
            (
                "error_document".to_string(),
                one(out
                    .error_document()
                    .map(|d| Value::object([("key", Value::str(d.key()))]))),
            ),
            (
                "redirect_all_requests_to".to_string(),
                one(out.redirect_all_requests_to().map(|r| {
                    Value::object([
                        ("host_name", Value::str(r.host_name())),
                        ("protocol", Value::from(r.protocol().map(|p| p.as_str().to_string()))),
                    ])
                })),
            ),
            ("website_endpoint".to_string(), Value::str(format!("{bucket}.{domain}"))),
            ("website_domain".to_string(), Value::str(domain)),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.delete_bucket_website()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
