//! `aws_ecs_cluster_capacity_providers`: which capacity providers a cluster may use (`FARGATE`,
//! `FARGATE_SPOT`, or Auto Scaling group providers) and its default strategy (weights and
//! bases), written together by PutClusterCapacityProviders. Deleting empties both lists. The
//! id and import id are the cluster name. Writing is idempotent, so there is nothing a killed
//! run could have left half made.

use super::{strategy, strategy_state};
use crate::provider::aws::common::{aws_err, list_value, must_exist, required, retry_while, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::int_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecs::types::CapacityProviderStrategyItem;
use std::sync::Arc;
use std::time::Duration;

/// ECS refuses a change while the cluster is still applying the last one; the provider retries
/// for as long as its fixed timeout.
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The `aws_ecs_cluster_capacity_providers` resource type.
pub struct ClusterCapacityProviders {
    c: Arc<Clients>,
    schema: Schema,
}

impl ClusterCapacityProviders {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ClusterCapacityProviders {
        let schema = resource("aws_ecs_cluster_capacity_providers")
            .arg("cluster_name")
            .force_new()
            .arg("default_capacity_provider_strategy.base")
            .default(0)
            .check(int_between(0, 100_000))
            .arg("default_capacity_provider_strategy.weight")
            .default(0)
            .check(int_between(0, 1000))
            .args(&["capacity_providers", "default_capacity_provider_strategy"])
            .build();
        ClusterCapacityProviders { c, schema }
    }

    async fn put(
        &self,
        cluster: &str,
        providers: Vec<String>,
        default: Vec<CapacityProviderStrategyItem>,
    ) -> PResult<()> {
        retry_while(
            &["ResourceInUseException", "UpdateInProgressException"],
            TIMEOUT,
            || async {
                self.c
                    .ecs
                    .put_cluster_capacity_providers()
                    .cluster(cluster)
                    .set_capacity_providers(Some(providers.clone()))
                    .set_default_capacity_provider_strategy(Some(default.clone()))
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await?;
        Ok(())
    }

    async fn write(&self, cluster: &str, planned: &Value) -> PResult<()> {
        self.put(
            cluster,
            str_list(planned, "capacity_providers"),
            strategy(planned, "default_capacity_provider_strategy")?,
        )
        .await
    }
}

#[async_trait]
impl ResourceType for ClusterCapacityProviders {
    fn type_name(&self) -> &'static str {
        "aws_ecs_cluster_capacity_providers"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let cluster = required(planned, "cluster_name")?;
        self.write(&cluster, planned).await?;
        must_exist(self.read(ctx, &cluster, planned).await?, "cluster", &cluster)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ecs
            .describe_clusters()
            .clusters(id)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(c) = out.clusters().iter().find(|c| c.status() != Some("INACTIVE")) else {
            return Ok(None);
        };
        let name = c.cluster_name().unwrap_or(id).to_string();
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("cluster_name", Value::str(&name)),
            ("capacity_providers", list_value(c.capacity_providers().iter().cloned())),
            (
                "default_capacity_provider_strategy",
                strategy_state(c.default_capacity_provider_strategy()),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.write(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "cluster", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        match self.put(id, vec![], vec![]).await {
            Err(e) if e.code.as_deref() == Some("ClusterNotFoundException") => Ok(()),
            other => other,
        }
    }
}
