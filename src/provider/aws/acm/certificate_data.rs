//! Data source `aws_acm_certificate`: the certificate for a domain, among those in `statuses`
//! (ISSUED unless set) of the `types` and `key_types` asked for, with the `tags` given; more than
//! one match is an error unless `most_recent` picks the newest (by issue or import time). The
//! certificate and its chain are read for an issued one, as the provider does.

use super::{describe, status, tags};
use crate::provider::aws::common::{aws_err, opt_bool, opt_str, str_list};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_acm::types::{CertificateDetail, CertificateStatus, Filters, KeyAlgorithm};
use std::sync::Arc;

/// The `aws_acm_certificate` data source.
pub struct CertificateData {
    c: Arc<Clients>,
    schema: Schema,
}

/// When the certificate came to be: issued, else imported, else created.
fn born(c: &CertificateDetail) -> i64 {
    c.issued_at()
        .or(c.imported_at())
        .or(c.created_at())
        .map(|t| t.secs())
        .unwrap_or(0)
}

impl CertificateData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CertificateData {
        let schema = data_source("aws_acm_certificate")
            .args(&["domain", "statuses", "types", "key_types", "most_recent", "tags"])
            .rule(Rule::AtLeastOne(&["domain", "tags"]))
            .build();
        CertificateData { c, schema }
    }

    /// Certificates matching the configuration, described.
    async fn candidates(&self, config: &Value) -> PResult<Vec<CertificateDetail>> {
        let domain = opt_str(config, "domain");
        let mut statuses = str_list(config, "statuses");
        if statuses.is_empty() {
            statuses.push("ISSUED".into());
        }
        let key_types = str_list(config, "key_types");
        let types = str_list(config, "types");
        let wanted_tags = config.get("tags").as_object().cloned().unwrap_or_default();
        let mut req = self.c.acm.list_certificates().set_certificate_statuses(Some(
            statuses.iter().map(|s| CertificateStatus::from(s.as_str())).collect(),
        ));
        if !key_types.is_empty() {
            let mut f = Filters::builder();
            for k in &key_types {
                f = f.key_types(KeyAlgorithm::from(k.as_str()));
            }
            req = req.includes(f.build());
        }
        let mut found = Vec::new();
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            for s in page.map_err(aws_err)?.certificate_summary_list() {
                if domain.as_deref().is_some_and(|d| s.domain_name() != Some(d)) {
                    continue;
                }
                let Some(arn) = s.certificate_arn() else { continue };
                let Some(c) = describe(&self.c, arn).await? else {
                    continue;
                };
                if !types.is_empty() && !c.r#type().is_some_and(|t| types.iter().any(|w| w == t.as_str())) {
                    continue;
                }
                if !wanted_tags.is_empty() {
                    let Some(have) = tags(&self.c, arn).await? else {
                        continue;
                    };
                    let all = wanted_tags.iter().all(|(k, v)| {
                        let v = v.to_plain_string().unwrap_or_default();
                        have.iter().any(|(hk, hv)| hk == k && *hv == v)
                    });
                    if !all {
                        continue;
                    }
                }
                found.push(c);
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl DataSourceType for CertificateData {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let what = opt_str(config, "domain").unwrap_or_else(|| "the tags given".into());
        let mut found = self.candidates(config).await?;
        let cert = match found.len() {
            0 => {
                return Err(ProviderError::msg(format!(
                    "no ACM Certificate matching domain ({what})"
                )))
            }
            1 => found.remove(0),
            n if opt_bool(config, "most_recent") == Some(true) => {
                found.sort_by_key(born);
                found.remove(n - 1)
            }
            n => {
                return Err(ProviderError::msg(format!(
                    "{n} ACM Certificates matching domain ({what}); set most_recent or narrow the search"
                )))
            }
        };
        let arn = cert.certificate_arn().unwrap_or_default().to_string();
        let (body, chain) = if status(&cert) == "ISSUED" {
            let out = self
                .c
                .acm
                .get_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .map_err(aws_err)?;
            (
                out.certificate().map(str::to_string),
                out.certificate_chain().map(str::to_string),
            )
        } else {
            (None, None)
        };
        let tag_pairs = tags(&self.c, &arn).await?.unwrap_or_default();
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            for (k, x) in [
                ("id", Value::str(&arn)),
                ("arn", Value::str(&arn)),
                ("domain", Value::from(cert.domain_name())),
                ("status", Value::str(status(&cert))),
                ("certificate", Value::from(body)),
                ("certificate_chain", Value::from(chain)),
                (
                    "tags",
                    Value::Object(tag_pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect()),
                ),
            ] {
                m.insert(k.to_string(), x);
            }
        }
        Ok(v)
    }
}
