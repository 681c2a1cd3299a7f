//! `aws_cloudwatch_metric_alarm`: an alarm on one metric (statistic or percentile such as p95)
//! or on metric math (`metric_query` blocks), with its actions. PutMetricAlarm creates or
//! replaces the alarm by name, so every change but the name is in place. The id is the name.

use super::alarms::{
    adoptable, cw_tags, delete_alarm, describe_named, read_alarms, refuse_taken_name, settings_changed,
    sync_alarm_tags, NAMES_PER_CALL,
};
use crate::provider::aws::common::{
    aws_err, configured_tags, must_exist, opt_bool, opt_str, required, str_list, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, int_at_least, len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricAlarm as Alarm, MetricDataQuery, MetricStat, StandardUnit, Statistic,
    Tag,
};
use std::sync::Arc;

/// The `aws_cloudwatch_metric_alarm` resource type.
pub struct MetricAlarm {
    c: Arc<Clients>,
    schema: Schema,
}

/// CloudWatch metric units.
const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// Percentiles (`p99`, `p99.9`) and the trimmed/winsorized statistics and their ranges
/// (`tm99`, `TM(10%:90%)`), as CloudWatch names extended statistics.
const EXTENDED_STATISTIC: &str =
    r"^((p|tm|tc|ts|wm)(100|\d{1,2}(\.\d{0,10})?)|(TM|TC|TS|WM|PR)\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\)|IQM)$";

