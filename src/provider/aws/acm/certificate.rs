//! `aws_acm_certificate`: a certificate ACM issues (validated by DNS or email, or issued by a
//! private CA) or one imported from a private key and a certificate body. The id is the ARN, as
//! the provider's (and its import id).
//!
//! `domain_validation_options` is a set of `{domain_name, resource_record_*}`, one per name the
//! certificate covers, which blueprints turn into validation records with
//! `for_each = { for dvo in ...domain_validation_options : dvo.domain_name => {...} }`. As in the
//! provider, the plan of a DNS-validated certificate knows the set's domain names before the
//! certificate exists (the records' names and values are known after apply), so that `for_each`
//! has known keys on the first plan; a create waits until ACM has published the records.
//!
//! The private key of an imported certificate is sensitive: state keeps its SHA-256 digest
//! (as for other secrets), and a new key, body or chain re-imports the certificate in place.
//! Requests carry the run's idempotency token (ACM answers a repeated request with the first
//! one's certificate), and certificates are tagged on creation so a lost one is found again.

use super::{acm_tags, describe, status, tags, update_tags, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, op_timeout, opt_str, owns, retry_while, secret_digest,
    str_list, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_acm::types::{
    CertificateDetail, CertificateOptions, CertificateType, DomainValidationOption, Filters, KeyAlgorithm,
    ValidationMethod,
};
use aws_smithy_types::Blob;
use std::sync::Arc;
use std::time::Duration;

/// How long a request waits for ACM to publish the DNS validation records (the provider's).
const RECORDS_TIMEOUT: Duration = Duration::from_secs(300);

/// How long a delete waits for a load balancer to let go of the certificate.
const DELETE_TIMEOUT: Duration = Duration::from_secs(600);

/// The `aws_acm_certificate` resource type.
pub struct Certificate {
    c: Arc<Clients>,
    schema: Schema,
}

/// The names a certificate covers, as the provider lists them for `domain_validation_options`
/// at plan: the domain name, then the alternative names, without trailing dots or repeats.
fn covered_names(planned: &Value) -> Option<Vec<String>> {
    let domain = planned.get("domain_name").as_str()?;
    let mut names = vec![domain.trim_end_matches('.').to_string()];
    match planned.get("subject_alternative_names") {
        Value::List(sans) => {
            for s in sans {
                let s = s.as_str()?.trim_end_matches('.').to_string();
                if !names.contains(&s) {
                    names.push(s);
                }
            }
        }
        Value::Null => {}
        _ => return None,
    }
    Some(names)
}

/// The ACM idempotency token for a run's token: at most 32 word characters.
fn idempotency_token(token: &str) -> Option<String> {
    let t: String = token.chars().filter(|c| c.is_ascii_alphanumeric()).take(32).collect();
    (!t.is_empty()).then_some(t)
}

/// The validation method as the provider reports it: the first domain's method for a
/// certificate ACM issued, `NONE` for any other.
fn validation_method(c: &CertificateDetail) -> String {
    match (c.r#type(), c.domain_validation_options().first()) {
        (Some(CertificateType::AmazonIssued), Some(d)) => d
            .validation_method()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "NONE".into()),
        _ => "NONE".into(),
    }
}

/// The `options` block's transparency logging preference as ACM takes it. The SDK deprecates
/// the setting (ACM no longer lets certificates opt out), but the provider's argument remains and
/// ACM still accepts and reports it.
#[allow(deprecated)]
fn ct_options(preference: &str) -> CertificateOptions {
    CertificateOptions::builder()
        .certificate_transparency_logging_preference(
            aws_sdk_acm::types::CertificateTransparencyLoggingPreference::from(preference),
        )
        .build()
}

/// The transparency logging preference ACM reports (see [`ct_options`]).
#[allow(deprecated)]
fn ct_preference(o: &CertificateOptions) -> Option<String> {
    o.certificate_transparency_logging_preference()
        .map(|p| p.as_str().to_string())
}

/// The preference the planned `options` block sets.
fn planned_preference(planned: &Value) -> Option<String> {
    planned
        .get("options")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|o| opt_str(o, "certificate_transparency_logging_preference"))
}

