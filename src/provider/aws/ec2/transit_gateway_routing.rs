//! A transit gateway attachment's ties to route tables: associated with one (where its
//! traffic is routed) and propagating its routes to any number. The VPC attachment's default
//! route table settings and the `aws_ec2_transit_gateway_route_table_association` and
//! `_propagation` types all read, make and undo them with these functions.

use crate::provider::aws::common::{aws_err, ok_on, required, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_ec2::types::Filter;
use std::time::Duration;

/// How long the provider waits for a tie to be made or undone.
const SETTLE: Duration = Duration::from_secs(300);

/// Errors meaning the route table (and so the tie) is gone.
pub(super) const TABLE_GONE: &[&str] = &["InvalidRouteTableID.NotFound"];

/// An attachment's tie to a route table: associated with it, or propagating routes to it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Routing {
    /// The table routes the attachment's traffic.
    Association,
    /// The attachment's routes are added to the table.
    Propagation,
}

impl Routing {
    /// The state AWS reports once the tie is made (`on`) or undone.
    fn goal(self, on: bool) -> &'static str {
        match (self, on) {
            (Routing::Association, true) => "associated",
            (Routing::Association, false) => "disassociated",
            (Routing::Propagation, true) => "enabled",
            (Routing::Propagation, false) => "disabled",
        }
    }

    /// The state of a tie being undone, which the provider already counts as gone.
    fn leaving(self) -> &'static str {
        match self {
            Routing::Association => "disassociating",
            Routing::Propagation => "disabling",
        }
    }

    /// Whether a reported state means the tie holds (or is being made).
    pub(super) fn is_on(self, state: Option<&str>) -> bool {
        state.is_some_and(|s| s != self.goal(false) && s != self.leaving())
    }
}

/// A tie as AWS reports it.
pub(super) struct Tie {
    /// `associating`, `associated`, `enabling`, `enabled`, ...
    pub state: String,
    /// The attached resource (a VPC id, a VPN connection id, ...).
    pub resource_id: Option<String>,
    /// The attached resource's kind (`vpc`, `vpn`, ...).
    pub resource_type: Option<String>,
}

/// The attachment's tie of this kind to route table `table`, as AWS reports it.
pub(super) async fn tie(c: &Clients, kind: Routing, table: &str, attachment: &str) -> PResult<Option<Tie>> {
    let by_attachment = Filter::builder()
        .name("transit-gateway-attachment-id")
        .values(attachment)
        .build();
    let found = |x: Option<&str>, state: Option<&str>, id: Option<&str>, kind: Option<&str>| {
        (x == Some(attachment)).then(|| Tie {
            state: state.unwrap_or_default().to_string(),
            resource_id: id.map(str::to_string),
            resource_type: kind.map(str::to_string),
        })
    };
    Ok(match kind {
        Routing::Association => c
            .ec2
            .get_transit_gateway_route_table_associations()
            .transit_gateway_route_table_id(table)
            .filters(by_attachment)
            .send()
            .await
            .map_err(aws_err)?
            .associations()
            .iter()
            .find_map(|x| {
                found(
                    x.transit_gateway_attachment_id(),
                    x.state().map(|s| s.as_str()),
                    x.resource_id(),
                    x.resource_type().map(|t| t.as_str()),
                )
            }),
        Routing::Propagation => c
            .ec2
            .get_transit_gateway_route_table_propagations()
            .transit_gateway_route_table_id(table)
            .filters(by_attachment)
            .send()
            .await
            .map_err(aws_err)?
            .transit_gateway_route_table_propagations()
            .iter()
            .find_map(|x| {
                found(
                    x.transit_gateway_attachment_id(),
                    x.state().map(|s| s.as_str()),
                    x.resource_id(),
                    x.resource_type().map(|t| t.as_str()),
                )
            }),
    })
}

/// Whether the attachment is tied to route table `table` (no table: not tied).
pub(super) async fn is_tied(c: &Clients, kind: Routing, table: Option<&str>, attachment: &str) -> PResult<bool> {
    Ok(match table {
        Some(table) => kind.is_on(
            tie(c, kind, table, attachment)
                .await?
                .as_ref()
                .map(|t| t.state.as_str()),
        ),
        None => false,
    })
}

