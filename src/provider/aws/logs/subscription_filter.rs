//! `aws_cloudwatch_log_subscription_filter`: a log group's events streamed to Kinesis, Firehose
//! or Lambda. Its id is the provider's (`cwlsf-` and a CRC-32 of the group name); import as
//! `GROUP|NAME`, as the provider does.

use super::{group_and_name, require_group_and_name};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::types::Distribution;
use std::sync::Arc;

/// The `aws_cloudwatch_log_subscription_filter` resource type.
pub struct SubscriptionFilter {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's id for a filter on `group`.
fn filter_id(group: &str) -> String {
    format!("cwlsf-{}", crc32fast::hash(format!("{group}-").as_bytes()))
}

impl SubscriptionFilter {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubscriptionFilter {
        let schema = resource("aws_cloudwatch_log_subscription_filter")
            .arg("name")
            .force_new()
            .check(len_between(1, 512))
            .arg("log_group_name")
            .force_new()
            .arg("destination_arn")
            .force_new()
            .check(arn())
            .arg("filter_pattern")
            .check(len_between(0, 1024))
            .arg("role_arn")
            .check(arn())
            .arg("distribution")
            .default("ByLogStream")
            .check(one_of(Distribution::values()))
            .build();
        SubscriptionFilter { c, schema }
    }

    async fn put(&self, planned: &Value) -> PResult<(String, String)> {
        let group = required(planned, "log_group_name")?;
        let name = required(planned, "name")?;
        self.c
            .logs
            .put_subscription_filter()
            .log_group_name(&group)
            .filter_name(&name)
            .filter_pattern(opt_str(planned, "filter_pattern").unwrap_or_default())
            .destination_arn(opt_str(planned, "destination_arn").unwrap_or_default())
            .set_role_arn(opt_str(planned, "role_arn").filter(|r| !r.is_empty()))
            .set_distribution(opt_str(planned, "distribution").map(|d| Distribution::from(d.as_str())))
            .send()
            .await
            .map_err(aws_err)?;
        Ok((group, name))
    }
}

#[async_trait]
impl ResourceType for SubscriptionFilter {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_subscription_filter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (group, _) = self.put(planned).await?;
        let id = filter_id(&group);
        must_exist(self.read(ctx, &id, planned).await?, "subscription filter", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = require_group_and_name(id, prior, '|')?;
        let out = self
            .c
            .logs
            .describe_subscription_filters()
            .log_group_name(&group)
            .filter_name_prefix(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["ResourceNotFoundException"])? else {
            return Ok(None);
        };
        let Some(f) = out
            .subscription_filters()
            .iter()
            .find(|f| f.filter_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::from(v);
        Ok(Some(Value::object([
            ("id", Value::str(filter_id(&group))),
            ("name", Value::str(&name)),
            ("log_group_name", Value::str(&group)),
            ("destination_arn", s(f.destination_arn())),
            ("filter_pattern", s(f.filter_pattern())),
            ("role_arn", s(f.role_arn())),
            (
                "distribution",
                Value::str(f.distribution().map(|d| d.as_str()).unwrap_or("ByLogStream")),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "subscription filter", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some((group, name)) = group_and_name(id, prior, '|') else {
            return Ok(());
        };
        let r = self
            .c
            .logs
            .delete_subscription_filter()
            .log_group_name(group)
            .filter_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_providers_and_imports_name_group_and_filter() {
        assert_eq!(filter_id("/app"), format!("cwlsf-{}", crc32fast::hash(b"/app-")));
        let prior = Value::object([("log_group_name", Value::str("/app")), ("name", Value::str("ship"))]);
        assert_eq!(
            group_and_name("cwlsf-1", &prior, '|'),
            Some(("/app".into(), "ship".into()))
        );
    }
}
