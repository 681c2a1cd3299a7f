//! `aws_vpc_peering_connection`: a peering between two VPCs, accepted at once when both are
//! this account's and `auto_accept` is set, with each side's DNS resolution option.
//!
//! As the provider does: the connection is created and waited for until it is pending
//! acceptance (or active); `auto_accept` accepts it then (and on a later apply, if it is
//! still pending); the `accepter`/`requester` options are set only on an active connection;
//! a connection deleted, rejected, expired or failed counts as gone. Which side this account
//! is decides which VPC is `vpc_id` and which `peer_vpc_id` when read.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    PeeringConnectionOptionsRequest, ResourceType as Kind, VpcPeeringConnection as Peering,
    VpcPeeringConnectionOptionsDescription as Options,
};
use std::sync::Arc;
use std::time::Duration;

/// States after which a connection no longer exists for the provider.
const GONE: &[&str] = &["deleted", "expired", "failed", "rejected"];

/// The `aws_vpc_peering_connection` resource type.
pub struct VpcPeeringConnection {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcPeeringConnection {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcPeeringConnection {
        let schema = with_side_options(resource("aws_vpc_peering_connection"))
            .arg("vpc_id")
            .force_new()
            .arg("peer_vpc_id")
            .force_new()
            .arg("peer_owner_id")
            .force_new()
            .arg("peer_region")
            .force_new()
            .args(&["auto_accept", "tags"])
            .timeouts(1, 1, 1)
            .build();
        VpcPeeringConnection { c, schema }
    }
}

pub(super) async fn describe(c: &Clients, id: &str) -> PResult<Option<Peering>> {
    let out = absent_on(
        c.ec2
            .describe_vpc_peering_connections()
            .vpc_peering_connection_ids(id)
            .send()
            .await
            .map_err(aws_err),
        &["InvalidVpcPeeringConnectionID.NotFound"],
    )?;
    Ok(out.and_then(|o| {
        o.vpc_peering_connections()
            .iter()
            .find(|p| p.vpc_peering_connection_id() == Some(id) && !GONE.contains(&status(p)))
            .cloned()
    }))
}

/// The connection, which must exist.
pub(super) async fn existing(c: &Clients, id: &str) -> PResult<Peering> {
    describe(c, id)
        .await?
        .ok_or_else(|| ProviderError::msg(format!("VPC peering connection {id} no longer exists")))
}

/// Waits until the connection reaches one of `goals`, and returns it as last described.
pub(super) async fn wait_status(c: &Clients, id: &str, goals: &[&str], timeout: Duration) -> PResult<Peering> {
    wait_for(Wait::new(id, goals.join(" or "), timeout), || async {
        Ok(match describe(c, id).await? {
            Some(p) if goals.contains(&status(&p)) => Poll::Ready(p),
            Some(p) if status(&p) == "initiating-request" || status(&p) == "provisioning" => Poll::pending(status(&p)),
            Some(p) => {
                let message = p.status().and_then(|s| s.message()).unwrap_or_default();
                return Err(ProviderError::msg(format!(
                    "VPC peering connection {id} is {}: {message}",
                    status(&p)
                )));
            }
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// Accepts a connection that waits for it, when `auto_accept` asks so; the connection as
/// it is afterwards.
pub(super) async fn accept_if_asked(
    c: &Clients,
    id: &str,
    p: Peering,
    planned: &Value,
    timeout: Duration,
) -> PResult<Peering> {
    if opt_bool(planned, "auto_accept") != Some(true) || status(&p) != "pending-acceptance" {
        return Ok(p);
    }
    c.ec2
        .accept_vpc_peering_connection()
        .vpc_peering_connection_id(id)
        .send()
        .await
        .map_err(aws_err)?;
    wait_status(c, id, &["active"], timeout).await
}

/// Sets the options of each side whose block is given and `changed`, on an active
/// connection, and waits until AWS reports them.
pub(super) async fn set_options(c: &Clients, id: &str, p: &Peering, planned: &Value, changed: &[&str]) -> PResult<()> {
    let wanted = |side: &str| -> Option<bool> {
        if !changed.contains(&side) {
            return None;
        }
        match planned.get(side) {
            Value::List(items) => items
                .first()
                .map(|o| o.get("allow_remote_vpc_dns_resolution").as_bool().unwrap_or(false)),
            _ => None,
        }
    };
    let (accepter, requester) = (wanted("accepter"), wanted("requester"));
    if accepter.is_none() && requester.is_none() {
        return Ok(());
    }
    if !matches!(status(p), "active" | "provisioning") {
        return Err(ProviderError::msg(format!(
            "Unable to modify EC2 VPC Peering Connection Options. EC2 VPC Peering Connection ({id}) is not active (current status: {}). Please set the `auto_accept` attribute to `true` or activate the EC2 VPC Peering Connection manually.",
            status(p)
        )));
    }
    let request = |b: Option<bool>| {
        b.map(|v| {
            PeeringConnectionOptionsRequest::builder()
                .allow_dns_resolution_from_remote_vpc(v)
                .build()
        })
    };
    c.ec2
        .modify_vpc_peering_connection_options()
        .vpc_peering_connection_id(id)
        .set_accepter_peering_connection_options(request(accepter))
        .set_requester_peering_connection_options(request(requester))
        .send()
        .await
        .map_err(aws_err)?;
    let holds = |got: Option<&Options>, want: Option<bool>| {
        want.is_none_or(|w| {
            got.and_then(|o| o.allow_dns_resolution_from_remote_vpc())
                .unwrap_or(false)
                == w
        })
    };
    wait_for(Wait::new(id, "options applied", Duration::from_secs(180)), || async {
        let p = existing(c, id).await?;
        let side = |info: Option<&aws_sdk_ec2::types::VpcPeeringConnectionVpcInfo>| {
            info.and_then(|i| i.peering_options()).cloned()
        };
        let (a, r) = (side(p.accepter_vpc_info()), side(p.requester_vpc_info()));
        Ok(match holds(a.as_ref(), accepter) && holds(r.as_ref(), requester) {
            true => Poll::Ready(()),
            false => Poll::pending("options not reported yet"),
        })
    })
    .await
}

/// A connection as the provider reads it (`auto_accept` and `timeouts` as configured). Which
/// side this account is decides which VPC is `vpc_id`: the accepter's account sees the
/// requester as its peer.
pub(super) async fn read_connection(c: &Clients, id: &str, prior: &Value) -> PResult<Option<Value>> {
    let Some(p) = describe(c, id).await? else {
        return Ok(None);
    };
    let account = c.account_id().await?;
    let (accepter, requester) = (p.accepter_vpc_info(), p.requester_vpc_info());
    let (accepter_owner, requester_owner) = (
        accepter.and_then(|i| i.owner_id()),
        requester.and_then(|i| i.owner_id()),
    );
    let me = Some(account.as_str());
    let (own, peer) = match accepter_owner == me && requester_owner != me {
        true => (accepter, requester),
        false => (requester, accepter),
    };
    let s = |v: Option<&str>| Value::from(v);
    Ok(Some(Value::object([
        ("id", Value::str(id)),
        ("accept_status", Value::str(status(&p))),
        ("auto_accept", prior.get("auto_accept").clone()),
        ("vpc_id", s(own.and_then(|i| i.vpc_id()))),
        ("peer_vpc_id", s(peer.and_then(|i| i.vpc_id()))),
        ("peer_owner_id", s(peer.and_then(|i| i.owner_id()))),
        ("peer_region", s(accepter.and_then(|i| i.region()))),
        ("accepter", options(accepter.and_then(|i| i.peering_options()))),
        ("requester", options(requester.and_then(|i| i.peering_options()))),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(p.tags())),
        ("timeouts", prior.get("timeouts").clone()),
    ])))
}

/// An update of a connection or of its accepter: accepted if asked and still pending, the
/// options of each side that changed set, tags brought to what is planned.
pub(super) async fn update_connection(
    c: &Clients,
    id: &str,
    prior: &Value,
    planned: &Value,
    timeout: Duration,
) -> PResult<()> {
    let p = existing(c, id).await?;
    let p = accept_if_asked(c, id, p, planned, timeout).await?;
    let changed: Vec<&str> = ["accepter", "requester"]
        .into_iter()
        .filter(|side| prior.get(side) != planned.get(side))
        .collect();
    set_options(c, id, &p, planned, &changed).await?;
    update_tags(&c.ec2, id, prior, planned).await
}

/// The `accepter` and `requester` blocks the connection's three types share: AWS's options
/// when the blueprint writes none, DNS resolution off when a block leaves it out.
pub(super) fn with_side_options(decl: Decl) -> Decl {
    decl.arg("accepter")
        .live_if_unset()
        .arg("accepter.allow_remote_vpc_dns_resolution")
        .default(false)
        .arg("requester")
        .live_if_unset()
        .arg("requester.allow_remote_vpc_dns_resolution")
        .default(false)
}

pub(super) fn status(p: &Peering) -> &str {
    p.status()
        .and_then(|s| s.code())
        .map(|c| c.as_str())
        .unwrap_or("unknown")
}

/// One side's options block, as the provider reads it: absent when AWS reports none.
pub(super) fn options(o: Option<&Options>) -> Value {
    match o {
        Some(o) => Value::List(vec![Value::object([(
            "allow_remote_vpc_dns_resolution",
            Value::Bool(o.allow_dns_resolution_from_remote_vpc().unwrap_or(false)),
        )])]),
        None => Value::List(vec![]),
    }
}

#[async_trait]
impl ResourceType for VpcPeeringConnection {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let peer_region = opt_str(planned, "peer_region");
        if peer_region.is_some() && opt_bool(planned, "auto_accept") == Some(true) {
            return Err(ProviderError::msg(
                "`peer_region` cannot be set whilst `auto_accept` is `true` when creating an EC2 VPC Peering Connection",
            ));
        }
        let out = self
            .c
            .ec2
            .create_vpc_peering_connection()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_peer_vpc_id(opt_str(planned, "peer_vpc_id"))
            .set_peer_owner_id(opt_str(planned, "peer_owner_id"))
            .set_peer_region(peer_region)
            .set_tag_specifications(tag_spec(ctx, planned, Kind::VpcPeeringConnection))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpc_peering_connection()
            .and_then(|p| p.vpc_peering_connection_id())
            .ok_or_else(|| ProviderError::msg("CreateVpcPeeringConnection returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(60));
        let p = wait_status(&self.c, &id, &["pending-acceptance", "active"], timeout).await?;
        let p = accept_if_asked(&self.c, &id, p, planned, timeout).await?;
        set_options(&self.c, &id, &p, planned, &["accepter", "requester"]).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC peering connection", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_connection(&self.c, id, prior).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(60));
        update_connection(&self.c, id, prior, planned, timeout).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC peering connection", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_vpc_peering_connection()
            .vpc_peering_connection_id(id)
            .send()
            .await
            .map_err(aws_err);
        match r {
            Ok(_) => {}
            Err(e) if e.code.as_deref() == Some("InvalidVpcPeeringConnectionID.NotFound") => return Ok(()),
            // A failed connection cannot be deleted: it goes by itself (as the provider treats it).
            Err(e) if e.code.as_deref() == Some("InvalidStateTransition") && e.message.contains("to deleting") => {
                return Ok(())
            }
            Err(e) => return Err(e),
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(60));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match describe(&self.c, id).await? {
                None => Poll::Ready(()),
                Some(p) => Poll::pending(status(&p)),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_vpc_peering_connections(),
            ctx,
            vpc_peering_connections
        );
        Ok(found
            .iter()
            .find(|p| !GONE.contains(&status(p)))
            .and_then(|p| p.vpc_peering_connection_id())
            .map(str::to_string))
    }
}
