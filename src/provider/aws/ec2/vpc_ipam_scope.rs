//! `aws_vpc_ipam_scope`: a private scope of an IPAM beside the two AWS makes with it (a second
//! address space, for overlapping networks). The description changes in place (ModifyIpamScope);
//! waits are the provider's (3 minutes each). AWS refuses to delete a scope that still has pools.
//! As in the provider, `ipam_id` does not force a new scope, and a scope cannot move to another
//! IPAM: such a change is refused at apply with a message.

use super::vpc_ipam::{wait_gone, wait_state};
use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_str, required, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{IpamScope as ScopeObject, IpamScopeState, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The provider's create, update and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(3 * 60);

/// The code EC2 answers for a scope it does not have.
const NOT_FOUND: &[&str] = &["InvalidIpamScopeId.NotFound"];

/// The `aws_vpc_ipam_scope` resource type.
pub struct IpamScope {
    c: Arc<Clients>,
    schema: Schema,
}

impl IpamScope {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> IpamScope {
        let schema = resource("aws_vpc_ipam_scope")
            .args(&["ipam_id", "description", "tags"])
            .timeouts(3, 3, 3)
            .build();
        IpamScope { c, schema }
    }

    /// The scope, unless EC2 no longer has it.
    async fn describe(&self, id: &str) -> PResult<Option<ScopeObject>> {
        let out = self
            .c
            .ec2
            .describe_ipam_scopes()
            .ipam_scope_ids(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, NOT_FOUND)?
            .and_then(|o| o.ipam_scopes().first().cloned())
            .filter(|s| s.state() != Some(&IpamScopeState::DeleteComplete)))
    }

    /// The scope's state (EC2 gives no message for scopes).
    async fn state(&self, id: &str) -> PResult<Option<(String, Option<String>)>> {
        Ok(self
            .describe(id)
            .await?
            .map(|s| (s.state().map(|s| s.as_str().to_string()).unwrap_or_default(), None)))
    }
}

#[async_trait]
impl ResourceType for IpamScope {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipam_scope"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_ipam_scope()
            .ipam_id(required(planned, "ipam_id")?)
            .set_description(opt_str(planned, "description"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::IpamScope))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .ipam_scope()
            .and_then(|s| s.ipam_scope_id())
            .ok_or_else(|| ProviderError::msg("CreateIpamScope returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_state(&id, "create-complete", timeout, || self.state(&id)).await?;
        must_exist(self.read(ctx, &id, planned).await?, "IPAM scope", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(s) = self.describe(id).await? else {
            return Ok(None);
        };
        let ipam = s.ipam_arn().and_then(|a| a.split_once('/')).map(|(_, id)| id);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::from(s.ipam_scope_arn())),
            ("description", Value::from(s.description())),
            ("ipam_arn", Value::from(s.ipam_arn())),
            ("ipam_id", Value::from(ipam)),
            ("ipam_scope_type", Value::from(s.ipam_scope_type().map(|t| t.as_str()))),
            ("is_default", Value::from(s.is_default())),
            ("pool_count", Value::from(s.pool_count().map(i64::from))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(s.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("ipam_id") != planned.get("ipam_id") {
            return Err(ProviderError::msg(format!(
                "IPAM scope {id} cannot move to another IPAM; replace it (-replace) to make one there"
            )));
        }
        if prior.get("description") != planned.get("description") {
            self.c
                .ec2
                .modify_ipam_scope()
                .ipam_scope_id(id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .send()
                .await
                .map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
            wait_state(id, "modify-complete", timeout, || self.state(id)).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "IPAM scope", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_ipam_scope()
            .ipam_scope_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_gone(id, timeout, || self.state(id)).await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_ipam_scopes(), ctx, ipam_scopes);
        Ok(found.first().and_then(|s| s.ipam_scope_id()).map(str::to_string))
    }
}