impl Certificate {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Certificate {
        let schema = resource("aws_acm_certificate")
            .arg("domain_name")
            .force_new()
            .check(len_between(1, 253))
            .arg("subject_alternative_names")
            .force_new()
            .arg("validation_method")
            .force_new()
            .check(one_of(&["DNS", "EMAIL", "NONE"]))
            .arg("key_algorithm")
            .force_new()
            .check(one_of(KeyAlgorithm::values()))
            .arg("certificate_authority_arn")
            .force_new()
            .arg("validation_option")
            .force_new()
            .arg("options")
            .arg("options.certificate_transparency_logging_preference")
            .check(one_of(&["ENABLED", "DISABLED"]))
            .computed_blocks(&["options"])
            .arg("private_key")
            .normalized(secret_digest)
            .args(&["certificate_body", "certificate_chain", "tags"])
            .rule(Rule::ExactlyOne(&["domain_name", "private_key"]))
            .rule(Rule::Conflicts(&["certificate_body", "domain_name"]))
            .rule(Rule::RequiredWith("private_key", &["certificate_body"]))
            .rule(Rule::RequiredWith("certificate_body", &["private_key"]))
            .rule(Rule::Conflicts(&["certificate_authority_arn", "validation_method"]))
            .build();
        Certificate { c, schema }
    }

