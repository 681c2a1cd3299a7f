//! `aws_vpc_endpoint`: a gateway or interface endpoint; route tables, subnets, security groups
//! and policy change in place; waits for `available` and for deletion.

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, op_timeout, opt_bool, opt_str, str_list, wait_for, Op,
    Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, ipv4_address, json, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    DnsOptionsSpecification, DnsRecordIpType, IpAddressType, ResourceType as Kind, SubnetConfiguration, VpcEndpointType,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc_endpoint` resource type.
pub struct VpcEndpoint {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcEndpoint {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcEndpoint {
        let schema = resource("aws_vpc_endpoint")
            .arg("vpc_id")
            .force_new()
            .arg("service_name")
            .force_new()
            .arg("vpc_endpoint_type")
            .force_new()
            .default("Gateway")
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("vpc_endpoint_type")
            .check(one_of(&[
                "Interface",
                "Gateway",
                "GatewayLoadBalancer",
                "Resource",
                "ServiceNetwork",
            ]))
            .args(&[
                "route_table_ids",
                "subnet_ids",
                "security_group_ids",
                "private_dns_enabled",
                "auto_accept",
                "tags",
            ])
            .arg("service_region")
            .force_new()
            .arg("resource_configuration_arn")
            .force_new()
            .check(arn())
            .arg("service_network_arn")
            .force_new()
            .check(arn())
            .arg("ip_address_type")
            .check(one_of(&["ipv4", "dualstack", "ipv6"]))
            // AWS's DNS options for an endpoint the blueprint gave none for are not a change.
            .arg("dns_options")
            .live_if_unset()
            .arg("dns_options.dns_record_ip_type")
            .check(one_of(&["ipv4", "dualstack", "ipv6", "service-defined"]))
            .arg("dns_options.private_dns_only_for_inbound_resolver_endpoint")
            // Set by AWS from the subnets' addresses when the blueprint gives none.
            .arg("subnet_configuration")
            .live_if_unset()
            .arg("subnet_configuration.ipv4")
            .check(ipv4_address())
            // The provider also takes resource configurations and service networks instead.
            .rule(Rule::AtLeastOne(&[
                "service_name",
                "resource_configuration_arn",
                "service_network_arn",
            ]))
            .timeouts(10, 10, 10)
            .build();
        VpcEndpoint { c, schema }
    }

    /// The address each of the endpoint's network interfaces has in its subnet, as
    /// `subnet_configuration` blocks (what the provider reads back).
    async fn subnet_configurations_of(&self, interfaces: &[String]) -> PResult<Vec<Value>> {
        if interfaces.is_empty() {
            return Ok(Vec::new());
        }
        let out = self
            .c
            .ec2
            .describe_network_interfaces()
            .set_network_interface_ids(Some(interfaces.to_vec()))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .network_interfaces()
            .iter()
            .map(|n| {
                Value::object([
                    ("ipv4", Value::from(n.private_ip_address())),
                    ("ipv6", Value::from(n.ipv6_address())),
                    ("subnet_id", Value::from(n.subnet_id())),
                ])
            })
            .collect())
    }

    /// The AWS prefix list of a service (gateway endpoints route to it) and its blocks.
    async fn prefix_list(&self, service: Option<&str>) -> PResult<(Value, Value)> {
        let Some(service) = service else {
            return Ok((Value::Null, Value::List(vec![])));
        };
        let out = self
            .c
            .ec2
            .describe_prefix_lists()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("prefix-list-name")
                    .values(service)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(
            match out
                .prefix_lists()
                .iter()
                .find(|p| p.prefix_list_name() == Some(service))
            {
                Some(p) => (Value::from(p.prefix_list_id()), list_value(p.cidrs().iter().cloned())),
                None => (Value::Null, Value::List(vec![])),
            },
        )
    }
}

/// The endpoint `id` as DescribeVpcEndpoints answers it, or `None` when EC2 does not know it.
pub(super) async fn describe(ec2: &aws_sdk_ec2::Client, id: &str) -> PResult<Option<aws_sdk_ec2::types::VpcEndpoint>> {
    let out = ec2
        .describe_vpc_endpoints()
        .vpc_endpoint_ids(id)
        .send()
        .await
        .map_err(aws_err);
    let Some(out) = absent_on(out, &["InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"])? else {
        return Ok(None);
    };
    Ok(out.vpc_endpoints().first().cloned())
}

/// Waits until the endpoint is available (or awaits its service's acceptance), as the provider
/// waits after a create or a change of its policy.
pub(super) async fn wait_available(ec2: &aws_sdk_ec2::Client, id: &str, timeout: Duration) -> PResult<()> {
    wait_for(Wait::new(id, "available", timeout), || async {
        match describe(ec2, id).await?.as_ref().map(state_of).as_deref() {
            Some("available") | Some("pendingacceptance") => Ok(Poll::Ready(())),
            Some("failed") | Some("rejected") => Err(ProviderError::msg(format!(
                "VPC endpoint {id} failed to become available"
            ))),
            Some(state) => Ok(Poll::pending(state)),
            None => Ok(Poll::pending("not found yet")),
        }
    })
    .await
}

/// The `dns_options` block as AWS takes it. Only an S3 interface endpoint takes
/// `private_dns_only_for_inbound_resolver_endpoint` (AWS refuses it elsewhere), as the provider
/// sends it.
fn dns_options(planned: &Value) -> Option<DnsOptionsSpecification> {
    let o = planned.get("dns_options").as_list()?.first()?;
    let s3_interface = opt_str(planned, "vpc_endpoint_type").as_deref() == Some("Interface")
        && opt_str(planned, "service_name").is_some_and(|n| n.starts_with("com.amazonaws.") && n.ends_with(".s3"));
    Some(
        DnsOptionsSpecification::builder()
            .set_dns_record_ip_type(opt_str(o, "dns_record_ip_type").map(|t| DnsRecordIpType::from(t.as_str())))
            .set_private_dns_only_for_inbound_resolver_endpoint(
                opt_bool(o, "private_dns_only_for_inbound_resolver_endpoint").filter(|_| s3_interface),
            )
            .build(),
    )
}

/// The `subnet_configuration` blocks as AWS takes them.
fn subnet_configurations(planned: &Value) -> Option<Vec<SubnetConfiguration>> {
    let list = planned.get("subnet_configuration").as_list()?;
    (!list.is_empty()).then(|| {
        list.iter()
            .map(|c| {
                SubnetConfiguration::builder()
                    .set_ipv4(opt_str(c, "ipv4"))
                    .set_ipv6(opt_str(c, "ipv6"))
                    .set_subnet_id(opt_str(c, "subnet_id"))
                    .build()
            })
            .collect()
    })
}

/// The endpoint's state in lower case: AWS answers `available`, while the SDK's enum spells
/// `Available`, so states are compared as text.
fn state_of(e: &aws_sdk_ec2::types::VpcEndpoint) -> String {
    e.state().map(|s| s.as_str().to_lowercase()).unwrap_or_default()
}

/// Whether the endpoint is deleted or on its way out (DescribeVpcEndpoints lists such endpoints
/// for a while).
pub(super) fn gone(e: &aws_sdk_ec2::types::VpcEndpoint) -> bool {
    matches!(state_of(e).as_str(), "deleted" | "deleting")
}

#[async_trait]
impl ResourceType for VpcEndpoint {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let kind = opt_str(planned, "vpc_endpoint_type").unwrap_or_else(|| "Gateway".into());
        let list = |k: &str| Some(str_list(planned, k)).filter(|l| !l.is_empty());
        let out = self
            .c
            .ec2
            .create_vpc_endpoint()
            .client_token(&ctx.token)
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_service_name(opt_str(planned, "service_name"))
            .vpc_endpoint_type(VpcEndpointType::from(kind.as_str()))
            .set_route_table_ids(list("route_table_ids"))
            .set_subnet_ids(list("subnet_ids"))
            .set_security_group_ids(list("security_group_ids"))
            .set_private_dns_enabled(opt_bool(planned, "private_dns_enabled"))
            .set_policy_document(opt_str(planned, "policy"))
            .set_ip_address_type(opt_str(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())))
            .set_dns_options(dns_options(planned))
            .set_subnet_configurations(subnet_configurations(planned))
            .set_service_region(opt_str(planned, "service_region"))
            .set_resource_configuration_arn(opt_str(planned, "resource_configuration_arn"))
            .set_service_network_arn(opt_str(planned, "service_network_arn"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::VpcEndpoint))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpc_endpoint()
            .and_then(|e| e.vpc_endpoint_id())
            .ok_or_else(|| ProviderError::msg("CreateVpcEndpoint returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_available(&self.c.ec2, &id, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC endpoint", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(e) = describe(&self.c.ec2, id).await? else {
            return Ok(None);
        };
        if gone(&e) {
            return Ok(None);
        }
        let owner = e.owner_id().unwrap_or_default().to_string();
        let strings = |v: &[String]| list_value(v.iter().cloned());
        let s = |v: Option<&str>| Value::from(v);
        let configurations = self.subnet_configurations_of(e.network_interface_ids()).await?;
        let (prefix_list, cidrs) = self.prefix_list(e.service_name()).await?;
        Ok(Some(Value::object([
            (
                "ip_address_type",
                Value::from(e.ip_address_type().map(|t| t.as_str().to_string())),
            ),
            (
                "dns_options",
                Value::List(
                    e.dns_options()
                        .map(|d| {
                            Value::object([
                                (
                                    "dns_record_ip_type",
                                    Value::from(d.dns_record_ip_type().map(|t| t.as_str().to_string())),
                                ),
                                (
                                    "private_dns_only_for_inbound_resolver_endpoint",
                                    Value::from(d.private_dns_only_for_inbound_resolver_endpoint()),
                                ),
                            ])
                        })
                        .into_iter()
                        .collect(),
                ),
            ),
            (
                "dns_entry",
                Value::List(
                    e.dns_entries()
                        .iter()
                        .map(|d| {
                            Value::object([("dns_name", s(d.dns_name())), ("hosted_zone_id", s(d.hosted_zone_id()))])
                        })
                        .collect(),
                ),
            ),
            ("subnet_configuration", Value::List(configurations)),
            ("requester_managed", Value::from(e.requester_managed())),
            ("service_region", s(e.service_region())),
            ("resource_configuration_arn", s(e.resource_configuration_arn())),
            ("service_network_arn", s(e.service_network_arn())),
            ("cidr_blocks", cidrs),
            ("id", Value::str(id)),
            ("vpc_id", Value::from(e.vpc_id())),
            ("service_name", Value::from(e.service_name())),
            (
                "vpc_endpoint_type",
                Value::str(
                    e.vpc_endpoint_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_else(|| "Gateway".into()),
                ),
            ),
            ("route_table_ids", strings(e.route_table_ids())),
            ("subnet_ids", strings(e.subnet_ids())),
            (
                "security_group_ids",
                list_value(e.groups().iter().filter_map(|g| g.group_id()).map(str::to_string)),
            ),
            (
                "private_dns_enabled",
                Value::Bool(e.private_dns_enabled().unwrap_or(false)),
            ),
            ("policy", Value::from(e.policy_document())),
            ("auto_accept", prior.get("auto_accept").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(e.tags())),
            (
                "arn",
                Value::str(format!("arn:aws:ec2:{}:{owner}:vpc-endpoint/{id}", self.c.region)),
            ),
            ("state", Value::from(e.state().map(|s| s.as_str().to_string()))),
            ("prefix_list_id", prefix_list),
            ("network_interface_ids", strings(e.network_interface_ids())),
            ("owner_id", Value::str(owner)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let diff = |k: &str| {
            let old = str_list(prior, k);
            let new = str_list(planned, k);
            let add: Vec<String> = new.iter().filter(|x| !old.contains(x)).cloned().collect();
            let remove: Vec<String> = old.iter().filter(|x| !new.contains(x)).cloned().collect();
            (
                Some(add).filter(|a| !a.is_empty()),
                Some(remove).filter(|r| !r.is_empty()),
            )
        };
        let (add_rt, remove_rt) = diff("route_table_ids");
        let (add_sn, remove_sn) = diff("subnet_ids");
        let (add_sg, remove_sg) = diff("security_group_ids");
        let policy_changed = prior.get("policy") != planned.get("policy");
        let dns_changed = prior.get("private_dns_enabled") != planned.get("private_dns_enabled");
        let changed = |k: &str| prior.get(k) != planned.get(k) && !planned.get(k).has_unknown();
        let options_changed =
            changed("dns_options") || (dns_changed && opt_bool(planned, "private_dns_enabled") == Some(true));
        let address_changed = changed("ip_address_type");
        let configurations_changed = changed("subnet_configuration");
        if add_rt.is_some()
            || remove_rt.is_some()
            || add_sn.is_some()
            || remove_sn.is_some()
            || add_sg.is_some()
            || remove_sg.is_some()
            || policy_changed
            || dns_changed
            || options_changed
            || address_changed
            || configurations_changed
        {
            let mut req = self
                .c
                .ec2
                .modify_vpc_endpoint()
                .vpc_endpoint_id(id)
                .set_add_route_table_ids(add_rt)
                .set_remove_route_table_ids(remove_rt)
                .set_add_subnet_ids(add_sn)
                .set_remove_subnet_ids(remove_sn)
                .set_add_security_group_ids(add_sg)
                .set_remove_security_group_ids(remove_sg);
            if policy_changed {
                req = match opt_str(planned, "policy") {
                    Some(p) => req.policy_document(p),
                    None => req.reset_policy(true),
                };
            }
            if dns_changed {
                req = req.set_private_dns_enabled(opt_bool(planned, "private_dns_enabled"));
            }
            if options_changed {
                req = req.set_dns_options(dns_options(planned));
            }
            if address_changed {
                req = req
                    .set_ip_address_type(opt_str(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())));
            }
            if configurations_changed {
                req = req.set_subnet_configurations(subnet_configurations(planned));
            }
            req.send().await.map_err(aws_err)?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC endpoint", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, &["InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"])?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match describe(&self.c.ec2, id).await? {
                None => Poll::Ready(()),
                Some(e) if state_of(&e) == "deleted" => Poll::Ready(()),
                Some(e) => Poll::pending(state_of(&e)),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_vpc_endpoints()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .vpc_endpoints()
            .iter()
            .find(|e| owned(e.tags(), ctx) && !gone(e))
            .and_then(|e| e.vpc_endpoint_id())
            .map(str::to_string))
    }
}
