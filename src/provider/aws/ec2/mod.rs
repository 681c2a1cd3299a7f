//! EC2 networking resources, and the tag helpers they share.

pub mod availability_zones;
pub mod capacity_reservation;
pub mod cidr_association;
pub mod customer_gateway;
pub mod data;
pub mod default_network_acl;
pub mod default_route_table;
pub mod default_security_group;
pub mod default_subnet;
pub mod default_vpc;
pub mod ebs_volume;
pub mod egress_only_internet_gateway;
pub mod eip;
pub mod eip_association;
pub mod flow_log;
pub mod instance;
pub mod instance_devices;
pub mod instance_options;
pub mod internet_gateway;
pub mod key_pair;
pub mod launch_template;
pub mod launch_template_data;
pub mod managed_prefix_list;
pub mod nat_gateway;
pub mod network_acl;
pub mod network_acl_association;
pub mod network_acl_rule;
pub mod network_interface;
pub mod network_interface_attachment;
pub mod network_interface_sg_attachment;
pub mod placement_group;
pub mod route;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod subnet;
pub mod transit_gateway;
pub mod transit_gateway_route;
pub mod transit_gateway_route_table;
pub mod transit_gateway_route_table_association;
pub mod transit_gateway_route_table_propagation;
pub mod transit_gateway_routing;
pub mod transit_gateway_vpc_attachment;
pub mod volume_attachment;
pub mod vpc;
pub mod vpc_block_public_access_exclusion;
pub mod vpc_block_public_access_options;
pub mod vpc_dhcp_options;
pub mod vpc_dhcp_options_association;
pub mod vpc_endpoint;
pub mod vpc_endpoint_policy;
pub mod vpc_ipam;
pub mod vpc_ipam_pool;
pub mod vpc_ipam_pool_cidr;
pub mod vpc_ipam_preview_next_cidr;
pub mod vpc_ipam_scope;
pub mod vpc_ipv4_cidr_block_association;
pub mod vpc_ipv6_cidr_block_association;
pub mod vpc_peering_connection;
pub mod vpc_peering_connection_accepter;
pub mod vpc_peering_connection_options;
pub mod vpc_security_group_rule;
pub mod vpn_gateway;
pub mod vpn_gateway_attachment;
pub mod vpn_gateway_route_propagation;

use super::common::{aws_err, tag_changes, tags_to_write, user_tags};
use crate::provider::{CallCtx, PResult, ADDRESS_TAG, STACK_TAG};
use crate::value::Value;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

/// Tags to attach at creation, as EC2 takes them.
pub fn tag_spec(ctx: &CallCtx, planned: &Value, kind: ResourceType) -> Option<Vec<TagSpecification>> {
    tag_spec_of(tags_to_write(ctx, planned), kind)
}

/// Given tags as an EC2 tag specification of `kind`; none for no tags, since EC2 refuses a tag
/// specification without tags ("Tag specification must have at least one tag"): an untagged
/// object on a stack Terraform keeps (no infractl tags) is sent none.
pub fn tag_spec_of(
    tags: impl IntoIterator<Item = (String, String)>,
    kind: ResourceType,
) -> Option<Vec<TagSpecification>> {
    let tags: Vec<Tag> = tags
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    (!tags.is_empty()).then(|| {
        vec![TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(tags))
            .build()]
    })
}

/// `tags_all` from EC2 tags.
pub fn read_tags(tags: &[Tag]) -> Value {
    user_tags(tags.iter().map(|t| {
        (
            t.key().unwrap_or_default().to_string(),
            t.value().unwrap_or_default().to_string(),
        )
    }))
}

/// Brings an object's tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(ec2: &aws_sdk_ec2::Client, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
    if !remove.is_empty() {
        ec2.delete_tags()
            .resources(id)
            .set_tags(Some(
                remove.into_iter().map(|k| Tag::builder().key(k).build()).collect(),
            ))
            .send()
            .await
            .map_err(aws_err)?;
    }
    if !add.is_empty() {
        ec2.create_tags()
            .resources(id)
            .set_tags(Some(
                add.into_iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_err)?;
    }
    Ok(())
}

