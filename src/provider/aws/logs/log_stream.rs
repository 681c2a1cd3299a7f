//! `aws_cloudwatch_log_stream`: a stream in a log group. Its id is its name; import as
//! `GROUP:NAME`. Nothing about it changes in place.

use super::{group_and_name, require_group_and_name};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, not_matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_log_stream` resource type.
pub struct LogStream {
    c: Arc<Clients>,
    schema: Schema,
}

impl LogStream {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LogStream {
        let schema = resource("aws_cloudwatch_log_stream")
            .arg("log_group_name")
            .force_new()
            .arg("name")
            .force_new()
            .check(len_between(1, 512))
            .check(not_matches(r"[:*]", "no ':' or '*'"))
            .build();
        LogStream { c, schema }
    }
}

#[async_trait]
impl ResourceType for LogStream {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_stream"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let group = required(planned, "log_group_name")?;
        let name = required(planned, "name")?;
        let r = self
            .c
            .logs
            .create_log_stream()
            .log_group_name(&group)
            .log_stream_name(&name)
            .send()
            .await
            .map_err(aws_err);
        // A resumed create may find the stream it made before being killed.
        if ctx.resumed {
            absent_on(r, &["ResourceAlreadyExistsException"])?;
        } else {
            r?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "log stream", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = require_group_and_name(id, prior, ':')?;
        let out = self
            .c
            .logs
            .describe_log_streams()
            .log_group_name(&group)
            .log_stream_name_prefix(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["ResourceNotFoundException"])? else {
            return Ok(None);
        };
        let Some(s) = out
            .log_streams()
            .iter()
            .find(|s| s.log_stream_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("name", Value::str(&name)),
            ("log_group_name", Value::str(group)),
            ("arn", Value::from(s.arn())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument replaces; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "log stream", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some((group, name)) = group_and_name(id, prior, ':') else {
            return Ok(());
        };
        let r = self
            .c
            .logs
            .delete_log_stream()
            .log_group_name(group)
            .log_stream_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }
}
