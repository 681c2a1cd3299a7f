//! `aws_s3_bucket_cors_configuration`: which browser origins may call the bucket, with which
//! methods and headers.

use super::companion::{get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, build_err, list_value, opt_str, str_list};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::len_between;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no CORS configuration on it.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchCORSConfiguration"];

/// The `aws_s3_bucket_cors_configuration` setting.
pub struct Cors;

#[async_trait]
impl BucketSetting for Cors {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_cors_configuration"
    }

    fn what(&self) -> &'static str {
        "CORS configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(super::companion::account_id())
            .args(&["cors_rule"])
            .arg("cors_rule.id")
            .check(len_between(0, 255))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let rules = planned
            .get("cors_rule")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|r| {
                CorsRule::builder()
                    .set_id(opt_str(r, "id"))
                    .set_allowed_headers(Some(str_list(r, "allowed_headers")).filter(|l| !l.is_empty()))
                    .set_allowed_methods(Some(str_list(r, "allowed_methods")))
                    .set_allowed_origins(Some(str_list(r, "allowed_origins")))
                    .set_expose_headers(Some(str_list(r, "expose_headers")).filter(|l| !l.is_empty()))
                    .set_max_age_seconds(r.get("max_age_seconds").as_number().map(|n| n as i32))
                    .build()
                    .map_err(build_err)
            })
            .collect::<PResult<Vec<_>>>()?;
        let config = CorsConfiguration::builder()
            .set_cors_rules(Some(rules))
            .build()
            .map_err(build_err)?;
        c.s3.put_bucket_cors()
            .bucket(bucket)
            .cors_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r = get_once(c, "GetBucketCors", bucket, None, async {
            c.s3.get_bucket_cors().bucket(bucket).send().await.map_err(aws_err)
        })
        .await;
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let strings = |l: &[String]| list_value(l.iter().cloned());
        let rules: Vec<Value> = out
            .cors_rules()
            .iter()
            .map(|r| {
                Value::object([
                    ("id", Value::from(r.id())),
                    ("allowed_headers", strings(r.allowed_headers())),
                    ("allowed_methods", strings(r.allowed_methods())),
                    ("allowed_origins", strings(r.allowed_origins())),
                    ("expose_headers", strings(r.expose_headers())),
                    (
                        "max_age_seconds",
                        r.max_age_seconds()
                            .map(|n| Value::from(n as i64))
                            .unwrap_or(Value::Null),
                    ),
                ])
            })
            .collect();
        Ok(Some(IndexMap::from([("cors_rule".to_string(), Value::List(rules))])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r = c.s3.delete_bucket_cors().bucket(bucket).send().await.map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
