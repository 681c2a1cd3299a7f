//! Data source `aws_ecs_cluster`: a cluster by name, with its counts, settings and Service
//! Connect defaults.

use crate::provider::aws::common::{required, user_tags};
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ecs_cluster` data source.
pub struct ClusterData {
    cluster: super::cluster::Cluster,
    schema: Schema,
}

impl ClusterData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ClusterData {
        let schema = data_source("aws_ecs_cluster").args(&["cluster_name", "tags"]).build();
        ClusterData {
            cluster: super::cluster::Cluster::new(c),
            schema,
        }
    }
}

#[async_trait]
impl DataSourceType for ClusterData {
    fn type_name(&self) -> &'static str {
        "aws_ecs_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "cluster_name")?;
        let c = self
            .cluster
            .describe(&name)
            .await?
            .ok_or_else(|| ProviderError::msg("no matching ECS Cluster found"))?;
        let settings = c
            .settings()
            .iter()
            .map(|s| {
                Value::object([
                    ("name", Value::from(s.name().map(|n| n.as_str().to_string()))),
                    ("value", Value::from(s.value())),
                ])
            })
            .collect();
        let service_connect = c
            .service_connect_defaults()
            .map(|d| Value::object([("namespace", Value::from(d.namespace()))]));
        let tags = c.tags().iter().map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        });
        let count = |n: i32| Value::Number(n as f64);
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::from(c.cluster_arn())),
                ("arn", Value::from(c.cluster_arn())),
                ("status", Value::from(c.status())),
                ("pending_tasks_count", count(c.pending_tasks_count())),
                ("running_tasks_count", count(c.running_tasks_count())),
                (
                    "registered_container_instances_count",
                    count(c.registered_container_instances_count()),
                ),
                (
                    "service_connect_defaults",
                    Value::List(service_connect.into_iter().collect()),
                ),
                ("setting", Value::List(settings)),
                ("tags", user_tags(tags)),
            ]),
        ))
    }
}
