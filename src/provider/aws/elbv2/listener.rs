//! `aws_lb_listener`: a listener with its default actions (forward, redirect, fixed-response,
//! authentication) and its attributes (header names and values, the TCP idle timeout).

use super::actions::{check_actions, declare_actions, from_actions, to_actions};
use super::listener_attributes::{self as attributes, ATTRIBUTES};
use super::{elb_tags, read_tags, update_tags};
use crate::provider::aws::common::{absent_on, aws_err, configured_tags, must_exist, opt_bool, opt_str, read_beside};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    AdvertiseTrustStoreCaNamesEnum, Certificate, ListenerAttribute, MutualAuthenticationAttributes, ProtocolEnum,
};
use std::sync::Arc;

/// The `aws_lb_listener` resource type.
pub struct Listener {
    c: Arc<Clients>,
    schema: Schema,
}

impl Listener {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Listener {
        let d = resource("aws_lb_listener")
            .arg("load_balancer_arn")
            .force_new()
            .check(arn())
            .arg("protocol")
            .check(one_of(super::target_group::PROTOCOLS))
            .arg("port")
            .check(int_between(1, 65535))
            .arg("certificate_arn")
            .check(arn())
            .arg("alpn_policy")
            .check(one_of(ALPN_POLICIES))
            .arg("mutual_authentication")
            .live_if_unset()
            .arg("mutual_authentication.mode")
            .check(one_of(&["off", "passthrough", "verify"]))
            .arg("mutual_authentication.trust_store_arn")
            .check(arn())
            .arg("mutual_authentication.advertise_trust_store_ca_names")
            .check(one_of(&["on", "off"]))
            .arg("mutual_authentication.ignore_client_certificate_expiry")
            .args(&["ssl_policy", "tags"]);
        let d = declare_attributes(d);
        let schema = declare_actions(d, "default_action").timeouts(5, 5, 0).build();
        Listener { c, schema }
    }
}

/// The ALPN policies AWS takes (the provider's validation).
const ALPN_POLICIES: &[&str] = &["HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"];

/// The attribute arguments, the idle timeout checked against AWS's range.
fn declare_attributes(mut d: Decl) -> Decl {
    for (arg, ..) in ATTRIBUTES {
        d = d.arg(arg);
        if *arg == "tcp_idle_timeout_seconds" {
            d = d.check(int_between(60, 6000));
        }
    }
    d
}

/// MutualAuthentication as the provider sends it: the mode alone when `off`, the trust store
/// for `passthrough`, and the expiry and CA-names settings for `verify`.
fn mutual_authentication(v: &Value) -> Option<MutualAuthenticationAttributes> {
    let b = super::block(v, "mutual_authentication");
    let mode = opt_str(&b, "mode")?;
    let mut m = MutualAuthenticationAttributes::builder().mode(&mode);
    if mode != "off" {
        m = m.set_trust_store_arn(opt_str(&b, "trust_store_arn").filter(|a| !a.is_empty()));
    }
    if mode == "verify" {
        m = m
            .ignore_client_certificate_expiry(opt_bool(&b, "ignore_client_certificate_expiry").unwrap_or(false))
            .set_advertise_trust_store_ca_names(
                opt_str(&b, "advertise_trust_store_ca_names").map(|a| AdvertiseTrustStoreCaNamesEnum::from(a.as_str())),
            );
    }
    Some(m.build())
}

/// The block as the provider's read makes it: the mode alone when `off`.
fn read_mutual_authentication(m: Option<&MutualAuthenticationAttributes>) -> Value {
    let Some(m) = m else {
        return Value::List(vec![]);
    };
    let mode = Value::from(m.mode());
    let block = if m.mode() == Some("off") {
        Value::object([("mode", mode)])
    } else {
        Value::object([
            (
                "advertise_trust_store_ca_names",
                Value::from(m.advertise_trust_store_ca_names().map(|a| a.as_str().to_string())),
            ),
            (
                "ignore_client_certificate_expiry",
                m.ignore_client_certificate_expiry()
                    .map(Value::Bool)
                    .unwrap_or_default(),
            ),
            ("mode", mode),
            ("trust_store_arn", Value::from(m.trust_store_arn())),
        ])
    };
    Value::List(vec![block])
}

fn alpn(v: &Value) -> Option<Vec<String>> {
    opt_str(v, "alpn_policy").map(|p| vec![p])
}

fn actions_of(v: &Value) -> PResult<Vec<aws_sdk_elasticloadbalancingv2::types::Action>> {
    let blocks = v.get("default_action").as_list().unwrap_or(&[]);
    if blocks.is_empty() {
        return Err(ProviderError::msg("a listener needs a default_action block"));
    }
    Ok(to_actions(blocks))
}

