//! `aws_ecr_registry_scanning_configuration`: how the registry scans images (`BASIC` or
//! `ENHANCED`) and the rules choosing which repositories are scanned how often. One per
//! registry and region, always present: its id is the account id, and destroying it puts back
//! BASIC scanning with no rules, as the provider does.

use super::{blocks, filter_state};
use crate::provider::aws::common::{aws_err, build_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecr::types::{
    RegistryScanningRule, ScanFrequency, ScanType, ScanningRepositoryFilter, ScanningRepositoryFilterType,
};
use std::sync::Arc;

/// The `aws_ecr_registry_scanning_configuration` resource type.
pub struct RegistryScanningConfiguration {
    c: Arc<Clients>,
    schema: Schema,
}

impl RegistryScanningConfiguration {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RegistryScanningConfiguration {
        let schema = resource("aws_ecr_registry_scanning_configuration")
            .arg("scan_type")
            .check(one_of(&["BASIC", "ENHANCED"]))
            .arg("rule.scan_frequency")
            .check(one_of(&["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"]))
            .arg("rule.repository_filter.filter")
            .check(len_between(1, 256))
            .check(matches(
                r"^[0-9a-z*](?:[0-9a-z_./*-]?[0-9a-z*]+)*$",
                "must contain only lowercase alphanumeric, dot, underscore, hyphen, wildcard, and colon characters",
            ))
            .arg("rule.repository_filter.filter_type")
            .check(one_of(&["WILDCARD"]))
            .args(&["rule"])
            .build();
        RegistryScanningConfiguration { c, schema }
    }

    async fn put(&self, scan_type: &str, rules: Vec<RegistryScanningRule>) -> PResult<()> {
        self.c
            .ecr
            .put_registry_scanning_configuration()
            .scan_type(ScanType::from(scan_type))
            .set_rules(Some(rules))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn write(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let scan_type = required(planned, "scan_type")?;
        self.put(&scan_type, rules(planned)?).await?;
        let id = self.c.account_id().await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "ECR registry scanning configuration",
            &id,
        )
    }
}

/// The configured `rule` blocks as ECR takes them.
fn rules(planned: &Value) -> PResult<Vec<RegistryScanningRule>> {
    blocks(planned, "rule")
        .iter()
        .map(|rule| {
            let filters = blocks(rule, "repository_filter")
                .iter()
                .map(|f| {
                    ScanningRepositoryFilter::builder()
                        .filter(opt_str(f, "filter").unwrap_or_default())
                        .filter_type(ScanningRepositoryFilterType::from(
                            opt_str(f, "filter_type").unwrap_or_default().as_str(),
                        ))
                        .build()
                        .map_err(build_err)
                })
                .collect::<PResult<Vec<_>>>()?;
            RegistryScanningRule::builder()
                .scan_frequency(ScanFrequency::from(
                    opt_str(rule, "scan_frequency").unwrap_or_default().as_str(),
                ))
                .set_repository_filters(Some(filters))
                .build()
                .map_err(build_err)
        })
        .collect()
}

#[async_trait]
impl ResourceType for RegistryScanningConfiguration {
    fn type_name(&self) -> &'static str {
        "aws_ecr_registry_scanning_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.write(ctx, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ecr
            .get_registry_scanning_configuration()
            .send()
            .await
            .map_err(aws_err)?;
        let config = out.scanning_configuration();
        let rules = config.map(|c| c.rules()).unwrap_or_default().iter().map(|r| {
            let filters = r
                .repository_filters()
                .iter()
                .map(|f| filter_state(f.filter(), f.filter_type().as_str()));
            Value::object([
                ("scan_frequency", Value::str(r.scan_frequency().as_str())),
                ("repository_filter", Value::List(filters.collect())),
            ])
        });
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("registry_id", Value::from(out.registry_id())),
            (
                "scan_type",
                Value::from(config.and_then(|c| c.scan_type()).map(|t| t.as_str().to_string())),
            ),
            ("rule", Value::List(rules.collect())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.write(ctx, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        self.put("BASIC", Vec::new()).await
    }
}
