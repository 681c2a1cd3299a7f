//! `aws_eip`: an Elastic IP address (VPC domain), optionally associated with an instance or a
//! network interface (`instance`, `network_interface`, `associate_with_private_ip`, changed in
//! place by disassociating and associating again, as the provider does). The association
//! helpers here are shared with `aws_eip_association`.

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, must_exist, ok_on, op_timeout, opt_str, retry_while,
    retry_while_matching, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Address, DomainType, Filter, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_eip` resource type.
pub struct Eip {
    c: Arc<Clients>,
    schema: Schema,
}

impl Eip {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Eip {
        let schema = resource("aws_eip")
            .arg("domain")
            .force_new()
            .arg("vpc")
            .force_new()
            .arg("public_ipv4_pool")
            .force_new()
            .arg("network_border_group")
            .force_new()
            .arg("address")
            .force_new()
            .arg("customer_owned_ipv4_pool")
            .force_new()
            .args(&["instance", "network_interface", "associate_with_private_ip", "tags"])
            .arg("domain")
            .check(one_of(&["vpc", "standard"]))
            .timeouts(0, 5, 3)
            .build();
        Eip { c, schema }
    }
}

/// How long an association takes to show in DescribeAddresses, or a pending instance to take
/// one (the provider's EC2 propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(300);

/// The address with this association, as DescribeAddresses gives it; `None` once it is gone.
pub(crate) async fn find_by_association(c: &Clients, association: &str) -> PResult<Option<Address>> {
    let r = c
        .ec2
        .describe_addresses()
        .filters(Filter::builder().name("association-id").values(association).build())
        .send()
        .await
        .map_err(aws_err);
    Ok(
        absent_on(r, &["InvalidAddress.NotFound", "InvalidAllocationID.NotFound"])?.and_then(|o| {
            o.addresses()
                .iter()
                .find(|a| a.association_id() == Some(association))
                .cloned()
        }),
    )
}

/// What AssociateAddress takes: the address (by allocation id or public IP) and where it goes.
#[derive(Default)]
pub(crate) struct Association {
    pub allocation_id: Option<String>,
    pub public_ip: Option<String>,
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip_address: Option<String>,
    pub allow_reassociation: Option<bool>,
}

/// Associates an address and waits until DescribeAddresses shows the association (retrying
/// while the instance is still pending, as the provider does); returns the association id.
pub(crate) async fn associate(c: &Clients, a: &Association) -> PResult<String> {
    let pending = |e: &ProviderError| {
        e.code.as_deref() == Some("InvalidInstanceID") && e.message.contains("pending instance")
            || e.code.as_deref() == Some("InvalidAllocationID.NotFound")
    };
    let out = retry_while_matching(pending, PROPAGATION, || async {
        c.ec2
            .associate_address()
            .set_allocation_id(a.allocation_id.clone())
            .set_public_ip(a.public_ip.clone())
            .set_instance_id(a.instance_id.clone())
            .set_network_interface_id(a.network_interface_id.clone())
            .set_private_ip_address(a.private_ip_address.clone())
            .set_allow_reassociation(a.allow_reassociation)
            .send()
            .await
            .map_err(aws_err)
    })
    .await?;
    let id = out
        .association_id()
        .ok_or_else(|| ProviderError::msg("AssociateAddress returned no association id"))?
        .to_string();
    wait_for(Wait::new(&id, "associated", PROPAGATION), || async {
        Ok(match find_by_association(c, &id).await? {
            Some(_) => Poll::Ready(()),
            None => Poll::pending("not shown yet"),
        })
    })
    .await?;
    Ok(id)
}

/// Ends an association; one already gone is no error.
pub(crate) async fn disassociate(c: &Clients, association: &str) -> PResult<()> {
    let r = c
        .ec2
        .disassociate_address()
        .association_id(association)
        .send()
        .await
        .map_err(aws_err);
    ok_on(r, &["InvalidAssociationID.NotFound"])
}

/// The EC2 DNS names the provider gives an address (it computes them, EC2 does not answer
/// them): `ip-10-0-0-1.ec2.internal` and `ec2-1-2-3-4.compute-1.amazonaws.com` in us-east-1,
/// `REGION.compute.internal` and `REGION.compute.amazonaws.com` elsewhere.
pub(crate) fn dns_names(region: &str, private_ip: Option<&str>, public_ip: Option<&str>) -> (Value, Value) {
    let dashed = |ip: &str| ip.replace('.', "-");
    let (private, public) = if region == "us-east-1" {
        ("ec2.internal".to_string(), "compute-1".to_string())
    } else {
        (format!("{region}.compute.internal"), format!("{region}.compute"))
    };
    (
        Value::from(
            private_ip
                .filter(|ip| !ip.is_empty())
                .map(|ip| format!("ip-{}.{private}", dashed(ip))),
        ),
        Value::from(
            public_ip
                .filter(|ip| !ip.is_empty())
                .map(|ip| format!("ec2-{}.{public}.amazonaws.com", dashed(ip))),
        ),
    )
}

/// The association an `aws_eip`'s arguments ask for, if any.
fn wanted(id: &str, v: &Value) -> Option<Association> {
    let (instance, eni) = (opt_str(v, "instance"), opt_str(v, "network_interface"));
    (instance.is_some() || eni.is_some()).then(|| Association {
        allocation_id: Some(id.to_string()),
        instance_id: instance,
        network_interface_id: eni,
        private_ip_address: opt_str(v, "associate_with_private_ip"),
        ..Association::default()
    })
}

#[async_trait]
impl ResourceType for Eip {
    fn type_name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .set_public_ipv4_pool(opt_str(planned, "public_ipv4_pool"))
            .set_network_border_group(opt_str(planned, "network_border_group"))
            .set_address(opt_str(planned, "address"))
            .set_customer_owned_ipv4_pool(opt_str(planned, "customer_owned_ipv4_pool"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::ElasticIp))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .allocation_id()
            .ok_or_else(|| ProviderError::msg("AllocateAddress returned no allocation id"))?
            .to_string();
        if let Some(a) = wanted(&id, planned) {
            associate(&self.c, &a).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "Elastic IP", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ec2
            .describe_addresses()
            .allocation_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidAllocationID.NotFound"])? else {
            return Ok(None);
        };
        let Some(a) = out.addresses().first() else {
            return Ok(None);
        };
        let ip = a.public_ip().unwrap_or_default().to_string();
        let owner = self.c.account_id().await?;
        let (private_dns, public_dns) = dns_names(&self.c.region, a.private_ip_address(), a.public_ip());
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("domain", Value::str("vpc")),
            ("vpc", Value::Bool(true)),
            ("public_ipv4_pool", Value::from(a.public_ipv4_pool())),
            ("address", prior.get("address").clone()),
            ("customer_owned_ipv4_pool", Value::from(a.customer_owned_ipv4_pool())),
            ("customer_owned_ip", Value::from(a.customer_owned_ip())),
            ("carrier_ip", Value::from(a.carrier_ip())),
            ("instance", Value::from(a.instance_id())),
            (
                "associate_with_private_ip",
                prior.get("associate_with_private_ip").clone(),
            ),
            ("private_dns", private_dns),
            ("network_border_group", prior.get("network_border_group").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(a.tags())),
            ("allocation_id", Value::str(id)),
            ("association_id", Value::from(a.association_id())),
            ("public_ip", Value::str(&ip)),
            ("private_ip", Value::from(a.private_ip_address())),
            ("public_dns", public_dns),
            ("network_interface", Value::from(a.network_interface_id())),
            ("ptr_record", Value::Null),
            (
                "arn",
                Value::str(format!("arn:aws:ec2:{}:{owner}:elastic-ip/{id}", self.c.region)),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let targets = ["instance", "network_interface", "associate_with_private_ip"];
        if targets.iter().any(|k| differs(prior, planned, k)) {
            if let Some(association) = opt_str(prior, "association_id") {
                disassociate(&self.c, &association).await?;
            }
            if let Some(a) = wanted(id, planned) {
                associate(&self.c, &a).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Elastic IP", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if let Some(association) = opt_str(prior, "association_id") {
            disassociate(&self.c, &association).await?;
        }
        // An address stays associated for a while after its NAT gateway is deleted (the
        // provider waits its delete timeout, 3 minutes by default, for that).
        let r = retry_while(
            &["InvalidIPAddress.InUse", "AuthFailure"],
            op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(180)),
            || async {
                self.c
                    .ec2
                    .release_address()
                    .allocation_id(id)
                    .set_network_border_group(opt_str(prior, "network_border_group"))
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await;
        absent_on(r, &["InvalidAllocationID.NotFound"]).map(|_| ())
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_addresses()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .addresses()
            .iter()
            .find(|a| owned(a.tags(), ctx))
            .and_then(|a| a.allocation_id())
            .map(str::to_string))
    }
}
