//! `aws_lb_listener_rule`: a routing rule of a listener (priority, conditions, actions).

use super::actions::{check_actions, declare_actions, from_actions, to_actions};
use super::{elb_tags, read_tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, opt_str, required, retry_while, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, arn, cidr, int_between, int_in, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    HostHeaderConditionConfig, HttpHeaderConditionConfig, HttpRequestMethodConditionConfig, PathPatternConditionConfig,
    QueryStringConditionConfig, QueryStringKeyValuePair, RuleCondition, RulePriorityPair, SourceIpConditionConfig,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lb_listener_rule` resource type.
pub struct ListenerRule {
    c: Arc<Clients>,
    schema: Schema,
}

impl ListenerRule {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ListenerRule {
        let d = resource("aws_lb_listener_rule")
            .arg("listener_arn")
            .force_new()
            .check(arn())
            .args(&["tags", "condition"])
            .arg("priority")
            .check(any_of(vec![int_between(1, 50000), int_in(&[99999])]))
            .arg("condition.http_request_method.values")
            .check(matches(
                r"^[A-Za-z_-]{1,40}$",
                "1 to 40 letters, hyphens or underscores",
            ))
            .arg("condition.source_ip.values")
            .check(cidr());
        let schema = declare_actions(d, "action").build();
        ListenerRule { c, schema }
    }

    async fn next_priority(&self, listener: &str) -> PResult<i32> {
        let out = self
            .c
            .elbv2
            .describe_rules()
            .listener_arn(listener)
            .send()
            .await
            .map_err(aws_err)?;
        let highest = out
            .rules()
            .iter()
            .filter_map(|r| r.priority())
            .filter_map(|p| p.parse::<i32>().ok())
            .max();
        Ok(highest.unwrap_or(0) + 1)
    }
}

fn first(v: &Value, block: &str) -> Option<Value> {
    v.get(block).as_list().and_then(|l| l.first()).cloned()
}

fn conditions(v: &Value) -> Vec<RuleCondition> {
    v.get("condition")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| {
            if let Some(b) = first(c, "host_header") {
                return Some(
                    RuleCondition::builder()
                        .field("host-header")
                        .host_header_config(
                            HostHeaderConditionConfig::builder()
                                .set_values(Some(str_list(&b, "values")))
                                .build(),
                        )
                        .build(),
                );
            }
            if let Some(b) = first(c, "path_pattern") {
                return Some(
                    RuleCondition::builder()
                        .field("path-pattern")
                        .path_pattern_config(
                            PathPatternConditionConfig::builder()
                                .set_values(Some(str_list(&b, "values")))
                                .build(),
                        )
                        .build(),
                );
            }
            if let Some(b) = first(c, "http_request_method") {
                return Some(
                    RuleCondition::builder()
                        .field("http-request-method")
                        .http_request_method_config(
                            HttpRequestMethodConditionConfig::builder()
                                .set_values(Some(str_list(&b, "values")))
                                .build(),
                        )
                        .build(),
                );
            }
            if let Some(b) = first(c, "source_ip") {
                return Some(
                    RuleCondition::builder()
                        .field("source-ip")
                        .source_ip_config(
                            SourceIpConditionConfig::builder()
                                .set_values(Some(str_list(&b, "values")))
                                .build(),
                        )
                        .build(),
                );
            }
            let pairs = c.get("query_string").as_list().unwrap_or(&[]);
            if !pairs.is_empty() {
                let values = pairs
                    .iter()
                    .map(|p| {
                        QueryStringKeyValuePair::builder()
                            .set_key(opt_str(p, "key").filter(|k| !k.is_empty()))
                            .set_value(opt_str(p, "value"))
                            .build()
                    })
                    .collect();
                return Some(
                    RuleCondition::builder()
                        .field("query-string")
                        .query_string_config(QueryStringConditionConfig::builder().set_values(Some(values)).build())
                        .build(),
                );
            }
            first(c, "http_header").map(|b| {
                RuleCondition::builder()
                    .field("http-header")
                    .http_header_config(
                        HttpHeaderConditionConfig::builder()
                            .set_http_header_name(opt_str(&b, "http_header_name"))
                            .set_values(Some(str_list(&b, "values")))
                            .build(),
                    )
                    .build()
            })
        })
        .collect()
}

fn read_conditions(rule: &aws_sdk_elasticloadbalancingv2::types::Rule) -> Value {
    let empty = || Value::List(vec![]);
    let one = |values: &[String]| Value::List(vec![Value::object([("values", list_value(values.iter().cloned()))])]);
    Value::List(
        rule.conditions()
            .iter()
            .map(|c| {
                let mut m: indexmap::IndexMap<String, Value> = [
                    "host_header",
                    "path_pattern",
                    "http_request_method",
                    "source_ip",
                    "http_header",
                    "query_string",
                ]
                .iter()
                .map(|k| (k.to_string(), empty()))
                .collect();
                match c.field() {
                    Some("host-header") => {
                        m.insert(
                            "host_header".into(),
                            one(c.host_header_config().map(|h| h.values()).unwrap_or(c.values())),
                        );
                    }
                    Some("path-pattern") => {
                        m.insert(
                            "path_pattern".into(),
                            one(c.path_pattern_config().map(|h| h.values()).unwrap_or(c.values())),
                        );
                    }
                    Some("http-request-method") => {
                        m.insert(
                            "http_request_method".into(),
                            one(c.http_request_method_config().map(|h| h.values()).unwrap_or_default()),
                        );
                    }
                    Some("source-ip") => {
                        m.insert(
                            "source_ip".into(),
                            one(c.source_ip_config().map(|h| h.values()).unwrap_or_default()),
                        );
                    }
                    Some("http-header") => {
                        let h = c.http_header_config();
                        m.insert(
                            "http_header".into(),
                            Value::List(vec![Value::object([
                                ("http_header_name", Value::from(h.and_then(|h| h.http_header_name()))),
                                ("values", list_value(h.map(|h| h.values().to_vec()).unwrap_or_default())),
                            ])]),
                        );
                    }
                    Some("query-string") => {
                        let pairs = c.query_string_config().map(|q| q.values()).unwrap_or_default();
                        m.insert(
                            "query_string".into(),
                            Value::List(
                                pairs
                                    .iter()
                                    .map(|p| {
                                        Value::object([
                                            ("key", Value::from(p.key())),
                                            ("value", Value::from(p.value())),
                                        ])
                                    })
                                    .collect(),
                            ),
                        );
                    }
                    _ => {}
                }
                Value::Object(m)
            })
            .collect(),
    )
}

#[async_trait]
impl ResourceType for ListenerRule {
    fn type_name(&self) -> &'static str {
        "aws_lb_listener_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_actions(config, "action")
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let listener = required(planned, "listener_arn")?;
        let configured = planned.get("priority").as_number().map(|p| p as i32);
        let actions = to_actions(planned.get("action").as_list().unwrap_or(&[]));
        if actions.is_empty() {
            return Err(ProviderError::msg("a listener rule needs an action block"));
        }
        let create = || async {
            let priority = match configured {
                Some(p) => p,
                None => self.next_priority(&listener).await?,
            };
            self.c
                .elbv2
                .create_rule()
                .listener_arn(&listener)
                .priority(priority)
                .set_conditions(Some(conditions(planned)))
                .set_actions(Some(actions.clone()))
                .set_tags(Some(elb_tags(ctx, planned)))
                .send()
                .await
                .map_err(aws_err)
        };
        // As the provider: a rule without a priority takes the listener's highest plus one,
        // asked again when a rule created beside it took that one first.
        let out = if configured.is_some() {
            create().await?
        } else {
            retry_while(&["PriorityInUse"], Duration::from_secs(300), create).await?
        };
        let arn = out
            .rules()
            .first()
            .and_then(|r| r.rule_arn())
            .ok_or_else(|| ProviderError::msg("CreateRule returned no ARN"))?
            .to_string();
        let mut v = must_exist(self.read(ctx, &arn, planned).await?, "listener rule", &arn)?;
        if let Value::Object(m) = &mut v {
            m.insert("listener_arn".into(), Value::str(listener));
        }
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .elbv2
            .describe_rules()
            .rule_arns(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["RuleNotFound", "ListenerNotFound"])? else {
            return Ok(None);
        };
        let Some(r) = out.rules().first() else { return Ok(None) };
        let listener = opt_str(prior, "listener_arn").or_else(|| {
            id.split_once("listener-rule/").map(|(head, rest)| {
                // arn:...:listener-rule/app/name/lb-id/listener-id/rule-id -> the listener's ARN
                let parts: Vec<&str> = rest.split('/').collect();
                format!("{head}listener/{}", parts[..parts.len().saturating_sub(1)].join("/"))
            })
        });
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("listener_arn", Value::from(listener)),
            (
                "priority",
                r.priority()
                    .and_then(|p| p.parse::<f64>().ok())
                    .map(Value::Number)
                    .unwrap_or_default(),
            ),
            ("action", from_actions(r.actions(), prior.get("action"))),
            ("condition", read_conditions(r)),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(&self.c, id).await?),
            ("arn", Value::str(id)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("action") != planned.get("action") || prior.get("condition") != planned.get("condition") {
            self.c
                .elbv2
                .modify_rule()
                .rule_arn(id)
                .set_conditions(Some(conditions(planned)))
                .set_actions(Some(to_actions(planned.get("action").as_list().unwrap_or(&[]))))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if let (Some(p), true) = (
            planned.get("priority").as_number(),
            prior.get("priority") != planned.get("priority"),
        ) {
            self.c
                .elbv2
                .set_rule_priorities()
                .rule_priorities(RulePriorityPair::builder().rule_arn(id).priority(p as i32).build())
                .send()
                .await
                .map_err(aws_err)?;
        }
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "listener rule", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.elbv2.delete_rule().rule_arn(id).send().await.map_err(aws_err);
        absent_on(r, &["RuleNotFound"]).map(|_| ())
    }
}
