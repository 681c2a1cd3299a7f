//! `aws_vpc_dhcp_options_association`: which DHCP options set a VPC uses.
//!
//! The id is the provider's `<options id>-<vpc id>`; the import id is the VPC's id. Deleting
//! puts the VPC back on AWS's `default` options. A VPC already using the planned set is what a
//! killed run left, and is adopted.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpc_dhcp_options_association` resource type.
pub struct VpcDhcpOptionsAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcDhcpOptionsAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcDhcpOptionsAssociation {
        let schema = resource("aws_vpc_dhcp_options_association")
            .arg("vpc_id")
            .force_new()
            .args(&["dhcp_options_id"])
            .build();
        VpcDhcpOptionsAssociation { c, schema }
    }

    /// The options set a VPC uses now; `None` when the VPC is gone.
    async fn options_of(&self, vpc: &str) -> PResult<Option<String>> {
        let out = absent_on(
            self.c.ec2.describe_vpcs().vpc_ids(vpc).send().await.map_err(aws_err),
            &["InvalidVpcID.NotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.vpcs()
                .first()
                .map(|v| v.dhcp_options_id().unwrap_or("default").to_string())
        }))
    }

    async fn associate(&self, options: &str, vpc: &str) -> PResult<()> {
        self.c
            .ec2
            .associate_dhcp_options()
            .dhcp_options_id(options)
            .vpc_id(vpc)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

fn association_value(options: &str, vpc: &str) -> Value {
    Value::object([
        ("id", Value::str(format!("{options}-{vpc}"))),
        ("dhcp_options_id", Value::str(options)),
        ("vpc_id", Value::str(vpc)),
    ])
}

#[async_trait]
impl ResourceType for VpcDhcpOptionsAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let options = opt_str(planned, "dhcp_options_id").unwrap_or_default();
        let vpc = opt_str(planned, "vpc_id").unwrap_or_default();
        self.associate(&options, &vpc).await?;
        let id = format!("{options}-{vpc}");
        must_exist(self.read(ctx, &id, planned).await?, "DHCP options association", &id)
    }

    /// Reads by the VPC (the prior's, or the import id's); gone when the VPC uses other options.
    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (vpc, wanted) = match opt_str(prior, "vpc_id") {
            Some(vpc) => (vpc, opt_str(prior, "dhcp_options_id")),
            None => (id.to_string(), None),
        };
        let Some(current) = self.options_of(&vpc).await? else {
            return Ok(None);
        };
        if wanted.is_some_and(|w| w != current) {
            return Ok(None);
        }
        Ok(Some(association_value(&current, &vpc)))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let options = opt_str(planned, "dhcp_options_id").unwrap_or_default();
        let vpc = opt_str(planned, "vpc_id").unwrap_or_default();
        self.associate(&options, &vpc).await?;
        let id = format!("{options}-{vpc}");
        must_exist(self.read(ctx, &id, planned).await?, "DHCP options association", &id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let vpc = opt_str(prior, "vpc_id").unwrap_or_default();
        match self.options_of(&vpc).await? {
            Some(current) if current != "default" && Some(&current) == opt_str(prior, "dhcp_options_id").as_ref() => {
                self.associate("default", &vpc).await
            }
            _ => Ok(()),
        }
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(options), Some(vpc)) = (opt_str(planned, "dhcp_options_id"), opt_str(planned, "vpc_id")) else {
            return Ok(None);
        };
        Ok((self.options_of(&vpc).await? == Some(options.clone())).then(|| vpc.clone()))
    }
}
