//! `aws_acm_certificate_validation`: no object of its own, but the wait for a certificate to be
//! issued, so that what uses the certificate (a listener, a distribution) comes after. Creating
//! it checks that `validation_record_fqdns` (when given) hold every DNS validation record the
//! certificate asks for, then waits until the certificate is ISSUED within `timeouts.create`
//! (75 minutes by default, as the provider), failing at once when ACM gives up on it.
//!
//! The id is the certificate's issue time in Go's time format, as the provider's. A certificate
//! that is gone or no longer issued drops the resource from state (the next plan creates it,
//! that is, waits again); destroying it calls nothing.

use super::{describe, status};
use crate::provider::aws::common::{op_timeout, opt_str, required, str_list, wait_for, Op, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_acm::types::CertificateDetail;
use std::sync::Arc;
use std::time::Duration;

/// Statuses after which a certificate will never be issued.
const GIVEN_UP: &[&str] = &["FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED", "INACTIVE"];

/// The `aws_acm_certificate_validation` resource type.
pub struct CertificateValidation {
    c: Arc<Clients>,
    schema: Schema,
}

/// A name compared as DNS compares it: lowercase, without the trailing dot.
fn fqdn(name: &str) -> String {
    name.trim_end_matches('.').to_lowercase()
}

/// The DNS validation records the certificate asks for that `fqdns` lack.
fn missing_records(c: &CertificateDetail, fqdns: &[String]) -> Vec<String> {
    let given: Vec<String> = fqdns.iter().map(|f| fqdn(f)).collect();
    let mut missing: Vec<String> = c
        .domain_validation_options()
        .iter()
        .filter_map(|d| d.resource_record())
        .map(|r| fqdn(r.name()))
        .filter(|name| !given.contains(name))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// A time as Go's `time.Time.String()` prints it in UTC (`2024-05-01 12:00:00 +0000 UTC`),
/// the provider's id for this resource.
fn go_time(t: &aws_smithy_types::DateTime) -> String {
    let text = t.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default();
    format!("{} +0000 UTC", text.trim_end_matches('Z').replacen('T', " ", 1))
}

impl CertificateValidation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CertificateValidation {
        let schema = resource("aws_acm_certificate_validation")
            .arg("certificate_arn")
            .force_new()
            .check(arn())
            .arg("validation_record_fqdns")
            .force_new()
            .timeouts(75, 0, 0)
            .build();
        CertificateValidation { c, schema }
    }
}

#[async_trait]
impl ResourceType for CertificateValidation {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate_validation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let arn = required(planned, "certificate_arn")?;
        let cert = describe(&self.c, &arn)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("ACM certificate {arn} not found")))?;
        let method = cert
            .domain_validation_options()
            .first()
            .and_then(|d| d.validation_method())
            .map(|m| m.as_str().to_string());
        let fqdns = str_list(planned, "validation_record_fqdns");
        if !planned.get("validation_record_fqdns").is_null() {
            match method.as_deref() {
                Some("DNS") => {
                    let missing = missing_records(&cert, &fqdns);
                    if !missing.is_empty() {
                        return Err(ProviderError::msg(format!(
                            "missing {arn} DNS validation record: {}",
                            missing.join(", ")
                        )));
                    }
                }
                Some(m) => {
                    return Err(ProviderError::msg(format!(
                        "validation_record_fqdns is not valid for {m} validation"
                    )))
                }
                None => {}
            }
        }
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(75 * 60));
        let issued = wait_for(Wait::new(&arn, "ISSUED", timeout), || async {
            let Some(c) = describe(&self.c, &arn).await? else {
                return Err(ProviderError::msg(format!(
                    "ACM certificate {arn} was deleted while being validated"
                )));
            };
            let s = status(&c);
            if s == "ISSUED" {
                return Ok(Poll::Ready(c));
            }
            if GIVEN_UP.contains(&s.as_str()) {
                return Err(ProviderError::msg(format!(
                    "ACM certificate {arn} will not be issued: status {s}{}",
                    c.failure_reason()
                        .map(|r| format!(" ({})", r.as_str()))
                        .unwrap_or_default()
                )));
            }
            Ok(Poll::pending(s))
        })
        .await?;
        let id = issued.issued_at().map(go_time).unwrap_or_else(|| arn.clone());
        Ok(Value::object([
            ("id", Value::str(id)),
            ("certificate_arn", Value::str(&arn)),
            (
                "validation_record_fqdns",
                planned.get("validation_record_fqdns").clone(),
            ),
        ]))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(arn) = opt_str(prior, "certificate_arn") else {
            return Ok(None);
        };
        let Some(cert) = describe(&self.c, &arn).await? else {
            return Ok(None);
        };
        if status(&cert) != "ISSUED" {
            return Ok(None);
        }
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("certificate_arn", Value::str(&arn)),
            ("validation_record_fqdns", prior.get("validation_record_fqdns").clone()),
        ])))
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a new validation; only `timeouts` can change in place.
        let mut v = planned.clone();
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), Value::str(id));
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_go_times() {
        let t = aws_smithy_types::DateTime::from_secs(1_714_564_800);
        assert_eq!(go_time(&t), "2024-05-01 12:00:00 +0000 UTC");
    }

    #[test]
    fn fqdns_match_without_case_or_trailing_dot() {
        use aws_sdk_acm::types::{DomainValidation, RecordType, ResourceRecord};
        let record = |name: &str| {
            DomainValidation::builder()
                .domain_name("example.com")
                .resource_record(
                    ResourceRecord::builder()
                        .name(name)
                        .r#type(RecordType::Cname)
                        .value("x.acm-validations.aws.")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        };
        let cert = CertificateDetail::builder()
            .domain_validation_options(record("_a.example.com."))
            .domain_validation_options(record("_b.example.com."))
            .build();
        assert_eq!(
            missing_records(&cert, &["_A.example.com".into()]),
            vec!["_b.example.com".to_string()]
        );
        assert!(missing_records(&cert, &["_a.example.com.".into(), "_b.example.com".into()]).is_empty());
    }
}
