//! `aws_eip_association`: an Elastic IP address (by allocation id or public IP) associated with
//! an instance or a network interface, kept apart from the `aws_eip` itself.
//!
//! The id is the association id (`eipassoc-...`, also the import id). Every argument forces a
//! new association. A create EC2 refuses because the address is already associated with the
//! very target asked for (a run killed after AssociateAddress was answered) adopts that
//! association; associated elsewhere, the refusal stands unless `allow_reassociation` is set.

use super::eip::{associate, disassociate, find_by_association, Association};
use crate::provider::aws::common::{aws_err, must_exist, opt_bool, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_eip_association` resource type.
pub struct EipAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl EipAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> EipAssociation {
        let schema = resource("aws_eip_association")
            .arg("allocation_id")
            .force_new()
            .arg("allow_reassociation")
            .force_new()
            .arg("instance_id")
            .force_new()
            .arg("network_interface_id")
            .force_new()
            .arg("private_ip_address")
            .force_new()
            .arg("public_ip")
            .force_new()
            .build();
        EipAssociation { c, schema }
    }
}

fn s(v: Option<&str>) -> Value {
    Value::from(v)
}

#[async_trait]
impl ResourceType for EipAssociation {
    fn type_name(&self) -> &'static str {
        "aws_eip_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let a = Association {
            allocation_id: opt_str(planned, "allocation_id"),
            public_ip: opt_str(planned, "public_ip"),
            instance_id: opt_str(planned, "instance_id"),
            network_interface_id: opt_str(planned, "network_interface_id"),
            private_ip_address: opt_str(planned, "private_ip_address"),
            allow_reassociation: opt_bool(planned, "allow_reassociation").filter(|b| *b),
        };
        let id = associate(&self.c, &a).await?;
        must_exist(self.read(ctx, &id, planned).await?, "EIP association", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !id.starts_with("eipassoc-") {
            return Err(ProviderError::msg(format!(
                "{id} is no association id (eipassoc-...): with the retirement of EC2-Classic, standard domain addresses are no longer supported"
            )));
        }
        let Some(a) = find_by_association(&self.c, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("allocation_id", s(a.allocation_id())),
            ("allow_reassociation", prior.get("allow_reassociation").clone()),
            ("instance_id", s(a.instance_id())),
            ("network_interface_id", s(a.network_interface_id())),
            ("private_ip_address", s(a.private_ip_address())),
            ("public_ip", s(a.public_ip())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a new association: nothing reaches here but state-only values.
        must_exist(self.read(ctx, id, planned).await?, "EIP association", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        disassociate(&self.c, id).await
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        &["Resource.AlreadyAssociated"]
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let req = self.c.ec2.describe_addresses();
        let req = match (opt_str(planned, "allocation_id"), opt_str(planned, "public_ip")) {
            (Some(id), _) => req.allocation_ids(id),
            (None, Some(ip)) => req.public_ips(ip),
            (None, None) => return Ok(None),
        };
        let out = req.send().await.map_err(aws_err)?;
        let same = |want: Option<String>, have: Option<&str>| want.is_none() || want.as_deref() == have;
        Ok(out
            .addresses()
            .iter()
            .find(|a| {
                same(opt_str(planned, "instance_id"), a.instance_id())
                    && same(opt_str(planned, "network_interface_id"), a.network_interface_id())
                    && same(opt_str(planned, "private_ip_address"), a.private_ip_address())
            })
            .and_then(|a| a.association_id())
            .map(str::to_string))
    }
}
