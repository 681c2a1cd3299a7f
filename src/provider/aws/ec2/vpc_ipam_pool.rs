//! `aws_vpc_ipam_pool`: a pool of addresses in an IPAM scope, from which VPCs, child pools and
//! custom allocations take their CIDRs (CIDRs come to it through `aws_vpc_ipam_pool_cidr`). The
//! description, auto-import, allocation rules and allocation tags change in place
//! (ModifyIpamPool); the rest makes a new pool. Timeouts are the provider's (3 minutes each).
//!
//! As in the provider, the allocation netmask lengths are kept as configured (AWS answers its
//! own bounds for the ones never set), `locale` is `None` when the pool has none, and an unset
//! `public_ip_source` stays unset when AWS reports its `byoip` default.

use super::vpc_ipam::{wait_gone, wait_state};
use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_bool, opt_i32, opt_str, required,
    string_pairs, tag_changes, Op,
};
use crate::provider::aws::region::REGION_PATTERN;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, int_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AddressFamily, IpamPool as PoolObject, IpamPoolAwsService, IpamPoolPublicIpSource, IpamPoolState, IpamScopeType,
    RequestIpamResourceTag, ResourceType as Kind,
};
use std::sync::Arc;
use std::time::Duration;

/// The provider's create, update and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(3 * 60);

/// The code EC2 answers for a pool it does not have.
pub const NOT_FOUND: &[&str] = &["InvalidIpamPoolId.NotFound"];

/// What `locale` holds for a pool available in every operating Region.
const NO_LOCALE: &str = "None";

/// The allocation rules kept as configured.
const NETMASKS: [&str; 3] = [
    "allocation_default_netmask_length",
    "allocation_max_netmask_length",
    "allocation_min_netmask_length",
];

/// The `aws_vpc_ipam_pool` resource type.
pub struct IpamPool {
    c: Arc<Clients>,
    schema: Schema,
}

impl IpamPool {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> IpamPool {
        let mut schema = resource("aws_vpc_ipam_pool")
            .arg("address_family")
            .force_new()
            .check(one_of(AddressFamily::values()))
            .arg("aws_service")
            .force_new()
            .check(one_of(IpamPoolAwsService::values()))
            .arg("auto_import")
            .default(false)
            .arg("ipam_scope_id")
            .force_new()
            .arg("locale")
            .force_new()
            .default(NO_LOCALE)
            .check(any_of(vec![
                one_of(&[NO_LOCALE]),
                matches(REGION_PATTERN, "an AWS region name such as us-east-1"),
            ]))
            .arg("public_ip_source")
            .force_new()
            .check(one_of(IpamPoolPublicIpSource::values()))
            .arg("source_ipam_pool_id")
            .force_new()
            .args(&[
                "allocation_resource_tags",
                "cascade",
                "description",
                "publicly_advertisable",
                "tags",
            ]);
        for k in NETMASKS {
            schema = schema.arg(k).check(int_between(0, 128));
        }
        IpamPool {
            c,
            schema: schema.timeouts(3, 3, 3).build(),
        }
    }

    /// The pool, unless EC2 no longer has it (or has only finished deleting it).
    async fn describe(&self, id: &str) -> PResult<Option<PoolObject>> {
        let out = self
            .c
            .ec2
            .describe_ipam_pools()
            .ipam_pool_ids(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, NOT_FOUND)?
            .and_then(|o| o.ipam_pools().first().cloned())
            .filter(|p| p.state() != Some(&IpamPoolState::DeleteComplete)))
    }

    /// The pool's state and AWS's message about it.
    async fn state(&self, id: &str) -> PResult<Option<(String, Option<String>)>> {
        Ok(self.describe(id).await?.map(|p| {
            let state = p.state().map(|s| s.as_str().to_string()).unwrap_or_default();
            (state, p.state_message().map(str::to_string))
        }))
    }

    /// Whether a scope is public (the provider asks before sending `publicly_advertisable`).
    async fn scope_is_public(&self, scope: &str) -> PResult<bool> {
        let out = self
            .c
            .ec2
            .describe_ipam_scopes()
            .ipam_scope_ids(scope)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.ipam_scopes().first().and_then(|s| s.ipam_scope_type()) == Some(&IpamScopeType::Public))
    }
}

/// Allocation tags as ModifyIpamPool and CreateIpamPool take them.
fn resource_tags<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<RequestIpamResourceTag> {
    pairs
        .into_iter()
        .map(|(k, v)| RequestIpamResourceTag::builder().key(k).value(v).build())
        .collect()
}

