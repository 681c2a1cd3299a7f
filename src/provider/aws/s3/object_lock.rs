//! `aws_s3_bucket_object_lock_configuration`: the default retention of a bucket made with
//! Object Lock. Deleting removes the default rule; Object Lock itself stays on (S3 cannot turn
//! it off), as the provider does. `token` (sensitive) is sent, never read back.

use super::companion::{account_id, first, int, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{one_of, Rule};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no Object Lock on it.
const ABSENT: &[&str] = &["NoSuchBucket", "ObjectLockConfigurationNotFoundError"];

/// The retention modes S3 knows.
pub const MODES: &[&str] = &["GOVERNANCE", "COMPLIANCE"];

/// The `aws_s3_bucket_object_lock_configuration` setting.
pub struct ObjectLock;

async fn put_config(c: &Clients, at: &At, rule: Option<ObjectLockRule>, token: Option<String>) -> PResult<()> {
    let config = ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::Enabled)
        .set_rule(rule)
        .build();
    c.s3.put_object_lock_configuration()
        .bucket(&at.bucket)
        .set_expected_bucket_owner(at.owner.clone())
        .set_token(token)
        .object_lock_configuration(config)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

#[async_trait]
impl BucketSetting for ObjectLock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_object_lock_configuration"
    }

    fn what(&self) -> &'static str {
        "Object Lock configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(account_id())
            .arg("object_lock_enabled")
            .force_new()
            .default("Enabled")
            .check(one_of(&["Enabled"]))
            .args(&["rule", "token"])
            .arg("rule.default_retention.mode")
            .check(one_of(MODES))
            .rule_in("rule.default_retention", Rule::ExactlyOne(&["days", "years"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let rule = first(planned, "rule")
            .and_then(|r| first(r, "default_retention"))
            .map(|d| {
                ObjectLockRule::builder()
                    .default_retention(
                        DefaultRetention::builder()
                            .set_mode(opt_str(d, "mode").map(|m| ObjectLockRetentionMode::from(m.as_str())))
                            .set_days(int(d, "days"))
                            .set_years(int(d, "years"))
                            .build(),
                    )
                    .build()
            });
        put_config(c, at, rule, opt_str(planned, "token")).await
    }

    async fn get(&self, c: &Clients, at: &At, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_object_lock_configuration()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone())
                .send()
                .await
                .map_err(aws_err);
        let Some(config) = absent_on(r, ABSENT)?.and_then(|o| o.object_lock_configuration().cloned()) else {
            return Ok(None);
        };
        let rule: Vec<Value> = config
            .rule()
            .and_then(|r| r.default_retention())
            .map(|d| {
                // A period S3 does not hold may come back as 0; it is at least 1 when set.
                let n = |x: Option<i32>| {
                    x.filter(|n| *n > 0)
                        .map(|n| Value::from(n as i64))
                        .unwrap_or(Value::Null)
                };
                Value::object([(
                    "default_retention",
                    Value::List(vec![Value::object([
                        ("mode", Value::from(d.mode().map(|m| m.as_str().to_string()))),
                        ("days", n(d.days())),
                        ("years", n(d.years())),
                    ])]),
                )])
            })
            .into_iter()
            .collect();
        Ok(Some(IndexMap::from([
            (
                "object_lock_enabled".to_string(),
                Value::from(config.object_lock_enabled().map(|e| e.as_str().to_string())),
            ),
            ("rule".to_string(), Value::List(rule)),
            ("token".to_string(), prior.get("token").clone()),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        absent_on(put_config(c, at, None, None).await, ABSENT).map(|_| ())
    }
}
