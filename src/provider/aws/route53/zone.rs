//! `aws_route53_zone`: a public hosted zone, or a private one associated with VPCs (`vpc`
//! blocks). The id is the zone id without Route 53's `/hostedzone/` prefix, as the provider's
//! (and its import id). The name is kept lowercase without its trailing dot; the comment,
//! associated VPCs and tags change in place; `force_destroy` deletes the records the zone holds
//! besides its own SOA and NS before the zone.
//!
//! Route 53 takes an idempotency token on create (CallerReference, the run's token): a create
//! repeated after a killed run gets `HostedZoneAlreadyExists`, and the zone made by the first
//! call is then found by that reference. Zones are tagged after creation (Route 53 takes no
//! tags on create), so adoption also finds a zone by its reference when the run was killed
//! before it could tag.

use super::{
    add_tags, apex_name_servers, clean_id, normalize_planned_name, normalize_zone_name, update_tags, wait_change,
    zone_is_ours, zone_tags,
};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, required, tags_to_write,
    user_tags, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZone, HostedZoneConfig, ResourceRecordSet, RrType, TagResourceType, Vpc,
    VpcRegion,
};
use std::sync::Arc;
use std::time::Duration;

/// The provider's default comment.
const DEFAULT_COMMENT: &str = "Managed by Terraform";

/// The `aws_route53_zone` resource type.
pub struct Zone {
    c: Arc<Clients>,
    schema: Schema,
}

/// A `vpc` block: the VPC id and its region (the provider's region when unset).
fn vpcs_of(v: &Value, region: &str) -> Vec<(String, String)> {
    v.get("vpc")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|b| {
            let id = opt_str(b, "vpc_id")?;
            Some((id, opt_str(b, "vpc_region").unwrap_or_else(|| region.to_string())))
        })
        .collect()
}

fn vpc(id: &str, region: &str) -> Vpc {
    Vpc::builder().vpc_id(id).vpc_region(VpcRegion::from(region)).build()
}

impl Zone {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Zone {
        let schema = resource("aws_route53_zone")
            .arg("name")
            .force_new()
            .normalized(normalize_zone_name)
            .check(len_between(1, 1024))
            .arg("comment")
            .default(DEFAULT_COMMENT)
            .check(len_between(0, 256))
            .arg("delegation_set_id")
            .force_new()
            .arg("force_destroy")
            .default(false)
            .args(&["tags", "vpc"])
            .arg("vpc.vpc_region")
            .live_if_unset()
            .rule(Rule::Conflicts(&["delegation_set_id", "vpc"]))
            .timeouts(30, 30, 30)
            .build();
        Zone { c, schema }
    }

    /// The state of the zone `id`, `None` when it is gone.
    async fn read_zone(&self, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .route53
            .get_hosted_zone()
            .id(clean_id(id))
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["NoSuchHostedZone"])? else {
            return Ok(None);
        };
        let Some(zone) = out.hosted_zone() else {
            return Ok(None);
        };
        let private = zone.config().is_some_and(|c| c.private_zone());
        let mut name_servers: Vec<String> = if private {
            // A private zone has no delegation set: its name servers are its apex NS record.
            apex_name_servers(&self.c, zone).await?
        } else {
            out.delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default()
        };
        name_servers.sort();
        let zone_id = clean_id(zone.id());
        let vpcs: Vec<Value> = out
            .vpcs()
            .iter()
            .map(|v| {
                Value::object([
                    ("vpc_id", Value::from(v.vpc_id())),
                    (
                        "vpc_region",
                        Value::from(v.vpc_region().map(|r| r.as_str().to_string())),
                    ),
                ])
            })
            .collect();
        let delegation_set_id = out
            .delegation_set()
            .and_then(|d| d.id())
            .filter(|d| !d.is_empty())
            .map(clean_id);
        let tags = zone_tags(&self.c, &zone_id).await?;
        Ok(Some(Value::object([
            ("id", Value::str(&zone_id)),
            ("zone_id", Value::str(&zone_id)),
            ("arn", Value::str(format!("arn:aws:route53:::hostedzone/{zone_id}"))),
            ("name", Value::str(normalize_zone_name(zone.name()))),
            (
                "comment",
                Value::str(zone.config().and_then(|c| c.comment()).unwrap_or_default()),
            ),
            (
                "delegation_set_id",
                Value::from(delegation_set_id.or_else(|| opt_str(prior, "delegation_set_id"))),
            ),
            (
                "force_destroy",
                Value::Bool(opt_bool(prior, "force_destroy").unwrap_or(false)),
            ),
            ("primary_name_server", Value::from(name_servers.first().cloned())),
            (
                "name_servers",
                Value::List(name_servers.into_iter().map(Value::String).collect()),
            ),
            ("vpc", Value::List(vpcs)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ])))
    }