impl MetricAlarm {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MetricAlarm {
        let schema = resource("aws_cloudwatch_metric_alarm")
            .arg("alarm_name")
            .force_new()
            .arg("actions_enabled")
            .default(true)
            .arg("treat_missing_data")
            .default("missing")
            .args(&[
                "comparison_operator",
                "evaluation_periods",
                "metric_name",
                "namespace",
                "period",
                "statistic",
                "extended_statistic",
                "threshold",
                "threshold_metric_id",
                "alarm_actions",
                "ok_actions",
                "insufficient_data_actions",
                "alarm_description",
                "datapoints_to_alarm",
                "dimensions",
                "unit",
                "evaluate_low_sample_count_percentiles",
                "tags",
                "metric_query",
            ])
            .arg("alarm_name")
            .check(len_between(1, 255))
            .arg("alarm_description")
            .check(len_between(0, 1024))
            .arg("comparison_operator")
            .check(one_of(&[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
                "LessThanLowerOrGreaterThanUpperThreshold",
                "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ]))
            .arg("evaluation_periods")
            .check(int_at_least(1))
            .arg("metric_name")
            .check(len_between(1, 255))
            .arg("statistic")
            .check(one_of(&["SampleCount", "Average", "Sum", "Minimum", "Maximum"]))
            .arg("extended_statistic")
            .check(matches(
                EXTENDED_STATISTIC,
                "a percentile or trimmed statistic such as p99 or tm99",
            ))
            .arg("treat_missing_data")
            .check(one_of(&["breaching", "ignore", "missing", "notBreaching"]))
            .arg("evaluate_low_sample_count_percentiles")
            .check(one_of(&["evaluate", "ignore"]))
            .arg("unit")
            .check(one_of(UNITS))
            .arg("alarm_actions")
            .check(arn())
            .arg("ok_actions")
            .check(arn())
            .arg("insufficient_data_actions")
            .check(arn())
            .build();
        MetricAlarm { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Alarm>> {
        Ok(describe_named::<Alarm>(&self.c.cloudwatch, &[name]).await?.remove(name))
    }

    async fn put(&self, planned: &Value, tags: Option<Vec<Tag>>) -> PResult<String> {
        let name = required(planned, "alarm_name")?;
        let queries = planned
            .get("metric_query")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(metric_query)
            .collect::<Vec<_>>();
        let set = |k: &str| Some(str_list(planned, k));
        self.c
            .cloudwatch
            .put_metric_alarm()
            .alarm_name(&name)
            .comparison_operator(ComparisonOperator::from(
                opt_str(planned, "comparison_operator").unwrap_or_default().as_str(),
            ))
            .set_evaluation_periods(int(planned, "evaluation_periods"))
            .set_metric_name(opt_str(planned, "metric_name"))
            .set_namespace(opt_str(planned, "namespace"))
            .set_period(int(planned, "period"))
            .set_statistic(opt_str(planned, "statistic").map(|s| Statistic::from(s.as_str())))
            .set_extended_statistic(opt_str(planned, "extended_statistic"))
            .set_threshold(planned.get("threshold").as_number())
            .set_threshold_metric_id(opt_str(planned, "threshold_metric_id"))
            .actions_enabled(opt_bool(planned, "actions_enabled").unwrap_or(true))
            .set_alarm_actions(set("alarm_actions"))
            .set_ok_actions(set("ok_actions"))
            .set_insufficient_data_actions(set("insufficient_data_actions"))
            .set_alarm_description(opt_str(planned, "alarm_description"))
            .set_datapoints_to_alarm(int(planned, "datapoints_to_alarm"))
            .set_dimensions(Some(dimensions(planned.get("dimensions"))).filter(|d| !d.is_empty()))
            .set_treat_missing_data(opt_str(planned, "treat_missing_data"))
            .set_unit(opt_str(planned, "unit").map(|u| StandardUnit::from(u.as_str())))
            .set_evaluate_low_sample_count_percentile(opt_str(planned, "evaluate_low_sample_count_percentiles"))
            .set_metrics(Some(queries).filter(|q| !q.is_empty()))
            .set_tags(tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(name)
    }
}

use crate::provider::aws::common::opt_i32 as int;

fn dimensions(v: &Value) -> Vec<Dimension> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    Dimension::builder()
                        .name(k)
                        .value(v.to_plain_string().unwrap_or_default())
                        .build()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn metric_query(q: &Value) -> MetricDataQuery {
    let stat = q.get("metric").as_list().and_then(|l| l.first()).map(|m| {
        let metric = Metric::builder()
            .set_metric_name(opt_str(m, "metric_name"))
            .set_namespace(opt_str(m, "namespace"))
            .set_dimensions(Some(dimensions(m.get("dimensions"))).filter(|d| !d.is_empty()))
            .build();
        MetricStat::builder()
            .metric(metric)
            .set_period(int(m, "period"))
            .set_stat(opt_str(m, "stat"))
            .set_unit(opt_str(m, "unit").map(|u| StandardUnit::from(u.as_str())))
            .build()
    });
    MetricDataQuery::builder()
        .set_id(opt_str(q, "id"))
        .set_expression(opt_str(q, "expression"))
        .set_label(opt_str(q, "label"))
        .set_return_data(opt_bool(q, "return_data"))
        .set_period(int(q, "period"))
        .set_account_id(opt_str(q, "account_id"))
        .set_metric_stat(stat)
        .build()
}

fn dims_value(ds: &[Dimension]) -> Value {
    if ds.is_empty() {
        return Value::Null;
    }
    Value::Object(
        ds.iter()
            .map(|d| {
                (
                    d.name().unwrap_or_default().to_string(),
                    Value::str(d.value().unwrap_or_default()),
                )
            })
            .collect(),
    )
}

fn num(n: Option<i32>) -> Value {
    n.map(|n| Value::from(n as i64)).unwrap_or(Value::Null)
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(Value::str).collect())
}

fn to_state(a: &Alarm, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let queries: Vec<Value> = a
        .metrics()
        .iter()
        .map(|q| {
            let metric = q.metric_stat().map(|s| {
                let m = s.metric();
                Value::object([
                    ("metric_name", Value::from(m.and_then(|m| m.metric_name()))),
                    ("namespace", Value::from(m.and_then(|m| m.namespace()))),
                    ("period", num(s.period())),
                    ("stat", Value::from(s.stat())),
                    ("unit", Value::from(s.unit().map(|u| u.as_str().to_string()))),
                    ("dimensions", dims_value(m.map(|m| m.dimensions()).unwrap_or_default())),
                ])
            });
            Value::object([
                ("id", Value::from(q.id())),
                ("expression", Value::from(q.expression())),
                ("label", Value::from(q.label())),
                ("return_data", q.return_data().map(Value::Bool).unwrap_or(Value::Null)),
                ("period", num(q.period())),
                ("account_id", Value::from(q.account_id())),
                ("metric", Value::List(metric.into_iter().collect())),
            ])
        })
        .collect();
    let name = a.alarm_name().unwrap_or_default();
    Value::object([
        ("id", Value::str(name)),
        ("alarm_name", Value::str(name)),
        (
            "comparison_operator",
            Value::from(a.comparison_operator().map(|c| c.as_str().to_string())),
        ),
        ("evaluation_periods", num(a.evaluation_periods())),
        ("metric_name", Value::from(a.metric_name())),
        ("namespace", Value::from(a.namespace())),
        ("period", num(a.period())),
        ("statistic", Value::from(a.statistic().map(|s| s.as_str().to_string()))),
        ("extended_statistic", Value::from(a.extended_statistic())),
        ("threshold", a.threshold().map(Value::Number).unwrap_or(Value::Null)),
        ("threshold_metric_id", Value::from(a.threshold_metric_id())),
        ("actions_enabled", Value::Bool(a.actions_enabled().unwrap_or(true))),
        ("alarm_actions", strings(a.alarm_actions())),
        ("ok_actions", strings(a.ok_actions())),
        ("insufficient_data_actions", strings(a.insufficient_data_actions())),
        ("alarm_description", Value::from(a.alarm_description())),
        ("datapoints_to_alarm", num(a.datapoints_to_alarm())),
        ("dimensions", dims_value(a.dimensions())),
        (
            "treat_missing_data",
            Value::str(a.treat_missing_data().unwrap_or("missing")),
        ),
        ("unit", Value::from(a.unit().map(|u| u.as_str().to_string()))),
        (
            "evaluate_low_sample_count_percentiles",
            Value::from(a.evaluate_low_sample_count_percentile()),
        ),
        ("metric_query", Value::List(queries)),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
        ("arn", Value::from(a.alarm_arn())),
    ])
}

#[async_trait]
impl ResourceType for MetricAlarm {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_metric_alarm"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        // PutMetricAlarm replaces an alarm of the same name without a word; one this stack did
        // not make (adoption already looked for ours) is refused instead.
        if let Some(name) = opt_str(planned, "alarm_name") {
            refuse_taken_name(&self.c.cloudwatch, &name).await?;
        }
        let name = self.put(planned, Some(cw_tags(tags_to_write(ctx, planned)))).await?;
        must_exist(self.read(ctx, &name, planned).await?, "metric alarm", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let items = [(id.to_string(), prior.clone())];
        Ok(read_alarms(&self.c.cloudwatch, &items, to_state).await?.pop().flatten())
    }

    fn bulk_read_limit(&self) -> usize {
        NAMES_PER_CALL
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_alarms(&self.c.cloudwatch, items, to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if settings_changed(&self.schema, prior, planned) {
            self.put(planned, None).await?;
        }
        sync_alarm_tags(&self.c.cloudwatch, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "metric alarm", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        delete_alarm(&self.c.cloudwatch, id).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "alarm_name") else {
            return Ok(None);
        };
        let Some(a) = self.describe(&name).await? else {
            return Ok(None);
        };
        adoptable(&self.c.cloudwatch, ctx, name, a.alarm_arn()).await
    }
}
