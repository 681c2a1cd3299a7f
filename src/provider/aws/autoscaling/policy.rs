//! `aws_autoscaling_policy`: a scaling policy of an Auto Scaling group (simple, step, target
//! tracking or predictive). As the AWS provider does, one PutScalingPolicy creates and changes
//! it, sending only the settings its type takes; the settings a type refuses, or misses, are
//! refused before any call when their values are known (the provider refuses them at apply).
//! The id is the policy's name; import takes `GROUP/POLICY`. Its nested settings are mapped in
//! [`super::policy_config`].

use super::policy_config::{
    predictive_to_api, predictive_to_state, steps_to_api, steps_to_state, tracking_to_api, tracking_to_state,
};
use super::{absent_as_none, group_and_name};
use crate::provider::aws::common::{aws_err, first, must_exist, opt_bool, opt_i32, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{any_of, float_between, int_at_least, int_between, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_autoscaling::types::ScalingPolicy;
use std::sync::Arc;

/// The `aws_autoscaling_policy` resource type.
pub struct Policy {
    c: Arc<Clients>,
    schema: Schema,
}

const SIMPLE: &str = "SimpleScaling";
const STEP: &str = "StepScaling";
const TRACKING: &str = "TargetTrackingScaling";
const PREDICTIVE: &str = "PredictiveScaling";

/// Where the predictive metric blocks sit.
const SPEC: &str = "predictive_scaling_configuration.metric_specification";

/// The checks every metric data query of a predictive block gets (`at` leads to it).
fn queries(decl: Decl, at: &str) -> Decl {
    decl.arg(&format!("{at}.metric_data_queries.expression"))
        .check(len_between(1, 1023))
        .arg(&format!("{at}.metric_data_queries.id"))
        .check(len_between(1, 255))
        .arg(&format!("{at}.metric_data_queries.label"))
        .check(len_between(1, 2047))
        .arg(&format!("{at}.metric_data_queries.return_data"))
        .default(true)
        .arg(&format!("{at}.metric_data_queries.metric_stat.stat"))
        .check(len_between(1, 100))
}

impl Policy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Policy {
        let nullable_number = || {
            any_of(vec![
                float_between(f64::MIN, f64::MAX),
                matches(r"^$", "an empty string (no value)"),
            ])
        };
        let empty = || matches(r"^$", "an empty string (no value)");
        let custom = "target_tracking_configuration.customized_metric_specification";
        let mut decl = resource("aws_autoscaling_policy")
            .arg("name")
            .force_new()
            .arg("autoscaling_group_name")
            .force_new()
            .arg("enabled")
            .default(true)
            .arg("policy_type")
            .default(SIMPLE)
            .check(one_of(&[SIMPLE, STEP, TRACKING, PREDICTIVE]))
            .arg("min_adjustment_magnitude")
            .check(int_at_least(1))
            .args(&[
                "adjustment_type",
                "cooldown",
                "estimated_instance_warmup",
                "metric_aggregation_type",
                "scaling_adjustment",
                "step_adjustment",
                "target_tracking_configuration",
                "predictive_scaling_configuration",
            ])
            .arg("step_adjustment.metric_interval_lower_bound")
            .check(nullable_number())
            .arg("step_adjustment.metric_interval_upper_bound")
            .check(nullable_number())
            .arg("target_tracking_configuration.disable_scale_in")
            .default(false)
            .arg(&format!("{custom}.metrics.expression"))
            .check(len_between(1, 2047))
            .arg(&format!("{custom}.metrics.id"))
            .check(len_between(1, 255))
            .arg(&format!("{custom}.metrics.label"))
            .check(len_between(1, 2047))
            .arg(&format!("{custom}.metrics.return_data"))
            .default(true)
            .arg(&format!("{custom}.metrics.metric_stat.stat"))
            .check(len_between(1, 100))
            .arg("predictive_scaling_configuration.max_capacity_breach_behavior")
            .default("HonorMaxCapacity")
            .check(one_of(&["HonorMaxCapacity", "IncreaseMaxCapacity"]))
            .arg("predictive_scaling_configuration.mode")
            .default("ForecastOnly")
            .check(one_of(&["ForecastAndScale", "ForecastOnly"]))
            .arg("predictive_scaling_configuration.max_capacity_buffer")
            .check(any_of(vec![int_between(0, 100), empty()]))
            .arg("predictive_scaling_configuration.scheduling_buffer_time")
            .check(any_of(vec![int_at_least(0), empty()]))
            .arg(&format!(
                "{SPEC}.predefined_load_metric_specification.predefined_metric_type"
            ))
            .check(one_of(&[
                "ASGTotalCPUUtilization",
                "ASGTotalNetworkIn",
                "ASGTotalNetworkOut",
                "ALBTargetGroupRequestCount",
            ]))
            .arg(&format!(
                "{SPEC}.predefined_metric_pair_specification.predefined_metric_type"
            ))
            .check(one_of(&[
                "ASGCPUUtilization",
                "ASGNetworkIn",
                "ASGNetworkOut",
                "ALBRequestCount",
            ]))
            .arg(&format!(
                "{SPEC}.predefined_scaling_metric_specification.predefined_metric_type"
            ))
            .check(one_of(&[
                "ASGAverageCPUUtilization",
                "ASGAverageNetworkIn",
                "ASGAverageNetworkOut",
                "ALBRequestCountPerTarget",
            ]))
            .rule(Rule::Conflicts(&["scaling_adjustment", "step_adjustment"]))
            .rule_in(
                "target_tracking_configuration",
                Rule::Conflicts(&["customized_metric_specification", "predefined_metric_specification"]),
            )
            .rule_in(
                SPEC,
                Rule::Conflicts(&[
                    "customized_capacity_metric_specification",
                    "predefined_load_metric_specification",
                ]),
            )
            .rule_in(
                SPEC,
                Rule::Conflicts(&[
                    "customized_load_metric_specification",
                    "predefined_load_metric_specification",
                ]),
            )
            .rule_in(
                SPEC,
                Rule::Conflicts(&[
                    "customized_scaling_metric_specification",
                    "predefined_scaling_metric_specification",
                ]),
            );
        for single in ["metric_dimension", "metric_name", "namespace", "statistic", "unit"] {
            let pair: &'static [&'static str] = match single {
                "metric_dimension" => &["metrics", "metric_dimension"],
                "metric_name" => &["metrics", "metric_name"],
                "namespace" => &["metrics", "namespace"],
                "statistic" => &["metrics", "statistic"],
                _ => &["metrics", "unit"],
            };
            decl = decl.rule_in(custom, Rule::Conflicts(pair));
        }
        for at in [
            "customized_capacity_metric_specification",
            "customized_load_metric_specification",
            "customized_scaling_metric_specification",
        ] {
            decl = queries(decl, &format!("{SPEC}.{at}"));
        }
        Policy {
            c,
            schema: decl.build(),
        }
    }

    async fn describe(&self, group: &str, name: &str) -> PResult<Option<ScalingPolicy>> {
        let out = self
            .c
            .autoscaling
            .describe_policies()
            .auto_scaling_group_name(group)
            .policy_names(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_as_none(out)?.and_then(|o| {
            o.scaling_policies()
                .iter()
                .find(|p| p.policy_name() == Some(name))
                .cloned()
        }))
    }

    /// Sends the policy, with what its type takes (the provider's expandPutScalingPolicyInput).
    async fn put(&self, planned: &Value) -> PResult<String> {
        check_type_settings(planned).map_err(ProviderError::msg)?;
        let name = required(planned, "name")?;
        let kind = policy_type(planned);
        let is = |types: &[&str]| types.contains(&kind.as_str());
        self.c
            .autoscaling
            .put_scaling_policy()
            .auto_scaling_group_name(required(planned, "autoscaling_group_name")?)
            .policy_name(&name)
            .policy_type(&kind)
            .enabled(opt_bool(planned, "enabled").unwrap_or(true))
            .set_adjustment_type(opt_str(planned, "adjustment_type").filter(|a| !a.is_empty() && is(&[SIMPLE, STEP])))
            .set_cooldown(opt_i32(planned, "cooldown"))
            .set_estimated_instance_warmup(
                opt_i32(planned, "estimated_instance_warmup").filter(|_| is(&[STEP, TRACKING])),
            )
            .set_metric_aggregation_type(
                opt_str(planned, "metric_aggregation_type").filter(|m| !m.is_empty() && is(&[STEP])),
            )
            .set_min_adjustment_magnitude(
                opt_i32(planned, "min_adjustment_magnitude").filter(|n| *n != 0 && is(&[SIMPLE, STEP])),
            )
            .set_scaling_adjustment(opt_i32(planned, "scaling_adjustment").filter(|_| is(&[SIMPLE])))
            .set_step_adjustments(steps_to_api(planned)?)
            .set_target_tracking_configuration(tracking_to_api(planned)?)
            .set_predictive_scaling_configuration(predictive_to_api(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(name)
    }

    async fn read_policy(&self, group: &str, name: &str) -> PResult<Option<Value>> {
        let Some(p) = self.describe(group, name).await? else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Value::from(v);
        Ok(Some(Value::object([
            ("id", Value::str(name)),
            ("arn", text(p.policy_arn())),
            ("name", Value::str(name)),
            ("autoscaling_group_name", text(p.auto_scaling_group_name())),
            ("adjustment_type", text(p.adjustment_type())),
            ("cooldown", Value::from(p.cooldown())),
            ("enabled", Value::Bool(p.enabled().unwrap_or(true))),
            ("estimated_instance_warmup", Value::from(p.estimated_instance_warmup())),
            ("metric_aggregation_type", text(p.metric_aggregation_type())),
            ("min_adjustment_magnitude", Value::from(p.min_adjustment_magnitude())),
            ("policy_type", text(p.policy_type())),
            ("scaling_adjustment", Value::from(p.scaling_adjustment())),
            ("step_adjustment", steps_to_state(p.step_adjustments())),
            (
                "target_tracking_configuration",
                tracking_to_state(p.target_tracking_configuration()),
            ),
            (
                "predictive_scaling_configuration",
                predictive_to_state(p.predictive_scaling_configuration()),
            ),
        ])))
    }
}

fn policy_type(v: &Value) -> String {
    opt_str(v, "policy_type").unwrap_or_else(|| SIMPLE.to_string())
}

/// The provider's checks of which settings a policy type takes (made at apply by the provider,
/// here as soon as the values are known): cooldown and scaling adjustment only for simple
/// policies, the warm-up for step and target tracking ones, step adjustments and target
/// tracking only for, and required by, their types. A 0 passes where the provider lets it.
fn check_type_settings(config: &Value) -> Result<(), String> {
    let unknown = |k: &str| matches!(config.get(k), Value::Unknown);
    if unknown("policy_type") {
        return Ok(());
    }
    let kind = policy_type(config);
    let nonzero = |k: &str| opt_i32(config, k).is_some_and(|n| n != 0);
    let set = |k: &str| !config.get(k).is_null() && !unknown(k);
    let blocks = |k: &str| config.get(k).as_list().is_some_and(|l| !l.is_empty());
    let only = |what: &str, types: &str| Err(format!("{what} is only supported for policy type {types}"));
    if nonzero("cooldown") && kind != SIMPLE {
        return only("cooldown", SIMPLE);
    }
    if nonzero("estimated_instance_warmup") && kind != STEP && kind != TRACKING {
        return only("estimated_instance_warmup", "StepScaling and TargetTrackingScaling");
    }
    if nonzero("scaling_adjustment") && kind != SIMPLE {
        return only("scaling_adjustment", SIMPLE);
    }
    if kind == SIMPLE && !set("scaling_adjustment") && !unknown("scaling_adjustment") {
        return Err("scaling_adjustment is required for policy type SimpleScaling".into());
    }
    if blocks("step_adjustment") && kind != STEP {
        return only("step_adjustment", STEP);
    }
    if kind == STEP && !blocks("step_adjustment") && !unknown("step_adjustment") {
        return Err("step_adjustment is required for policy type StepScaling".into());
    }
    if first(config, "target_tracking_configuration").is_some() && kind != TRACKING {
        return only("target_tracking_configuration", TRACKING);
    }
    let tracking_unknown = unknown("target_tracking_configuration");
    if kind == TRACKING && first(config, "target_tracking_configuration").is_none() && !tracking_unknown {
        return Err("target_tracking_configuration is required for policy type TargetTrackingScaling".into());
    }
    Ok(())
}

#[async_trait]
impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_type_settings(config)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = self.put(planned).await?;
        let group = required(planned, "autoscaling_group_name")?;
        must_exist(self.read_policy(&group, &name).await?, "Auto Scaling Policy", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = group_and_name(id, prior)?;
        self.read_policy(&group, &name).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        let group = required(planned, "autoscaling_group_name")?;
        must_exist(self.read_policy(&group, id).await?, "Auto Scaling Policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let deleted = self
            .c
            .autoscaling
            .delete_policy()
            .auto_scaling_group_name(required(prior, "autoscaling_group_name")?)
            .policy_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_as_none(deleted).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().cloned())
    }

    #[test]
    fn each_policy_type_takes_only_its_settings() {
        let simple = config(&[("scaling_adjustment", Value::from(1))]);
        assert!(check_type_settings(&simple).is_ok());
        let missing = config(&[("adjustment_type", Value::str("ChangeInCapacity"))]);
        assert!(check_type_settings(&missing)
            .unwrap_err()
            .contains("scaling_adjustment is required"));
        let tracking_cooldown = config(&[
            ("policy_type", Value::str(TRACKING)),
            ("cooldown", Value::from(60)),
            (
                "target_tracking_configuration",
                Value::List(vec![config(&[("target_value", Value::from(50))])]),
            ),
        ]);
        assert!(check_type_settings(&tracking_cooldown)
            .unwrap_err()
            .contains("cooldown is only supported"));
        let zero_cooldown = config(&[
            ("policy_type", Value::str(TRACKING)),
            ("cooldown", Value::from(0)),
            (
                "target_tracking_configuration",
                Value::List(vec![config(&[("target_value", Value::from(50))])]),
            ),
        ]);
        assert!(
            check_type_settings(&zero_cooldown).is_ok(),
            "0 is the provider's placeholder"
        );
        let steps_missing = config(&[("policy_type", Value::str(STEP))]);
        assert!(check_type_settings(&steps_missing)
            .unwrap_err()
            .contains("step_adjustment is required"));
        let unknown = config(&[("policy_type", Value::Unknown)]);
        assert!(check_type_settings(&unknown).is_ok());
    }
}
