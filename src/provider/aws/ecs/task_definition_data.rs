//! Data source `aws_ecs_task_definition`: one revision, named by `family`, `family:revision`
//! or its ARN (a family alone names its latest ACTIVE revision). Modules read it beside their
//! own `aws_ecs_task_definition` to run whichever revision is newer, theirs or one registered
//! outside Terraform.

use super::task_definition::{to_state, TaskDefinition};
use crate::provider::aws::common::required;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The attributes the data source shares with the resource, read the same way.
const SHARED: [&str; 16] = [
    "arn",
    "arn_without_revision",
    "container_definitions",
    "cpu",
    "ephemeral_storage",
    "execution_role_arn",
    "family",
    "ipc_mode",
    "memory",
    "network_mode",
    "pid_mode",
    "placement_constraints",
    "requires_compatibilities",
    "revision",
    "runtime_platform",
    "task_role_arn",
];

/// The `aws_ecs_task_definition` data source.
pub struct TaskDefinitionData {
    task_definition: TaskDefinition,
    schema: Schema,
}

impl TaskDefinitionData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TaskDefinitionData {
        TaskDefinitionData {
            task_definition: TaskDefinition::new(c),
            schema: data_source("aws_ecs_task_definition")
                .args(&["task_definition"])
                .build(),
        }
    }
}

#[async_trait]
impl DataSourceType for TaskDefinitionData {
    fn type_name(&self) -> &'static str {
        "aws_ecs_task_definition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let which = required(config, "task_definition")?;
        let out = self.task_definition.describe(&which).await?.ok_or_else(|| {
            ProviderError::msg(format!(
                "reading ECS Task Definition ({which}): no task definition of that name"
            ))
        })?;
        // No prior: the container definitions read back in the provider's reduced form.
        let state = to_state(&out, &Value::Null);
        let td = &out["taskDefinition"];
        let mut results: Vec<(&str, Value)> = SHARED.iter().map(|k| (*k, state.get(k).clone())).collect();
        let volumes = state
            .get("volume")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(with_volume_kinds);
        results.extend([
            ("id", state.get("arn").clone()),
            ("volume", Value::List(volumes.collect())),
            ("status", td["status"].as_str().map(Value::str).unwrap_or(Value::Null)),
            (
                "enable_fault_injection",
                Value::Bool(td["enableFaultInjection"].as_bool().unwrap_or(false)),
            ),
            ("inference_accelerator", Value::List(vec![])),
            ("proxy_configuration", Value::List(vec![])),
        ]);
        Ok(with_results(config, Value::object(results)))
    }
}

/// A volume as the resource reads it, with the volume kinds the resource does not read yet
/// (Docker, EFS, FSx) present and empty, as the data source's object type has them.
fn with_volume_kinds(volume: &Value) -> Value {
    let mut v = volume.clone();
    if let Value::Object(m) = &mut v {
        for kind in [
            "docker_volume_configuration",
            "efs_volume_configuration",
            "fsx_windows_file_server_volume_configuration",
        ] {
            m.entry(kind.to_string()).or_insert(Value::List(vec![]));
        }
    }
    v
}
