//! `aws_cloudwatch_event_rule`: a rule on an event bus that matches events by a pattern or
//! runs on a schedule, as the provider's `resourceRule` makes it with PutRule. The name (or
//! prefix) and the bus replace the rule; everything else changes in place with PutRule, which
//! replaces the whole rule (so every setting is sent again); tags change with
//! TagResource/UntagResource. A create waits until DescribeRule finds the new rule (2 minutes
//! at most, as the provider); PutRule is retried while the rule's role cannot yet be assumed.
//! A delete is retried while AWS still sees targets on the rule (their deletes may still be
//! propagating).
//!
//! The id is `RULE` on the default bus and `BUS/RULE` on another one, which `import` takes.
//! `event_pattern` is JSON and compared as JSON. `state` (and the deprecated `is_enabled`)
//! left unset keep what AWS has, as the provider's DiffSuppressFuncs do; setting one sends it.

use super::{bus_name_or_arn, rule_name_chars, sdk_tags, sync_events_tags, tags_of, DEFAULT_BUS, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, json_as_configured, must_exist, name_or_generated, name_prefix_from_name,
    ok_on, opt_bool, opt_str, owns, retry_while_matching, tags_to_write, user_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, json, len_between, one_of, Rule as Between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_eventbridge::operation::describe_rule::DescribeRuleOutput;
use aws_sdk_eventbridge::types::RuleState;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_cloudwatch_event_rule` resource type.
pub struct Rule {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long PutRule is retried while its role propagates (the provider's
/// `propagationTimeout`), and how long a new rule may take to be found.
const PROPAGATION: Duration = Duration::from_secs(2 * 60);

/// How long a delete is retried while AWS still sees targets on the rule.
const DELETE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The longest event pattern, once normalised (the provider's `validateEventPatternValue`).
const MAX_PATTERN: usize = 4096;

impl Rule {
    /// Creates the type with its clients. Validators are the provider's.
    pub fn new(c: Arc<Clients>) -> Rule {
        let schema = resource("aws_cloudwatch_event_rule")
            .arg("name")
            .force_new()
            .check(len_between(1, 64))
            .check(rule_name_chars())
            .arg("name_prefix")
            .force_new()
            .check(len_between(1, 64))
            .check(rule_name_chars())
            .arg("event_bus_name")
            .force_new()
            .default(DEFAULT_BUS)
            .check(len_between(1, 1600))
            .check(bus_name_or_arn())
            .arg("event_pattern")
            .check(json())
            .arg("schedule_expression")
            .check(len_between(0, 256))
            .arg("description")
            .check(len_between(0, 512))
            .arg("role_arn")
            .check(arn())
            .arg("state")
            .check(one_of(RuleState::values()))
            .arg("force_destroy")
            .default(false)
            .args(&["is_enabled", "tags"])
            .rule(Between::Conflicts(&["name", "name_prefix"]))
            .rule(Between::Conflicts(&["is_enabled", "state"]))
            .rule(Between::AtLeastOne(&["schedule_expression", "event_pattern"]))
            .build();
        Rule { c, schema }
    }

    /// DescribeRule; `None` when the bus has no such rule (or the bus is gone).
    async fn describe(&self, bus: &str, name: &str) -> PResult<Option<DescribeRuleOutput>> {
        let r = self
            .c
            .events
            .describe_rule()
            .name(name)
            .event_bus_name(bus)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }

    /// PutRule with every setting of the planned value (PutRule replaces the whole rule),
    /// retried while the rule's role cannot be assumed yet; tags only when `tags` is given
    /// (AWS ignores them on an existing rule). Returns the rule's ARN.
    async fn put(
        &self,
        name: &str,
        planned: &Value,
        tags: Option<Vec<aws_sdk_eventbridge::types::Tag>>,
    ) -> PResult<String> {
        let req = self
            .c
            .events
            .put_rule()
            .name(name)
            .set_event_bus_name(opt_str(planned, "event_bus_name"))
            .set_description(opt_str(planned, "description"))
            .set_event_pattern(opt_str(planned, "event_pattern").map(|p| normalized_pattern(&p)))
            .set_role_arn(opt_str(planned, "role_arn"))
            .set_schedule_expression(opt_str(planned, "schedule_expression"))
            .set_state(state_to_send(planned))
            .set_tags(tags);
        let out = retry_while_matching(role_settling, PROPAGATION, || async {
            req.clone().send().await.map_err(aws_err)
        })
        .await?;
        Ok(out.rule_arn().unwrap_or_default().to_string())
    }
}

/// True for the error the provider's `retryPutRule` retries: the rule's role not yet usable.
fn role_settling(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("ValidationException") && e.message.contains("cannot be assumed by principal")
}

/// The state PutRule is sent: `state` when set, else `is_enabled` when set, else none (AWS
/// then enables the rule), as the provider's `expandPutRuleInput` reads the configuration.
fn state_to_send(planned: &Value) -> Option<RuleState> {
    if let Some(s) = opt_str(planned, "state") {
        return Some(RuleState::from(s.as_str()));
    }
    opt_bool(planned, "is_enabled").map(|on| if on { RuleState::Enabled } else { RuleState::Disabled })
}

/// Refuses an `event_pattern` longer than AWS takes once normalised (the provider's
/// `validateEventPatternValue`, for rules and archives alike).
pub fn check_pattern_length(config: &Value) -> Result<(), String> {
    if let Some(p) = config.get("event_pattern").as_str() {
        let n = normalized_pattern(p);
        if n.len() > MAX_PATTERN {
            return Err(format!(
                "\"event_pattern\" cannot be longer than {MAX_PATTERN} characters: {} once normalized",
                n.len()
            ));
        }
    }
    Ok(())
}

/// An event pattern as the provider sends and records it: compact JSON (its
/// `ruleEventPatternJSONDecoder`); text that is not JSON is sent as it is.
pub fn normalized_pattern(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

/// The rule's id: `RULE` on the default bus, else `BUS/RULE` (the provider's
/// `ruleCreateResourceID`).
pub fn rule_id(bus: &str, name: &str) -> String {
    if bus.is_empty() || bus == DEFAULT_BUS {
        name.to_string()
    } else {
        format!("{bus}/{name}")
    }
}

/// An event bus ARN, or a partner bus name (which has slashes of its own), before the rule
/// name of a longer id.
fn bus_with_slashes(bus: &str) -> bool {
    let arn =
        regex_lite::Regex::new(r"^arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus/[0-9A-Za-z_.-]+$");
    let partner = regex_lite::Regex::new(
        r"^(?:arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus/)?aws\.partner(/[0-9A-Za-z_.-]+){2,}$",
    );
    [arn, partner].into_iter().flatten().any(|r| r.is_match(bus))
}

/// Bus and rule name from an id (the provider's `ruleParseResourceID`).
pub fn parse_id(id: &str) -> PResult<(String, String)> {
    let parts: Vec<&str> = id.split('/').collect();
    match parts[..] {
        [name] if !name.is_empty() => return Ok((DEFAULT_BUS.to_string(), name.to_string())),
        [bus, name] if !bus.is_empty() && !name.is_empty() => return Ok((bus.to_string(), name.to_string())),
        _ => {}
    }
    if parts.len() > 2 {
        if let Some((bus, name)) = id.rsplit_once('/') {
            if !name.is_empty() && bus_with_slashes(bus) {
                return Ok((bus.to_string(), name.to_string()));
            }
        }
    }
    Err(ProviderError::msg(format!(
        "unexpected format for ID ({id}), expected EVENTBUSNAME/RULENAME or RULENAME"
    )))
}

/// The rule as state holds it, from DescribeRule and its tags.
fn to_state(id: &str, bus: &str, out: &DescribeRuleOutput, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let name = out.name().unwrap_or_default();
    let state = out.state().map(|s| s.as_str().to_string());
    let enabled = matches!(
        out.state(),
        Some(RuleState::Enabled | RuleState::EnabledWithAllCloudtrailManagementEvents)
    );
    let pattern = out.event_pattern().map(normalized_pattern);
    Value::object([
        ("id", Value::str(id)),
        ("arn", s(out.arn())),
        ("name", Value::str(name)),
        ("name_prefix", Value::from(name_prefix_from_name(name, ""))),
        // The bus as the id names it: AWS may answer a name where the blueprint has an ARN.
        ("event_bus_name", Value::str(bus)),
        ("description", s(out.description())),
        ("event_pattern", json_as_configured(prior.get("event_pattern"), pattern)),
        ("schedule_expression", s(out.schedule_expression())),
        ("role_arn", s(out.role_arn())),
        ("state", Value::from(state)),
        ("is_enabled", Value::Bool(enabled)),
        (
            "force_destroy",
            Value::Bool(prior.get("force_destroy").as_bool().unwrap_or(false)),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for Rule {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The event pattern's normalised length (the provider's `validateEventPatternValue`).
    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_pattern_length(config)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let bus = opt_str(planned, "event_bus_name").unwrap_or_else(|| DEFAULT_BUS.to_string());
        let tags = sdk_tags(tags_to_write(ctx, planned))?;
        self.put(&name, planned, (!tags.is_empty()).then_some(tags))
            .await
            .map_err(|e| e.context(format!("creating EventBridge Rule ({name})")))?;
        let id = rule_id(&bus, &name);
        // A new rule may take a moment to be found (the provider's RetryWhenNotFound).
        wait_for(Wait::new(&id, "found", PROPAGATION), || async {
            Ok(match self.describe(&bus, &name).await? {
                Some(_) => Poll::Ready(()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "EventBridge rule", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (bus, name) = parse_id(id)?;
        let Some(out) = self.describe(&bus, &name).await? else {
            return Ok(None);
        };
        let tags = match out.arn() {
            Some(arn) => tags_of(&self.c, arn).await?,
            None => Vec::new(),
        };
        Ok(Some(to_state(id, &bus, &out, tags, prior)))
    }

    /// PutRule with every setting when anything but the tags and `force_destroy` changed (the
    /// provider's `HasChangesExcept`), then the tags.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (_, name) = parse_id(id)?;
        let settings = [
            "description",
            "event_pattern",
            "schedule_expression",
            "role_arn",
            "state",
            "is_enabled",
        ];
        if settings.iter().any(|k| prior.get(k) != planned.get(k)) {
            self.put(&name, planned, None).await?;
        }
        if let Some(arn) = opt_str(prior, "arn") {
            sync_events_tags(&self.c, &arn, prior, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "EventBridge rule", id)
    }

    /// DeleteRule (forced when `force_destroy`, which removes AWS-managed targets too),
    /// retried while AWS still sees targets on the rule.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (bus, name) = parse_id(id)?;
        let force = prior.get("force_destroy").as_bool() == Some(true);
        let has_targets =
            |e: &ProviderError| e.code.as_deref() == Some("ValidationException") && e.message.contains("has targets");
        let r = retry_while_matching(has_targets, DELETE_TIMEOUT, || async {
            self.c
                .events
                .delete_rule()
                .name(&name)
                .event_bus_name(&bus)
                .force(force)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, NOT_FOUND)
    }

    /// A rule of the planned name on the planned bus carrying this stack's tags for this
    /// address (a run killed after the create call).
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let bus = opt_str(planned, "event_bus_name").unwrap_or_else(|| DEFAULT_BUS.to_string());
        let Some(out) = self.describe(&bus, &name).await? else {
            return Ok(None);
        };
        let Some(arn) = out.arn() else {
            return Ok(None);
        };
        let tags = tags_of(&self.c, arn).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then(|| rule_id(&bus, &name)))
    }

    /// `state` and `is_enabled` left unset keep what AWS has (the provider suppresses those
    /// differences); one that is set gives the other its meaning, so a plan never holds a
    /// stale pair.
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Value::Object(m) = planned else {
            return Ok(None);
        };
        let (state, enabled) = (config.get("state"), config.get("is_enabled"));
        if state.has_unknown() || enabled.has_unknown() {
            return Ok(None);
        }
        match (state.as_str(), enabled.as_bool(), prior) {
            (Some(s), _, _) => {
                m.insert("is_enabled".into(), Value::Bool(s != RuleState::Disabled.as_str()));
            }
            (None, Some(on), _) => {
                let s = if on { RuleState::Enabled } else { RuleState::Disabled };
                m.insert("state".into(), Value::str(s.as_str()));
            }
            (None, None, Some(p)) => {
                m.insert("state".into(), p.get("state").clone());
                m.insert("is_enabled".into(), p.get("is_enabled").clone());
            }
            (None, None, None) => {}
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_providers_format() {
        assert_eq!(rule_id("default", "nightly"), "nightly");
        assert_eq!(rule_id("orders", "paid"), "orders/paid");
        assert_eq!(parse_id("nightly").unwrap(), ("default".into(), "nightly".into()));
        assert_eq!(parse_id("orders/paid").unwrap(), ("orders".into(), "paid".into()));
        let arn = "arn:aws:events:us-east-1:123456789012:event-bus/orders";
        assert_eq!(parse_id(&format!("{arn}/paid")).unwrap(), (arn.into(), "paid".into()));
        assert_eq!(
            parse_id("aws.partner/example.com/123/paid").unwrap(),
            ("aws.partner/example.com/123".into(), "paid".into())
        );
        assert!(parse_id("").is_err() && parse_id("a/").is_err() && parse_id("a/b/c").is_err());
    }

    #[test]
    fn patterns_are_sent_compact_and_state_follows_the_configuration() {
        assert_eq!(
            normalized_pattern("{ \"source\": [ \"app\" ] }"),
            r#"{"source":["app"]}"#
        );
        assert_eq!(normalized_pattern("not json"), "not json");
        let planned = Value::object([("is_enabled", Value::Bool(false))]);
        assert_eq!(state_to_send(&planned), Some(RuleState::Disabled));
        let planned = Value::object([("state", Value::str("ENABLED")), ("is_enabled", Value::Bool(false))]);
        assert_eq!(state_to_send(&planned), Some(RuleState::Enabled));
        assert_eq!(state_to_send(&Value::object::<&str>([])), None);
    }

    #[test]
    fn an_unset_state_keeps_what_aws_has() {
        let rt = Rule::new(Arc::new(crate::provider::aws::offline_clients()));
        let prior = Value::object([("state", Value::str("DISABLED")), ("is_enabled", Value::Bool(false))]);
        let mut planned = Value::object([("state", Value::Null), ("is_enabled", Value::Null)]);
        rt.refine_plan(Some(&prior), &planned.clone(), &mut planned).unwrap();
        assert_eq!(planned.get("state"), &Value::str("DISABLED"));
        let config = Value::object([("is_enabled", Value::Bool(true))]);
        let mut planned = config.clone();
        rt.refine_plan(Some(&prior), &config, &mut planned).unwrap();
        assert_eq!(planned.get("state"), &Value::str("ENABLED"));
    }
}
