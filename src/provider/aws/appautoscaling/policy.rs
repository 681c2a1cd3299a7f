//! `aws_appautoscaling_policy`: a scaling policy on a registered target: target tracking (on a
//! predefined metric such as ECS CPU or ALB requests per target, or a CloudWatch metric) or
//! step scaling. PutScalingPolicy both creates and updates, so a create repeated after a crash
//! converges on the same policy. The id is the policy name; import takes
//! `NAMESPACE/RESOURCE-ID/DIMENSION/NAME`.

use super::{is_settling, on_target, target_and_name, TargetKey};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, must_exist, opt_bool, opt_str, required, retry_while_matching,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension, MetricStatistic, MetricType,
    PolicyType, PredefinedMetricSpecification, ScalingPolicy, StepAdjustment, StepScalingPolicyConfiguration,
    TargetTrackingScalingPolicyConfiguration,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_appautoscaling_policy` resource type.
pub struct Policy {
    c: Arc<Clients>,
    schema: Schema,
}

impl Policy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Policy {
        let schema = resource("aws_appautoscaling_policy")
            .arg("name")
            .force_new()
            .arg("service_namespace")
            .force_new()
            .arg("resource_id")
            .force_new()
            .arg("scalable_dimension")
            .force_new()
            .arg("policy_type")
            .default("StepScaling")
            .args(&[
                "target_tracking_scaling_policy_configuration",
                "step_scaling_policy_configuration",
            ])
            .arg("target_tracking_scaling_policy_configuration.disable_scale_in")
            .default(false)
            .arg("target_tracking_scaling_policy_configuration.scale_in_cooldown")
            .live_if_unset()
            .arg("target_tracking_scaling_policy_configuration.scale_out_cooldown")
            .live_if_unset()
            .arg("step_scaling_policy_configuration.cooldown")
            .live_if_unset()
            .not_yet(&["target_tracking_scaling_policy_configuration.customized_metric_specification.metrics"])
            .arg("name")
            .check(len_between(0, 255))
            .build();
        Policy { c, schema }
    }

    async fn describe(&self, key: &TargetKey, name: &str) -> PResult<Option<ScalingPolicy>> {
        let out = on_target!(self.c.appautoscaling.describe_scaling_policies(), key)
            .policy_names(name)
            .send()
            .await
            .map_err(aws_err)?;
        // Filtered here too: not every implementation honours PolicyNames.
        Ok(out
            .scaling_policies()
            .iter()
            .find(|p| p.policy_name() == name && p.resource_id() == key.resource_id)
            .cloned())
    }

    async fn put(&self, key: &TargetKey, planned: &Value) -> PResult<()> {
        let name = required(planned, "name")?;
        let req = on_target!(self.c.appautoscaling.put_scaling_policy(), key)
            .policy_name(name)
            .set_policy_type(opt_str(planned, "policy_type").map(|t| PolicyType::from(t.as_str())))
            .set_target_tracking_scaling_policy_configuration(target_tracking(planned)?)
            .set_step_scaling_policy_configuration(step_scaling(planned)?);
        // The target registered just before may not be visible yet.
        retry_while_matching(
            |e| is_settling(e) || e.code.as_deref() == Some("ObjectNotFoundException"),
            Duration::from_secs(120),
            || async { req.clone().send().await.map_err(aws_err) },
        )
        .await
        .map(|_| ())
    }
}

fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

use crate::provider::aws::common::opt_i32 as int;

fn built<T>(r: Result<T, aws_sdk_applicationautoscaling::error::BuildError>) -> PResult<T> {
    r.map_err(build_err)
}

fn target_tracking(planned: &Value) -> PResult<Option<TargetTrackingScalingPolicyConfiguration>> {
    let Some(t) = first(planned, "target_tracking_scaling_policy_configuration") else {
        return Ok(None);
    };
    let predefined = first(t, "predefined_metric_specification")
        .map(|p| {
            built(
                PredefinedMetricSpecification::builder()
                    .predefined_metric_type(MetricType::from(
                        opt_str(p, "predefined_metric_type").unwrap_or_default().as_str(),
                    ))
                    .set_resource_label(opt_str(p, "resource_label"))
                    .build(),
            )
        })
        .transpose()?;
    let customized = first(t, "customized_metric_specification")
        .map(|c| -> PResult<CustomizedMetricSpecification> {
            let dims = c
                .get("dimensions")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .map(|d| {
                    built(
                        MetricDimension::builder()
                            .set_name(opt_str(d, "name"))
                            .set_value(opt_str(d, "value"))
                            .build(),
                    )
                })
                .collect::<PResult<Vec<_>>>()?;
            Ok(CustomizedMetricSpecification::builder()
                .set_metric_name(opt_str(c, "metric_name"))
                .set_namespace(opt_str(c, "namespace"))
                .set_statistic(opt_str(c, "statistic").map(|s| MetricStatistic::from(s.as_str())))
                .set_unit(opt_str(c, "unit"))
                .set_dimensions(Some(dims).filter(|d| !d.is_empty()))
                .build())
        })
        .transpose()?;
    built(
        TargetTrackingScalingPolicyConfiguration::builder()
            .set_target_value(t.get("target_value").as_number())
            .set_disable_scale_in(opt_bool(t, "disable_scale_in"))
            .set_scale_in_cooldown(int(t, "scale_in_cooldown"))
            .set_scale_out_cooldown(int(t, "scale_out_cooldown"))
            .set_predefined_metric_specification(predefined)
            .set_customized_metric_specification(customized)
            .build(),
    )
    .map(Some)
}

fn bound(v: &Value, name: &str) -> PResult<Option<f64>> {
    match opt_str(v, name) {
        None => Ok(None),
        Some(s) => s
            .parse::<f64>()
            .map(Some)
            .map_err(|_| ProviderError::msg(format!("{name} must be a number, got {s:?}"))),
    }
}

fn step_scaling(planned: &Value) -> PResult<Option<StepScalingPolicyConfiguration>> {
    let Some(s) = first(planned, "step_scaling_policy_configuration") else {
        return Ok(None);
    };
    let steps = s
        .get("step_adjustment")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|a| {
            built(
                StepAdjustment::builder()
                    .set_metric_interval_lower_bound(bound(a, "metric_interval_lower_bound")?)
                    .set_metric_interval_upper_bound(bound(a, "metric_interval_upper_bound")?)
                    .set_scaling_adjustment(int(a, "scaling_adjustment"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(Some(
        StepScalingPolicyConfiguration::builder()
            .set_adjustment_type(opt_str(s, "adjustment_type").map(|a| AdjustmentType::from(a.as_str())))
            .set_cooldown(int(s, "cooldown"))
            .set_metric_aggregation_type(
                opt_str(s, "metric_aggregation_type").map(|m| MetricAggregationType::from(m.as_str())),
            )
            .set_min_adjustment_magnitude(int(s, "min_adjustment_magnitude"))
            .set_step_adjustments(Some(steps).filter(|s| !s.is_empty()))
            .build(),
    ))
}

fn num_or_null(n: Option<i32>) -> Value {
    n.map(|n| Value::from(n as i64)).unwrap_or(Value::Null)
}

fn bound_value(b: Option<f64>) -> Value {
    // Terraform keeps the bounds as strings ("0", "10.5").
    b.map(|b| Value::str(Value::Number(b).to_plain_string().unwrap_or_default()))
        .unwrap_or(Value::Null)
}

fn to_state(p: &ScalingPolicy) -> Value {
    let tracking = p.target_tracking_scaling_policy_configuration().map(|t| {
        let predefined = t.predefined_metric_specification().map(|m| {
            Value::object([
                (
                    "predefined_metric_type",
                    Value::str(m.predefined_metric_type().as_str()),
                ),
                ("resource_label", Value::from(m.resource_label())),
            ])
        });
        let customized = t.customized_metric_specification().map(|c| {
            Value::object([
                ("metric_name", Value::from(c.metric_name())),
                ("namespace", Value::from(c.namespace())),
                ("statistic", Value::from(c.statistic().map(|s| s.as_str().to_string()))),
                ("unit", Value::from(c.unit())),
                (
                    "dimensions",
                    Value::List(
                        c.dimensions()
                            .iter()
                            .map(|d| Value::object([("name", Value::str(d.name())), ("value", Value::str(d.value()))]))
                            .collect(),
                    ),
                ),
            ])
        });
        Value::object([
            ("target_value", Value::Number(t.target_value())),
            ("disable_scale_in", Value::Bool(t.disable_scale_in().unwrap_or(false))),
            ("scale_in_cooldown", num_or_null(t.scale_in_cooldown())),
            ("scale_out_cooldown", num_or_null(t.scale_out_cooldown())),
            (
                "predefined_metric_specification",
                Value::List(predefined.into_iter().collect()),
            ),
            (
                "customized_metric_specification",
                Value::List(customized.into_iter().collect()),
            ),
        ])
    });
    let step = p.step_scaling_policy_configuration().map(|s| {
        Value::object([
            (
                "adjustment_type",
                Value::from(s.adjustment_type().map(|a| a.as_str().to_string())),
            ),
            ("cooldown", num_or_null(s.cooldown())),
            (
                "metric_aggregation_type",
                Value::from(s.metric_aggregation_type().map(|m| m.as_str().to_string())),
            ),
            ("min_adjustment_magnitude", num_or_null(s.min_adjustment_magnitude())),
            (
                "step_adjustment",
                Value::List(
                    s.step_adjustments()
                        .iter()
                        .map(|a| {
                            Value::object([
                                (
                                    "metric_interval_lower_bound",
                                    bound_value(a.metric_interval_lower_bound()),
                                ),
                                (
                                    "metric_interval_upper_bound",
                                    bound_value(a.metric_interval_upper_bound()),
                                ),
                                ("scaling_adjustment", Value::from(a.scaling_adjustment() as i64)),
                            ])
                        })
                        .collect(),
                ),
            ),
        ])
    });
    Value::object([
        ("id", Value::str(p.policy_name())),
        ("name", Value::str(p.policy_name())),
        ("service_namespace", Value::str(p.service_namespace().as_str())),
        ("resource_id", Value::str(p.resource_id())),
        ("scalable_dimension", Value::str(p.scalable_dimension().as_str())),
        ("policy_type", Value::str(p.policy_type().as_str())),
        (
            "target_tracking_scaling_policy_configuration",
            Value::List(tracking.into_iter().collect()),
        ),
        (
            "step_scaling_policy_configuration",
            Value::List(step.into_iter().collect()),
        ),
        ("arn", Value::str(p.policy_arn())),
        (
            "alarm_arns",
            Value::List(p.alarms().iter().map(|a| Value::str(a.alarm_arn())).collect()),
        ),
    ])
}

/// Target key and name from a prior value or an import id.
fn locate(id: &str, prior: &Value) -> PResult<(TargetKey, String)> {
    target_and_name(id, prior, ("policy", "POLICY-NAME"))
}

#[async_trait]
impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        "aws_appautoscaling_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (key, name) = locate("", planned)?;
        self.put(&key, planned).await?;
        let read = self.read(ctx, &name, planned).await?;
        must_exist(read, "scaling policy", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (key, name) = locate(id, prior)?;
        Ok(self.describe(&key, &name).await?.map(|p| to_state(&p)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (key, _) = locate(id, planned)?;
        self.put(&key, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "scaling policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (key, name) = locate(id, prior)?;
        let r = on_target!(self.c.appautoscaling.delete_scaling_policy(), key)
            .policy_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ObjectNotFoundException"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_id_names_target_and_policy() {
        let (key, name) = locate("ecs/service/app/api/ecs:service:DesiredCount/cpu", &Value::Null).unwrap();
        assert_eq!(key.resource_id, "service/app/api");
        assert_eq!(name, "cpu");
        assert!(locate("cpu", &Value::Null).is_err());
    }

    #[test]
    fn step_bounds_must_be_numbers() {
        let planned = Value::object([(
            "step_scaling_policy_configuration",
            Value::List(vec![Value::object([(
                "step_adjustment",
                Value::List(vec![Value::object([
                    ("metric_interval_lower_bound", Value::str("ten")),
                    ("scaling_adjustment", Value::from(1)),
                ])]),
            )])]),
        )]);
        assert!(step_scaling(&planned)
            .unwrap_err()
            .message
            .contains("metric_interval_lower_bound"));
    }
}
