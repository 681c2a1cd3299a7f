//! `aws_ecr_replication_configuration`: where the registry replicates its images (rules of
//! destination regions and registries, optionally only repositories with a name prefix). One per
//! registry and region: its id is the account id; a registry with no rules has none, and
//! destroying it puts an empty rule list, as the provider does.

use super::{blocks, filter_state};
use crate::provider::aws::common::{aws_err, first, must_exist, opt_str};
use crate::provider::aws::s3::companion::account_id;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecr::types::{
    ReplicationConfiguration as Config, ReplicationDestination, ReplicationRule, RepositoryFilter, RepositoryFilterType,
};
use std::sync::Arc;

/// The `aws_ecr_replication_configuration` resource type.
pub struct ReplicationConfiguration {
    c: Arc<Clients>,
    schema: Schema,
}

impl ReplicationConfiguration {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ReplicationConfiguration {
        let schema = resource("aws_ecr_replication_configuration")
            .arg("replication_configuration.rule.destination.region")
            .check(matches(r"^[a-z]{2}(-[a-z]+)+-\d$", "a region name"))
            .arg("replication_configuration.rule.destination.registry_id")
            .check(account_id())
            .arg("replication_configuration.rule.repository_filter.filter_type")
            .check(one_of(&["PREFIX_MATCH"]))
            .args(&["replication_configuration"])
            .build();
        ReplicationConfiguration { c, schema }
    }

    async fn put(&self, rules: Vec<ReplicationRule>) -> PResult<()> {
        let config = Config::builder().set_rules(Some(rules)).build().map_err(invalid)?;
        self.c
            .ecr
            .put_replication_configuration()
            .replication_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn write(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.put(rules(planned)?).await?;
        let id = self.c.account_id().await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "ECR replication configuration",
            &id,
        )
    }
}

fn invalid(e: impl std::fmt::Display) -> ProviderError {
    ProviderError::msg(e.to_string())
}

/// The configured rules as ECR takes them.
fn rules(planned: &Value) -> PResult<Vec<ReplicationRule>> {
    let config = first(planned, "replication_configuration").unwrap_or(&Value::Null);
    blocks(config, "rule")
        .iter()
        .map(|rule| {
            let destinations = blocks(rule, "destination")
                .iter()
                .map(|d| {
                    ReplicationDestination::builder()
                        .region(opt_str(d, "region").unwrap_or_default())
                        .registry_id(opt_str(d, "registry_id").unwrap_or_default())
                        .build()
                        .map_err(invalid)
                })
                .collect::<PResult<Vec<_>>>()?;
            let filters = blocks(rule, "repository_filter")
                .iter()
                .map(|f| {
                    let kind = opt_str(f, "filter_type").unwrap_or_default();
                    RepositoryFilter::builder()
                        .filter(opt_str(f, "filter").unwrap_or_default())
                        .filter_type(RepositoryFilterType::from(kind.as_str()))
                        .build()
                        .map_err(invalid)
                })
                .collect::<PResult<Vec<_>>>()?;
            ReplicationRule::builder()
                .set_destinations(Some(destinations))
                .set_repository_filters((!filters.is_empty()).then_some(filters))
                .build()
                .map_err(invalid)
        })
        .collect()
}

/// ECR's rules as state records them.
fn rules_state(rules: &[ReplicationRule]) -> Value {
    let rule = |r: &ReplicationRule| {
        let destinations = r.destinations().iter().map(|d| {
            Value::object([
                ("region", Value::str(d.region())),
                ("registry_id", Value::str(d.registry_id())),
            ])
        });
        let filters = r
            .repository_filters()
            .iter()
            .map(|f| filter_state(f.filter(), f.filter_type().as_str()));
        Value::object([
            ("destination", Value::List(destinations.collect())),
            ("repository_filter", Value::List(filters.collect())),
        ])
    };
    Value::List(vec![Value::object([(
        "rule",
        Value::List(rules.iter().map(rule).collect()),
    )])])
}

#[async_trait]
impl ResourceType for ReplicationConfiguration {
    fn type_name(&self) -> &'static str {
        "aws_ecr_replication_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.write(ctx, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self.c.ecr.describe_registry().send().await.map_err(aws_err)?;
        let rules = out.replication_configuration().map(|c| c.rules()).unwrap_or_default();
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("registry_id", Value::from(out.registry_id())),
            ("replication_configuration", rules_state(rules)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.write(ctx, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        self.put(Vec::new()).await
    }
}