    /// The certificate as state keeps it.
    async fn to_state(&self, c: &CertificateDetail, prior: &Value) -> PResult<Value> {
        let arn = c.certificate_arn().unwrap_or_default().to_string();
        let domain = c.domain_name().unwrap_or_default().to_string();
        let sans: Vec<Value> = c
            .subject_alternative_names()
            .iter()
            .filter(|s| **s != domain)
            .map(|s| Value::str(s.as_str()))
            .collect();
        let mut dvos = Vec::new();
        let mut emails = Vec::new();
        for d in c.domain_validation_options() {
            if let Some(r) = d.resource_record() {
                let dvo = Value::object([
                    ("domain_name", Value::str(d.domain_name())),
                    ("resource_record_name", Value::str(r.name())),
                    ("resource_record_type", Value::str(r.r#type().as_str())),
                    ("resource_record_value", Value::str(r.value())),
                ]);
                if !dvos.contains(&dvo) {
                    dvos.push(dvo);
                }
            }
            emails.extend(d.validation_emails().iter().map(|e| Value::str(e.as_str())));
        }
        let renewal = c
            .renewal_summary()
            .map(|r| {
                vec![Value::object([
                    ("renewal_status", Value::str(r.renewal_status().as_str())),
                    (
                        "renewal_status_reason",
                        Value::from(r.renewal_status_reason().map(|x| x.as_str().to_string())),
                    ),
                    ("updated_at", Value::str(rfc3339(r.updated_at()))),
                ])]
            })
            .unwrap_or_default();
        let options = c
            .options()
            .map(|o| {
                vec![Value::object([(
                    "certificate_transparency_logging_preference",
                    Value::from(ct_preference(o)),
                )])]
            })
            .unwrap_or_default();
        let private_key = match prior.get("private_key") {
            Value::String(k) => Value::str(secret_digest(k)),
            _ => Value::Null,
        };
        // Deleted since the describe: the next read finds it gone.
        let tag_pairs = tags(&self.c, &arn).await?.unwrap_or_default();
        Ok(Value::object([
            ("id", Value::str(&arn)),
            ("arn", Value::str(&arn)),
            ("domain_name", Value::str(domain)),
            ("subject_alternative_names", Value::List(sans)),
            ("domain_validation_options", Value::List(dvos)),
            ("validation_emails", Value::List(emails)),
            ("validation_method", Value::str(validation_method(c))),
            ("validation_option", prior.get("validation_option").clone()),
            (
                "key_algorithm",
                Value::from(c.key_algorithm().map(|k| k.as_str().to_string())),
            ),
            ("certificate_authority_arn", Value::from(c.certificate_authority_arn())),
            ("status", Value::str(status(c))),
            ("type", Value::from(c.r#type().map(|t| t.as_str().to_string()))),
            ("not_after", Value::from(c.not_after().map(rfc3339))),
            ("not_before", Value::from(c.not_before().map(rfc3339))),
            (
                "renewal_eligibility",
                Value::from(c.renewal_eligibility().map(|r| r.as_str().to_string())),
            ),
            ("renewal_summary", Value::List(renewal)),
            ("pending_renewal", Value::Bool(false)),
            ("early_renewal_duration", prior.get("early_renewal_duration").clone()),
            ("options", Value::List(options)),
            ("private_key", private_key),
            ("certificate_body", prior.get("certificate_body").clone()),
            ("certificate_chain", prior.get("certificate_chain").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs)),
        ]))
    }

    /// Imports (or, given `arn`, re-imports) the certificate the planned value holds.
    async fn import(
        &self,
        planned: &Value,
        arn: Option<&str>,
        tags: Option<Vec<aws_sdk_acm::types::Tag>>,
    ) -> PResult<String> {
        let key = match planned.get("private_key") {
            // The digest state carried over is no key to send.
            Value::String(k) if secret_digest(k) != *k => k.clone(),
            _ => return Err(ProviderError::msg("private_key is required to import a certificate")),
        };
        let body = opt_str(planned, "certificate_body")
            .ok_or_else(|| ProviderError::msg("certificate_body is required to import a certificate"))?;
        let out = self
            .c
            .acm
            .import_certificate()
            .set_certificate_arn(arn.map(str::to_string))
            .certificate(Blob::new(body.into_bytes()))
            .private_key(Blob::new(key.into_bytes()))
            .set_certificate_chain(opt_str(planned, "certificate_chain").map(|c| Blob::new(c.into_bytes())))
            .set_tags(tags)
            .send()
            .await
            .map_err(aws_err)?;
        out.certificate_arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::msg("ACM answered the import with no ARN"))
    }

    /// Requests a certificate from ACM.
    async fn request(&self, ctx: &CallCtx, planned: &Value) -> PResult<String> {
        let mut req = self
            .c
            .acm
            .request_certificate()
            .set_domain_name(opt_str(planned, "domain_name"))
            .set_subject_alternative_names(
                Some(str_list(planned, "subject_alternative_names")).filter(|s| !s.is_empty()),
            )
            .set_validation_method(
                opt_str(planned, "validation_method")
                    .filter(|m| m != "NONE")
                    .map(|m| ValidationMethod::from(m.as_str())),
            )
            .set_key_algorithm(opt_str(planned, "key_algorithm").map(|k| KeyAlgorithm::from(k.as_str())))
            .set_certificate_authority_arn(opt_str(planned, "certificate_authority_arn"))
            .set_idempotency_token(idempotency_token(&ctx.token))
            .set_tags(Some(acm_tags(tags_to_write(ctx, planned))?).filter(|t| !t.is_empty()));
        if let Some(p) = planned_preference(planned) {
            req = req.options(ct_options(&p));
        }
        for o in planned.get("validation_option").as_list().unwrap_or_default() {
            req = req.domain_validation_options(
                DomainValidationOption::builder()
                    .domain_name(opt_str(o, "domain_name").unwrap_or_default())
                    .validation_domain(opt_str(o, "validation_domain").unwrap_or_default())
                    .build()
                    .map_err(build_err)?,
            );
        }
        let out = req.send().await.map_err(aws_err)?;
        out.certificate_arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::msg("ACM answered the request with no ARN"))
    }

    /// Waits until ACM has published a DNS-validated certificate's validation records.
    async fn wait_for_records(&self, arn: &str) -> PResult<CertificateDetail> {
        wait_for(
            Wait::new(arn, "given its DNS validation records", RECORDS_TIMEOUT),
            || async {
                let Some(c) = describe(&self.c, arn).await? else {
                    return Ok(Poll::pending("not found"));
                };
                let dns = validation_method(&c) == "DNS";
                let dvos = c.domain_validation_options();
                if !dns || (!dvos.is_empty() && dvos.iter().all(|d| d.resource_record().is_some())) {
                    Ok(Poll::Ready(c))
                } else {
                    Ok(Poll::pending("records not published yet"))
                }
            },
        )
        .await
    }
}

#[async_trait]
impl ResourceType for Certificate {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// As the provider's CustomizeDiff: a DNS-validated certificate whose names change (or
    /// that is created) plans one `domain_validation_options` entry per name, its domain name
    /// known and its record unknown until ACM makes it.
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if planned.get("validation_method").as_str() != Some("DNS") {
            return Ok(None);
        }
        // The names are a set: ACM lists them in an order of its own.
        let names = crate::schema::Type::Set(Box::new(crate::schema::Type::String));
        let changed =
            |name: &str| prior.is_none_or(|p| !crate::plan::diff::same(&names, planned.get(name), p.get(name)));
        if !changed("domain_name") && !changed("subject_alternative_names") {
            return Ok(None);
        }
        // Names the blueprint leaves out are none (they are planned unknown, as computed).
        let mut basis = planned.clone();
        if let (Value::Null, Value::Object(m)) = (config.get("subject_alternative_names"), &mut basis) {
            m.insert("subject_alternative_names".into(), Value::Null);
        }
        let Some(names) = covered_names(&basis) else {
            return Ok(None);
        };
        let dvos = names
            .into_iter()
            .map(|n| {
                Value::object([
                    ("domain_name", Value::String(n)),
                    ("resource_record_name", Value::Unknown),
                    ("resource_record_type", Value::Unknown),
                    ("resource_record_value", Value::Unknown),
                ])
            })
            .collect();
        if let Value::Object(m) = planned {
            m.insert("domain_validation_options".into(), Value::List(dvos));
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let arn = if opt_str(planned, "certificate_body").is_some() {
            self.import(
                planned,
                None,
                Some(acm_tags(tags_to_write(ctx, planned))?).filter(|t| !t.is_empty()),
            )
            .await?
        } else {
            self.request(ctx, planned).await?
        };
        let c = self.wait_for_records(&arn).await?;
        self.to_state(&c, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        match describe(&self.c, id).await? {
            Some(c) => Ok(Some(self.to_state(&c, prior).await?)),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Keys compare by digest (state holds only that); body and chain as written.
        let digest = |v: &Value| v.as_str().map(secret_digest);
        let reimport = digest(prior.get("private_key")) != digest(planned.get("private_key"))
            || prior.get("certificate_body") != planned.get("certificate_body")
            || prior.get("certificate_chain") != planned.get("certificate_chain");
        if reimport && opt_str(planned, "certificate_body").is_some() {
            self.import(planned, Some(id), None).await?;
        }
        if prior.get("options") != planned.get("options") {
            if let Some(p) = planned_preference(planned) {
                self.c
                    .acm
                    .update_certificate_options()
                    .certificate_arn(id)
                    .options(ct_options(&p))
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ACM certificate", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, DELETE_TIMEOUT);
        // A load balancer lets go of a certificate some time after its listener is deleted.
        let r = retry_while(&["ResourceInUseException"], timeout, || async {
            self.c
                .acm
                .delete_certificate()
                .certificate_arn(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    /// A certificate for the planned domain carrying this stack's tags for this address.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let domain = opt_str(planned, "domain_name");
        let mut includes = Filters::builder();
        for k in KeyAlgorithm::values() {
            includes = includes.key_types(KeyAlgorithm::from(*k));
        }
        let mut pages = self
            .c
            .acm
            .list_certificates()
            .includes(includes.build())
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for s in page.map_err(aws_err)?.certificate_summary_list() {
                let Some(arn) = s.certificate_arn() else { continue };
                if domain.as_deref().is_some_and(|d| s.domain_name() != Some(d)) {
                    continue;
                }
                let Some(t) = tags(&self.c, arn).await? else { continue };
                if owns(t.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) {
                    return Ok(Some(arn.to_string()));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_tokens_fit_acm() {
        assert_eq!(
            idempotency_token("0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b").as_deref(),
            Some("0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(idempotency_token(""), None);
    }

    #[test]
    fn names_listed_in_another_order_keep_the_validation_records() {
        let registry = crate::provider::schemas_registry();
        let rt = registry.resource("aws_acm_certificate").unwrap();
        let dvo = Value::List(vec![Value::object([
            ("domain_name", Value::str("example.com")),
            ("resource_record_name", Value::str("_x.example.com")),
            ("resource_record_type", Value::str("CNAME")),
            ("resource_record_value", Value::str("_y.acm-validations.aws")),
        ])]);
        let cert = |sans: &[&str]| {
            Value::object([
                ("domain_name", Value::str("example.com")),
                ("validation_method", Value::str("DNS")),
                (
                    "subject_alternative_names",
                    Value::List(sans.iter().map(|s| Value::str(*s)).collect()),
                ),
                ("domain_validation_options", dvo.clone()),
            ])
        };
        let prior = cert(&["www.example.com", "api.example.com"]);
        let mut planned = cert(&["api.example.com", "www.example.com"]);
        rt.refine_plan(Some(&prior), &Value::Null, &mut planned).unwrap();
        assert_eq!(planned.get("domain_validation_options"), &dvo);
        let mut renamed = cert(&["api.example.com", "docs.example.com"]);
        rt.refine_plan(Some(&prior), &Value::Null, &mut renamed).unwrap();
        assert!(renamed.get("domain_validation_options").has_unknown());
    }

    #[test]
    fn the_plan_lists_every_covered_name_once() {
        let planned = Value::object([
            ("domain_name", Value::str("example.com")),
            (
                "subject_alternative_names",
                Value::List(vec![Value::str("*.example.com."), Value::str("example.com")]),
            ),
        ]);
        assert_eq!(
            covered_names(&planned),
            Some(vec!["example.com".to_string(), "*.example.com".to_string()])
        );
        let unknown = Value::object([
            ("domain_name", Value::str("example.com")),
            ("subject_alternative_names", Value::Unknown),
        ]);
        assert_eq!(covered_names(&unknown), None);
    }
}
