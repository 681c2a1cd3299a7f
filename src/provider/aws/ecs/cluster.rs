//! `aws_ecs_cluster`: a cluster with its settings (Container Insights) and tags.

use crate::provider::aws::common::{aws_err, configured_tags, must_exist, opt_str, tags_to_write, user_tags};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType, ADDRESS_TAG, STACK_TAG};
use crate::schema::validators::{matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecs::types::{ClusterField, ClusterSetting, ClusterSettingName};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_ecs_cluster` resource type.
pub struct Cluster {
    c: Arc<Clients>,
    schema: Schema,
}

impl Cluster {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Cluster {
        let schema = resource("aws_ecs_cluster")
            .arg("name")
            .force_new()
            .arg("setting")
            .live_if_unset()
            .args(&["tags"])
            .arg("name")
            .check(matches(
                r"^[0-9A-Za-z_-]{1,255}$",
                "1 to 255 letters, digits, hyphens and underscores",
            ))
            .arg("setting.name")
            .check(one_of(&["containerInsights"]))
            .build();
        Cluster { c, schema }
    }

    /// The cluster by name or ARN, with its settings and tags; `None` when absent or inactive.
    pub async fn describe(&self, id: &str) -> PResult<Option<aws_sdk_ecs::types::Cluster>> {
        let out = self
            .c
            .ecs
            .describe_clusters()
            .clusters(id)
            .include(ClusterField::Settings)
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.clusters().iter().find(|c| c.status() != Some("INACTIVE")).cloned())
    }
}

fn settings(v: &Value) -> Vec<ClusterSetting> {
    v.get("setting")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|s| {
            ClusterSetting::builder()
                .name(ClusterSettingName::from(
                    opt_str(s, "name").unwrap_or_default().as_str(),
                ))
                .set_value(opt_str(s, "value"))
                .build()
        })
        .collect()
}

#[async_trait]
impl ResourceType for Cluster {
    fn type_name(&self) -> &'static str {
        "aws_ecs_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").ok_or_else(|| ProviderError::msg("name is required"))?;
        let settings = Some(settings(planned)).filter(|s| !s.is_empty());
        let out = self
            .c
            .ecs
            .create_cluster()
            .cluster_name(&name)
            .set_settings(settings)
            .set_tags(Some(super::ecs_tags(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .cluster()
            .and_then(|c| c.cluster_arn())
            .ok_or_else(|| ProviderError::msg("CreateCluster returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "ECS cluster", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(c) = self.describe(id).await? else {
            return Ok(None);
        };
        let settings: Vec<Value> = c
            .settings()
            .iter()
            .map(|s| {
                Value::object([
                    ("name", Value::from(s.name().map(|n| n.as_str().to_string()))),
                    ("value", Value::from(s.value().map(str::to_string))),
                ])
            })
            .collect();
        let tag_pairs = c.tags().iter().map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        });
        Ok(Some(Value::object([
            // The ARN, whether it was read by ARN or imported by name.
            ("id", Value::from(c.cluster_arn().map(str::to_string))),
            ("name", Value::from(c.cluster_name().map(str::to_string))),
            ("setting", Value::List(settings)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs)),
            ("arn", Value::from(c.cluster_arn().map(str::to_string))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("setting") != planned.get("setting") && !settings(planned).is_empty() {
            self.c
                .ecs
                .update_cluster()
                .cluster(id)
                .set_settings(Some(settings(planned)))
                .send()
                .await
                .map_err(aws_err)?;
        }
        super::update_tags(&self.c.ecs, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ECS cluster", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // Services being drained keep the cluster busy for a while.
        let r = crate::provider::aws::common::retry_while(
            &["ClusterContainsServicesException", "ClusterContainsTasksException"],
            Duration::from_secs(600),
            || async { self.c.ecs.delete_cluster().cluster(id).send().await.map_err(aws_err) },
        )
        .await;
        crate::provider::aws::common::absent_on(r, &["ClusterNotFoundException"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(c) = self.describe(&name).await? else {
            return Ok(None);
        };
        let has = |k: &str, v: &str| c.tags().iter().any(|t| t.key() == Some(k) && t.value() == Some(v));
        Ok((has(STACK_TAG, &ctx.stack) && has(ADDRESS_TAG, &ctx.address))
            .then(|| c.cluster_arn().unwrap_or_default().to_string()))
    }
}
