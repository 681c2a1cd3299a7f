//! `aws_vpc_block_public_access_exclusion`: a VPC or subnet let through the region's VPC Block
//! Public Access mode, in both directions or outbound only. The mode changes in place; the VPC or
//! subnet replaces it. Creating, changing and deleting wait for the exclusion's `-complete`
//! state, as the provider does.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, must_exist, ok_on, op_timeout, opt_str, required, wait_for, Op, Poll,
    Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    InternetGatewayExclusionMode, ResourceType as Kind, VpcBlockPublicAccessExclusion as Exclusion,
    VpcBlockPublicAccessExclusionState as State,
};
use std::sync::Arc;
use std::time::Duration;

/// What EC2 answers for an exclusion id it does not know.
const GONE: &[&str] = &["InvalidVpcBlockPublicAccessExclusionId.NotFound"];

/// The `aws_vpc_block_public_access_exclusion` resource type.
pub struct BlockPublicAccessExclusion {
    c: Arc<Clients>,
    schema: Schema,
}

impl BlockPublicAccessExclusion {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BlockPublicAccessExclusion {
        let schema = resource("aws_vpc_block_public_access_exclusion")
            .arg("internet_gateway_exclusion_mode")
            .check(one_of(&["allow-bidirectional", "allow-egress"]))
            .arg("vpc_id")
            .force_new()
            .arg("subnet_id")
            .force_new()
            .rule(Rule::ExactlyOne(&["subnet_id", "vpc_id"]))
            .args(&["tags"])
            .timeouts(30, 30, 30)
            .build();
        BlockPublicAccessExclusion { c, schema }
    }

    /// The exclusion, deleted ones included (AWS lists them for a while).
    async fn describe(&self, id: &str) -> PResult<Option<Exclusion>> {
        let r = self
            .c
            .ec2
            .describe_vpc_block_public_access_exclusions()
            .exclusion_ids(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, GONE)?.and_then(|out| {
            out.vpc_block_public_access_exclusions()
                .iter()
                .find(|e| e.exclusion_id() == Some(id))
                .cloned()
        }))
    }

    /// Waits until the exclusion reaches `goal` (`create-complete`, `update-complete`,
    /// `delete-complete`); a `-failed` state ends the wait with AWS's reason.
    async fn wait(&self, id: &str, goal: State, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(id, goal.as_str(), timeout), || async {
            match self.describe(id).await? {
                Some(e) if e.state() == Some(&goal) => Ok(Poll::Ready(())),
                None if goal == State::DeleteComplete => Ok(Poll::Ready(())),
                Some(e) if e.state().is_some_and(|s| s.as_str().ends_with("-failed")) => {
                    Err(ProviderError::msg(format!(
                        "VPC Block Public Access exclusion {id} is {}: {}",
                        e.state().map_or("", |s| s.as_str()),
                        e.reason().unwrap_or("no reason given")
                    )))
                }
                Some(e) => Ok(Poll::pending(e.state().map_or("unknown", |s| s.as_str()))),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
    }
}

/// True for an exclusion that is deleted or being deleted.
fn deleted(e: &Exclusion) -> bool {
    matches!(e.state(), Some(State::DeleteComplete | State::DeleteInProgress))
}

/// The exclusion as state keeps it; the VPC or subnet comes from its resource ARN, as the
/// provider reads it.
fn exclusion_value(id: &str, e: &Exclusion, prior: &Value) -> Value {
    let target = e.resource_arn().and_then(|a| a.splitn(6, ':').nth(5));
    let (vpc, subnet) = match target.and_then(|t| t.split_once('/')) {
        Some(("vpc", v)) => (Some(v), None),
        Some(("subnet", s)) => (None, Some(s)),
        _ => (None, None),
    };
    Value::object([
        ("id", Value::str(id)),
        (
            "internet_gateway_exclusion_mode",
            Value::from(e.internet_gateway_exclusion_mode().map(|m| m.as_str())),
        ),
        ("resource_arn", Value::from(e.resource_arn())),
        ("vpc_id", Value::from(vpc)),
        ("subnet_id", Value::from(subnet)),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(e.tags())),
    ])
}

#[async_trait]
impl ResourceType for BlockPublicAccessExclusion {
    fn type_name(&self) -> &'static str {
        "aws_vpc_block_public_access_exclusion"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let mode = required(planned, "internet_gateway_exclusion_mode")?;
        let out = self
            .c
            .ec2
            .create_vpc_block_public_access_exclusion()
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_subnet_id(opt_str(planned, "subnet_id"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::VpcBlockPublicAccessExclusion))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpc_block_public_access_exclusion()
            .and_then(|e| e.exclusion_id())
            .ok_or_else(|| ProviderError::msg("CreateVpcBlockPublicAccessExclusion returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        self.wait(&id, State::CreateComplete, timeout).await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "VPC Block Public Access exclusion",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self
            .describe(id)
            .await?
            .filter(|e| !deleted(e))
            .map(|e| exclusion_value(id, &e, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if differs(prior, planned, "internet_gateway_exclusion_mode") {
            let mode = required(planned, "internet_gateway_exclusion_mode")?;
            self.c
                .ec2
                .modify_vpc_block_public_access_exclusion()
                .exclusion_id(id)
                .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
                .send()
                .await
                .map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(1800));
            self.wait(id, State::UpdateComplete, timeout).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(
            self.read(ctx, id, planned).await?,
            "VPC Block Public Access exclusion",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_vpc_block_public_access_exclusion()
            .exclusion_id(id)
            .send()
            .await
            .map_err(aws_err);
        // Deleting an exclusion AWS already deleted answers InvalidParameterValue "... is in
        // delete-complete state and cannot be deleted": gone, as the provider takes it.
        if let Err(e) = &r {
            if e.code.as_deref() == Some("InvalidParameterValue") && e.message.contains("delete-complete state") {
                return Ok(());
            }
        }
        ok_on(r, GONE)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1800));
        self.wait(id, State::DeleteComplete, timeout).await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_vpc_block_public_access_exclusions(),
            ctx,
            vpc_block_public_access_exclusions
        );
        Ok(found
            .iter()
            .find(|e| !deleted(e))
            .and_then(|e| e.exclusion_id())
            .map(str::to_string))
    }
}
