//! `aws_opensearchserverless_vpc_endpoint`: an OpenSearch Serverless-managed interface endpoint
//! that lets a VPC reach collections privately. Subnets and security groups change in place
//! (each change waits for the endpoint to be ACTIVE again); a new name or VPC replaces it. The
//! endpoint is also an EC2 interface endpoint of the same id, and that is where its security
//! groups are read: the service's own describe call leaves them out (the AWS provider reads them
//! from EC2 for that reason). A killed create is finished by repeating it with the same client
//! token, which AWS answers with the endpoint that token made.

use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, op_timeout, required, set_changes, str_list, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{items_at_least, items_at_most, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use aws_sdk_opensearchserverless::types::{VpcEndpointDetail, VpcEndpointStatus};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The provider's default create, update and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How many ids BatchGetVpcEndpoint takes at once.
const BATCH: usize = 100;

/// The `aws_opensearchserverless_vpc_endpoint` resource type.
pub struct VpcEndpoint {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcEndpoint {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcEndpoint {
        let schema = resource("aws_opensearchserverless_vpc_endpoint")
            .arg("name")
            .force_new()
            .check(len_between(3, 32))
            .arg("vpc_id")
            .force_new()
            .check(len_between(1, 255))
            .arg("subnet_ids")
            .check(items_at_least(1))
            .check(items_at_most(6))
            .arg("security_group_ids")
            .check(items_at_least(1))
            .check(items_at_most(5))
            .live_if_unset()
            .timeouts(30, 30, 30)
            .build();
        VpcEndpoint { c, schema }
    }

    /// The endpoints of `ids` as state holds them (missing and deleting ones left out), with
    /// one service call per hundred ids and one EC2 call for their security groups.
    async fn describe(&self, ids: &[String]) -> PResult<HashMap<String, Value>> {
        let mut details: Vec<VpcEndpointDetail> = Vec::new();
        for chunk in ids.chunks(BATCH) {
            let out = self
                .c
                .opensearchserverless
                .batch_get_vpc_endpoint()
                .set_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(aws_err)?;
            details.extend(
                out.vpc_endpoint_details()
                    .iter()
                    .filter(|d| d.status() != Some(&VpcEndpointStatus::Deleting))
                    .cloned(),
            );
        }
        if details.is_empty() {
            return Ok(HashMap::new());
        }
        let groups = self.security_groups(&details).await?;
        Ok(details
            .iter()
            .filter_map(|d| {
                let id = d.id()?;
                let groups = groups.get(id).cloned().unwrap_or_default();
                Some((id.to_string(), endpoint_value(d, groups)))
            })
            .collect())
    }

    /// The security groups of each endpoint, from its EC2 interface endpoint (filtered by id, so
    /// that one already gone drops out instead of failing the call).
    async fn security_groups(&self, details: &[VpcEndpointDetail]) -> PResult<HashMap<String, Vec<String>>> {
        let ids: Vec<String> = details.iter().filter_map(|d| d.id().map(str::to_string)).collect();
        let filter = Filter::builder().name("vpc-endpoint-id").set_values(Some(ids)).build();
        let mut groups = HashMap::new();
        let mut token = None;
        loop {
            let out = self
                .c
                .ec2
                .describe_vpc_endpoints()
                .filters(filter.clone())
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err)?;
            for e in out.vpc_endpoints() {
                let ids = e
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect();
                groups.insert(e.vpc_endpoint_id().unwrap_or_default().to_string(), ids);
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(groups);
            }
        }
    }

    /// The endpoint's status, for the waits.
    async fn status(&self, id: &str) -> PResult<Option<VpcEndpointStatus>> {
        let out = self
            .c
            .opensearchserverless
            .batch_get_vpc_endpoint()
            .ids(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.vpc_endpoint_details().first().and_then(|d| d.status().cloned()))
    }

    /// Waits for the endpoint to be ACTIVE (after a create or an update).
    async fn wait_active(&self, id: &str, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(id, "ACTIVE", timeout), || async {
            match self.status(id).await? {
                Some(VpcEndpointStatus::Active) => Ok(Poll::Ready(())),
                Some(VpcEndpointStatus::Failed) => Err(ProviderError::msg(format!("VPC endpoint {id} FAILED"))),
                Some(s) => Ok(Poll::pending(s.as_str())),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
    }
}

/// An endpoint as state holds it.
fn endpoint_value(d: &VpcEndpointDetail, groups: Vec<String>) -> Value {
    let strings = |l: &[String]| Value::List(l.iter().map(Value::str).collect());
    Value::object([
        ("id", Value::from(d.id())),
        ("name", Value::from(d.name())),
        ("vpc_id", Value::from(d.vpc_id())),
        ("subnet_ids", strings(d.subnet_ids())),
        ("security_group_ids", strings(&groups)),
    ])
}

#[async_trait]
impl ResourceType for VpcEndpoint {
    fn type_name(&self) -> &'static str {
        "aws_opensearchserverless_vpc_endpoint"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn bulk_read_limit(&self) -> usize {
        BATCH
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let groups = str_list(planned, "security_group_ids");
        let out = self
            .c
            .opensearchserverless
            .create_vpc_endpoint()
            .name(required(planned, "name")?)
            .vpc_id(required(planned, "vpc_id")?)
            .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
            .set_security_group_ids((!groups.is_empty()).then_some(groups))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .create_vpc_endpoint_detail()
            .and_then(|d| d.id())
            .ok_or_else(|| ProviderError::msg("CreateVpcEndpoint returned no id"))?
            .to_string();
        self.wait_active(&id, op_timeout(&self.schema, planned, Op::Create, TIMEOUT))
            .await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC endpoint", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(&[id.to_string()]).await?.remove(id))
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
        let mut found = self.describe(&ids).await?;
        Ok(ids.iter().map(|id| found.remove(id)).collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (add_subnets, remove_subnets) = set_changes(prior, planned, "subnet_ids");
        let (add_groups, remove_groups) = set_changes(prior, planned, "security_group_ids");
        let changed = [&add_subnets, &remove_subnets, &add_groups, &remove_groups]
            .iter()
            .any(|l| !l.is_empty());
        if changed {
            let some = |l: Vec<String>| (!l.is_empty()).then_some(l);
            self.c
                .opensearchserverless
                .update_vpc_endpoint()
                .id(id)
                .set_add_subnet_ids(some(add_subnets))
                .set_remove_subnet_ids(some(remove_subnets))
                .set_add_security_group_ids(some(add_groups))
                .set_remove_security_group_ids(some(remove_groups))
                .client_token(uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(id, op_timeout(&self.schema, planned, Op::Update, TIMEOUT))
                .await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "VPC endpoint", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .opensearchserverless
            .delete_vpc_endpoint()
            .id(id)
            .client_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, &["ResourceNotFoundException"])?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.status(id).await? {
                None => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
            })
        })
        .await
    }
}