/// Whether an instance type has burstable performance (takes a credit specification), as
/// DescribeInstanceTypes says; the provider asks before sending or reading credits. Asked once
/// per type and process: a type's facts do not change.
pub async fn burstable(ec2: &aws_sdk_ec2::Client, instance_type: &str) -> PResult<bool> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    if let Some(b) = known.lock().ok().and_then(|k| k.get(instance_type).copied()) {
        return Ok(b);
    }
    let out = ec2
        .describe_instance_types()
        .instance_types(aws_sdk_ec2::types::InstanceType::from(instance_type))
        .send()
        .await
        .map_err(aws_err)
        .map_err(|e| e.context(format!("reading EC2 instance type {instance_type}")))?;
    let b = out
        .instance_types()
        .first()
        .and_then(|i| i.burstable_performance_supported())
        .unwrap_or(false);
    if let Ok(mut k) = known.lock() {
        k.insert(instance_type.to_string(), b);
    }
    Ok(b)
}

/// True when an object's tags say this stack created it for this address. Checked on every
/// object a filtered describe returns, so a backend that ignores filters can never make us
/// adopt someone else's object.
pub fn owned(tags: &[Tag], ctx: &CallCtx) -> bool {
    let has = |k: &str, v: &str| tags.iter().any(|t| t.key() == Some(k) && t.value() == Some(v));
    has(STACK_TAG, &ctx.stack) && has(ADDRESS_TAG, &ctx.address)
}

/// Filters selecting objects this stack created; callers keep those of their address with
/// [`owned`]. The address is not sent as a filter: count and for_each addresses hold brackets
/// (`aws_subnet.app[0]`), which moto reads as a pattern (and AWS filter values treat `*` and
/// `?` as wildcards), so the exact comparison is made here.
pub fn owner_filters(ctx: &CallCtx) -> Vec<Filter> {
    vec![Filter::builder()
        .name(format!("tag:{STACK_TAG}"))
        .values(&ctx.stack)
        .build()]
}

/// The objects a Describe call finds that this stack created for this address (a run killed
/// after the create call left them without a state record), filtered by the stack tag and then
/// checked exactly with [`owned`]: `find_owned!(client.describe_vpcs(), ctx, vpcs)`, or with
/// the name of the tags' accessor where it is not `tags` (`tag_set` on network interfaces). A
/// macro for the same reason as [`describe_all`].
macro_rules! find_owned {
    ($call:expr, $ctx:expr, $items:ident) => {
        $crate::provider::aws::ec2::find_owned!($call, $ctx, $items, tags)
    };
    ($call:expr, $ctx:expr, $items:ident, $tags:ident) => {{
        let out = $call
            .set_filters(Some($crate::provider::aws::ec2::owner_filters($ctx)))
            .send()
            .await
            .map_err($crate::provider::aws::common::aws_err)?;
        out.$items()
            .iter()
            .filter(|o| $crate::provider::aws::ec2::owned(o.$tags(), $ctx))
            .cloned()
            .collect::<Vec<_>>()
    }};
}
pub(crate) use find_owned;

/// Filter values EC2 accepts in one filter.
pub const BULK_READ_LIMIT: usize = 200;

/// Every object a paginated EC2 Describe call returns for one filter, read page by page (a
/// failed page returns its error from the enclosing function):
/// `describe_all!(client.describe_subnets(), filter, subnets)`. A macro because each call has
/// its own paginator and output types, with nothing in common to name in a generic function.
macro_rules! describe_all {
    ($call:expr, $filter:expr, $items:ident) => {{
        let mut all = Vec::new();
        let mut pages = $call.filters($filter).into_paginator().send();
        while let Some(page) = pages.next().await {
            all.extend(page.map_err(aws_err)?.$items().iter().cloned());
        }
        all
    }};
}
pub(crate) use describe_all;

/// Reads many EC2 objects of one type with one Describe call filtered by id (`subnet-id`,
/// `group-id`, ...): a filter, not an id list, so that an id that no longer exists drops out
/// instead of failing the whole call. Returns one entry per item, in order.
pub async fn read_many_by_id<T, Fut>(
    items: &[(String, Value)],
    id_filter: &str,
    describe: impl FnOnce(Filter) -> Fut,
    id_of: impl Fn(&T) -> Option<&str>,
    value: impl Fn(&str, &T, &Value) -> Value,
) -> PResult<Vec<Option<Value>>>
where
    Fut: std::future::Future<Output = PResult<Vec<T>>>,
{
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let found: std::collections::HashMap<String, T> =
        describe(Filter::builder().name(id_filter).set_values(Some(ids)).build())
            .await?
            .into_iter()
            .filter_map(|o| id_of(&o).map(str::to_string).map(|id| (id, o)))
            .collect();
    Ok(items
        .iter()
        .map(|(id, prior)| found.get(id).map(|o| value(id, o, prior)))
        .collect())
}
