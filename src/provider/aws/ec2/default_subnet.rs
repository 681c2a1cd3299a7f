//! `aws_default_subnet`: an availability zone's default subnet, adopted rather than created.
//!
//! As the provider does: "create" takes over the zone's default subnet (making one with
//! CreateDefaultSubnet when the zone has none, and saying which in `existing_default_subnet`),
//! brings its launch settings and tags to what the blueprint says, and from then on manages it
//! as `aws_subnet`. "Destroy" leaves it in AWS unless `force_destroy` is set. The zone has one
//! default subnet, so a run killed part way through adopts the same one again without tags.

use super::subnet::{apply_settings, bool_defaults, delete_subnet, subnet_value, wait_available, wait_ipv6_associated};
use super::update_tags;
use crate::provider::aws::common::{aws_err, must_exist, op_timeout, opt_bool, opt_str, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv6_cidr_network, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, Subnet as Ec2Subnet};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_default_subnet` resource type.
pub struct DefaultSubnet {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultSubnet {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DefaultSubnet {
        let schema = resource("aws_default_subnet")
            .arg("availability_zone")
            .force_new()
            .arg("ipv6_native")
            .force_new()
            .default(false)
            .arg("ipv6_cidr_block")
            .check(ipv6_cidr_network())
            .arg("private_dns_hostname_type_on_launch")
            .check(one_of(super::subnet::HOSTNAME_TYPES))
            .arg("force_destroy")
            .default(false)
            .args(&["customer_owned_ipv4_pool", "tags"])
            .rule(Rule::RequiredWith(
                "customer_owned_ipv4_pool",
                &["map_customer_owned_ip_on_launch"],
            ));
        let schema = bool_defaults(schema, true).timeouts(10, 0, 20).build();
        DefaultSubnet { c, schema }
    }

    async fn find_default(&self, zone: &str) -> PResult<Option<Ec2Subnet>> {
        let out = self
            .c
            .ec2
            .describe_subnets()
            .filters(Filter::builder().name("availabilityZone").values(zone).build())
            .filters(Filter::builder().name("defaultForAz").values("true").build())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .subnets()
            .iter()
            .find(|s| s.default_for_az() == Some(true) && s.availability_zone() == Some(zone))
            .cloned())
    }

    /// The subnet as `aws_default_subnet` state keeps it: `aws_subnet`'s value without what the
    /// default subnet's schema lacks, with what only state knows.
    fn value(id: &str, s: &Ec2Subnet, prior: &Value, existing: Value, force_destroy: Value) -> Value {
        let mut v = subnet_value(id, s, prior);
        if let Value::Object(m) = &mut v {
            m.insert("existing_default_subnet".into(), existing);
            m.insert("force_destroy".into(), force_destroy);
        }
        v
    }

    async fn read_value(&self, id: &str, prior: &Value, existing: Value, force: Value) -> PResult<Option<Value>> {
        Ok(super::subnet::describe(&self.c, id)
            .await?
            .map(|s| Self::value(id, &s, prior, existing, force)))
    }
}

#[async_trait]
impl ResourceType for DefaultSubnet {
    fn type_name(&self) -> &'static str {
        "aws_default_subnet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let zone = opt_str(planned, "availability_zone").unwrap_or_default();
        let ipv6_native = opt_bool(planned, "ipv6_native") == Some(true);
        let (subnet, existing) = match self.find_default(&zone).await? {
            Some(s) => (s, true),
            None => {
                let out = self
                    .c
                    .ec2
                    .create_default_subnet()
                    .availability_zone(&zone)
                    .set_ipv6_native(ipv6_native.then_some(true))
                    .send()
                    .await
                    .map_err(aws_err)?;
                let id = out
                    .subnet()
                    .and_then(|s| s.subnet_id())
                    .ok_or_else(|| ProviderError::msg("CreateDefaultSubnet returned no subnet id"))?;
                let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
                let made = wait_available(&self.c, id, timeout).await?;
                wait_ipv6_associated(&self.c, &made).await?;
                (made, false)
            }
        };
        let id = subnet
            .subnet_id()
            .ok_or_else(|| ProviderError::msg(format!("the default subnet of {zone} has no id")))?
            .to_string();
        let current = subnet_value(&id, &subnet, &Value::Null);
        let computed_ipv6 = !existing && ipv6_native;
        apply_settings(&self.c, &id, &current, planned, computed_ipv6).await?;
        update_tags(&self.c.ec2, &id, &current, planned).await?;
        let force = Value::Bool(opt_bool(planned, "force_destroy") == Some(true));
        must_exist(
            self.read_value(&id, planned, Value::Bool(existing), force).await?,
            "default subnet",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let force = Value::Bool(opt_bool(prior, "force_destroy") == Some(true));
        let existing = match prior.get("existing_default_subnet") {
            Value::Bool(b) => Value::Bool(*b),
            _ => Value::Bool(true),
        };
        self.read_value(id, prior, existing, force).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        apply_settings(&self.c, id, prior, planned, false).await?;
        update_tags(&self.c.ec2, id, prior, planned).await?;
        let force = Value::Bool(opt_bool(planned, "force_destroy") == Some(true));
        let existing = prior.get("existing_default_subnet").clone();
        must_exist(
            self.read_value(id, planned, existing, force).await?,
            "default subnet",
            id,
        )
    }

    /// Leaves the default subnet in AWS (state forgets it), unless `force_destroy` is set.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "force_destroy") == Some(true) {
            let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1200));
            return delete_subnet(&self.c, id, timeout).await;
        }
        tracing::warn!("default subnet {id} is left in AWS and removed from state");
        Ok(())
    }
}
