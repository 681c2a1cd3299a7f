//! `aws_lb`: an application or network load balancer; waits until active, and until gone on
//! delete (its network interfaces keep subnets and security groups busy until then).

use super::lb_logs::{self, Logs};
use super::{arn_suffix, block, elb_tags, known_or_empty, read_tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, name_or_generated, name_prefix_read, op_timeout,
    opt_bool, opt_str, owns, read_beside, str_list, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{
    int_between, ipv4_address, ipv6_address, len_between, matches, not_matches, one_of, Rule,
};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::operation::describe_capacity_reservation::DescribeCapacityReservationOutput;
use aws_sdk_elasticloadbalancingv2::types::{
    AvailabilityZone, IpamPools, LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerStateEnum,
    LoadBalancerTypeEnum, MinimumLoadBalancerCapacity, RemoveIpamPoolEnum, SubnetMapping,
};
use std::sync::Arc;
use std::time::Duration;

/// Which load balancers an attribute applies to.
#[derive(Clone, Copy, PartialEq)]
enum For {
    All,
    Application,
    Network,
}

/// How an attribute's text reads back into the blueprint's value.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Number,
    Text,
}

/// Arguments kept as load balancer attributes: (argument, attribute key, kind, which types).
const ATTRIBUTES: &[(&str, &str, Kind, For)] = &[
    (
        "enable_deletion_protection",
        "deletion_protection.enabled",
        Kind::Bool,
        For::All,
    ),
    (
        "idle_timeout",
        "idle_timeout.timeout_seconds",
        Kind::Number,
        For::Application,
    ),
    ("enable_http2", "routing.http2.enabled", Kind::Bool, For::Application),
    (
        "drop_invalid_header_fields",
        "routing.http.drop_invalid_header_fields.enabled",
        Kind::Bool,
        For::Application,
    ),
    (
        "enable_cross_zone_load_balancing",
        "load_balancing.cross_zone.enabled",
        Kind::Bool,
        For::All,
    ),
    (
        "client_keep_alive",
        "client_keep_alive.seconds",
        Kind::Number,
        For::Application,
    ),
    (
        "desync_mitigation_mode",
        "routing.http.desync_mitigation_mode",
        Kind::Text,
        For::Application,
    ),
    (
        "dns_record_client_routing_policy",
        "dns_record.client_routing_policy",
        Kind::Text,
        For::Network,
    ),
    (
        "enable_tls_version_and_cipher_suite_headers",
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        Kind::Bool,
        For::Application,
    ),
    (
        "enable_xff_client_port",
        "routing.http.xff_client_port.enabled",
        Kind::Bool,
        For::Application,
    ),
    (
        "enable_waf_fail_open",
        "waf.fail_open.enabled",
        Kind::Bool,
        For::Application,
    ),
    ("enable_zonal_shift", "zonal_shift.config.enabled", Kind::Bool, For::All),
    (
        "preserve_host_header",
        "routing.http.preserve_host_header.enabled",
        Kind::Bool,
        For::Application,
    ),
    (
        "xff_header_processing_mode",
        "routing.http.xff_header_processing.mode",
        Kind::Text,
        For::Application,
    ),
];

/// True when an attribute applies to a load balancer of this type.
fn applies(to: For, network: bool) -> bool {
    match to {
        For::All => true,
        For::Application => !network,
        For::Network => network,
    }
}

/// The `aws_lb` resource type.
pub struct Lb {
    c: Arc<Clients>,
    schema: Schema,
}

