//! The nested settings of `aws_autoscaling_policy`, between the provider's blocks and the Auto
//! Scaling API, as its expand and flatten functions map them: step adjustments (bounds kept as
//! the provider's nullable-float strings), target tracking (a predefined metric, or a customized
//! one by name and dimensions or by metric math), and predictive scaling (predefined metrics or
//! customized metric data queries, buffers as nullable-int strings).

use crate::provider::aws::common::{first, opt_bool, opt_i32, opt_str};
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_autoscaling::types::{
    CustomizedMetricSpecification, Metric, MetricDataQuery, MetricDimension, MetricStat, MetricStatistic, MetricType,
    PredefinedLoadMetricType, PredefinedMetricPairType, PredefinedMetricSpecification, PredefinedScalingMetricType,
    PredictiveScalingConfiguration, PredictiveScalingCustomizedCapacityMetric, PredictiveScalingCustomizedLoadMetric,
    PredictiveScalingCustomizedScalingMetric, PredictiveScalingMaxCapacityBreachBehavior,
    PredictiveScalingMetricSpecification, PredictiveScalingMode, PredictiveScalingPredefinedLoadMetric,
    PredictiveScalingPredefinedMetricPair, PredictiveScalingPredefinedScalingMetric, StepAdjustment,
    TargetTrackingConfiguration, TargetTrackingMetricDataQuery, TargetTrackingMetricStat,
};

/// A string the provider writes with `aws.ToString` (empty when AWS gives none).
fn text_or_empty(v: Option<&str>) -> Value {
    Value::str(v.unwrap_or_default())
}

/// A "nullable float" or "nullable int" string: empty or absent is no value.
fn nullable(v: &Value, k: &str) -> PResult<Option<f64>> {
    match opt_str(v, k).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<f64>()
            .map(Some)
            .map_err(|_| ProviderError::msg(format!("{k} must be a number, got {s:?}"))),
    }
}

/// A number as the provider's `strconv.FormatFloat(v, 'f', -1, 64)` writes it.
fn number_text(n: f64) -> Value {
    Value::str(Value::Number(n).to_plain_string().unwrap_or_default())
}

fn items<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).as_list().unwrap_or(&[])
}