impl Listener {
    async fn attributes(&self, arn: &str) -> PResult<Vec<ListenerAttribute>> {
        let out = self
            .c
            .elbv2
            .describe_listener_attributes()
            .listener_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.attributes().to_vec())
    }

    async fn write_attributes(&self, arn: &str, attrs: Vec<ListenerAttribute>) -> PResult<()> {
        if attrs.is_empty() {
            return Ok(());
        }
        self.c
            .elbv2
            .modify_listener_attributes()
            .listener_arn(arn)
            .set_attributes(Some(attrs))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for Listener {
    fn type_name(&self) -> &'static str {
        "aws_lb_listener"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_actions(config, "default_action")
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if let Some(prior) = prior {
            attributes::suppress_other_protocols(prior, planned);
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .elbv2
            .create_listener()
            .set_load_balancer_arn(opt_str(planned, "load_balancer_arn"))
            .set_port(planned.get("port").as_number().map(|n| n as i32))
            .set_protocol(opt_str(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
            .set_ssl_policy(opt_str(planned, "ssl_policy"))
            .set_alpn_policy(alpn(planned))
            .set_mutual_authentication(mutual_authentication(planned))
            .set_certificates(
                opt_str(planned, "certificate_arn").map(|c| vec![Certificate::builder().certificate_arn(c).build()]),
            )
            .set_default_actions(Some(actions_of(planned)?))
            .set_tags(Some(elb_tags(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .listeners()
            .first()
            .and_then(|l| l.listener_arn())
            .ok_or_else(|| ProviderError::msg("CreateListener returned no ARN"))?
            .to_string();
        // As the provider: attributes cannot be given to CreateListener.
        self.write_attributes(&arn, attributes::to_write(None, planned)).await?;
        must_exist(self.read(ctx, &arn, planned).await?, "listener", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let describe = async {
            let out = self
                .c
                .elbv2
                .describe_listeners()
                .listener_arns(id)
                .send()
                .await
                .map_err(aws_err);
            absent_on(out, &["ListenerNotFound", "LoadBalancerNotFound"])
        };
        // The tags and attributes are read beside the listener: they need only its ARN. A TLS
        // listener has no attributes to read (the provider never asks), so when state already
        // says TLS they are not asked for; should AWS answer another protocol, they are asked
        // for after the describe.
        let expects_attributes = prior
            .get("protocol")
            .as_str()
            .is_none_or(|p| attributes::described(&p.to_uppercase()));
        let side = async {
            let attrs = async {
                if expects_attributes {
                    Some(self.attributes(id).await)
                } else {
                    None
                }
            };
            let (tags, attrs) = futures::join!(read_tags(&self.c, id), attrs);
            Ok((tags?, attrs))
        };
        let Some((out, (tags_all, attrs))) = read_beside(describe, side).await? else {
            return Ok(None);
        };
        let Some(l) = out.listeners().first() else {
            return Ok(None);
        };
        let protocol = l.protocol().map(|p| p.as_str().to_uppercase()).unwrap_or_default();
        let attrs = match (attributes::described(&protocol), attrs) {
            (false, _) => vec![],
            (true, Some(attrs)) => absent_on(attrs, &["ListenerNotFound"])?.unwrap_or_default(),
            (true, None) => absent_on(self.attributes(id).await, &["ListenerNotFound"])?.unwrap_or_default(),
        };
        let alpn_policy = match l.alpn_policy() {
            [one] => Value::str(one),
            _ => Value::Null,
        };
        let Value::Object(mut m) = Value::object([
            ("id", Value::str(id)),
            ("load_balancer_arn", Value::from(l.load_balancer_arn())),
            ("port", l.port().map(|p| Value::Number(p as f64)).unwrap_or_default()),
            ("protocol", Value::from(l.protocol().map(|p| p.as_str().to_string()))),
            ("ssl_policy", Value::from(l.ssl_policy())),
            (
                "certificate_arn",
                Value::from(
                    l.certificates()
                        .first()
                        .and_then(|c| c.certificate_arn())
                        .map(str::to_string),
                ),
            ),
            (
                "default_action",
                from_actions(l.default_actions(), prior.get("default_action")),
            ),
            ("alpn_policy", alpn_policy),
            (
                "mutual_authentication",
                read_mutual_authentication(l.mutual_authentication()),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", tags_all),
            ("arn", Value::str(id)),
        ]) else {
            unreachable!("Value::object makes an object")
        };
        attributes::read_into(&mut m, &self.schema, &attrs, prior);
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k) && !matches!(planned.get(k), Value::Unknown);
        // As the provider: only what changed goes to ModifyListener. Certificates above all:
        // sending the default certificate again would be harmless in AWS, where it replaces
        // only the default, but the listener's SNI certificates
        // (`aws_lb_listener_certificate`) are no business of this object.
        let fields = [
            "port",
            "protocol",
            "ssl_policy",
            "certificate_arn",
            "default_action",
            "alpn_policy",
            "mutual_authentication",
        ];
        if fields.iter().any(|k| changed(k)) {
            let when = |k: &str, v: Option<String>| v.filter(|_| changed(k));
            self.c
                .elbv2
                .modify_listener()
                .listener_arn(id)
                .set_port(
                    planned
                        .get("port")
                        .as_number()
                        .map(|n| n as i32)
                        .filter(|_| changed("port")),
                )
                .set_protocol(when("protocol", opt_str(planned, "protocol")).map(|p| ProtocolEnum::from(p.as_str())))
                .set_ssl_policy(when("ssl_policy", opt_str(planned, "ssl_policy")))
                .set_alpn_policy(alpn(planned).filter(|_| changed("alpn_policy")))
                .set_mutual_authentication(mutual_authentication(planned).filter(|_| changed("mutual_authentication")))
                .set_certificates(
                    when("certificate_arn", opt_str(planned, "certificate_arn"))
                        .map(|c| vec![Certificate::builder().certificate_arn(c).build()]),
                )
                .set_default_actions(Some(actions_of(planned)?).filter(|_| changed("default_action")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        self.write_attributes(id, attributes::to_write(Some(prior), planned))
            .await?;
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "listener", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .elbv2
            .delete_listener()
            .listener_arn(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ListenerNotFound"]).map(|_| ())
    }
}