#[async_trait]
impl ResourceType for IpamPool {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipam_pool"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let family = AddressFamily::from(required(planned, "address_family")?.as_str());
        let scope = opt_str(planned, "ipam_scope_id").unwrap_or_default();
        let source = opt_str(planned, "public_ip_source");
        // As the provider: an IPv6 pool of a public scope says whether it is advertised,
        // unless its addresses are Amazon's.
        let advertised = if family == AddressFamily::Ipv6
            && source.as_deref() != Some("amazon")
            && self.scope_is_public(&scope).await?
        {
            Some(opt_bool(planned, "publicly_advertisable").unwrap_or(false))
        } else {
            None
        };
        let tags = string_pairs(planned.get("allocation_resource_tags"));
        let out = self
            .c
            .ec2
            .create_ipam_pool()
            .ipam_scope_id(&scope)
            .address_family(family)
            .set_description(opt_str(planned, "description"))
            .set_locale(opt_str(planned, "locale").filter(|l| l != NO_LOCALE))
            .set_source_ipam_pool_id(opt_str(planned, "source_ipam_pool_id"))
            .set_auto_import(opt_bool(planned, "auto_import").filter(|a| *a))
            .set_publicly_advertisable(advertised)
            .set_allocation_default_netmask_length(opt_i32(planned, NETMASKS[0]).filter(|n| *n != 0))
            .set_allocation_max_netmask_length(opt_i32(planned, NETMASKS[1]).filter(|n| *n != 0))
            .set_allocation_min_netmask_length(opt_i32(planned, NETMASKS[2]).filter(|n| *n != 0))
            .set_allocation_resource_tags((!tags.is_empty()).then(|| resource_tags(&tags)))
            .set_aws_service(opt_str(planned, "aws_service").map(|s| IpamPoolAwsService::from(s.as_str())))
            .set_public_ip_source(source.map(|s| IpamPoolPublicIpSource::from(s.as_str())))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::IpamPool))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .ipam_pool()
            .and_then(|p| p.ipam_pool_id())
            .ok_or_else(|| ProviderError::msg("CreateIpamPool returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_state(&id, "create-complete", timeout, || self.state(&id)).await?;
        must_exist(self.read(ctx, &id, planned).await?, "IPAM pool", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = self.describe(id).await? else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::from(v);
        let scope = p.ipam_scope_arn().and_then(|a| a.split_once('/')).map(|(_, id)| id);
        let source = match p.public_ip_source().map(|s| s.as_str()) {
            Some("byoip") if opt_str(prior, "public_ip_source").is_none() => None,
            other => other,
        };
        let allocation_tags = p
            .allocation_resource_tags()
            .iter()
            .map(|t| (t.key().unwrap_or_default(), s(t.value())));
        let mut v = Value::object([
            ("id", Value::str(id)),
            ("arn", s(p.ipam_pool_arn())),
            ("address_family", s(p.address_family().map(|f| f.as_str()))),
            ("allocation_resource_tags", Value::object(allocation_tags)),
            ("auto_import", Value::Bool(p.auto_import().unwrap_or(false))),
            ("aws_service", s(p.aws_service().map(|a| a.as_str()))),
            ("cascade", prior.get("cascade").clone()),
            ("description", s(p.description())),
            ("ipam_scope_id", s(scope)),
            ("ipam_scope_type", s(p.ipam_scope_type().map(|t| t.as_str()))),
            ("locale", Value::str(p.locale().unwrap_or(NO_LOCALE))),
            ("pool_depth", Value::from(p.pool_depth().map(i64::from))),
            ("public_ip_source", s(source)),
            ("publicly_advertisable", Value::from(p.publicly_advertisable())),
            ("source_ipam_pool_id", s(p.source_ipam_pool_id())),
            ("state", s(p.state().map(|t| t.as_str()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(p.tags())),
        ]);
        if let Value::Object(m) = &mut v {
            for k in NETMASKS {
                m.insert(k.to_string(), prior.get(k).clone());
            }
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let settings = ["description", "auto_import", "allocation_resource_tags"];
        if settings.iter().chain(NETMASKS.iter()).any(|k| changed(k)) {
            let mut req = self.c.ec2.modify_ipam_pool().ipam_pool_id(id);
            if changed("description") {
                req = req.description(opt_str(planned, "description").unwrap_or_default());
            }
            if changed("auto_import") {
                req = req.auto_import(opt_bool(planned, "auto_import").unwrap_or(false));
            }
            // An unset maximum or minimum is left as AWS has it, as the provider leaves it; an
            // unset default is cleared.
            match opt_i32(planned, NETMASKS[0]).filter(|n| *n != 0) {
                Some(n) if changed(NETMASKS[0]) => req = req.allocation_default_netmask_length(n),
                None if changed(NETMASKS[0]) => req = req.clear_allocation_default_netmask_length(true),
                _ => {}
            }
            if changed(NETMASKS[1]) {
                req = req.set_allocation_max_netmask_length(opt_i32(planned, NETMASKS[1]).filter(|n| *n != 0));
            }
            if changed(NETMASKS[2]) {
                req = req.set_allocation_min_netmask_length(opt_i32(planned, NETMASKS[2]).filter(|n| *n != 0));
            }
            let (add, remove) = tag_changes(
                prior.get("allocation_resource_tags"),
                planned.get("allocation_resource_tags"),
            );
            let old = string_pairs(prior.get("allocation_resource_tags"));
            let removed: Vec<(&String, &String)> = old.iter().filter(|(k, _)| remove.contains(k)).collect();
            req = req
                .set_add_allocation_resource_tags((!add.is_empty()).then(|| resource_tags(&add)))
                .set_remove_allocation_resource_tags((!removed.is_empty()).then(|| resource_tags(removed)));
            req.send().await.map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
            wait_state(id, "modify-complete", timeout, || self.state(id)).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "IPAM pool", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_ipam_pool()
            .ipam_pool_id(id)
            .set_cascade(opt_bool(prior, "cascade").filter(|c| *c))
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
        let found = find_owned!(self.c.ec2.describe_ipam_pools(), ctx, ipam_pools);
        Ok(found.first().and_then(|p| p.ipam_pool_id()).map(str::to_string))
    }
}
