//! `aws_cloudwatch_event_target`: where a rule sends the events it matches (a queue, a
//! function, another bus...), as the provider's `resourceTarget` makes it with PutTargets and
//! reads it back from ListTargetsByRule. The rule, its bus and the target id replace the
//! target; everything else changes in place with PutTargets, which replaces the whole target
//! (so every setting is sent again). A target id left unset is generated (`terraform-` and 26
//! unique digits, as the provider's `id.UniqueId`).
//!
//! State's id is `RULE-TARGET_ID` on the default bus and `BUS-RULE-TARGET_ID` on another one
//! (the provider's, which cannot be parsed back: `-` is allowed in names), so reads go by the
//! `rule`, `event_bus_name` and `target_id` state holds; `import` takes `RULE/TARGET_ID` or
//! `BUS/RULE/TARGET_ID`, as the provider's importer.
//!
//! Implemented: `arn`, `role_arn`, `input`, `input_path`, `input_transformer`, `retry_policy`,
//! `dead_letter_config`, `sqs_target` and `force_destroy`. The ECS, Batch, Kinesis, Redshift,
//! HTTP, SageMaker, AppSync and Run Command parameters are refused when set (not supported by
//! infractl yet).

use super::{bus_name_or_arn, rule_name_chars, DEFAULT_BUS, NOT_FOUND};
use crate::provider::aws::common::{
    aws_err, build_err, differs, first, map_value, must_exist, opt_i32, opt_str, required,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, len_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_eventbridge::types::{DeadLetterConfig, InputTransformer, RetryPolicy, SqsParameters, Target as SdkTarget};
use std::sync::Arc;

/// The `aws_cloudwatch_event_target` resource type.
pub struct Target {
    c: Arc<Clients>,
    schema: Schema,
}

/// The most input paths an input transformer may have (the provider's
/// `targetInputTransformerMaxInputPaths`).
const MAX_INPUT_PATHS: usize = 100;

impl Target {
    /// Creates the type with its clients. Validators are the provider's.
    pub fn new(c: Arc<Clients>) -> Target {
        let schema = resource("aws_cloudwatch_event_target")
            .arg("rule")
            .force_new()
            .check(len_between(1, 64))
            .check(rule_name_chars())
            .arg("event_bus_name")
            .force_new()
            .default(DEFAULT_BUS)
            .check(len_between(1, 1600))
            .check(bus_name_or_arn())
            .arg("target_id")
            .force_new()
            .check(len_between(1, 64))
            .check(rule_name_chars())
            .arg("arn")
            .check(arn())
            .arg("role_arn")
            .check(arn())
            .arg("input")
            .check(len_between(0, 8192))
            .arg("input_path")
            .check(len_between(0, 256))
            .arg("input_transformer.input_template")
            .check(len_between(1, 8192))
            .arg("input_transformer.input_paths")
            .arg("retry_policy.maximum_event_age_in_seconds")
            .check(int_between(0, 86_400))
            .arg("retry_policy.maximum_retry_attempts")
            .check(int_between(0, 185))
            .arg("dead_letter_config.arn")
            .check(arn())
            .arg("sqs_target.message_group_id")
            .arg("force_destroy")
            .default(false)
            .rule(Rule::Conflicts(&["input", "input_path", "input_transformer"]))
            .build();
        Target { c, schema }
    }

    /// The target of that id on the rule, from ListTargetsByRule; `None` when the rule (or its
    /// bus) is gone or has no such target (the provider's `findTargetByThreePartKey`).
    async fn find(&self, bus: &str, rule: &str, target_id: &str) -> PResult<Option<SdkTarget>> {
        let mut token = None;
        loop {
            let r = self
                .c
                .events
                .list_targets_by_rule()
                .rule(rule)
                .event_bus_name(bus)
                .limit(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on_missing_rule(r)? else {
                return Ok(None);
            };
            if let Some(t) = out.targets().iter().find(|t| t.id() == target_id) {
                return Ok(Some(t.clone()));
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// PutTargets with the whole target; an entry AWS refuses is the call's error.
    async fn put(&self, planned: &Value, bus: &str, rule: &str, target_id: &str) -> PResult<()> {
        let target = sdk_target(planned, target_id)?;
        let out = self
            .c
            .events
            .put_targets()
            .rule(rule)
            .event_bus_name(bus)
            .targets(target)
            .send()
            .await
            .map_err(aws_err)?;
        if let Some(f) = out.failed_entries().first() {
            return Err(ProviderError {
                code: f.error_code().map(str::to_string),
                message: format!(
                    "{}: {}",
                    f.target_id().unwrap_or(target_id),
                    f.error_message().unwrap_or("refused")
                ),
            });
        }
        Ok(())
    }
}

/// ListTargetsByRule's "no such rule" (a ResourceNotFoundException, a ValidationException or a
/// message ending in "not found", as the provider counts them) is absence.
fn absent_on_missing_rule<T>(r: PResult<T>) -> PResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if e.code
                .as_deref()
                .is_some_and(|c| NOT_FOUND.contains(&c) || c == "ValidationException")
                || e.message.ends_with(" not found") =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// State's id of a target (the provider's `targetCreateResourceID`).
pub fn target_id_of(bus: &str, rule: &str, target_id: &str) -> String {
    if bus.is_empty() || bus == DEFAULT_BUS {
        format!("{rule}-{target_id}")
    } else {
        format!("{bus}-{rule}-{target_id}")
    }
}

/// Bus, rule and target id from an import id: `RULE/TARGET_ID` or `BUS/RULE/TARGET_ID`, the bus
/// an ARN or partner bus name when it has slashes of its own (the provider's
/// `targetParseImportID`).
pub fn parse_import_id(id: &str) -> PResult<(String, String, String)> {
    let parts: Vec<&str> = id.split('/').collect();
    match parts[..] {
        [rule, target] if !rule.is_empty() && !target.is_empty() => {
            return Ok((DEFAULT_BUS.to_string(), rule.to_string(), target.to_string()))
        }
        [bus, rule, target] if !bus.is_empty() && !rule.is_empty() && !target.is_empty() => {
            return Ok((bus.to_string(), rule.to_string(), target.to_string()))
        }
        _ => {}
    }
    if parts.len() > 3 {
        if let Some((rest, target)) = id.rsplit_once('/') {
            if let Ok((bus, rule)) = super::rule::parse_id(rest) {
                if bus.contains('/') && !target.is_empty() {
                    return Ok((bus, rule, target.to_string()));
                }
            }
        }
    }
    Err(ProviderError::msg(format!(
        "unexpected format for ID ({id}), expected EVENTBUSNAME/RULENAME/TARGETID or RULENAME/TARGETID"
    )))
}

/// Where a target lives: from the `rule`, `event_bus_name` and `target_id` of a prior value
/// (state, or a planned value), else from an import id.
fn locate(id: &str, prior: &Value) -> PResult<(String, String, String)> {
    match (opt_str(prior, "rule"), opt_str(prior, "target_id")) {
        (Some(rule), Some(target)) => Ok((
            opt_str(prior, "event_bus_name").unwrap_or_else(|| DEFAULT_BUS.to_string()),
            rule,
            target,
        )),
        _ => parse_import_id(id),
    }
}

/// The target as PutTargets takes it (the provider's `expandPutTargetsInput`): the blocks that
/// are set, a retry policy with both numbers (0 when unset).
fn sdk_target(planned: &Value, target_id: &str) -> PResult<SdkTarget> {
    let input_transformer = match first(planned, "input_transformer") {
        Some(t) => Some(
            InputTransformer::builder()
                .set_input_paths_map(t.get("input_paths").as_object().map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
                        .collect()
                }))
                .input_template(opt_str(t, "input_template").unwrap_or_default())
                .build()
                .map_err(build_err)?,
        ),
        None => None,
    };
    let retry_policy = first(planned, "retry_policy").map(|r| {
        RetryPolicy::builder()
            .maximum_event_age_in_seconds(opt_i32(r, "maximum_event_age_in_seconds").unwrap_or(0))
            .maximum_retry_attempts(opt_i32(r, "maximum_retry_attempts").unwrap_or(0))
            .build()
    });
    let dead_letter =
        first(planned, "dead_letter_config").map(|d| DeadLetterConfig::builder().set_arn(opt_str(d, "arn")).build());
    let sqs = first(planned, "sqs_target").map(|s| {
        SqsParameters::builder()
            .set_message_group_id(opt_str(s, "message_group_id"))
            .build()
    });
    SdkTarget::builder()
        .id(target_id)
        .arn(opt_str(planned, "arn").unwrap_or_default())
        .set_role_arn(opt_str(planned, "role_arn"))
        .set_input(opt_str(planned, "input"))
        .set_input_path(opt_str(planned, "input_path"))
        .set_input_transformer(input_transformer)
        .set_retry_policy(retry_policy)
        .set_dead_letter_config(dead_letter)
        .set_sqs_parameters(sqs)
        .build()
        .map_err(build_err)
}

/// The target as state holds it (the provider's `resourceTargetRead`).
fn to_state(bus: &str, rule: &str, t: &SdkTarget, prior: &Value) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let n = |v: Option<i32>| Value::from(i64::from(v.unwrap_or(0)));
    let one = |v: Option<Value>| Value::List(v.into_iter().collect());
    let input_transformer = one(t.input_transformer().map(|it| {
        Value::object([
            ("input_paths", map_value(it.input_paths_map())),
            ("input_template", Value::str(it.input_template())),
        ])
    }));
    let retry_policy = one(t.retry_policy().map(|r| {
        Value::object([
            ("maximum_event_age_in_seconds", n(r.maximum_event_age_in_seconds())),
            ("maximum_retry_attempts", n(r.maximum_retry_attempts())),
        ])
    }));
    let dead_letter = one(t.dead_letter_config().map(|d| Value::object([("arn", s(d.arn()))])));
    let sqs = one(t
        .sqs_parameters()
        .map(|p| Value::object([("message_group_id", s(p.message_group_id()))])));
    let none = || Value::List(vec![]);
    Value::object([
        ("id", Value::str(target_id_of(bus, rule, t.id()))),
        ("rule", Value::str(rule)),
        ("event_bus_name", Value::str(bus)),
        ("target_id", Value::str(t.id())),
        ("arn", Value::str(t.arn())),
        ("role_arn", s(t.role_arn())),
        ("input", s(t.input())),
        ("input_path", s(t.input_path())),
        ("input_transformer", input_transformer),
        ("retry_policy", retry_policy),
        ("dead_letter_config", dead_letter),
        ("sqs_target", sqs),
        (
            "force_destroy",
            Value::Bool(prior.get("force_destroy").as_bool().unwrap_or(false)),
        ),
        ("appsync_target", none()),
        ("batch_target", none()),
        ("ecs_target", none()),
        ("http_target", none()),
        ("kinesis_target", none()),
        ("redshift_target", none()),
        ("run_command_targets", none()),
        ("sagemaker_pipeline_target", none()),
    ])
}

#[async_trait]
impl ResourceType for Target {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// `input` is a JSON document (compared as text, as the provider does: built-in targets
    /// may take other input), and an input transformer has at most 100 paths, none named
    /// `AWS...` (the provider's validators).
    fn check_config(&self, config: &Value) -> Result<(), String> {
        if let Some(input) = config.get("input").as_str() {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(input) {
                return Err(format!("\"input\" contains an invalid JSON: {e}"));
            }
        }
        if let Some(paths) = first(config, "input_transformer").and_then(|t| t.get("input_paths").as_object()) {
            if paths.len() > MAX_INPUT_PATHS {
                return Err(format!(
                    "\"input_transformer.0.input_paths\" may have at most {MAX_INPUT_PATHS} entries, has {}",
                    paths.len()
                ));
            }
            if let Some(k) = paths.keys().find(|k| k.starts_with("AWS")) {
                return Err(format!(
                    "\"input_transformer.0.input_paths\" key {k:?} must not start with \"AWS\""
                ));
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let rule = required(planned, "rule")?;
        let bus = opt_str(planned, "event_bus_name").unwrap_or_else(|| DEFAULT_BUS.to_string());
        let target_id = opt_str(planned, "target_id").unwrap_or_else(|| {
            let unique = uuid::Uuid::new_v4().simple().to_string();
            format!("terraform-{}", &unique[..26])
        });
        let id = target_id_of(&bus, &rule, &target_id);
        self.put(planned, &bus, &rule, &target_id)
            .await
            .map_err(|e| e.context(format!("creating EventBridge Target ({id})")))?;
        let mut at = planned.clone();
        if let Value::Object(m) = &mut at {
            m.insert("target_id".into(), Value::str(&target_id));
            m.insert("event_bus_name".into(), Value::str(&bus));
        }
        must_exist(self.read(ctx, &id, &at).await?, "EventBridge target", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (bus, rule, target_id) = locate(id, prior)?;
        Ok(self
            .find(&bus, &rule, &target_id)
            .await?
            .map(|t| to_state(&bus, &rule, &t, prior)))
    }

    /// PutTargets with the whole target when anything but `force_destroy` changed (the
    /// provider's `HasChangesExcept`).
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (bus, rule, target_id) = locate(id, prior)?;
        let settings = [
            "arn",
            "role_arn",
            "input",
            "input_path",
            "input_transformer",
            "retry_policy",
            "dead_letter_config",
            "sqs_target",
        ];
        if settings.iter().any(|k| differs(prior, planned, k)) {
            self.put(planned, &bus, &rule, &target_id).await?;
        }
        must_exist(
            self.read(ctx, id, prior).await?.map(|mut v| {
                if let Value::Object(m) = &mut v {
                    m.insert(
                        "force_destroy".into(),
                        Value::Bool(planned.get("force_destroy").as_bool().unwrap_or(false)),
                    );
                }
                v
            }),
            "EventBridge target",
            id,
        )
    }

    /// RemoveTargets (forced when `force_destroy`); a rule or target already gone is fine.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (bus, rule, target_id) = locate(id, prior)?;
        let r = self
            .c
            .events
            .remove_targets()
            .rule(&rule)
            .event_bus_name(&bus)
            .ids(&target_id)
            .force(prior.get("force_destroy").as_bool() == Some(true))
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on_missing_rule(r)? else {
            return Ok(());
        };
        match out.failed_entries().first() {
            Some(f) if !f.error_code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(ProviderError {
                code: f.error_code().map(str::to_string),
                message: format!(
                    "deleting EventBridge Target ({id}): {}",
                    f.error_message().unwrap_or("refused")
                ),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_providers_format() {
        assert_eq!(target_id_of("default", "nightly", "q"), "nightly-q");
        assert_eq!(target_id_of("orders", "paid", "fn"), "orders-paid-fn");
        assert_eq!(
            parse_import_id("nightly/q").unwrap(),
            ("default".into(), "nightly".into(), "q".into())
        );
        assert_eq!(
            parse_import_id("orders/paid/fn").unwrap(),
            ("orders".into(), "paid".into(), "fn".into())
        );
        let arn = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
        assert_eq!(
            parse_import_id(&format!("{arn}/paid/fn")).unwrap(),
            (arn.into(), "paid".into(), "fn".into())
        );
        assert!(parse_import_id("nightly").is_err() && parse_import_id("a//b").is_err());
        // State's id is not parsed: the rule, bus and target id state holds are.
        let prior = Value::object([
            ("rule", Value::str("paid")),
            ("event_bus_name", Value::str("orders")),
            ("target_id", Value::str("fn")),
        ]);
        assert_eq!(
            locate("orders-paid-fn", &prior).unwrap(),
            ("orders".into(), "paid".into(), "fn".into())
        );
    }

    #[test]
    fn a_retry_policy_is_sent_whole_and_read_back() {
        let planned = Value::object([
            ("arn", Value::str("arn:aws:sqs:us-east-1:123456789012:q")),
            (
                "retry_policy",
                Value::List(vec![Value::object([("maximum_retry_attempts", Value::from(3i64))])]),
            ),
            ("input_transformer", Value::List(vec![])),
        ]);
        let t = sdk_target(&planned, "q").unwrap();
        let r = t.retry_policy().unwrap();
        assert_eq!(
            (r.maximum_retry_attempts(), r.maximum_event_age_in_seconds()),
            (Some(3), Some(0))
        );
        assert!(t.input_transformer().is_none() && t.sqs_parameters().is_none());
        let s = to_state("default", "nightly", &t, &Value::Null);
        assert_eq!(s.get("id"), &Value::str("nightly-q"));
        assert_eq!(s.get("retry_policy").as_list().map(|l| l.len()), Some(1));
        assert_eq!(s.get("force_destroy"), &Value::Bool(false));
    }

    #[test]
    fn inputs_must_be_json_and_paths_not_aws() {
        let rt = Target::new(Arc::new(crate::provider::aws::offline_clients()));
        assert!(rt
            .check_config(&Value::object([("input", Value::str("{\"a\":1}"))]))
            .is_ok());
        assert!(rt.check_config(&Value::object([("input", Value::str("{a"))])).is_err());
        let transformer = Value::object([(
            "input_transformer",
            Value::List(vec![Value::object([(
                "input_paths",
                Value::object([("AWSRegion", Value::str("$.region"))]),
            )])]),
        )]);
        assert!(rt.check_config(&transformer).is_err());
    }
}
