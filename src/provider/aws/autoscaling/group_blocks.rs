//! Three blocks of `aws_autoscaling_group` that AWS keeps beside the group's sizes:
//! `traffic_source` (target groups and load balancers attached by the group itself, the newer
//! form of `target_group_arns` and `load_balancers`), `availability_zone_distribution` and
//! `capacity_reservation_specification`.
//!
//! As the provider: all three are Optional+Computed (unset keeps what AWS has); the two settings
//! go out with CreateAutoScalingGroup and UpdateAutoScalingGroup; traffic sources go out with the
//! create, and a change attaches and detaches the difference ten at a time, waiting until AWS
//! describes every source of the group as added (or the detached ones as gone).

use super::absent_as_none;
use crate::provider::aws::common::{aws_err, first, opt_str, str_list, wait_for, Poll, Wait};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_autoscaling::types::{
    AvailabilityZoneDistribution, CapacityDistributionStrategy, CapacityReservationPreference,
    CapacityReservationSpecification, CapacityReservationTarget, TrafficSourceIdentifier,
};
use aws_sdk_autoscaling::Client;
use std::collections::BTreeSet;
use std::time::Duration;

/// One `traffic_source` element as (identifier, type); the type may be empty (AWS picks it).
type Source = (String, String);

fn sources(v: &Value) -> BTreeSet<Source> {
    v.get("traffic_source")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| Some((opt_str(s, "identifier")?, opt_str(s, "type").unwrap_or_default())))
        .collect()
}

fn to_identifier((identifier, kind): &Source) -> TrafficSourceIdentifier {
    TrafficSourceIdentifier::builder()
        .identifier(identifier)
        .set_type(Some(kind.clone()).filter(|k| !k.is_empty()))
        .build()
}

/// The traffic sources a create sends (`None` when the blueprint names none).
pub(super) fn traffic_sources_on_create(planned: &Value) -> Option<Vec<TrafficSourceIdentifier>> {
    let all: Vec<_> = sources(planned).iter().map(to_identifier).collect();
    (!all.is_empty()).then_some(all)
}