impl Lb {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Lb {
        let schema = resource("aws_lb")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("internal")
            .force_new()
            .default(false)
            .arg("load_balancer_type")
            .force_new()
            .default("application")
            .arg("enable_deletion_protection")
            .default(false)
            .arg("idle_timeout")
            .default(60)
            .arg("enable_http2")
            .default(true)
            .arg("drop_invalid_header_fields")
            .default(false)
            .arg("enable_cross_zone_load_balancing")
            .live_if_unset()
            .arg("client_keep_alive")
            .default(3600)
            .check(int_between(60, 604800))
            .arg("desync_mitigation_mode")
            .default("defensive")
            .check(one_of(&["monitor", "defensive", "strictest"]))
            .arg("dns_record_client_routing_policy")
            .default("any_availability_zone")
            .check(one_of(&[
                "availability_zone_affinity",
                "partial_availability_zone_affinity",
                "any_availability_zone",
            ]))
            .arg("enable_tls_version_and_cipher_suite_headers")
            .default(false)
            .arg("enable_xff_client_port")
            .default(false)
            .arg("enable_waf_fail_open")
            .default(false)
            .arg("enable_zonal_shift")
            .default(false)
            .arg("preserve_host_header")
            .default(false)
            .arg("xff_header_processing_mode")
            .default("append")
            .check(one_of(&["append", "preserve", "remove"]))
            .args(&["security_groups", "subnets", "ip_address_type", "tags"])
            .arg("customer_owned_ipv4_pool")
            .force_new()
            .arg("ipam_pools")
            .arg("minimum_load_balancer_capacity")
            .arg("enforce_security_group_inbound_rules_on_private_link_traffic")
            .live_if_unset()
            .check(one_of(&["on", "off"]))
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(len_between(0, 32))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .check(not_matches(r"-$", "a trailing hyphen"))
            .check(not_matches(r"^internal-", "the prefix internal-"))
            .arg("name_prefix")
            .check(len_between(0, 6))
            .check(matches(r"^[0-9A-Za-z-]*$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"^-", "a leading hyphen"))
            .arg("load_balancer_type")
            .check(one_of(&["application", "network", "gateway"]))
            .arg("ip_address_type")
            .check(one_of(&["ipv4", "dualstack", "dualstack-without-public-ipv4"]))
            // Always read back as one block; unset keeps it (SuppressMissingOptionalConfigurationBlock).
            .arg("access_logs")
            .live_if_unset()
            .arg("access_logs.enabled")
            .default(false)
            .args(&["access_logs.bucket", "access_logs.prefix"])
            .arg("connection_logs")
            .live_if_unset()
            .arg("connection_logs.enabled")
            .default(false)
            .args(&["connection_logs.bucket", "connection_logs.prefix"])
            // Optional+Computed set; replacement is decided in refine_plan (the provider's
            // CustomizeDiff), not by ForceNew.
            .arg("subnet_mapping")
            .live_if_unset()
            .args(&["subnet_mapping.subnet_id", "subnet_mapping.allocation_id"])
            .arg("subnet_mapping.private_ipv4_address")
            .check(ipv4_address())
            .arg("subnet_mapping.ipv6_address")
            .check(ipv6_address())
            .rule(Rule::ExactlyOne(&["subnets", "subnet_mapping"]))
            .timeouts(10, 10, 10)
            .build();
        Lb { c, schema }
    }

    async fn describe(&self, arn: &str) -> PResult<Option<aws_sdk_elasticloadbalancingv2::types::LoadBalancer>> {
        let out = self
            .c
            .elbv2
            .describe_load_balancers()
            .load_balancer_arns(arn)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["LoadBalancerNotFound"])? else {
            return Ok(None);
        };
        Ok(out.load_balancers().first().cloned())
    }