/// The `step_adjustment` blocks.
pub(super) fn steps_to_api(planned: &Value) -> PResult<Option<Vec<StepAdjustment>>> {
    let steps = items(planned, "step_adjustment")
        .iter()
        .map(|s| {
            Ok::<_, ProviderError>(
                StepAdjustment::builder()
                    .set_metric_interval_lower_bound(nullable(s, "metric_interval_lower_bound")?)
                    .set_metric_interval_upper_bound(nullable(s, "metric_interval_upper_bound")?)
                    .set_scaling_adjustment(opt_i32(s, "scaling_adjustment"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(Some(steps).filter(|s| !s.is_empty()))
}

/// The step adjustments as state holds them.
pub(super) fn steps_to_state(steps: &[StepAdjustment]) -> Value {
    Value::List(
        steps
            .iter()
            .map(|s| {
                Value::object([
                    ("scaling_adjustment", Value::from(s.scaling_adjustment())),
                    (
                        "metric_interval_lower_bound",
                        s.metric_interval_lower_bound().map(number_text).unwrap_or(Value::Null),
                    ),
                    (
                        "metric_interval_upper_bound",
                        s.metric_interval_upper_bound().map(number_text).unwrap_or(Value::Null),
                    ),
                ])
            })
            .collect(),
    )
}

fn dimensions_to_api(dims: &[Value]) -> PResult<Option<Vec<MetricDimension>>> {
    let all = dims
        .iter()
        .map(|d| {
            Ok::<_, ProviderError>(
                MetricDimension::builder()
                    .set_name(opt_str(d, "name"))
                    .set_value(opt_str(d, "value"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(Some(all).filter(|d| !d.is_empty()))
}

fn dimensions_to_state(dims: &[MetricDimension]) -> Value {
    Value::List(
        dims.iter()
            .map(|d| Value::object([("name", text_or_empty(d.name())), ("value", text_or_empty(d.value()))]))
            .collect(),
    )
}

/// A `metric` block (name, namespace, dimensions).
fn metric_to_api(stat: &Value) -> PResult<Option<Metric>> {
    first(stat, "metric")
        .map(|m| {
            Ok::<_, ProviderError>(
                Metric::builder()
                    .set_metric_name(opt_str(m, "metric_name"))
                    .set_namespace(opt_str(m, "namespace"))
                    .set_dimensions(dimensions_to_api(items(m, "dimensions"))?)
                    .build(),
            )
        })
        .transpose()
}

fn metric_to_state(m: Option<&Metric>) -> Value {
    Value::List(
        m.map(|m| {
            Value::object([
                ("metric_name", text_or_empty(m.metric_name())),
                ("namespace", text_or_empty(m.namespace())),
                ("dimensions", dimensions_to_state(m.dimensions())),
            ])
        })
        .into_iter()
        .collect(),
    )
}

/// The query fields both kinds of metric data query share, as state holds them.
fn query_fields(
    id: Option<&str>,
    expression: Option<&str>,
    label: Option<&str>,
    returns: Option<bool>,
) -> Vec<(&'static str, Value)> {
    vec![
        ("id", text_or_empty(id)),
        ("expression", Value::from(expression)),
        ("label", Value::from(label)),
        ("return_data", Value::from(returns)),
    ]
}

fn tracking_queries_to_api(queries: &[Value]) -> PResult<Option<Vec<TargetTrackingMetricDataQuery>>> {
    let all = queries
        .iter()
        .map(|q| {
            let stat = first(q, "metric_stat")
                .map(|s| {
                    Ok::<_, ProviderError>(
                        TargetTrackingMetricStat::builder()
                            .set_metric(metric_to_api(s)?)
                            .set_stat(opt_str(s, "stat"))
                            .set_unit(opt_str(s, "unit").filter(|u| !u.is_empty()))
                            .set_period(opt_i32(s, "period"))
                            .build(),
                    )
                })
                .transpose()?;
            Ok::<_, ProviderError>(
                TargetTrackingMetricDataQuery::builder()
                    .set_id(opt_str(q, "id"))
                    .set_metric_stat(stat)
                    .set_expression(opt_str(q, "expression").filter(|e| !e.is_empty()))
                    .set_label(opt_str(q, "label").filter(|l| !l.is_empty()))
                    .set_return_data(opt_bool(q, "return_data"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(Some(all).filter(|q| !q.is_empty()))
}

fn tracking_queries_to_state(queries: &[TargetTrackingMetricDataQuery]) -> Value {
    Value::List(
        queries
            .iter()
            .map(|q| {
                let mut fields = query_fields(q.id(), q.expression(), q.label(), q.return_data());
                let stat = q.metric_stat().map(|s| {
                    Value::object([
                        ("metric", metric_to_state(s.metric())),
                        ("stat", text_or_empty(s.stat())),
                        ("unit", Value::from(s.unit())),
                        ("period", Value::from(s.period())),
                    ])
                });
                fields.push(("metric_stat", Value::List(stat.into_iter().collect())));
                Value::object(fields)
            })
            .collect(),
    )
}

fn queries_to_api(queries: &[Value]) -> PResult<Vec<MetricDataQuery>> {
    queries
        .iter()
        .map(|q| {
            let stat = first(q, "metric_stat")
                .map(|s| {
                    Ok::<_, ProviderError>(
                        MetricStat::builder()
                            .set_metric(metric_to_api(s)?)
                            .set_stat(opt_str(s, "stat"))
                            .set_unit(opt_str(s, "unit").filter(|u| !u.is_empty()))
                            .build(),
                    )
                })
                .transpose()?;
            Ok::<_, ProviderError>(
                MetricDataQuery::builder()
                    .set_id(opt_str(q, "id"))
                    .set_metric_stat(stat)
                    .set_expression(opt_str(q, "expression").filter(|e| !e.is_empty()))
                    .set_label(opt_str(q, "label").filter(|l| !l.is_empty()))
                    .set_return_data(opt_bool(q, "return_data"))
                    .build(),
            )
        })
        .collect()
}

fn queries_to_state(queries: &[MetricDataQuery]) -> Value {
    Value::List(
        queries
            .iter()
            .map(|q| {
                let mut fields = query_fields(q.id(), q.expression(), q.label(), q.return_data());
                let stat = q.metric_stat().map(|s| {
                    Value::object([
                        ("metric", metric_to_state(s.metric())),
                        ("stat", text_or_empty(s.stat())),
                        ("unit", Value::from(s.unit())),
                    ])
                });
                fields.push(("metric_stat", Value::List(stat.into_iter().collect())));
                Value::object(fields)
            })
            .collect(),
    )
}

/// The `target_tracking_configuration` block.
pub(super) fn tracking_to_api(planned: &Value) -> PResult<Option<TargetTrackingConfiguration>> {
    let Some(t) = first(planned, "target_tracking_configuration") else {
        return Ok(None);
    };
    let predefined = first(t, "predefined_metric_specification")
        .map(|p| {
            Ok::<_, ProviderError>(
                PredefinedMetricSpecification::builder()
                    .set_predefined_metric_type(
                        opt_str(p, "predefined_metric_type").map(|m| MetricType::from(m.as_str())),
                    )
                    .set_resource_label(opt_str(p, "resource_label").filter(|l| !l.is_empty()))
                    .build(),
            )
        })
        .transpose()?;
    let customized = match first(t, "customized_metric_specification") {
        None => None,
        Some(c) => Some(match tracking_queries_to_api(items(c, "metrics"))? {
            // Metric math replaces the single metric, as the provider sends it.
            Some(metrics) => CustomizedMetricSpecification::builder()
                .set_metrics(Some(metrics))
                .build(),
            None => CustomizedMetricSpecification::builder()
                .set_metric_name(opt_str(c, "metric_name"))
                .set_namespace(opt_str(c, "namespace"))
                .set_statistic(opt_str(c, "statistic").map(|s| MetricStatistic::from(s.as_str())))
                .set_unit(opt_str(c, "unit").filter(|u| !u.is_empty()))
                .set_period(opt_i32(c, "period"))
                .set_dimensions(dimensions_to_api(items(c, "metric_dimension"))?)
                .build(),
        }),
    };
    Ok(Some(
        TargetTrackingConfiguration::builder()
            .set_target_value(t.get("target_value").as_number())
            .set_disable_scale_in(opt_bool(t, "disable_scale_in"))
            .set_predefined_metric_specification(predefined)
            .set_customized_metric_specification(customized)
            .build(),
    ))
}

/// Target tracking as state holds it.
pub(super) fn tracking_to_state(t: Option<&TargetTrackingConfiguration>) -> Value {
    let Some(t) = t else { return Value::List(vec![]) };
    let predefined = t.predefined_metric_specification().map(|p| {
        Value::object([
            (
                "predefined_metric_type",
                text_or_empty(p.predefined_metric_type().map(|t| t.as_str())),
            ),
            ("resource_label", Value::from(p.resource_label())),
        ])
    });
    let customized = t.customized_metric_specification().map(|c| {
        if !c.metrics().is_empty() {
            return Value::object([
                ("metrics", tracking_queries_to_state(c.metrics())),
                ("metric_dimension", Value::List(vec![])),
            ]);
        }
        Value::object([
            ("metric_name", Value::from(c.metric_name())),
            ("namespace", Value::from(c.namespace())),
            ("statistic", Value::from(c.statistic().map(|s| s.as_str()))),
            ("unit", Value::from(c.unit())),
            ("period", Value::from(c.period())),
            ("metric_dimension", dimensions_to_state(c.dimensions())),
            ("metrics", Value::List(vec![])),
        ])
    });
    Value::List(vec![Value::object([
        ("target_value", Value::from(t.target_value())),
        ("disable_scale_in", Value::Bool(t.disable_scale_in().unwrap_or(false))),
        (
            "predefined_metric_specification",
            Value::List(predefined.into_iter().collect()),
        ),
        (
            "customized_metric_specification",
            Value::List(customized.into_iter().collect()),
        ),
    ])])
}

/// A predictive metric block's type and label.
fn predefined<T>(spec: &Value, k: &str, make: impl Fn(String, Option<String>) -> T) -> Option<T> {
    first(spec, k).map(|p| {
        make(
            opt_str(p, "predefined_metric_type").unwrap_or_default(),
            opt_str(p, "resource_label").filter(|l| !l.is_empty()),
        )
    })
}

fn customized_queries(spec: &Value, k: &str) -> PResult<Option<Vec<MetricDataQuery>>> {
    first(spec, k)
        .map(|c| queries_to_api(items(c, "metric_data_queries")))
        .transpose()
}

/// The block's one metric specification.
fn metric_specification(s: &Value) -> PResult<PredictiveScalingMetricSpecification> {
    let load = predefined(s, "predefined_load_metric_specification", |t, l| {
        PredictiveScalingPredefinedLoadMetric::builder()
            .predefined_metric_type(PredefinedLoadMetricType::from(t.as_str()))
            .set_resource_label(l)
            .build()
    });
    let pair = predefined(s, "predefined_metric_pair_specification", |t, l| {
        PredictiveScalingPredefinedMetricPair::builder()
            .predefined_metric_type(PredefinedMetricPairType::from(t.as_str()))
            .set_resource_label(l)
            .build()
    });
    let scaling = predefined(s, "predefined_scaling_metric_specification", |t, l| {
        PredictiveScalingPredefinedScalingMetric::builder()
            .predefined_metric_type(PredefinedScalingMetricType::from(t.as_str()))
            .set_resource_label(l)
            .build()
    });
    let capacity = customized_queries(s, "customized_capacity_metric_specification")?.map(|q| {
        PredictiveScalingCustomizedCapacityMetric::builder()
            .set_metric_data_queries(Some(q))
            .build()
    });
    let custom_load = customized_queries(s, "customized_load_metric_specification")?.map(|q| {
        PredictiveScalingCustomizedLoadMetric::builder()
            .set_metric_data_queries(Some(q))
            .build()
    });
    let custom_scaling = customized_queries(s, "customized_scaling_metric_specification")?.map(|q| {
        PredictiveScalingCustomizedScalingMetric::builder()
            .set_metric_data_queries(Some(q))
            .build()
    });
    Ok(PredictiveScalingMetricSpecification::builder()
        .set_target_value(s.get("target_value").as_number())
        .set_predefined_load_metric_specification(load)
        .set_predefined_metric_pair_specification(pair)
        .set_predefined_scaling_metric_specification(scaling)
        .set_customized_capacity_metric_specification(capacity)
        .set_customized_load_metric_specification(custom_load)
        .set_customized_scaling_metric_specification(custom_scaling)
        .build())
}

/// The `predictive_scaling_configuration` block.
pub(super) fn predictive_to_api(planned: &Value) -> PResult<Option<PredictiveScalingConfiguration>> {
    let Some(p) = first(planned, "predictive_scaling_configuration") else {
        return Ok(None);
    };
    let specs = first(p, "metric_specification").map(metric_specification).transpose()?;
    Ok(Some(
        PredictiveScalingConfiguration::builder()
            .set_metric_specifications(specs.map(|s| vec![s]))
            .set_mode(opt_str(p, "mode").map(|m| PredictiveScalingMode::from(m.as_str())))
            .set_max_capacity_breach_behavior(
                opt_str(p, "max_capacity_breach_behavior")
                    .map(|b| PredictiveScalingMaxCapacityBreachBehavior::from(b.as_str())),
            )
            .set_max_capacity_buffer(nullable(p, "max_capacity_buffer")?.map(|n| n as i32))
            .set_scheduling_buffer_time(nullable(p, "scheduling_buffer_time")?.map(|n| n as i32))
            .build(),
    ))
}

fn predefined_state(kind: Option<&str>, label: Option<&str>) -> Value {
    Value::List(vec![Value::object([
        ("predefined_metric_type", text_or_empty(kind)),
        ("resource_label", Value::str(label.unwrap_or_default())),
    ])])
}

fn customized_state(queries: Option<&[MetricDataQuery]>) -> Value {
    Value::List(
        queries
            .map(|q| Value::object([("metric_data_queries", queries_to_state(q))]))
            .into_iter()
            .collect(),
    )
}

/// Predictive scaling as state holds it.
pub(super) fn predictive_to_state(p: Option<&PredictiveScalingConfiguration>) -> Value {
    let Some(p) = p else { return Value::List(vec![]) };
    let specs: Vec<Value> =
        p.metric_specifications()
            .first()
            .map(|s| {
                let or_empty = |v: Option<Value>| v.unwrap_or(Value::List(vec![]));
                Value::object([
                    ("target_value", Value::from(s.target_value())),
                    (
                        "predefined_load_metric_specification",
                        or_empty(s.predefined_load_metric_specification().map(|m| {
                            predefined_state(m.predefined_metric_type().map(|t| t.as_str()), m.resource_label())
                        })),
                    ),
                    (
                        "predefined_metric_pair_specification",
                        or_empty(s.predefined_metric_pair_specification().map(|m| {
                            predefined_state(m.predefined_metric_type().map(|t| t.as_str()), m.resource_label())
                        })),
                    ),
                    (
                        "predefined_scaling_metric_specification",
                        or_empty(s.predefined_scaling_metric_specification().map(|m| {
                            predefined_state(m.predefined_metric_type().map(|t| t.as_str()), m.resource_label())
                        })),
                    ),
                    (
                        "customized_capacity_metric_specification",
                        customized_state(
                            s.customized_capacity_metric_specification()
                                .map(|c| c.metric_data_queries()),
                        ),
                    ),
                    (
                        "customized_load_metric_specification",
                        customized_state(
                            s.customized_load_metric_specification()
                                .map(|c| c.metric_data_queries()),
                        ),
                    ),
                    (
                        "customized_scaling_metric_specification",
                        customized_state(
                            s.customized_scaling_metric_specification()
                                .map(|c| c.metric_data_queries()),
                        ),
                    ),
                ])
            })
            .into_iter()
            .collect();
    let int_text = |n: Option<i32>| n.map(|n| Value::str(n.to_string())).unwrap_or(Value::Null);
    Value::List(vec![Value::object([
        ("metric_specification", Value::List(specs)),
        ("mode", Value::from(p.mode().map(|m| m.as_str()))),
        (
            "max_capacity_breach_behavior",
            Value::from(p.max_capacity_breach_behavior().map(|b| b.as_str())),
        ),
        ("max_capacity_buffer", int_text(p.max_capacity_buffer())),
        ("scheduling_buffer_time", int_text(p.scheduling_buffer_time())),
    ])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_bounds_travel_as_nullable_float_strings() {
        let planned = Value::object([(
            "step_adjustment",
            Value::List(vec![Value::object([
                ("scaling_adjustment", Value::from(2)),
                ("metric_interval_lower_bound", Value::str("10.5")),
                ("metric_interval_upper_bound", Value::str("")),
            ])]),
        )]);
        let steps = steps_to_api(&planned).unwrap().unwrap();
        assert_eq!(steps[0].metric_interval_lower_bound(), Some(10.5));
        assert_eq!(steps[0].metric_interval_upper_bound(), None);
        let state = steps_to_state(&steps);
        assert_eq!(
            state.as_list().unwrap()[0].get("metric_interval_lower_bound"),
            &Value::str("10.5")
        );
        let bad = Value::object([(
            "step_adjustment",
            Value::List(vec![Value::object([
                ("scaling_adjustment", Value::from(1)),
                ("metric_interval_lower_bound", Value::str("ten")),
            ])]),
        )]);
        assert!(steps_to_api(&bad).is_err());
    }
}
