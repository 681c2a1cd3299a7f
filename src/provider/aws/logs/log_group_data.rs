//! Data source `aws_cloudwatch_log_group`: a log group by name, read as the resource reads it
//! plus its creation time.

use crate::provider::aws::common::{aws_err, required};
use crate::provider::aws::lookup::{project, read_as_resource};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_log_group` data source.
pub struct LogGroupData {
    c: Arc<Clients>,
    group: super::log_group::LogGroup,
    schema: Schema,
}

impl LogGroupData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LogGroupData {
        let schema = data_source("aws_cloudwatch_log_group").args(&["name", "tags"]).build();
        LogGroupData {
            group: super::log_group::LogGroup::new(c.clone()),
            c,
            schema,
        }
    }
}

#[async_trait]
impl DataSourceType for LogGroupData {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let read = read_as_resource(&self.group, &name, "CloudWatch Logs Log Group").await?;
        let out = self
            .c
            .logs
            .describe_log_groups()
            .log_group_name_prefix(&name)
            .send()
            .await
            .map_err(aws_err)?;
        let created = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name.as_str()))
            .and_then(|g| g.creation_time());
        let mut v = project(&read, &self.schema, config);
        if let Value::Object(m) = &mut v {
            m.insert("creation_time".into(), Value::from(created));
        }
        Ok(v)
    }
}
