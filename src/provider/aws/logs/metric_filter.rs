//! `aws_cloudwatch_log_metric_filter`: a pattern on a log group's events that publishes a
//! CloudWatch metric. PutMetricFilter creates and replaces it whole; its id is its name,
//! import as `GROUP:NAME`.

use super::{group_and_name, require_group_and_name};
use crate::provider::aws::common::{absent_on, aws_err, build_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::types::{MetricTransformation, StandardUnit};
use std::sync::Arc;

/// The `aws_cloudwatch_log_metric_filter` resource type.
pub struct MetricFilter {
    c: Arc<Clients>,
    schema: Schema,
}

impl MetricFilter {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MetricFilter {
        let schema = resource("aws_cloudwatch_log_metric_filter")
            .arg("name")
            .force_new()
            .check(len_between(1, 512))
            .check(not_matches(r"[:*]", "no ':' or '*'"))
            .arg("log_group_name")
            .force_new()
            .check(len_between(1, 512))
            .check(matches(r"^[\.\-_/#A-Za-z0-9]+$", "letters, digits, and _ - / . # only"))
            .arg("pattern")
            .check(len_between(0, 1024))
            .arg("metric_transformation")
            .arg("metric_transformation.name")
            .check(len_between(0, 255))
            .check(not_matches(r"[:*$]", "no ':', '*' or '$'"))
            .arg("metric_transformation.namespace")
            .check(len_between(0, 255))
            .check(not_matches(r"[:*$]", "no ':', '*' or '$'"))
            .arg("metric_transformation.value")
            .check(len_between(0, 100))
            .args(&[
                "metric_transformation.default_value",
                "metric_transformation.dimensions",
            ])
            .arg("metric_transformation.unit")
            .default("None")
            .check(one_of(StandardUnit::values()))
            .build();
        MetricFilter { c, schema }
    }

    async fn put(&self, planned: &Value) -> PResult<(String, String)> {
        let group = required(planned, "log_group_name")?;
        let name = required(planned, "name")?;
        let t = planned
            .get("metric_transformation")
            .as_list()
            .and_then(|l| l.first())
            .ok_or_else(|| ProviderError::msg("metric_transformation is required"))?;
        let default_value = match opt_str(t, "default_value").filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(d.parse::<f64>().map_err(|e| {
                ProviderError::msg(format!(
                    "metric_transformation.default_value \"{d}\" is not a number: {e}"
                ))
            })?),
        };
        let dimensions = t.get("dimensions").as_object().map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
                .collect()
        });
        let transformation = MetricTransformation::builder()
            .metric_name(opt_str(t, "name").unwrap_or_default())
            .metric_namespace(opt_str(t, "namespace").unwrap_or_default())
            .metric_value(opt_str(t, "value").unwrap_or_default())
            .set_default_value(default_value)
            .set_dimensions(dimensions)
            .unit(StandardUnit::from(
                opt_str(t, "unit").unwrap_or_else(|| "None".into()).as_str(),
            ))
            .build()
            .map_err(build_err)?;
        // The provider trims the pattern; AWS would keep the spaces and plan a change forever.
        let pattern = opt_str(planned, "pattern").unwrap_or_default().trim().to_string();
        self.c
            .logs
            .put_metric_filter()
            .log_group_name(&group)
            .filter_name(&name)
            .filter_pattern(pattern)
            .metric_transformations(transformation)
            .send()
            .await
            .map_err(aws_err)?;
        Ok((group, name))
    }
}

/// A number as the provider writes `default_value` (Go's shortest form: `0`, `1.5`).
fn number_text(n: f64) -> String {
    format!("{n}")
}

#[async_trait]
impl ResourceType for MetricFilter {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_metric_filter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (_, name) = self.put(planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "metric filter", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = require_group_and_name(id, prior, ':')?;
        let out = self
            .c
            .logs
            .describe_metric_filters()
            .log_group_name(&group)
            .filter_name_prefix(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["ResourceNotFoundException"])? else {
            return Ok(None);
        };
        let Some(f) = out
            .metric_filters()
            .iter()
            .find(|f| f.filter_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        let transformations = f
            .metric_transformations()
            .iter()
            .map(|t| {
                Value::object([
                    ("name", Value::str(t.metric_name())),
                    ("namespace", Value::str(t.metric_namespace())),
                    ("value", Value::str(t.metric_value())),
                    ("default_value", Value::from(t.default_value().map(number_text))),
                    (
                        "dimensions",
                        t.dimensions()
                            .map(|d| Value::Object(d.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect()))
                            .unwrap_or(Value::Null),
                    ),
                    ("unit", Value::str(t.unit().map(|u| u.as_str()).unwrap_or("None"))),
                ])
            })
            .collect();
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("name", Value::str(&name)),
            ("log_group_name", Value::str(group)),
            ("pattern", Value::str(f.filter_pattern().unwrap_or_default())),
            ("metric_transformation", Value::List(transformations)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "metric filter", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some((group, name)) = group_and_name(id, prior, ':') else {
            return Ok(());
        };
        let r = self
            .c
            .logs
            .delete_metric_filter()
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
    #[test]
    fn default_values_are_written_as_the_provider_writes_them() {
        assert_eq!(super::number_text(0.0), "0");
        assert_eq!(super::number_text(1.5), "1.5");
    }
}
