//! `aws_cloudwatch_event_archive`: keeps the events a bus receives (all, or those matching a
//! pattern) for a number of days, to replay them later. As the AWS provider does: the id is the
//! name; the name and the source bus force a replacement; the description, pattern and
//! retention change in place with UpdateArchive; `event_pattern` is JSON, sent compact and
//! compared as JSON. A retention removed from the blueprint is sent as 0 (keep forever), which
//! is what AWS holds for an archive made without one (the provider sends nothing then, and AWS
//! keeps the old retention). Import by name.

use super::rule::{check_pattern_length, normalized_pattern};
use super::NOT_FOUND;
use crate::provider::aws::common::{
    absent_on, aws_err, json_as_configured, must_exist, ok_on, opt_i32, opt_str, required,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, json, len_between, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_event_archive` resource type.
pub struct Archive {
    c: Arc<Clients>,
    schema: Schema,
}

impl Archive {
    /// Creates the type with its clients. Validators are the provider's (checked with
    /// `terraform validate`).
    pub fn new(c: Arc<Clients>) -> Archive {
        let schema = resource("aws_cloudwatch_event_archive")
            .arg("name")
            .force_new()
            .check(len_between(1, 48))
            .check(matches(
                r"^[\.\-_A-Za-z0-9]+$",
                "letters, digits, dots, hyphens or underscores",
            ))
            .arg("event_source_arn")
            .force_new()
            .check(arn())
            .arg("description")
            .check(len_between(0, 512))
            .arg("event_pattern")
            .check(json())
            .args(&["retention_days"])
            .build();
        Archive { c, schema }
    }

    async fn read_archive(&self, name: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .events
            .describe_archive()
            .archive_name(name)
            .send()
            .await
            .map_err(aws_err);
        let Some(a) = absent_on(out, NOT_FOUND)? else {
            return Ok(None);
        };
        let pattern = a.event_pattern().map(normalized_pattern);
        Ok(Some(Value::object([
            ("id", Value::str(name)),
            ("name", Value::str(name)),
            ("arn", Value::from(a.archive_arn())),
            ("event_source_arn", Value::from(a.event_source_arn())),
            ("description", Value::str(a.description().unwrap_or_default())),
            ("event_pattern", json_as_configured(prior.get("event_pattern"), pattern)),
            ("retention_days", Value::from(a.retention_days().unwrap_or(0))),
        ])))
    }
}

/// The configured pattern, compact; none when unset or empty.
fn pattern(planned: &Value) -> Option<String> {
    opt_str(planned, "event_pattern")
        .filter(|p| !p.is_empty())
        .map(|p| normalized_pattern(&p))
}

#[async_trait]
impl ResourceType for Archive {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_archive"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_pattern_length(config)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.c
            .events
            .create_archive()
            .archive_name(&name)
            .set_event_source_arn(opt_str(planned, "event_source_arn"))
            .set_description(opt_str(planned, "description").filter(|d| !d.is_empty()))
            .set_event_pattern(pattern(planned))
            .set_retention_days(opt_i32(planned, "retention_days").filter(|d| *d != 0))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read_archive(&name, planned).await?, "EventBridge Archive", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_archive(id, prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.c
            .events
            .update_archive()
            .archive_name(id)
            .description(opt_str(planned, "description").unwrap_or_default())
            .set_event_pattern(pattern(planned))
            .retention_days(opt_i32(planned, "retention_days").unwrap_or(0))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read_archive(id, planned).await?, "EventBridge Archive", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .events
            .delete_archive()
            .archive_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }
}
