//! Data source `aws_elasticache_cluster`: a cache cluster by id, with its nodes and endpoints,
//! for stacks that connect to a cache another stack made. It reads what the resource reads and
//! keeps the data source's attributes; `engine_version` is the version running, as the
//! provider's data source records it.

use super::cluster::Cluster;
use crate::provider::aws::common::required;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_elasticache_cluster` data source.
pub struct ClusterData {
    cluster: Cluster,
    schema: Schema,
}

impl ClusterData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ClusterData {
        let schema = data_source("aws_elasticache_cluster")
            .args(&["cluster_id", "tags"])
            .build();
        ClusterData {
            cluster: Cluster::new(c),
            schema,
        }
    }
}

#[async_trait]
impl DataSourceType for ClusterData {
    fn type_name(&self) -> &'static str {
        "aws_elasticache_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let id = required(config, "cluster_id")?.to_lowercase();
        let read = self
            .cluster
            .read_with_tags(&id, &Value::Null)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("ElastiCache Cache Cluster ({id}) not found")))?;
        let mut results = Value::object(self.schema.attrs.keys().map(|k| (k.to_string(), read.get(k).clone())));
        if let Value::Object(m) = &mut results {
            m.insert("engine_version".into(), read.get("engine_version_actual").clone());
            m.insert("tags".into(), read.get("tags_all").clone());
        }
        Ok(with_results(config, results))
    }
}
