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
use crate::schema::validators::{json, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType as Kind, VpcEndpointType};
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

    async fn describe(&self, id: &str) -> PResult<Option<aws_sdk_ec2::types::VpcEndpoint>> {
        let out = self
            .c
            .ec2
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
}

/// The endpoint's state in lower case: AWS answers `available`, while the SDK's enum spells
/// `Available`, so states are compared as text.
fn state_of(e: &aws_sdk_ec2::types::VpcEndpoint) -> String {
    e.state().map(|s| s.as_str().to_lowercase()).unwrap_or_default()
}

fn gone(e: &aws_sdk_ec2::types::VpcEndpoint) -> bool {
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
            .tag_specifications(tag_spec(ctx, planned, Kind::VpcEndpoint))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpc_endpoint()
            .and_then(|e| e.vpc_endpoint_id())
            .ok_or_else(|| ProviderError::msg("CreateVpcEndpoint returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_for(Wait::new(&id, "available", timeout), || async {
            match self.describe(&id).await?.as_ref().map(state_of).as_deref() {
                Some("available") | Some("pendingacceptance") => Ok(Poll::Ready(())),
                Some("failed") | Some("rejected") => Err(ProviderError::msg(format!(
                    "VPC endpoint {id} failed to become available"
                ))),
                Some(state) => Ok(Poll::pending(state)),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC endpoint", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(e) = self.describe(id).await? else {
            return Ok(None);
        };
        if gone(&e) {
            return Ok(None);
        }
        let owner = e.owner_id().unwrap_or_default().to_string();
        let strings = |v: &[String]| list_value(v.iter().cloned());
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("vpc_id", Value::from(e.vpc_id().map(str::to_string))),
            ("service_name", Value::from(e.service_name().map(str::to_string))),
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
            ("policy", Value::from(e.policy_document().map(str::to_string))),
            ("auto_accept", prior.get("auto_accept").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(e.tags())),
            (
                "arn",
                Value::str(format!("arn:aws:ec2:{}:{owner}:vpc-endpoint/{id}", self.c.region)),
            ),
            ("state", Value::from(e.state().map(|s| s.as_str().to_string()))),
            ("prefix_list_id", Value::Null),
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
        if add_rt.is_some()
            || remove_rt.is_some()
            || add_sn.is_some()
            || remove_sn.is_some()
            || add_sg.is_some()
            || remove_sg.is_some()
            || policy_changed
            || dns_changed
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
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(e) if state_of(&e) == "deleted" => Poll::Ready(()),
                Some(e) => Poll::pending(state_of(&e)),
            })
        })
        .await
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
