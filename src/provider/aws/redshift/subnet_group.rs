//! `aws_redshift_subnet_group`: the subnets a Redshift cluster may be placed in.

use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, ok_on, opt_str, owns, str_list, sync_tags, tags_to_write,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::subnet_group::{needs_modify, Described};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_redshift::types::{ClusterSubnetGroup, Tag};
use std::sync::Arc;

/// The `aws_redshift_subnet_group` resource type.
pub struct SubnetGroup {
    c: Arc<Clients>,
    schema: Schema,
}

impl SubnetGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubnetGroup {
        let schema = resource("aws_redshift_subnet_group")
            .arg("name")
            .force_new()
            .check(len_between(1, 255))
            .check(matches(r"^[0-9a-z-]+$", "lowercase letters, digits and hyphens"))
            .check(not_matches(r"(?i)^default$", "the name \"default\""))
            .arg("description")
            .default("Managed by Terraform")
            .check(len_between(1, 255))
            .args(&["subnet_ids", "tags"])
            .build();
        SubnetGroup { c, schema }
    }

    async fn find(&self, name: &str) -> PResult<Option<ClusterSubnetGroup>> {
        let out = absent_on(
            self.c
                .redshift
                .describe_cluster_subnet_groups()
                .cluster_subnet_group_name(name)
                .send()
                .await
                .map_err(aws_err),
            &["ClusterSubnetGroupNotFoundFault"],
        )?;
        Ok(out.and_then(|o| {
            o.cluster_subnet_groups()
                .iter()
                .find(|g| g.cluster_subnet_group_name() == Some(name))
                .cloned()
        }))
    }

    /// The group's ARN, as the provider builds it (AWS's answer carries none).
    async fn arn(&self, name: &str) -> PResult<String> {
        let account = self.c.account_id().await?;
        Ok(format!(
            "arn:aws:redshift:{}:{account}:subnetgroup:{name}",
            self.c.region
        ))
    }
}

fn tag(k: String, v: String) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn pairs(tags: &[Tag]) -> impl Iterator<Item = (&str, &str)> {
    tags.iter()
        .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
}

#[async_trait]
impl ResourceType for SubnetGroup {
    fn type_name(&self) -> &'static str {
        "aws_redshift_subnet_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").unwrap_or_default();
        self.c
            .redshift
            .create_cluster_subnet_group()
            .cluster_subnet_group_name(&name)
            .set_description(opt_str(planned, "description"))
            .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
            .set_tags(Some(
                tags_to_write(ctx, planned)
                    .into_iter()
                    .map(|(k, v)| tag(k, v))
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "Redshift subnet group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.find(id).await? else {
            return Ok(None);
        };
        let read = Described {
            name: id,
            description: g.description(),
            subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier()).collect(),
            tags: pairs(g.tags()).collect(),
            arn: self.arn(id).await?,
        };
        Ok(Some(read.value(prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if needs_modify(prior, planned) {
            self.c
                .redshift
                .modify_cluster_subnet_group()
                .cluster_subnet_group_name(id)
                .set_description(opt_str(planned, "description"))
                .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let arn = self.arn(id).await?;
        sync_tags(
            prior,
            planned,
            |keys| async {
                self.c
                    .redshift
                    .delete_tags()
                    .resource_name(&arn)
                    .set_tag_keys(Some(keys))
                    .send()
                    .await
                    .map_err(aws_err)
                    .map(|_| ())
            },
            |add| async {
                self.c
                    .redshift
                    .create_tags()
                    .resource_name(&arn)
                    .set_tags(Some(add.into_iter().map(|(k, v)| tag(k, v)).collect()))
                    .send()
                    .await
                    .map_err(aws_err)
                    .map(|_| ())
            },
        )
        .await?;
        must_exist(self.read(ctx, id, planned).await?, "Redshift subnet group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        ok_on(
            self.c
                .redshift
                .delete_cluster_subnet_group()
                .cluster_subnet_group_name(id)
                .send()
                .await
                .map_err(aws_err),
            &["ClusterSubnetGroupNotFoundFault"],
        )
    }

    /// The name is the group's identity: a group of that name carrying this stack's and
    /// address's tags is what a killed run made.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        Ok(self
            .find(&name)
            .await?
            .filter(|g| owns(pairs(g.tags()), ctx))
            .map(|_| name))
    }
}
