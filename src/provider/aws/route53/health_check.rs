//! `aws_route53_health_check`: a Route 53 health check of an endpoint (HTTP, HTTPS, their
//! string-matching forms, TCP), of other health checks (CALCULATED), of a CloudWatch alarm
//! (CLOUDWATCH_METRIC) or of a recovery routing control (RECOVERY_CONTROL). The id is
//! Route 53's, as the provider's (and its import id).
//!
//! As in the provider: the type, request interval, latency measurement, reference name and
//! routing control force a replacement, the rest changes in place with UpdateHealthCheck,
//! which is sent only what changed; `triggers` only makes an update happen (taking them away
//! plans nothing); tags go on with ChangeTagsForResource after the create.
//!
//! Route 53 takes a caller reference on create (`reference_name`, then a unique part: the run's
//! idempotency token), and a create repeated with the same reference and settings hands back
//! the check the first call made, so a create resumed after a killed run makes no second one.

use super::{add_tags, clean_id, resource_tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, opt_bool, opt_i32, opt_str, owns, required, str_list,
    tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{
    any_of, arn, int_at_most, int_between, int_in, ipv4_address, ipv6_address, items_at_least, items_at_most,
    len_between, one_of,
};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_route53::types::{
    AlarmIdentifier, CloudWatchRegion, HealthCheck as Check, HealthCheckConfig, HealthCheckRegion, HealthCheckType,
    InsufficientDataHealthStatus, TagResourceType,
};
use std::net::IpAddr;
use std::sync::Arc;

/// The `aws_route53_health_check` resource type.
pub struct HealthCheck {
    c: Arc<Clients>,
    schema: Schema,
}

/// The longest `reference_name`: Route 53's 64 characters less the provider's unique suffix (26)
/// and its separators (11), as the provider validates it.
const REFERENCE_NAME_MAX: usize = 64 - 26 - 11;

impl HealthCheck {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> HealthCheck {
        let schema = resource("aws_route53_health_check")
            .arg("type")
            .force_new()
            .check(one_of(HealthCheckType::values()))
            .arg("child_health_threshold")
            .check(int_at_most(256))
            .arg("child_healthchecks")
            .check(len_between(0, 64))
            .check(items_at_most(256))
            .arg("cloudwatch_alarm_region")
            .check(one_of(CloudWatchRegion::values()))
            .arg("disabled")
            .default(false)
            .arg("failure_threshold")
            .check(int_between(1, 10))
            .arg("fqdn")
            .check(len_between(0, 255))
            .arg("insufficient_data_health_status")
            .check(one_of(InsufficientDataHealthStatus::values()))
            .arg("ip_address")
            .check(any_of(vec![ipv4_address(), ipv6_address()]))
            .arg("measure_latency")
            .default(false)
            .force_new()
            .arg("port")
            .check(int_between(1, 65535))
            .arg("reference_name")
            .force_new()
            .check(len_between(0, REFERENCE_NAME_MAX))
            .arg("regions")
            .check(one_of(HealthCheckRegion::values()))
            .check(items_at_least(3))
            .check(items_at_most(64))
            .arg("request_interval")
            .force_new()
            .check(int_in(&[10, 30]))
            .arg("resource_path")
            .check(len_between(0, 255))
            .arg("routing_control_arn")
            .force_new()
            .check(arn())
            .arg("search_string")
            .check(len_between(0, 255))
            .args(&[
                "cloudwatch_alarm_name",
                "enable_sni",
                "invert_healthcheck",
                "tags",
                "triggers",
            ])
            .build();
        HealthCheck { c, schema }
    }

    /// The health check `id`, `None` when it is gone.
    async fn get(&self, id: &str) -> PResult<Option<Check>> {
        let r = self
            .c
            .route53
            .get_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["NoSuchHealthCheck"])?.and_then(|out| out.health_check().cloned()))
    }
}

/// The caller reference of a create: `reference_name-` (when set) and the run's token, which a
/// resumed create shares with the killed one.
fn caller_reference(ctx: &CallCtx, planned: &Value) -> String {
    let unique = if ctx.token.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        ctx.token.clone()
    };
    let reference = match opt_str(planned, "reference_name").filter(|r| !r.is_empty()) {
        Some(name) => format!("{name}-{unique}"),
        None => unique,
    };
    reference.chars().take(64).collect()
}

