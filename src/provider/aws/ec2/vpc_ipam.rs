//! `aws_vpc_ipam`: an Amazon VPC IP Address Manager, which plans and tracks addresses across
//! the operating Regions it is given. AWS makes its two default scopes (public and private)
//! with it; pools live in those scopes. Everything but the IPAM itself changes in place
//! (ModifyIpam); create, update and delete are waited for as the provider waits (3 minutes).
//! `cascade` deletes the IPAM's scopes and pools with it; without it AWS refuses an IPAM that
//! still has them.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_bool, opt_str, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::region::REGION_PATTERN;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AddIpamOperatingRegion, Ipam as IpamObject, IpamState, IpamTier, RemoveIpamOperatingRegion, ResourceType as Kind,
};
use std::sync::Arc;
use std::time::Duration;

/// The provider's create, update and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(3 * 60);

/// The code EC2 answers for an IPAM it does not have.
const NOT_FOUND: &[&str] = &["InvalidIpamId.NotFound"];

/// The `aws_vpc_ipam` resource type.
pub struct Ipam {
    c: Arc<Clients>,
    schema: Schema,
}

impl Ipam {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Ipam {
        let schema = resource("aws_vpc_ipam")
            .arg("operating_regions.region_name")
            .check(matches(REGION_PATTERN, "an AWS region name such as us-east-1"))
            .arg("enable_private_gua")
            .default(false)
            .arg("tier")
            .default("advanced")
            .check(one_of(IpamTier::values()))
            .args(&["operating_regions", "description", "cascade", "tags"])
            .timeouts(3, 3, 3)
            .build();
        Ipam { c, schema }
    }

    /// The IPAM, unless EC2 no longer has it (or has only finished deleting it).
    async fn describe(&self, id: &str) -> PResult<Option<IpamObject>> {
        let out = self.c.ec2.describe_ipams().ipam_ids(id).send().await.map_err(aws_err);
        Ok(absent_on(out, NOT_FOUND)?
            .and_then(|o| o.ipams().first().cloned())
            .filter(|i| i.state() != Some(&IpamState::DeleteComplete)))
    }

    /// The IPAM's state and AWS's message about it, for [`wait_state`] and [`wait_gone`].
    async fn state(&self, id: &str) -> PResult<Option<(String, Option<String>)>> {
        Ok(self.describe(id).await?.map(|i| {
            let state = i.state().map(|s| s.as_str().to_string()).unwrap_or_default();
            (state, i.state_message().map(str::to_string))
        }))
    }
}

/// Waits until an IPAM object (an IPAM, scope or pool, read by `read` as its state and AWS's
/// message) reaches `goal` (`create-complete`, `modify-complete`); a `-failed` state ends the
/// wait with AWS's message.
pub async fn wait_state<F, Fut>(id: &str, goal: &str, timeout: Duration, read: F) -> PResult<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = PResult<Option<(String, Option<String>)>>>,
{
    wait_for(Wait::new(id, goal, timeout), || async {
        Ok(match read().await? {
            Some((s, _)) if s == goal => Poll::Ready(()),
            Some((s, why)) if s.ends_with("-failed") => {
                return Err(ProviderError::msg(format!("{id} is {s}: {}", why.unwrap_or_default())));
            }
            Some((s, _)) => Poll::pending(s),
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// Waits until an IPAM object is gone (`read` answers nothing).
pub async fn wait_gone<F, Fut>(id: &str, timeout: Duration, read: F) -> PResult<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = PResult<Option<(String, Option<String>)>>>,
{
    wait_for(Wait::new(id, "deleted", timeout), || async {
        Ok(match read().await? {
            None => Poll::Ready(()),
            Some((s, _)) => Poll::pending(s),
        })
    })
    .await
}

/// The `operating_regions` blocks' Region names.
fn regions(v: &Value) -> Vec<String> {
    v.get("operating_regions")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| opt_str(r, "region_name"))
        .collect()
}

#[async_trait]
impl ResourceType for Ipam {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipam"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's CustomizeDiff: a new IPAM must operate in the Region that makes it.
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, _planned: &mut Value) -> PResult<Option<String>> {
        let blocks = config.get("operating_regions");
        let known = blocks.as_list().is_some() && !blocks.has_unknown();
        if prior.is_none() && known && !regions(config).contains(&self.c.region) {
            return Err(ProviderError::msg(format!(
                "`operating_regions` must include {}",
                self.c.region
            )));
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_ipam()
            .set_description(opt_str(planned, "description"))
            .set_operating_regions(Some(
                regions(planned)
                    .into_iter()
                    .map(|r| AddIpamOperatingRegion::builder().region_name(r).build())
                    .collect(),
            ))
            .set_enable_private_gua(opt_bool(planned, "enable_private_gua"))
            .set_tier(opt_str(planned, "tier").map(|t| IpamTier::from(t.as_str())))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::Ipam))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .ipam()
            .and_then(|i| i.ipam_id())
            .ok_or_else(|| ProviderError::msg("CreateIpam returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_state(&id, "create-complete", timeout, || self.state(&id)).await?;
        must_exist(self.read(ctx, &id, planned).await?, "IPAM", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(i) = self.describe(id).await? else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::from(v);
        let operating = i
            .operating_regions()
            .iter()
            .map(|r| Value::object([("region_name", s(r.region_name()))]))
            .collect();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", s(i.ipam_arn())),
            ("cascade", prior.get("cascade").clone()),
            ("description", s(i.description())),
            (
                "default_resource_discovery_association_id",
                s(i.default_resource_discovery_association_id()),
            ),
            ("default_resource_discovery_id", s(i.default_resource_discovery_id())),
            (
                "enable_private_gua",
                Value::Bool(i.enable_private_gua().unwrap_or(false)),
            ),
            ("operating_regions", Value::List(operating)),
            ("private_default_scope_id", s(i.private_default_scope_id())),
            ("public_default_scope_id", s(i.public_default_scope_id())),
            ("scope_count", Value::from(i.scope_count().map(i64::from))),
            ("tier", s(i.tier().map(|t| t.as_str()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(i.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let (old, new) = (regions(prior), regions(planned));
        let add: Vec<&String> = new.iter().filter(|r| !old.contains(r)).collect();
        let remove: Vec<&String> = old.iter().filter(|r| !new.contains(r)).collect();
        let settings = ["description", "enable_private_gua", "tier"];
        if settings.iter().any(|k| changed(k)) || !add.is_empty() || !remove.is_empty() {
            let mut req = self.c.ec2.modify_ipam().ipam_id(id);
            if changed("description") {
                req = req.description(opt_str(planned, "description").unwrap_or_default());
            }
            if changed("enable_private_gua") {
                req = req.set_enable_private_gua(opt_bool(planned, "enable_private_gua"));
            }
            if changed("tier") {
                req = req.set_tier(opt_str(planned, "tier").map(|t| IpamTier::from(t.as_str())));
            }
            for r in add {
                req = req.add_operating_regions(AddIpamOperatingRegion::builder().region_name(r).build());
            }
            for r in remove {
                req = req.remove_operating_regions(RemoveIpamOperatingRegion::builder().region_name(r).build());
            }
            req.send().await.map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
            wait_state(id, "modify-complete", timeout, || self.state(id)).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "IPAM", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_ipam()
            .ipam_id(id)
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
        let found = find_owned!(self.c.ec2.describe_ipams(), ctx, ipams);
        Ok(found.first().and_then(|i| i.ipam_id()).map(str::to_string))
    }
}