    /// Zones named `name` (ListHostedZonesByName starts at the name; the first other name ends
    /// the search).
    async fn zones_named(&self, name: &str) -> PResult<Vec<HostedZone>> {
        let wanted = normalize_zone_name(name);
        let mut found = Vec::new();
        let mut next: Option<(String, Option<String>)> = Some((format!("{wanted}."), None));
        while let Some((dns_name, zone_id)) = next.take() {
            let out = self
                .c
                .route53
                .list_hosted_zones_by_name()
                .dns_name(dns_name)
                .set_hosted_zone_id(zone_id)
                .send()
                .await
                .map_err(aws_err)?;
            let mut past = false;
            for z in out.hosted_zones() {
                if normalize_zone_name(z.name()) == wanted {
                    found.push(z.clone());
                } else {
                    past = true;
                    break;
                }
            }
            if !past && out.is_truncated() {
                if let Some(n) = out.next_dns_name() {
                    next = Some((n.to_string(), out.next_hosted_zone_id().map(str::to_string)));
                }
            }
        }
        Ok(found)
    }

    /// The zone a create with this caller reference made.
    async fn zone_by_reference(&self, name: &str, reference: &str) -> PResult<Option<String>> {
        Ok(self
            .zones_named(name)
            .await?
            .into_iter()
            .find(|z| z.caller_reference() == reference)
            .map(|z| clean_id(z.id())))
    }

    /// Associates the VPCs `new` has and `old` lacks, then takes away those `old` has and `new`
    /// lacks (in that order: Route 53 refuses to take a private zone's last VPC away), waiting
    /// for each change.
    async fn sync_vpcs(
        &self,
        id: &str,
        old: &[(String, String)],
        new: &[(String, String)],
        timeout: Duration,
    ) -> PResult<()> {
        let has = |list: &[(String, String)], id: &str| list.iter().any(|(v, _)| v == id);
        for (vpc_id, region) in new.iter().filter(|(v, _)| !has(old, v)) {
            let out = self
                .c
                .route53
                .associate_vpc_with_hosted_zone()
                .hosted_zone_id(id)
                .vpc(vpc(vpc_id, region))
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(info) = out.change_info() {
                wait_change(&self.c, info.id(), timeout).await?;
            }
        }
        for (vpc_id, region) in old.iter().filter(|(v, _)| !has(new, v)) {
            let out = self
                .c
                .route53
                .disassociate_vpc_from_hosted_zone()
                .hosted_zone_id(id)
                .vpc(vpc(vpc_id, region))
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(info) = out.change_info() {
                wait_change(&self.c, info.id(), timeout).await?;
            }
        }
        Ok(())
    }