/// The `reference_name` a caller reference was made from: what precedes infractl's unique part
/// (a UUID) or the provider's (`terraform-` and 26 digits). An import recovers it so a
/// configured one plans no replacement.
fn reference_name_of(reference: &str) -> Option<String> {
    let uuid_suffix = reference
        .len()
        .checked_sub(37)
        .filter(|&at| reference.is_char_boundary(at) && reference[at..].starts_with('-'))
        .filter(|&at| uuid::Uuid::parse_str(&reference[at + 1..]).is_ok());
    let terraform_suffix = reference.rfind("-terraform-").filter(|&at| {
        let digits = &reference[at + "-terraform-".len()..];
        digits.len() == 26 && digits.bytes().all(|b| b.is_ascii_digit())
    });
    uuid_suffix.or(terraform_suffix).map(|at| reference[..at].to_string())
}

/// The configuration a create sends: the type's own settings, as the provider sends them.
fn config_of(planned: &Value) -> PResult<HealthCheckConfig> {
    let kind = HealthCheckType::from(required(planned, "type")?.as_str());
    let mut b = HealthCheckConfig::builder()
        .r#type(kind.clone())
        .set_disabled(opt_bool(planned, "disabled").filter(|d| *d))
        .set_enable_sni(opt_bool(planned, "enable_sni").filter(|d| *d))
        .set_failure_threshold(opt_i32(planned, "failure_threshold").filter(|n| *n != 0))
        .set_fully_qualified_domain_name(opt_str(planned, "fqdn").filter(|s| !s.is_empty()))
        .set_inverted(opt_bool(planned, "invert_healthcheck").filter(|d| *d))
        .set_ip_address(opt_str(planned, "ip_address").filter(|s| !s.is_empty()))
        .set_port(opt_i32(planned, "port").filter(|n| *n != 0))
        .set_request_interval(opt_i32(planned, "request_interval").filter(|n| *n != 0))
        .set_resource_path(opt_str(planned, "resource_path").filter(|s| !s.is_empty()))
        .set_search_string(opt_str(planned, "search_string").filter(|s| !s.is_empty()));
    match kind {
        HealthCheckType::Calculated => {
            b = b
                .set_health_threshold(opt_i32(planned, "child_health_threshold").filter(|n| *n != 0))
                .set_child_health_checks(Some(str_list(planned, "child_healthchecks")).filter(|c| !c.is_empty()));
        }
        HealthCheckType::CloudwatchMetric => {
            b = b.alarm_identifier(alarm(planned)?).set_insufficient_data_health_status(
                opt_str(planned, "insufficient_data_health_status")
                    .map(|s| InsufficientDataHealthStatus::from(s.as_str())),
            );
        }
        _ => {
            if kind == HealthCheckType::RecoveryControl {
                b = b.set_routing_control_arn(opt_str(planned, "routing_control_arn"));
            }
            b = b.set_measure_latency(opt_bool(planned, "measure_latency").filter(|d| *d));
        }
    }
    let regions = str_list(planned, "regions");
    if !regions.is_empty() {
        b = b.set_regions(Some(
            regions.iter().map(|r| HealthCheckRegion::from(r.as_str())).collect(),
        ));
    }
    b.build().map_err(build_err)
}

/// The CloudWatch alarm a CLOUDWATCH_METRIC check follows.
fn alarm(v: &Value) -> PResult<AlarmIdentifier> {
    AlarmIdentifier::builder()
        .name(opt_str(v, "cloudwatch_alarm_name").unwrap_or_default())
        .region(CloudWatchRegion::from(
            opt_str(v, "cloudwatch_alarm_region").unwrap_or_default().as_str(),
        ))
        .build()
        .map_err(build_err)
}

/// `planned`'s `ip_address` kept as `prior` spells it when both name the same address (the
/// provider's DiffSuppressFunc: `::1` and `0:0::1` are one address).
fn keep_same_address(prior: &Value, planned: &mut Value) {
    let parse = |v: &Value| v.get("ip_address").as_str().and_then(|s| s.parse::<IpAddr>().ok());
    if let (Some(old), Some(new)) = (parse(prior), parse(planned)) {
        if old == new {
            if let Value::Object(m) = planned {
                m.insert("ip_address".into(), prior.get("ip_address").clone());
            }
        }
    }
}

/// `planned`'s `triggers` kept as `prior` recorded them when the blueprint takes them all away:
/// as the provider's CustomizeDiff, removing them is no reason to update.
fn keep_triggers_on_removal(prior: &Value, planned: &mut Value) {
    let count = |v: &Value| v.get("triggers").as_object().map_or(0, |m| m.len());
    if count(prior) > 0 && count(planned) == 0 {
        if let Value::Object(m) = planned {
            m.insert("triggers".into(), prior.get("triggers").clone());
        }
    }
}