    /// SetSecurityGroups with the groups as planned and, on a network load balancer, whether
    /// its security groups also filter PrivateLink traffic.
    async fn set_security_groups(&self, arn: &str, planned: &Value) -> PResult<()> {
        let network = opt_str(planned, "load_balancer_type").as_deref() == Some("network");
        let enforce = opt_str(planned, ENFORCE).filter(|_| network);
        self.c
            .elbv2
            .set_security_groups()
            .load_balancer_arn(arn)
            .set_security_groups(Some(str_list(planned, "security_groups")))
            .set_enforce_security_group_inbound_rules_on_private_link_traffic(enforce.map(|e| e.as_str().into()))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    /// ModifyCapacityReservation: the planned minimum capacity, or a reset without one. As
    /// the provider, it then waits until every zone's reservation is provisioned, and returns
    /// the reserved units that last DescribeCapacityReservation answered, so the read that
    /// follows need not ask again.
    async fn set_capacity(&self, arn: &str, planned: &Value) -> PResult<Option<i32>> {
        let units = block(planned, "minimum_load_balancer_capacity")
            .get("capacity_units")
            .as_number()
            .map(|n| n as i32);
        self.c
            .elbv2
            .modify_capacity_reservation()
            .load_balancer_arn(arn)
            .set_minimum_load_balancer_capacity(
                units.map(|u| MinimumLoadBalancerCapacity::builder().capacity_units(u).build()),
            )
            .reset_capacity_reservation(units.is_none())
            .send()
            .await
            .map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
        wait_for(Wait::new(arn, "capacity provisioned", timeout), || async {
            let out = self
                .c
                .elbv2
                .describe_capacity_reservation()
                .load_balancer_arn(arn)
                .send()
                .await
                .map_err(aws_err)?;
            let pending = out
                .capacity_reservation_state()
                .iter()
                .filter_map(|z| z.state().and_then(|s| s.code()))
                .find(|c| c.as_str() != "provisioned");
            Ok(match pending {
                Some(code) => Poll::pending(code.as_str()),
                None => Poll::Ready(capacity_units(&out)),
            })
        })
        .await
    }

    /// The reserved capacity units, none without a reservation (or where the account may not
    /// read reservations, as the provider reads it).
    async fn read_capacity(&self, arn: &str) -> PResult<Option<i32>> {
        let out = self
            .c
            .elbv2
            .describe_capacity_reservation()
            .load_balancer_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        let out = absent_on(out, &["LoadBalancerNotFound", "AccessDenied", "InvalidAction"])?;
        Ok(out.as_ref().and_then(capacity_units))
    }

    async fn set_attributes(&self, arn: &str, v: &Value, prior: Option<&Value>) -> PResult<()> {
        let network = opt_str(v, "load_balancer_type").as_deref() == Some("network");
        let mut attrs: Vec<LoadBalancerAttribute> = ATTRIBUTES
            .iter()
            .filter(|(_, _, _, to)| applies(*to, network))
            .filter(|(name, ..)| !v.get(name).is_null() && prior.is_none_or(|p| p.get(name) != v.get(name)))
            .filter_map(|(name, key, ..)| {
                v.get(name)
                    .to_plain_string()
                    .map(|value| LoadBalancerAttribute::builder().key(*key).value(value).build())
            })
            .collect();
        let application = matches!(opt_str(v, "load_balancer_type").as_deref(), None | Some("application"));
        let gateway = opt_str(v, "load_balancer_type").as_deref() == Some("gateway");
        // As the provider: both blocks are written at create (logging off without one), and
        // again when they change; connection logs exist only on application load balancers.
        for (logs, applies) in [(Logs::Access, !gateway), (Logs::Connection, application)] {
            let block = logs.block();
            if applies && prior.is_none_or(|p| p.get(block) != v.get(block)) {
                attrs.extend(lb_logs::to_attributes(v, logs, prior.is_some()));
            }
        }
        if !attrs.is_empty() {
            self.c
                .elbv2
                .modify_load_balancer_attributes()
                .load_balancer_arn(arn)
                .set_attributes(Some(attrs))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    /// The load balancer as read back: `capacity`, when the caller already holds the reserved
    /// units (the wait after ModifyCapacityReservation read them), spares asking again.
    async fn read_with(&self, id: &str, prior: &Value, capacity: Option<Option<i32>>) -> PResult<Option<Value>> {
        // Attributes and tags are read beside the load balancer: each needs only its ARN.
        let attrs = async {
            self.c
                .elbv2
                .describe_load_balancer_attributes()
                .load_balancer_arn(id)
                .send()
                .await
                .map_err(aws_err)
        };
        let capacity = async {
            match capacity {
                Some(units) => Ok(units),
                None => self.read_capacity(id).await,
            }
        };
        let rest = async { futures::try_join!(attrs, read_tags(&self.c, id), capacity) };
        let Some((lb, (attrs, tags_all, capacity))) = read_beside(self.describe(id), rest).await? else {
            return Ok(None);
        };
        let attr = |key: &str| {
            attrs
                .attributes()
                .iter()
                .find(|a| a.key() == Some(key))
                .and_then(|a| a.value())
                .map(str::to_string)
        };
        let network = lb.r#type().map(|t| t.as_str()) == Some("network");
        let mut m = indexmap::IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert("name".into(), Value::from(lb.load_balancer_name()));
        m.insert(
            "name_prefix".into(),
            name_prefix_read(prior, lb.load_balancer_name(), ""),
        );
        m.insert(
            "internal".into(),
            Value::Bool(lb.scheme().map(|s| s.as_str()) == Some("internal")),
        );
        m.insert(
            "load_balancer_type".into(),
            Value::from(lb.r#type().map(|t| t.as_str().to_string())),
        );
        m.insert(
            "security_groups".into(),
            list_value(lb.security_groups().iter().cloned()),
        );
        m.insert(
            "subnets".into(),
            list_value(
                lb.availability_zones()
                    .iter()
                    .filter_map(|z| z.subnet_id())
                    .map(str::to_string),
            ),
        );
        m.insert("subnet_mapping".into(), subnet_mapping_value(lb.availability_zones()));
        m.insert(
            "access_logs".into(),
            lb_logs::read_block(attrs.attributes(), Logs::Access, prior),
        );
        let application = lb.r#type().map(|t| t.as_str()) == Some("application");
        let connection_logs = if application {
            lb_logs::read_block(attrs.attributes(), Logs::Connection, prior)
        } else {
            known_or_empty(prior.get("connection_logs"))
        };
        m.insert("connection_logs".into(), connection_logs);
        m.insert(
            "ip_address_type".into(),
            Value::from(lb.ip_address_type().map(|t| t.as_str().to_string())),
        );
        m.insert(
            "customer_owned_ipv4_pool".into(),
            Value::from(lb.customer_owned_ipv4_pool()),
        );
        let pools = lb
            .ipam_pools()
            .and_then(|p| p.ipv4_ipam_pool_id())
            .map(|id| Value::object([("ipv4_ipam_pool_id", Value::str(id))]));
        m.insert("ipam_pools".into(), Value::List(pools.into_iter().collect()));
        m.insert(
            ENFORCE.into(),
            Value::from(
                lb.enforce_security_group_inbound_rules_on_private_link_traffic()
                    .map(str::to_string),
            ),
        );
        let capacity = match capacity {
            // Gateway load balancers have no capacity reservation.
            _ if !network && !application => known_or_empty(prior.get("minimum_load_balancer_capacity")),
            Some(units) => Value::List(vec![Value::object([("capacity_units", Value::Number(units as f64))])]),
            None => Value::List(vec![]),
        };
        m.insert("minimum_load_balancer_capacity".into(), capacity);
        for (name, key, kind, to) in ATTRIBUTES {
            let v = match attr(key) {
                // An attribute of the other type of load balancer is not the object's.
                _ if !applies(*to, network) => prior.get(name).clone(),
                Some(text) => match kind {
                    Kind::Number => text.parse::<f64>().map(Value::Number).unwrap_or_default(),
                    Kind::Bool => Value::Bool(text == "true"),
                    Kind::Text => Value::str(text),
                },
                None => prior.get(name).clone(),
            };
            m.insert(name.to_string(), v);
        }
        m.insert("tags".into(), configured_tags(prior));
        m.insert("tags_all".into(), tags_all);
        m.insert("arn".into(), Value::str(id));
        m.insert("arn_suffix".into(), Value::str(arn_suffix(id)));
        m.insert("dns_name".into(), Value::from(lb.dns_name()));
        m.insert("zone_id".into(), Value::from(lb.canonical_hosted_zone_id()));
        m.insert("vpc_id".into(), Value::from(lb.vpc_id()));
        Ok(Some(Value::Object(m)))
    }
}

#[async_trait]
impl ResourceType for Lb {
    fn type_name(&self) -> &'static str {
        "aws_lb"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "tf-lb-", 26);
        let scheme = if opt_bool(planned, "internal") == Some(true) {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        };
        let kind = LoadBalancerTypeEnum::from(
            opt_str(planned, "load_balancer_type")
                .unwrap_or_else(|| "application".into())
                .as_str(),
        );
        let groups = Some(str_list(planned, "security_groups")).filter(|g| !g.is_empty());
        let out = self
            .c
            .elbv2
            .create_load_balancer()
            .name(&name)
            .scheme(scheme)
            .r#type(kind)
            .set_subnets(Some(str_list(planned, "subnets")).filter(|s| !s.is_empty()))
            .set_subnet_mappings(Some(subnet_mappings(planned)).filter(|m| !m.is_empty()))
            .set_security_groups(groups)
            .set_ip_address_type(opt_str(planned, "ip_address_type").map(|t| t.as_str().into()))
            .set_customer_owned_ipv4_pool(opt_str(planned, "customer_owned_ipv4_pool"))
            .set_ipam_pools(ipam_pools(planned))
            .set_tags(Some(elb_tags(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .load_balancers()
            .first()
            .and_then(|l| l.load_balancer_arn())
            .ok_or_else(|| ProviderError::msg("CreateLoadBalancer returned no ARN"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_for(Wait::new(&name, "active", timeout), || async {
            match self
                .describe(&arn)
                .await?
                .and_then(|l| l.state().and_then(|s| s.code()).cloned())
            {
                Some(LoadBalancerStateEnum::Active) => Ok(Poll::Ready(())),
                Some(LoadBalancerStateEnum::Failed) => {
                    Err(ProviderError::msg(format!("load balancer {name} failed to provision")))
                }
                Some(state) => Ok(Poll::pending(state.as_str())),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await?;
        self.set_attributes(&arn, planned, None).await?;
        let mut capacity = None;
        if !block(planned, "minimum_load_balancer_capacity").is_null() {
            capacity = Some(self.set_capacity(&arn, planned).await?);
        }
        let network = opt_str(planned, "load_balancer_type").as_deref() == Some("network");
        if network && opt_str(planned, ENFORCE).is_some() {
            self.set_security_groups(&arn, planned).await?;
        }
        must_exist(self.read_with(&arn, planned, capacity).await?, "load balancer", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_with(id, prior, None).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("security_groups") != planned.get("security_groups") || prior.get(ENFORCE) != planned.get(ENFORCE)
        {
            self.set_security_groups(id, planned).await?;
        }
        let mappings_changed = prior.get("subnet_mapping") != planned.get("subnet_mapping")
            && !matches!(planned.get("subnet_mapping"), Value::Unknown);
        let subnets_changed =
            prior.get("subnets") != planned.get("subnets") && !matches!(planned.get("subnets"), Value::Unknown);
        if mappings_changed || subnets_changed {
            let mut call = self.c.elbv2.set_subnets().load_balancer_arn(id);
            call = if mappings_changed {
                call.set_subnet_mappings(Some(subnet_mappings(planned)))
            } else {
                call.set_subnets(Some(str_list(planned, "subnets")))
            };
            call.send().await.map_err(aws_err)?;
        }
        self.set_attributes(id, planned, Some(prior)).await?;
        if prior.get("ipam_pools") != planned.get("ipam_pools") {
            let call = self.c.elbv2.modify_ip_pools().load_balancer_arn(id);
            let call = match ipam_pools(planned) {
                Some(pools) => call.ipam_pools(pools),
                None => call.remove_ipam_pools(RemoveIpamPoolEnum::Ipv4),
            };
            call.send().await.map_err(aws_err)?;
        }
        let mut capacity = None;
        if prior.get("minimum_load_balancer_capacity") != planned.get("minimum_load_balancer_capacity") {
            capacity = Some(self.set_capacity(id, planned).await?);
        }
        update_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read_with(id, planned, capacity).await?, "load balancer", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .elbv2
            .delete_load_balancer()
            .load_balancer_arn(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, &["LoadBalancerNotFound"])?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(l) => Poll::pending(
                    l.state()
                        .and_then(|s| s.code())
                        .map(|c| c.as_str())
                        .unwrap_or("present"),
                ),
            })
        })
        .await
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else {
            return Ok(None);
        };
        // As the provider's DiffSuppressFunc: an attribute of another type of load balancer
        // is never sent, so it plans no change (an import records none of them).
        let network = opt_str(planned, "load_balancer_type").as_deref() == Some("network");
        if let Value::Object(m) = planned {
            for (name, ..) in ATTRIBUTES.iter().filter(|(.., to)| !applies(*to, network)) {
                m.insert(name.to_string(), prior.get(name).clone());
            }
        }
        for logs in [Logs::Access, Logs::Connection] {
            lb_logs::keep_while_disabled(prior, planned, logs);
        }
        Ok(subnet_changes(prior, config, planned))
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
            .describe_load_balancers()
            .names(&name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["LoadBalancerNotFound"])? else {
            return Ok(None);
        };
        let Some(arn) = out.load_balancers().first().and_then(|l| l.load_balancer_arn()) else {
            return Ok(None);
        };
        let tags = read_tags_raw(&self.c, arn).await?;
        let ours = owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(ours.then(|| arn.to_string()))
    }
}

/// The PrivateLink security group argument (network load balancers; SetSecurityGroups).
const ENFORCE: &str = "enforce_security_group_inbound_rules_on_private_link_traffic";

/// `ipam_pools` as the SDK's pools, none without the block.
fn ipam_pools(v: &Value) -> Option<IpamPools> {
    opt_str(&block(v, "ipam_pools"), "ipv4_ipam_pool_id").map(|id| IpamPools::builder().ipv4_ipam_pool_id(id).build())
}

/// The `subnet_mapping` blocks as the SDK's mappings (empty strings left out).
fn subnet_mappings(v: &Value) -> Vec<SubnetMapping> {
    let items = v.get("subnet_mapping").as_list().unwrap_or(&[]);
    items
        .iter()
        .map(|m| {
            let s = |k: &str| opt_str(m, k);
            SubnetMapping::builder()
                .set_subnet_id(s("subnet_id"))
                .set_allocation_id(s("allocation_id"))
                .set_private_ipv4_address(s("private_ipv4_address"))
                .set_ipv6_address(s("ipv6_address"))
                .build()
        })
        .collect()
}

/// `subnet_mapping` read from the load balancer's zones, as the provider flattens them (the
/// addresses of a zone's first load balancer address, when it has any).
fn subnet_mapping_value(zones: &[AvailabilityZone]) -> Value {
    Value::List(
        zones
            .iter()
            .map(|z| {
                let address = z.load_balancer_addresses().first();
                let text = |f: Option<&str>| Value::str(f.unwrap_or_default());
                Value::object([
                    ("allocation_id", text(address.and_then(|a| a.allocation_id()))),
                    ("ipv6_address", text(address.and_then(|a| a.ipv6_address()))),
                    ("outpost_id", text(z.outpost_id())),
                    (
                        "private_ipv4_address",
                        text(address.and_then(|a| a.private_ipv4_address())),
                    ),
                    ("subnet_id", text(z.subnet_id())),
                ])
            })
            .collect(),
    )
}

/// A subnet mapping's identity for comparing plans: what the blueprint can set, an empty
/// string and null alike (`outpost_id` is AWS's).
fn mapping_key(m: &Value) -> [String; 4] {
    ["subnet_id", "allocation_id", "private_ipv4_address", "ipv6_address"]
        .map(|k| m.get(k).to_plain_string().unwrap_or_default())
}

fn mapping_keys(v: &Value) -> Option<Vec<[String; 4]>> {
    let items = v.get("subnet_mapping").as_list()?;
    if v.get("subnet_mapping").has_unknown() {
        return None;
    }
    let mut keys: Vec<[String; 4]> = items.iter().map(mapping_key).collect();
    keys.sort();
    keys.dedup();
    Some(keys)
}

fn string_set(v: &Value, name: &str) -> Option<Vec<String>> {
    if v.get(name).has_unknown() || v.get(name).as_list().is_none() {
        return None;
    }
    let mut s = str_list(v, name);
    s.sort();
    s.dedup();
    Some(s)
}

/// True when every element of `small` is in `big`.
fn within<T: PartialEq>(small: &[T], big: &[T]) -> bool {
    small.iter().all(|x| big.contains(x))
}

/// The provider's CustomizeDiff for subnets and security groups: which changes AWS can make in
/// place (SetSubnets, SetSecurityGroups) and which need a new load balancer. Returns the reason
/// to replace, if any, and marks the other of `subnets` / `subnet_mapping` unknown when one
/// changes (AWS reports both from the same zones).
fn subnet_changes(prior: &Value, config: &Value, planned: &mut Value) -> Option<String> {
    let kind = opt_str(planned, "load_balancer_type").unwrap_or_else(|| "application".into());
    let mut reason = None;
    let mappings_changed =
        !config.get("subnet_mapping").is_null() && prior.get("subnet_mapping") != planned.get("subnet_mapping");
    if mappings_changed {
        if let (Some(old), Some(new)) = (mapping_keys(prior), mapping_keys(planned)) {
            let replace = match kind.as_str() {
                "application" => match new.len().cmp(&old.len()) {
                    std::cmp::Ordering::Equal => old != new,
                    std::cmp::Ordering::Less => !within(&new, &old),
                    std::cmp::Ordering::Greater => !within(&old, &new),
                },
                "network" => new.len() <= old.len() || !within(&old, &new),
                _ => false,
            };
            if replace {
                reason = Some("subnet_mapping: AWS cannot change or remove these mappings in place".into());
            }
        }
        if let Value::Object(m) = planned {
            m.insert("subnets".into(), Value::Unknown);
        }
    }
    let subnets_changed = !config.get("subnets").is_null() && prior.get("subnets") != planned.get("subnets");
    if subnets_changed && !mappings_changed {
        if let (Some(old), Some(new)) = (string_set(prior, "subnets"), string_set(planned, "subnets")) {
            if kind == "network" && old != new && new.len() <= old.len() {
                reason = Some("subnets: a network load balancer's subnets can only be added to".into());
            }
        }
        if let Value::Object(m) = planned {
            m.insert("subnet_mapping".into(), Value::Unknown);
        }
    }
    if kind == "network" {
        if let (Some(old), Some(new)) = (
            string_set(prior, "security_groups"),
            string_set(planned, "security_groups"),
        ) {
            if old.is_empty() != new.is_empty() {
                reason = Some(
                    "security_groups: a network load balancer cannot gain its first or lose its last security group"
                        .into(),
                );
            }
        }
    }
    reason
}

/// All tags of an object, infractl's included.
pub async fn read_tags_raw(c: &Clients, arn: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .elbv2
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(|d| d.tags())
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// The reserved capacity units of a DescribeCapacityReservation answer, none without a
/// reservation: one reading for the read and for the wait after a change.
fn capacity_units(out: &DescribeCapacityReservationOutput) -> Option<i32> {
    out.minimum_load_balancer_capacity().and_then(|m| m.capacity_units())
}
