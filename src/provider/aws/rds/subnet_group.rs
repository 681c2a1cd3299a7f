//! `aws_db_subnet_group`: the subnets (of one VPC, in at least two availability zones) a DB
//! instance or cluster is placed in. The id is the name; description and subnets change in
//! place (ModifyDBSubnetGroup). AWS refuses to delete a group a DB instance still uses.

use super::{list_tags, owned, read_tags, tags_for_create, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, name_or_generated, name_prefix_read, ok_on, opt_str,
    str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::DbSubnetGroup;
use std::sync::Arc;

/// The `aws_db_subnet_group` resource type.
pub struct SubnetGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// What subnet group names may hold (the provider's check).
const NAME: &str = r"^[ ._\-0-9a-z]+$";

impl SubnetGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubnetGroup {
        let schema = resource("aws_db_subnet_group")
            .arg("name")
            .force_new()
            .check(len_between(1, 255))
            .check(matches(NAME, "lowercase letters, digits, spaces, and . _ - only"))
            .check(not_matches(r"^default$", "\"default\" is reserved"))
            .arg("name_prefix")
            .force_new()
            .check(len_between(1, 229))
            .check(matches(NAME, "lowercase letters, digits, spaces, and . _ - only"))
            .arg("description")
            .default("Managed by Terraform")
            .args(&["subnet_ids", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .build();
        SubnetGroup { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<DbSubnetGroup>> {
        let r = self
            .c
            .rds
            .describe_db_subnet_groups()
            .db_subnet_group_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["DBSubnetGroupNotFoundFault"])?.and_then(|o| o.db_subnet_groups().first().cloned()))
    }
}

#[async_trait]
impl ResourceType for SubnetGroup {
    fn type_name(&self) -> &'static str {
        "aws_db_subnet_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        self.c
            .rds
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(opt_str(planned, "description").unwrap_or_default())
            .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
            .set_tags(Some(tags_for_create(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "DB subnet group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let arn = g.db_subnet_group_arn().unwrap_or_default().to_string();
        let tags = list_tags(&self.c.rds, &arn).await?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("name_prefix", name_prefix_read(prior, Some(id), "")),
            ("description", Value::from(g.db_subnet_group_description())),
            (
                "subnet_ids",
                list_value(
                    g.subnets()
                        .iter()
                        .filter_map(|s| s.subnet_identifier().map(str::to_string)),
                ),
            ),
            (
                "supported_network_types",
                list_value(g.supported_network_types().iter().cloned()),
            ),
            ("vpc_id", Value::from(g.vpc_id())),
            ("arn", Value::str(arn)),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(&tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("description") || changed("subnet_ids") {
            self.c
                .rds
                .modify_db_subnet_group()
                .db_subnet_group_name(id)
                .db_subnet_group_description(opt_str(planned, "description").unwrap_or_default())
                .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DB subnet group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .rds
            .delete_db_subnet_group()
            .db_subnet_group_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, &["DBSubnetGroupNotFoundFault"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // A generated name is not known before the create: look among the groups with the
        // prefix (or all of them) for this address's tags.
        let candidates: Vec<String> = match opt_str(planned, "name") {
            Some(name) => self
                .describe(&name)
                .await?
                .and_then(|g| g.db_subnet_group_name().map(str::to_string))
                .into_iter()
                .collect(),
            None => {
                let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
                let mut names = Vec::new();
                let mut pages = self.c.rds.describe_db_subnet_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(aws_err)?;
                    names.extend(
                        page.db_subnet_groups()
                            .iter()
                            .filter_map(|g| g.db_subnet_group_name())
                            .filter(|n| n.starts_with(&prefix))
                            .map(str::to_string),
                    );
                }
                names
            }
        };
        for name in candidates {
            let Some(g) = self.describe(&name).await? else {
                continue;
            };
            let tags = list_tags(&self.c.rds, g.db_subnet_group_arn().unwrap_or_default()).await?;
            if owned(&tags, ctx) {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }
}