/// A health check's state from Route 53's answer (a create's or a read's) and its tags; `None`
/// when the answer holds no configuration.
fn state_of(id: &str, check: &Check, tags: impl IntoIterator<Item = (String, String)>, prior: &Value) -> Option<Value> {
    let c = check.health_check_config()?;
    let alarm = c.alarm_identifier();
    let int = |n: Option<i32>| n.map(|n| Value::Number(n as f64)).unwrap_or_default();
    let bool_of = |b: Option<bool>| b.map(Value::Bool).unwrap_or_default();
    let strings = |l: &[String]| Value::List(l.iter().map(Value::str).collect());
    let reference_name = match prior.as_object().and_then(|m| m.get("reference_name")) {
        Some(recorded) => recorded.clone(),
        None => Value::from(reference_name_of(check.caller_reference())),
    };
    let mut v = Value::object([
        ("id", Value::str(id)),
        ("arn", Value::str(format!("arn:aws:route53:::healthcheck/{id}"))),
        ("type", Value::str(c.r#type().as_str())),
        ("child_health_threshold", int(c.health_threshold())),
        ("child_healthchecks", strings(c.child_health_checks())),
        (
            "cloudwatch_alarm_name",
            Value::from(alarm.map(|a| a.name().to_string())),
        ),
        (
            "cloudwatch_alarm_region",
            Value::from(alarm.map(|a| a.region().as_str().to_string())),
        ),
        ("disabled", bool_of(c.disabled())),
        ("enable_sni", bool_of(c.enable_sni())),
        ("failure_threshold", int(c.failure_threshold())),
        ("fqdn", Value::from(c.fully_qualified_domain_name())),
        (
            "insufficient_data_health_status",
            Value::from(c.insufficient_data_health_status().map(|s| s.as_str().to_string())),
        ),
        ("invert_healthcheck", bool_of(c.inverted())),
        ("ip_address", Value::from(c.ip_address())),
        ("measure_latency", bool_of(c.measure_latency())),
        ("port", int(c.port())),
        ("reference_name", reference_name),
        (
            "regions",
            Value::List(c.regions().iter().map(|r| Value::str(r.as_str())).collect()),
        ),
        ("request_interval", int(c.request_interval())),
        ("resource_path", Value::from(c.resource_path())),
        ("routing_control_arn", Value::from(c.routing_control_arn())),
        ("search_string", Value::from(c.search_string())),
        ("triggers", prior.get("triggers").clone()),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ]);
    keep_same_address(prior, &mut v);
    Some(v)
}

#[async_trait]
impl ResourceType for HealthCheck {
    fn type_name(&self) -> &'static str {
        "aws_route53_health_check"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if let Some(prior) = prior {
            keep_same_address(prior, planned);
            keep_triggers_on_removal(prior, planned);
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .route53
            .create_health_check()
            .caller_reference(caller_reference(ctx, planned))
            .health_check_config(config_of(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        let check = out
            .health_check()
            .ok_or_else(|| ProviderError::msg("Route 53 answered the create with no health check"))?;
        let id = check.id().to_string();
        let tags = tags_to_write(ctx, planned);
        add_tags(&self.c, TagResourceType::Healthcheck, &id, tags.clone()).await?;
        // The create answers the whole check and the tags are what was just written: state
        // needs no read after it.
        must_exist(state_of(&id, check, tags, planned), "Route 53 health check", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let id = clean_id(id);
        let tags = resource_tags(&self.c, TagResourceType::Healthcheck, &id);
        let (check, tags) = futures::join!(self.get(&id), tags);
        let Some(check) = check? else {
            return Ok(None);
        };
        Ok(state_of(&id, &check, tags?, prior))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let settings = [
            "child_health_threshold",
            "child_healthchecks",
            "cloudwatch_alarm_name",
            "cloudwatch_alarm_region",
            "disabled",
            "enable_sni",
            "failure_threshold",
            "fqdn",
            "insufficient_data_health_status",
            "invert_healthcheck",
            "ip_address",
            "port",
            "regions",
            "resource_path",
            "search_string",
            "triggers",
        ];
        if settings.iter().any(|k| changed(k)) {
            let when = |k: &str| changed(k).then_some(());
            let alarm_changed = changed("cloudwatch_alarm_name")
                || changed("cloudwatch_alarm_region")
                || (changed("triggers") && opt_str(planned, "cloudwatch_alarm_name").is_some_and(|n| !n.is_empty()));
            self.c
                .route53
                .update_health_check()
                .health_check_id(id)
                .set_health_threshold(
                    when("child_health_threshold").map(|_| opt_i32(planned, "child_health_threshold").unwrap_or(0)),
                )
                .set_child_health_checks(when("child_healthchecks").map(|_| str_list(planned, "child_healthchecks")))
                .set_alarm_identifier(if alarm_changed { Some(alarm(planned)?) } else { None })
                .set_disabled(when("disabled").map(|_| opt_bool(planned, "disabled").unwrap_or(false)))
                .set_enable_sni(when("enable_sni").map(|_| opt_bool(planned, "enable_sni").unwrap_or(false)))
                .set_failure_threshold(
                    when("failure_threshold").map(|_| opt_i32(planned, "failure_threshold").unwrap_or(0)),
                )
                .set_fully_qualified_domain_name(when("fqdn").map(|_| opt_str(planned, "fqdn").unwrap_or_default()))
                .set_insufficient_data_health_status(when("insufficient_data_health_status").map(|_| {
                    InsufficientDataHealthStatus::from(
                        opt_str(planned, "insufficient_data_health_status")
                            .unwrap_or_default()
                            .as_str(),
                    )
                }))
                .set_inverted(
                    when("invert_healthcheck").map(|_| opt_bool(planned, "invert_healthcheck").unwrap_or(false)),
                )
                .set_ip_address(when("ip_address").map(|_| opt_str(planned, "ip_address").unwrap_or_default()))
                .set_port(when("port").map(|_| opt_i32(planned, "port").unwrap_or(0)))
                .set_regions(when("regions").map(|_| {
                    str_list(planned, "regions")
                        .iter()
                        .map(|r| HealthCheckRegion::from(r.as_str()))
                        .collect()
                }))
                .set_resource_path(when("resource_path").map(|_| opt_str(planned, "resource_path").unwrap_or_default()))
                .set_search_string(when("search_string").map(|_| opt_str(planned, "search_string").unwrap_or_default()))
                .send()
                .await
                .map_err(aws_err)?;
        }
        update_tags(&self.c, TagResourceType::Healthcheck, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Route 53 health check", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .route53
            .delete_health_check()
            .health_check_id(clean_id(id))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchHealthCheck"])?;
        Ok(())
    }

    /// The adoption lookup reads only this stack's tags, never `planned`: it can run as the
    /// apply starts, off the path between a check's dependencies and its create.
    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    /// A check made by a run whose state was lost: this stack's tags for this address on one
    /// of the account's health checks (Route 53 lists them all; tags are read ten at a time).
    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let mut ids = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .c
                .route53
                .list_health_checks()
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err)?;
            ids.extend(out.health_checks().iter().map(|h| h.id().to_string()));
            match out.next_marker().filter(|_| out.is_truncated()) {
                Some(next) => marker = Some(next.to_string()),
                None => break,
            }
        }
        for batch in ids.chunks(10) {
            let out = self
                .c
                .route53
                .list_tags_for_resources()
                .resource_type(TagResourceType::Healthcheck)
                .set_resource_ids(Some(batch.to_vec()))
                .send()
                .await
                .map_err(aws_err)?;
            for set in out.resource_tag_sets() {
                let tags = set
                    .tags()
                    .iter()
                    .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()));
                if owns(tags, ctx) {
                    return Ok(set.resource_id().map(str::to_string));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_name_is_recovered_from_either_tools_caller_reference() {
        let uuid = "0b9f3c3e-5a4e-4a56-9d0c-2f8f3f3b8f1a";
        assert_eq!(reference_name_of(&format!("web-{uuid}")).as_deref(), Some("web"));
        assert_eq!(reference_name_of(uuid), None);
        assert_eq!(
            reference_name_of("web-check-terraform-20190122200019880700000001").as_deref(),
            Some("web-check")
        );
        assert_eq!(reference_name_of("terraform-20190122200019880700000001"), None);
        assert_eq!(reference_name_of("made-by-hand"), None);
    }

    #[test]
    fn the_same_address_otherwise_spelled_plans_no_change() {
        let prior = Value::object([("ip_address", Value::str("2001:db8::1"))]);
        let mut planned = Value::object([("ip_address", Value::str("2001:0db8:0:0::1"))]);
        keep_same_address(&prior, &mut planned);
        assert_eq!(planned.get("ip_address").as_str(), Some("2001:db8::1"));
        let mut other = Value::object([("ip_address", Value::str("2001:db8::2"))]);
        keep_same_address(&prior, &mut other);
        assert_eq!(other.get("ip_address").as_str(), Some("2001:db8::2"));
    }

    #[test]
    fn taking_triggers_away_plans_no_change_but_changing_them_does() {
        let prior = Value::object([("triggers", Value::object([("v", Value::str("1"))]))]);
        let mut gone = Value::object([("triggers", Value::Null)]);
        keep_triggers_on_removal(&prior, &mut gone);
        assert_eq!(gone.get("triggers"), prior.get("triggers"));
        let mut changed = Value::object([("triggers", Value::object([("v", Value::str("2"))]))]);
        keep_triggers_on_removal(&prior, &mut changed);
        assert_eq!(changed.get("triggers").get("v").as_str(), Some("2"));
    }
}
