//! `aws_lb_target_group`: a target group (ip, instance, lambda or alb targets) with its health
//! check and deregistration delay.

use super::lb::read_tags_raw;
use super::{arn_suffix, elb_tags, read_tags, tg_attributes, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, opt_bool, opt_str, owns,
    read_beside, retry_while,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, int_between, len_between, matches, not_matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{Matcher, ProtocolEnum, TargetGroupAttribute, TargetTypeEnum};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lb_target_group` resource type.
pub struct TargetGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// Protocols of target groups and listeners.
pub const PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"];

impl TargetGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TargetGroup {
        let schema = resource("aws_lb_target_group")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("port")
            .force_new()
            .arg("protocol")
            .force_new()
            .arg("protocol_version")
            .force_new()
            .arg("vpc_id")
            .force_new()
            .arg("target_type")
            .force_new()
            .default("instance")
            .arg("deregistration_delay")
            .default("300")
            .arg("slow_start")
            .default(0)
            .arg("proxy_protocol_v2")
            .default(false)
            .arg("lambda_multi_value_headers_enabled")
            .default(false)
            .arg("health_check")
            .live_if_unset()
            // The provider's defaults inside a configured health_check block (not AWS's own,
            // which differ for the thresholds).
            .arg("health_check.enabled")
            .default(true)
            .arg("health_check.healthy_threshold")
            .default(3)
            .arg("health_check.unhealthy_threshold")
            .default(3)
            .arg("health_check.interval")
            .default(30)
            .arg("health_check.port")
            .default("traffic-port")
            .arg("health_check.protocol")
            .default("HTTP")
            .args(&["tags"])
            .arg("ip_address_type")
            .force_new()
            .live_if_unset()
            .check(one_of(&["ipv4", "ipv6"]))
            .arg("connection_termination")
            .live_if_unset()
            .arg("preserve_client_ip")
            .live_if_unset()
            .check(one_of(&["true", "false"]))
            .arg("load_balancing_algorithm_type")
            .live_if_unset()
            .check(one_of(&[
                "round_robin",
                "least_outstanding_requests",
                "weighted_random",
            ]))
            .arg("load_balancing_anomaly_mitigation")
            .live_if_unset()
            .check(one_of(&["on", "off"]))
            .arg("load_balancing_cross_zone_enabled")
            .live_if_unset()
            .check(one_of(&["true", "false", "use_load_balancer_configuration"]))
            // Blocks kept as target group attributes (see tg_blocks), filled from AWS when unset.
            .arg("stickiness")
            .live_if_unset()
            .arg("stickiness.cookie_duration")
            .default(86400)
            .check(int_between(0, 604800))
            .arg("stickiness.enabled")
            .default(true)
            .arg("stickiness.type")
            .check(one_of(&[
                "lb_cookie",
                "app_cookie",
                "source_ip",
                "source_ip_dest_ip",
                "source_ip_dest_ip_proto",
            ]))
            .arg("target_failover")
            .live_if_unset()
            .arg("target_failover.on_deregistration")
            .check(one_of(&["rebalance", "no_rebalance"]))
            .arg("target_failover.on_unhealthy")
            .check(one_of(&["rebalance", "no_rebalance"]))
            .arg("target_group_health")
            .live_if_unset()
            // AWS keeps each of the two settings until changed: a blueprint naming one leaves
            // the other as it is.
            .computed_blocks(&[
                "target_group_health.dns_failover",
                "target_group_health.unhealthy_state_routing",
            ])
            .arg("target_group_health.dns_failover.minimum_healthy_targets_count")
            .default("off")
            .check(any_of(vec![one_of(&["off"]), matches(r"^-?[0-9]+$", "an integer")]))
            .arg("target_group_health.dns_failover.minimum_healthy_targets_percentage")
            .default("off")
            .check(any_of(vec![one_of(&["off"]), int_between(1, 100)]))
            .arg("target_group_health.unhealthy_state_routing.minimum_healthy_targets_count")
            .default(1)
            .arg("target_group_health.unhealthy_state_routing.minimum_healthy_targets_percentage")
            .default("off")
            .check(any_of(vec![one_of(&["off"]), int_between(1, 100)]))
            .arg("target_health_state")
            .live_if_unset()
            .arg("target_health_state.unhealthy_draining_interval")
            .default(0)
            .check(int_between(0, 360000))
            .arg("target_health_state.enable_unhealthy_connection_termination")
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(len_between(0, 32))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .check(not_matches(r"-$", "a trailing hyphen"))
            .arg("name_prefix")
            .check(len_between(0, 6))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .arg("protocol")
            .check(one_of(PROTOCOLS))
            .arg("port")
            .check(int_between(1, 65535))
            .arg("target_type")
            .check(one_of(&["instance", "ip", "lambda", "alb"]))
            .arg("protocol_version")
            .check(one_of(&["GRPC", "HTTP1", "HTTP2"]))
            .arg("deregistration_delay")
            .check(int_between(0, 3600))
            .arg("health_check.interval")
            .check(int_between(5, 300))
            .arg("health_check.healthy_threshold")
            .check(int_between(2, 10))
            .arg("health_check.unhealthy_threshold")
            .check(int_between(2, 10))
            .arg("health_check.timeout")
            .check(int_between(2, 120))
            .arg("health_check.protocol")
            .check(one_of(&["HTTP", "HTTPS", "TCP"]))
            .arg("health_check.path")
            .check(matches(r"^/", "a path starting with /"))
            .arg("health_check.port")
            .check(matches(
                r"^(traffic-port|[1-9][0-9]{0,4})$",
                "a port number or traffic-port",
            ))
            .build();
        TargetGroup { c, schema }
    }
}

fn health(v: &Value) -> Value {
    v.get("health_check")
        .as_list()
        .and_then(|l| l.first())
        .cloned()
        .unwrap_or_default()
}

use crate::provider::aws::common::opt_i32 as int;

/// Arguments a Lambda target group has no use for: the provider never sends them for one, and
/// suppresses their diff once it exists (modules pass the VPC to every group).
const NOT_FOR_LAMBDA: [&str; 4] = ["port", "protocol", "protocol_version", "vpc_id"];
/// The health check's, likewise.
const HEALTH_NOT_FOR_LAMBDA: [&str; 2] = ["port", "protocol"];

fn lambda(v: &Value) -> bool {
    opt_str(v, "target_type").as_deref() == Some("lambda")
}

/// `planned` with what a Lambda target group does not take set to what `prior` records;
/// with `answered_wins`, a top-level value AWS did answer (not null) stays.
fn keep_for_lambda(prior: &Value, planned: &mut Value, answered_wins: bool) {
    let Value::Object(m) = planned else {
        return;
    };
    for k in NOT_FOR_LAMBDA {
        if !(answered_wins && m.get(k).is_some_and(|v| !v.is_null())) {
            m.insert(k.to_string(), prior.get(k).clone());
        }
    }
    let recorded = health(prior);
    if let Some(Value::List(blocks)) = m.get_mut("health_check") {
        if let Some(Value::Object(h)) = blocks.first_mut() {
            for k in HEALTH_NOT_FOR_LAMBDA {
                h.insert(k.to_string(), recorded.get(k).clone());
            }
        }
    }
}

#[async_trait]
impl ResourceType for TargetGroup {
    fn type_name(&self) -> &'static str {
        "aws_lb_target_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "tf-", 26);
        let h = health(planned);
        // As the provider: a Lambda target group is given no port, protocol or VPC.
        let not_lambda = !lambda(planned);
        let out = self
            .c
            .elbv2
            .create_target_group()
            .name(&name)
            .set_port(int(planned, "port").filter(|_| not_lambda))
            .set_protocol(
                opt_str(planned, "protocol")
                    .filter(|_| not_lambda)
                    .map(|p| ProtocolEnum::from(p.as_str())),
            )
            .set_protocol_version(opt_str(planned, "protocol_version").filter(|_| not_lambda))
            .set_vpc_id(opt_str(planned, "vpc_id").filter(|_| not_lambda))
            .set_ip_address_type(
                opt_str(planned, "ip_address_type")
                    .filter(|_| {
                        matches!(
                            opt_str(planned, "target_type").as_deref(),
                            None | Some("instance" | "ip")
                        )
                    })
                    .map(|a| a.as_str().into()),
            )
            .target_type(TargetTypeEnum::from(
                opt_str(planned, "target_type")
                    .unwrap_or_else(|| "instance".into())
                    .as_str(),
            ))
            .set_health_check_enabled(opt_bool(&h, "enabled"))
            .set_health_check_path(opt_str(&h, "path"))
            .set_health_check_port(opt_str(&h, "port").filter(|_| not_lambda))
            .set_health_check_protocol(
                opt_str(&h, "protocol")
                    .filter(|_| not_lambda)
                    .map(|p| ProtocolEnum::from(p.as_str())),
            )
            .set_health_check_interval_seconds(int(&h, "interval"))
            .set_health_check_timeout_seconds(int(&h, "timeout"))
            .set_healthy_threshold_count(int(&h, "healthy_threshold"))
            .set_unhealthy_threshold_count(int(&h, "unhealthy_threshold"))
            .set_matcher(opt_str(&h, "matcher").map(|m| Matcher::builder().http_code(m).build()))
            .set_tags(Some(elb_tags(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .ok_or_else(|| ProviderError::msg("CreateTargetGroup returned no ARN"))?
            .to_string();
        // Attributes AWS takes only after the create.
        self.set_attributes(&arn, tg_attributes::at_create(planned)).await?;
        must_exist(self.read(ctx, &arn, planned).await?, "target group", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let describe = async {
            let out = self
                .c
                .elbv2
                .describe_target_groups()
                .target_group_arns(id)
                .send()
                .await
                .map_err(aws_err);
            absent_on(out, &["TargetGroupNotFound"])
        };
        // Attributes and tags are read beside the target group: each needs only its ARN.
        let attrs = async {
            self.c
                .elbv2
                .describe_target_group_attributes()
                .target_group_arn(id)
                .send()
                .await
                .map_err(aws_err)
        };
        let rest = async { futures::try_join!(attrs, read_tags(&self.c, id)) };
        let Some((out, (attrs, tags_all))) = read_beside(describe, rest).await? else {
            return Ok(None);
        };
        let Some(t) = out.target_groups().first() else {
            return Ok(None);
        };
        let num = |n: Option<i32>| n.map(|x| Value::Number(x as f64)).unwrap_or_default();
        let health = Value::object([
            ("enabled", Value::Bool(t.health_check_enabled().unwrap_or(true))),
            ("healthy_threshold", num(t.healthy_threshold_count())),
            ("interval", num(t.health_check_interval_seconds())),
            ("matcher", Value::from(t.matcher().and_then(|m| m.http_code()))),
            ("path", Value::from(t.health_check_path())),
            ("port", Value::from(t.health_check_port())),
            (
                "protocol",
                Value::from(t.health_check_protocol().map(|p| p.as_str().to_string())),
            ),
            ("timeout", num(t.health_check_timeout_seconds())),
            ("unhealthy_threshold", num(t.unhealthy_threshold_count())),
        ]);
        let mut v = Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(t.target_group_name())),
            ("name_prefix", name_prefix_read(prior, t.target_group_name(), "")),
            ("port", num(t.port())),
            ("protocol", Value::from(t.protocol().map(|p| p.as_str().to_string()))),
            ("protocol_version", Value::from(t.protocol_version())),
            ("vpc_id", Value::from(t.vpc_id())),
            (
                "target_type",
                Value::from(t.target_type().map(|p| p.as_str().to_string())),
            ),
            ("health_check", Value::List(vec![health])),
            ("tags", configured_tags(prior)),
            ("tags_all", tags_all),
            ("arn", Value::str(id)),
            ("arn_suffix", Value::str(arn_suffix(id))),
        ]);
        if t.target_type().map(|p| p.as_str()) == Some("lambda") {
            // AWS answers none of them: what was recorded (configured) stays.
            keep_for_lambda(prior, &mut v, true);
        }
        if let Value::Object(m) = &mut v {
            m.insert(
                "ip_address_type".into(),
                Value::from(t.ip_address_type().map(|a| a.as_str().to_string())),
            );
            tg_attributes::read_into(
                m,
                &self.schema,
                attrs.attributes(),
                prior,
                t.protocol().map(|p| p.as_str()).unwrap_or_default(),
                t.target_type().map(|p| p.as_str()).unwrap_or_default(),
            );
        }
        Ok(Some(v))
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if let Some(prior) = prior.filter(|_| lambda(planned)) {
            keep_for_lambda(prior, planned, false);
        }
        Ok(None)
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("health_check") != planned.get("health_check") {
            let h = health(planned);
            self.c
                .elbv2
                .modify_target_group()
                .target_group_arn(id)
                .set_health_check_enabled(opt_bool(&h, "enabled"))
                .set_health_check_path(opt_str(&h, "path"))
                .set_health_check_port(opt_str(&h, "port").filter(|_| !lambda(planned)))
                .set_health_check_protocol(
                    opt_str(&h, "protocol")
                        .filter(|_| !lambda(planned))
                        .map(|p| ProtocolEnum::from(p.as_str())),
                )
                .set_health_check_interval_seconds(int(&h, "interval"))
                .set_health_check_timeout_seconds(int(&h, "timeout"))
                .set_healthy_threshold_count(int(&h, "healthy_threshold"))
                .set_unhealthy_threshold_count(int(&h, "unhealthy_threshold"))
                .set_matcher(opt_str(&h, "matcher").map(|m| Matcher::builder().http_code(m).build()))
                .send()
                .await
                .map_err(aws_err)?;
        }
        self.set_attributes(id, tg_attributes::at_update(prior, planned))
            .await?;
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "target group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // A listener being deleted still holds the group for a moment.
        let r = retry_while(&["ResourceInUse"], Duration::from_secs(300), || async {
            self.c
                .elbv2
                .delete_target_group()
                .target_group_arn(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        absent_on(r, &["TargetGroupNotFound"]).map(|_| ())
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["name"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let out = self
            .c
            .elbv2
            .describe_target_groups()
            .names(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["TargetGroupNotFound"])? else {
            return Ok(None);
        };
        let Some(arn) = out.target_groups().first().and_then(|t| t.target_group_arn()) else {
            return Ok(None);
        };
        let tags = read_tags_raw(&self.c, arn).await?;
        let ours = owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(ours.then(|| arn.to_string()))
    }
}

impl TargetGroup {
    /// Writes target group attributes (nothing to write, no call).
    async fn set_attributes(&self, arn: &str, attributes: Vec<TargetGroupAttribute>) -> PResult<()> {
        if attributes.is_empty() {
            return Ok(());
        }
        self.c
            .elbv2
            .modify_target_group_attributes()
            .target_group_arn(arn)
            .set_attributes(Some(attributes))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}
