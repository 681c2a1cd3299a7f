//! `aws_apigatewayv2_vpc_link`: the network interfaces through which an HTTP API reaches private
//! targets (Cloud Map services, internal load balancers) in a VPC. The name changes in place;
//! subnets and security groups replace it. Creates wait until the link is AVAILABLE and deletes
//! until it is gone (AWS takes minutes for both). The id is the link id, also the import id.
//!
//! A refresh reads every link with GetVpcLinks (tags included).

use super::{list_all, tag_map, tag_pairs, update_tags, vpc_link_arn, BULK, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, opt_str, owns, str_list, tags_to_write, user_tags,
    wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::VpcLinkStatus;
use std::sync::Arc;
use std::time::Duration;

/// The provider waits up to 10 minutes for a link to become available or to go (the type has no
/// `timeouts` block).
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The `aws_apigatewayv2_vpc_link` resource type.
pub struct VpcLink {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcLink {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcLink {
        let schema = resource("aws_apigatewayv2_vpc_link")
            .arg("name")
            .check(len_between(1, 128))
            .arg("security_group_ids")
            .force_new()
            .arg("subnet_ids")
            .force_new()
            .args(&["tags"])
            .build();
        VpcLink { c, schema }
    }

    async fn status(&self, id: &str) -> PResult<Option<(VpcLinkStatus, Option<String>)>> {
        let r = self
            .c
            .apigatewayv2
            .get_vpc_link()
            .vpc_link_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.map(|o| {
            (
                o.vpc_link_status().cloned().unwrap_or(VpcLinkStatus::Available),
                o.vpc_link_status_message().map(str::to_string),
            )
        }))
    }
}

/// A link's state from GetVpcLink's answer or one GetVpcLinks item.
macro_rules! link_state {
    ($l:expr, $prior:expr, $region:expr) => {{
        let l = $l;
        let id = l.vpc_link_id().unwrap_or_default().to_string();
        Value::object([
            ("id", Value::str(&id)),
            ("arn", Value::str(vpc_link_arn($region, &id))),
            ("name", Value::from(l.name())),
            ("security_group_ids", list_value(l.security_group_ids().iter().cloned())),
            ("subnet_ids", list_value(l.subnet_ids().iter().cloned())),
            ("tags", configured_tags($prior)),
            ("tags_all", user_tags(tag_pairs(l.tags()))),
        ])
    }};
}

#[async_trait]
impl ResourceType for VpcLink {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_vpc_link"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .apigatewayv2
            .create_vpc_link()
            .set_name(opt_str(planned, "name"))
            .set_security_group_ids(Some(str_list(planned, "security_group_ids")))
            .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
            .set_tags(Some(tag_map(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpc_link_id()
            .ok_or_else(|| ProviderError::msg("CreateVpcLink returned no id"))?
            .to_string();
        wait_for(Wait::new(&id, "AVAILABLE", TIMEOUT), || async {
            match self.status(&id).await? {
                Some((VpcLinkStatus::Available, _)) => Ok(Poll::Ready(())),
                Some((VpcLinkStatus::Failed, message)) => Err(ProviderError::msg(format!(
                    "VPC link {id} failed: {}",
                    message.unwrap_or_default()
                ))),
                Some((s, _)) => Ok(Poll::pending(s.as_str())),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC link", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .apigatewayv2
            .get_vpc_link()
            .vpc_link_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.map(|l| link_state!(&l, prior, &self.c.region)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let links = list_all!(self.c.apigatewayv2.get_vpc_links())?;
        Ok(items
            .iter()
            .map(|(id, prior)| {
                links
                    .iter()
                    .find(|l| l.vpc_link_id() == Some(id.as_str()))
                    .map(|l| link_state!(l, prior, &self.c.region))
            })
            .collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("name") != planned.get("name") {
            self.c
                .apigatewayv2
                .update_vpc_link()
                .vpc_link_id(id)
                .set_name(opt_str(planned, "name"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        update_tags(&self.c, &vpc_link_arn(&self.c.region, id), prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC link", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigatewayv2
            .delete_vpc_link()
            .vpc_link_id(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, NOT_FOUND)?.is_none() {
            return Ok(());
        }
        wait_for(Wait::new(id, "deleted", TIMEOUT), || async {
            Ok(match self.status(id).await? {
                None | Some((VpcLinkStatus::Inactive, _)) => Poll::Ready(()),
                Some((s, _)) => Poll::pending(s.as_str()),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let name = opt_str(planned, "name");
        let links = list_all!(self.c.apigatewayv2.get_vpc_links())?;
        Ok(links
            .iter()
            .filter(|l| name.is_none() || l.name() == name.as_deref())
            .find(|l| {
                let tags = tag_pairs(l.tags());
                owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
            })
            .and_then(|l| l.vpc_link_id().map(str::to_string)))
    }
}