/// Makes the tie (`on`) or undoes it, unless it already is so, and waits until AWS reports
/// it so. Undoing a tie whose table is gone is done.
pub(super) async fn set_tie(c: &Clients, kind: Routing, table: &str, attachment: &str, on: bool) -> PResult<()> {
    let state = |t: Option<Tie>| t.map(|t| t.state);
    if kind.is_on(state(tie(c, kind, table, attachment).await?).as_deref()) == on {
        return Ok(());
    }
    let ec2 = &c.ec2;
    let sent: PResult<()> = match (kind, on) {
        (Routing::Association, true) => ec2
            .associate_transit_gateway_route_table()
            .transit_gateway_route_table_id(table)
            .transit_gateway_attachment_id(attachment)
            .send()
            .await
            .map(drop)
            .map_err(aws_err),
        (Routing::Association, false) => ec2
            .disassociate_transit_gateway_route_table()
            .transit_gateway_route_table_id(table)
            .transit_gateway_attachment_id(attachment)
            .send()
            .await
            .map(drop)
            .map_err(aws_err),
        (Routing::Propagation, true) => ec2
            .enable_transit_gateway_route_table_propagation()
            .transit_gateway_route_table_id(table)
            .transit_gateway_attachment_id(attachment)
            .send()
            .await
            .map(drop)
            .map_err(aws_err),
        (Routing::Propagation, false) => ec2
            .disable_transit_gateway_route_table_propagation()
            .transit_gateway_route_table_id(table)
            .transit_gateway_attachment_id(attachment)
            .send()
            .await
            .map(drop)
            .map_err(aws_err),
    };
    if on {
        sent?;
    } else {
        ok_on(sent, TABLE_GONE)?;
    }
    let goal = kind.goal(on);
    crate::provider::aws::common::wait_for(Wait::new(format!("{attachment} in {table}"), goal, SETTLE), || async {
        let now = match tie(c, kind, table, attachment).await {
            Err(e) if !on && e.code.as_deref().is_some_and(|c| TABLE_GONE.contains(&c)) => None,
            r => state(r?),
        };
        Ok(
            if kind.is_on(now.as_deref()) == on && now.as_deref().is_none_or(|s| s == goal) {
                Poll::Ready(())
            } else {
                Poll::pending(now.unwrap_or_else(|| "none".into()))
            },
        )
    })
    .await
}

/// The provider's id of a tie (`TABLE_ATTACHMENT`), which is also its import id.
pub(super) fn tie_id(table: &str, attachment: &str) -> String {
    format!("{table}_{attachment}")
}

/// The route table and attachment of a tie's id.
pub(super) fn parse_tie_id(id: &str) -> PResult<(String, String)> {
    match id.split_once('_') {
        Some((table, attachment)) if !table.is_empty() && !attachment.is_empty() && !attachment.contains('_') => {
            Ok((table.to_string(), attachment.to_string()))
        }
        _ => Err(ProviderError::msg(format!(
            "unexpected id {id:?}: expected TRANSIT-GATEWAY-ROUTE-TABLE-ID_TRANSIT-GATEWAY-ATTACHMENT-ID"
        ))),
    }
}

/// Makes the tie a resource's `planned` value asks for; its id.
pub(super) async fn make_tie(c: &Clients, kind: Routing, planned: &Value) -> PResult<String> {
    let table = required(planned, "transit_gateway_route_table_id")?;
    let attachment = required(planned, "transit_gateway_attachment_id")?;
    set_tie(c, kind, &table, &attachment, true).await?;
    Ok(tie_id(&table, &attachment))
}

/// Undoes the tie of a resource's id.
pub(super) async fn undo_tie(c: &Clients, kind: Routing, id: &str) -> PResult<()> {
    let (table, attachment) = parse_tie_id(id)?;
    set_tie(c, kind, &table, &attachment, false).await
}

/// A tie as its resource reads it, or `None` when it is undone (or being undone).
pub(super) async fn read_tie(c: &Clients, kind: Routing, id: &str) -> PResult<Option<Value>> {
    let (table, attachment) = parse_tie_id(id)?;
    let found = match tie(c, kind, &table, &attachment).await {
        Err(e) if e.code.as_deref().is_some_and(|c| TABLE_GONE.contains(&c)) => None,
        r => r?,
    };
    Ok(found.filter(|t| kind.is_on(Some(&t.state))).map(|t| {
        Value::object([
            ("id", Value::str(id)),
            ("transit_gateway_route_table_id", Value::str(table.clone())),
            ("transit_gateway_attachment_id", Value::str(attachment.clone())),
            ("resource_id", Value::from(t.resource_id.as_deref())),
            ("resource_type", Value::from(t.resource_type.as_deref())),
        ])
    }))
}