/// The group's traffic sources as state holds them.
pub(super) fn traffic_sources_to_state(answered: &[TrafficSourceIdentifier]) -> Value {
    Value::List(
        answered
            .iter()
            .map(|s| {
                Value::object([
                    ("identifier", Value::from(s.identifier())),
                    ("type", Value::from(s.r#type())),
                ])
            })
            .collect(),
    )
}

/// Detaches the sources the plan dropped and attaches the new ones, ten at a time as the API
/// takes them, waiting after each call as the provider does.
pub(super) async fn update_traffic_sources(
    client: &Client,
    group: &str,
    prior: &Value,
    planned: &Value,
    timeout: Duration,
) -> PResult<()> {
    let (old, new) = (sources(prior), sources(planned));
    let gone: Vec<&Source> = old.difference(&new).collect();
    for chunk in gone.chunks(10) {
        client
            .detach_traffic_sources()
            .auto_scaling_group_name(group)
            .set_traffic_sources(Some(chunk.iter().copied().map(to_identifier).collect()))
            .send()
            .await
            .map_err(aws_err)?;
        let identifiers: BTreeSet<&str> = chunk.iter().map(|(i, _)| i.as_str()).collect();
        wait_for(Wait::new(group, "traffic sources detached", timeout), || async {
            let left = described(client, group).await?;
            let still = left.iter().filter(|(i, _)| identifiers.contains(i.as_str())).count();
            Ok(if still == 0 {
                Poll::Ready(())
            } else {
                Poll::pending(format!("{still} still attached"))
            })
        })
        .await?;
    }
    let added: Vec<&Source> = new.difference(&old).collect();
    for chunk in added.chunks(10) {
        client
            .attach_traffic_sources()
            .auto_scaling_group_name(group)
            .set_traffic_sources(Some(chunk.iter().copied().map(to_identifier).collect()))
            .send()
            .await
            .map_err(aws_err)?;
        wait_for(
            Wait::new(group, "traffic sources Added or InService", timeout),
            || async {
                let states = described(client, group).await?;
                let pending: Vec<&String> = states
                    .iter()
                    .filter(|(_, state)| !matches!(state.as_str(), "Added" | "InService"))
                    .map(|(_, state)| state)
                    .collect();
                Ok(match pending.first() {
                    None => Poll::Ready(()),
                    Some(state) => Poll::pending(format!("{} {state}", pending.len())),
                })
            },
        )
        .await?;
    }
    Ok(())
}

/// Every traffic source of the group with its state (Adding, Added, InService, Removing...).
async fn described(client: &Client, group: &str) -> PResult<Vec<(String, String)>> {
    Ok(traffic_sources(client, group, None).await?.unwrap_or_default())
}

/// The group's traffic sources (of one type when `kind` is given) as (identifier, state), paged
/// through DescribeTrafficSources; `None` when the group is gone. The group's own blocks and
/// `aws_autoscaling_traffic_source_attachment` both read this way.
pub(super) async fn traffic_sources(
    client: &Client,
    group: &str,
    kind: Option<&str>,
) -> PResult<Option<Vec<(String, String)>>> {
    let mut token = None;
    let mut all = Vec::new();
    loop {
        let out = client
            .describe_traffic_sources()
            .auto_scaling_group_name(group)
            .set_traffic_source_type(kind.map(str::to_string))
            .set_next_token(token)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_as_none(out)? else {
            return Ok(None);
        };
        all.extend(out.traffic_sources().iter().map(|s| {
            (
                s.identifier().unwrap_or_default().to_string(),
                s.state().unwrap_or_default().to_string(),
            )
        }));
        match out.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(Some(all)),
        }
    }
}

/// The `availability_zone_distribution` to send (`None` when the blueprint sets none).
pub(super) fn zone_distribution(planned: &Value) -> Option<AvailabilityZoneDistribution> {
    let block = first(planned, "availability_zone_distribution")?;
    Some(
        AvailabilityZoneDistribution::builder()
            .set_capacity_distribution_strategy(
                opt_str(block, "capacity_distribution_strategy")
                    .map(|s| CapacityDistributionStrategy::from(s.as_str())),
            )
            .build(),
    )
}

/// The `availability_zone_distribution` AWS answered, as state holds it.
pub(super) fn zone_distribution_to_state(d: Option<&AvailabilityZoneDistribution>) -> Value {
    Value::List(
        d.map(|d| {
            Value::object([(
                "capacity_distribution_strategy",
                Value::from(d.capacity_distribution_strategy().map(|s| s.as_str())),
            )])
        })
        .into_iter()
        .collect(),
    )
}

/// The `capacity_reservation_specification` to send (`None` when the blueprint sets none).
pub(super) fn capacity_reservation(planned: &Value) -> Option<CapacityReservationSpecification> {
    let block = first(planned, "capacity_reservation_specification")?;
    let target = first(block, "capacity_reservation_target").map(|t| {
        let ids = str_list(t, "capacity_reservation_ids");
        let groups = str_list(t, "capacity_reservation_resource_group_arns");
        CapacityReservationTarget::builder()
            .set_capacity_reservation_ids((!ids.is_empty()).then_some(ids))
            .set_capacity_reservation_resource_group_arns((!groups.is_empty()).then_some(groups))
            .build()
    });
    Some(
        CapacityReservationSpecification::builder()
            .set_capacity_reservation_preference(
                opt_str(block, "capacity_reservation_preference")
                    .map(|p| CapacityReservationPreference::from(p.as_str())),
            )
            .set_capacity_reservation_target(target)
            .build(),
    )
}

/// The `capacity_reservation_specification` AWS answered, as state holds it: the target block
/// only when it names reservations or resource groups.
pub(super) fn capacity_reservation_to_state(c: Option<&CapacityReservationSpecification>) -> Value {
    let strings = |v: &[String]| Value::List(v.iter().map(Value::str).collect());
    Value::List(
        c.map(|c| {
            let target = c
                .capacity_reservation_target()
                .filter(|t| {
                    !t.capacity_reservation_ids().is_empty() || !t.capacity_reservation_resource_group_arns().is_empty()
                })
                .map(|t| {
                    Value::object([
                        ("capacity_reservation_ids", strings(t.capacity_reservation_ids())),
                        (
                            "capacity_reservation_resource_group_arns",
                            strings(t.capacity_reservation_resource_group_arns()),
                        ),
                    ])
                });
            Value::object([
                (
                    "capacity_reservation_preference",
                    Value::from(c.capacity_reservation_preference().map(|p| p.as_str())),
                ),
                ("capacity_reservation_target", Value::List(target.into_iter().collect())),
            ])
        })
        .into_iter()
        .collect(),
    )
}