    /// Deletes every record of the zone but its own SOA and apex NS (`force_destroy`).
    async fn delete_records(&self, zone_id: &str, timeout: Duration) -> PResult<()> {
        let zone = self
            .c
            .route53
            .get_hosted_zone()
            .id(zone_id)
            .send()
            .await
            .map_err(aws_err)?;
        let apex = zone
            .hosted_zone()
            .map(|z| normalize_zone_name(z.name()))
            .unwrap_or_default();
        let records = super::record::list_all(&self.c, zone_id).await?;
        let doomed: Vec<&ResourceRecordSet> = records
            .iter()
            .filter(|r| {
                let at_apex = normalize_zone_name(r.name()) == apex;
                !(r.r#type() == &RrType::Soa || (at_apex && r.r#type() == &RrType::Ns))
            })
            .collect();
        for chunk in doomed.chunks(100) {
            let changes = chunk
                .iter()
                .map(|r| {
                    Change::builder()
                        .action(ChangeAction::Delete)
                        .resource_record_set((*r).clone())
                        .build()
                        .map_err(build_err)
                })
                .collect::<PResult<Vec<_>>>()?;
            let batch = ChangeBatch::builder()
                .set_changes(Some(changes))
                .build()
                .map_err(build_err)?;
            let out = self
                .c
                .route53
                .change_resource_record_sets()
                .hosted_zone_id(zone_id)
                .change_batch(batch)
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(info) = out.change_info() {
                wait_change(&self.c, info.id(), timeout).await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for Zone {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The name is planned in the spelling state will hold (the provider's StateFunc).
    fn refine_plan(&self, _prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        normalize_planned_name(planned);
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let vpcs = vpcs_of(planned, &self.c.region);
        let reference = if ctx.token.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            ctx.token.chars().take(128).collect()
        };
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        let config = HostedZoneConfig::builder()
            .comment(opt_str(planned, "comment").unwrap_or_default())
            .private_zone(!vpcs.is_empty())
            .build();
        let r = self
            .c
            .route53
            .create_hosted_zone()
            .name(&name)
            .caller_reference(&reference)
            .hosted_zone_config(config)
            .set_vpc(vpcs.first().map(|(id, region)| vpc(id, region)))
            .set_delegation_set_id(opt_str(planned, "delegation_set_id"))
            .send()
            .await
            .map_err(aws_err);
        let id = match r {
            Ok(out) => {
                let id = out
                    .hosted_zone()
                    .map(|z| clean_id(z.id()))
                    .ok_or_else(|| ProviderError::msg("Route 53 answered the create with no zone"))?;
                if let Some(info) = out.change_info() {
                    wait_change(&self.c, info.id(), timeout).await?;
                }
                id
            }
            // The same reference again: a resumed create whose first call went through.
            Err(e) if e.code.as_deref() == Some("HostedZoneAlreadyExists") => {
                self.zone_by_reference(&name, &reference).await?.ok_or(e)?
            }
            Err(e) => return Err(e),
        };
        add_tags(&self.c, TagResourceType::Hostedzone, &id, tags_to_write(ctx, planned)).await?;
        // The first VPC came with the create; the others are associated now.
        let current = self.read_zone(&id, planned).await?;
        let have = current.map(|v| vpcs_of(&v, &self.c.region)).unwrap_or_default();
        self.sync_vpcs(&id, &have, &vpcs, timeout).await?;
        must_exist(self.read_zone(&id, planned).await?, "Route 53 zone", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_zone(id, prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(1800));
        if prior.get("comment") != planned.get("comment") {
            self.c
                .route53
                .update_hosted_zone_comment()
                .id(id)
                .comment(opt_str(planned, "comment").unwrap_or_default())
                .send()
                .await
                .map_err(aws_err)?;
        }
        let (old, new) = (vpcs_of(prior, &self.c.region), vpcs_of(planned, &self.c.region));
        self.sync_vpcs(id, &old, &new, timeout).await?;
        update_tags(&self.c, TagResourceType::Hostedzone, id, prior, planned).await?;
        must_exist(self.read_zone(id, planned).await?, "Route 53 zone", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1800));
        if opt_bool(prior, "force_destroy") == Some(true) {
            let r = self.delete_records(id, timeout).await;
            if absent_on(r, &["NoSuchHostedZone"])?.is_none() {
                return Ok(());
            }
        }
        let r = self.c.route53.delete_hosted_zone().id(id).send().await.map_err(aws_err);
        if let Some(out) = absent_on(r, &["NoSuchHostedZone"])? {
            if let Some(info) = out.change_info() {
                wait_change(&self.c, info.id(), timeout).await?;
            }
        }
        Ok(())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        for z in self.zones_named(&name).await? {
            let id = clean_id(z.id());
            // A resumed create's own reference, or this stack's tags for this address.
            if (ctx.resumed
                && !ctx.token.is_empty()
                && z.caller_reference() == ctx.token.chars().take(128).collect::<String>())
                || zone_is_ours(&self.c, ctx, &id).await?
            {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}
