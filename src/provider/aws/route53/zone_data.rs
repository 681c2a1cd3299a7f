//! Data source `aws_route53_zone`: one hosted zone, by `zone_id` or by `name`, narrowed by
//! `private_zone` (false unless set), `vpc_id` (a private zone associated with that VPC) and
//! `tags` (every one given must match), as the provider finds it. No match, or more than one, is
//! an error.

use super::{apex_name_servers, clean_id, normalize_zone_name, zone_tags};
use crate::provider::aws::common::{aws_err, opt_bool, opt_str};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_route53::types::HostedZone;
use std::sync::Arc;

/// The `aws_route53_zone` data source.
pub struct ZoneData {
    c: Arc<Clients>,
    schema: Schema,
}

impl ZoneData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ZoneData {
        let schema = data_source("aws_route53_zone")
            .args(&["zone_id", "name", "private_zone", "vpc_id", "tags"])
            .rule(Rule::ExactlyOne(&["zone_id", "name"]))
            .build();
        ZoneData { c, schema }
    }

    /// Every hosted zone of the account, page by page.
    async fn all_zones(&self) -> PResult<Vec<HostedZone>> {
        let mut zones = Vec::new();
        let mut pages = self.c.route53.list_hosted_zones().into_paginator().send();
        while let Some(page) = pages.next().await {
            zones.extend(page.map_err(aws_err)?.hosted_zones().iter().cloned());
        }
        Ok(zones)
    }

    /// Whether the zone matches the configuration's `vpc_id` and `tags`.
    async fn matches(&self, zone_id: &str, config: &Value) -> PResult<bool> {
        if let Some(vpc) = opt_str(config, "vpc_id") {
            let out = self
                .c
                .route53
                .get_hosted_zone()
                .id(zone_id)
                .send()
                .await
                .map_err(aws_err)?;
            if !out.vpcs().iter().any(|v| v.vpc_id() == Some(vpc.as_str())) {
                return Ok(false);
            }
        }
        if let Some(wanted) = config.get("tags").as_object().filter(|t| !t.is_empty()) {
            let tags = zone_tags(&self.c, zone_id).await?;
            for (k, v) in wanted {
                let v = v.to_plain_string().unwrap_or_default();
                if !tags.iter().any(|(tk, tv)| tk == k && *tv == v) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

#[async_trait]
impl DataSourceType for ZoneData {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let zone_id = match opt_str(config, "zone_id") {
            Some(id) => clean_id(&id),
            None => {
                let name = normalize_zone_name(&opt_str(config, "name").unwrap_or_default());
                // A VPC means a private zone, as in the provider.
                let private = opt_bool(config, "private_zone").unwrap_or(false) || opt_str(config, "vpc_id").is_some();
                let mut found = Vec::new();
                for z in self.all_zones().await? {
                    let is_private = z.config().is_some_and(|c| c.private_zone());
                    if normalize_zone_name(z.name()) != name || is_private != private {
                        continue;
                    }
                    let id = clean_id(z.id());
                    if self.matches(&id, config).await? {
                        found.push(id);
                    }
                }
                match found.as_slice() {
                    [one] => one.clone(),
                    [] => return Err(ProviderError::msg("no matching Route 53 Hosted Zone found")),
                    _ => {
                        return Err(ProviderError::msg(format!(
                            "multiple Route 53 Hosted Zones matched; use additional constraints to reduce matches to a single Route 53 Hosted Zone: {}",
                            found.join(", ")
                        )))
                    }
                }
            }
        };
        let out = self
            .c
            .route53
            .get_hosted_zone()
            .id(&zone_id)
            .send()
            .await
            .map_err(aws_err)?;
        let zone = out
            .hosted_zone()
            .ok_or_else(|| ProviderError::msg("no matching Route 53 Hosted Zone found"))?;
        let private = zone.config().is_some_and(|c| c.private_zone());
        let mut name_servers: Vec<String> = out
            .delegation_set()
            .map(|d| d.name_servers().to_vec())
            .unwrap_or_default();
        if private {
            name_servers = apex_name_servers(&self.c, zone).await?;
        }
        let tags = zone_tags(&self.c, &zone_id).await?;
        Ok(Value::object([
            ("id", Value::str(&zone_id)),
            ("zone_id", Value::str(&zone_id)),
            ("arn", Value::str(format!("arn:aws:route53:::hostedzone/{zone_id}"))),
            ("name", Value::str(normalize_zone_name(zone.name()))),
            ("caller_reference", Value::str(zone.caller_reference())),
            (
                "comment",
                Value::str(zone.config().and_then(|c| c.comment()).unwrap_or_default()),
            ),
            ("private_zone", Value::Bool(private)),
            ("vpc_id", config.get("vpc_id").clone()),
            ("primary_name_server", Value::from(name_servers.first().cloned())),
            (
                "name_servers",
                Value::List(name_servers.into_iter().map(Value::String).collect()),
            ),
            (
                "resource_record_set_count",
                Value::from(zone.resource_record_set_count()),
            ),
            (
                "linked_service_principal",
                Value::from(
                    zone.linked_service()
                        .and_then(|l| l.service_principal())
                        .map(str::to_string),
                ),
            ),
            (
                "linked_service_description",
                Value::from(zone.linked_service().and_then(|l| l.description())),
            ),
            (
                "tags",
                Value::Object(tags.into_iter().map(|(k, v)| (k, Value::String(v))).collect()),
            ),
        ]))
    }
}
