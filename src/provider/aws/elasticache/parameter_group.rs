//! `aws_elasticache_parameter_group`: engine settings for cache clusters and replication
//! groups. The id is the name, in lowercase as ElastiCache keeps it; family and description are
//! fixed at creation. `parameter` blocks are set with ModifyCacheParameterGroup and removed ones
//! reset to the family's default with ResetCacheParameterGroup, 20 per call as ElastiCache
//! allows. Only parameters the user set (source `user`) are read back, so the family's defaults
//! never show as drift.

use super::{pairs, tag, tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_str, owns, required, retry_while, tags_to_write,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticache::types::{CacheParameterGroup, ParameterNameValue};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_elasticache_parameter_group` resource type.
pub struct ParameterGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// Parameters per Modify or Reset call (ElastiCache's limit).
const PER_CALL: usize = 20;

fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

/// The `parameter` blocks as (name, value) pairs.
fn settings(v: &Value) -> Vec<(String, String)> {
    v.get("parameter")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| Some((p.get("name").to_plain_string()?, p.get("value").to_plain_string()?)))
        .collect()
}

fn name_values(settings: &[(String, String)], with_values: bool) -> Vec<ParameterNameValue> {
    settings
        .iter()
        .map(|(n, v)| {
            let p = ParameterNameValue::builder().parameter_name(n);
            if with_values {
                p.parameter_value(v).build()
            } else {
                p.build()
            }
        })
        .collect()
}

impl ParameterGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ParameterGroup {
        let schema = resource("aws_elasticache_parameter_group")
            .arg("name")
            .force_new()
            .normalized(lowercase)
            .arg("family")
            .force_new()
            .arg("description")
            .force_new()
            .default("Managed by Terraform")
            .args(&["parameter", "tags"])
            .build();
        ParameterGroup { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<CacheParameterGroup>> {
        let name = name.to_lowercase();
        let out = absent_on(
            self.c
                .elasticache
                .describe_cache_parameter_groups()
                .cache_parameter_group_name(&name)
                .send()
                .await
                .map_err(aws_err),
            &["CacheParameterGroupNotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.cache_parameter_groups()
                .iter()
                .find(|g| g.cache_parameter_group_name() == Some(name.as_str()))
                .cloned()
        }))
    }

    /// The parameters set on the group (not the family's defaults), names in lowercase as the
    /// provider records them.
    async fn user_parameters(&self, name: &str) -> PResult<Vec<Value>> {
        let mut out = Vec::new();
        let mut pages = self
            .c
            .elasticache
            .describe_cache_parameters()
            .cache_parameter_group_name(name)
            .source("user")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for p in page.map_err(aws_err)?.parameters() {
                if let (Some(n), Some(v)) = (p.parameter_name(), p.parameter_value()) {
                    out.push(Value::object([
                        ("name", Value::str(n.to_lowercase())),
                        ("value", Value::str(v)),
                    ]));
                }
            }
        }
        Ok(out)
    }

    async fn set(&self, name: &str, settings: &[(String, String)]) -> PResult<()> {
        for chunk in settings.chunks(PER_CALL) {
            self.c
                .elasticache
                .modify_cache_parameter_group()
                .cache_parameter_group_name(name)
                .set_parameter_name_values(Some(name_values(chunk, true)))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    async fn reset(&self, name: &str, settings: &[(String, String)]) -> PResult<()> {
        for chunk in settings.chunks(PER_CALL) {
            // A change a moment ago may still be applying to the group's clusters.
            retry_while(
                &["InvalidCacheParameterGroupState"],
                Duration::from_secs(30),
                || async {
                    self.c
                        .elasticache
                        .reset_cache_parameter_group()
                        .cache_parameter_group_name(name)
                        .set_parameter_name_values(Some(name_values(chunk, false)))
                        .send()
                        .await
                        .map_err(aws_err)
                },
            )
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for ParameterGroup {
    fn type_name(&self) -> &'static str {
        "aws_elasticache_parameter_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?.to_lowercase();
        self.c
            .elasticache
            .create_cache_parameter_group()
            .cache_parameter_group_name(&name)
            .cache_parameter_group_family(required(planned, "family")?)
            .description(opt_str(planned, "description").unwrap_or_default())
            .set_tags(Some(
                tags_to_write(ctx, planned)
                    .into_iter()
                    .map(|(k, v)| tag(k, v))
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_err)?;
        self.set(&name, &settings(planned)).await?;
        must_exist(
            self.read(ctx, &name, planned).await?,
            "ElastiCache parameter group",
            &name,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let name = g.cache_parameter_group_name().unwrap_or(id).to_string();
        let parameters = self.user_parameters(&name).await?;
        let tags = match g.arn() {
            Some(arn) => tags(&self.c.elasticache, arn).await?,
            None => Vec::new(),
        };
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("name", Value::str(&name)),
            ("family", Value::from(g.cache_parameter_group_family())),
            ("description", Value::from(g.description())),
            ("parameter", Value::List(parameters)),
            ("arn", Value::from(g.arn())),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(pairs(&tags).map(|(k, v)| (k.to_string(), v.to_string()))),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let old = settings(prior);
        let new = settings(planned);
        let removed: Vec<_> = old
            .iter()
            .filter(|(n, _)| !new.iter().any(|(m, _)| m == n))
            .cloned()
            .collect();
        let changed: Vec<_> = new.iter().filter(|s| !old.contains(s)).cloned().collect();
        self.reset(id, &removed).await?;
        self.set(id, &changed).await?;
        let arn = opt_str(prior, "arn").unwrap_or_default();
        update_tags(&self.c.elasticache, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ElastiCache parameter group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // A cluster deleted a moment ago may still hold the group for a while.
        let r = retry_while(
            &["InvalidCacheParameterGroupState"],
            Duration::from_secs(180),
            || async {
                self.c
                    .elasticache
                    .delete_cache_parameter_group()
                    .cache_parameter_group_name(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            },
        )
        .await;
        ok_on(r, &["CacheParameterGroupNotFound"])
    }

    /// A create refused because the name is taken may be this stack's own group, made by a
    /// run killed before it saved state: the tags say so.
    fn conflict_codes(&self) -> &'static [&'static str] {
        &["CacheParameterGroupAlreadyExists"]
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name").map(|n| n.to_lowercase()) else {
            return Ok(None);
        };
        let Some(arn) = self.describe(&name).await?.and_then(|g| g.arn().map(str::to_string)) else {
            return Ok(None);
        };
        let tags = tags(&self.c.elasticache, &arn).await?;
        Ok(owns(pairs(&tags), ctx).then_some(name))
    }
}
