//! `aws_elasticache_subnet_group`: the subnets an ElastiCache cluster may be placed in.
//!
//! ElastiCache keeps names in lowercase, so the name is compared (and identified) that way, as
//! the provider's state function does.

use super::{pairs, tag, tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, opt_str, owns, retry_while, str_list, tags_to_write,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::subnet_group::{needs_modify, Described};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticache::types::CacheSubnetGroup;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_elasticache_subnet_group` resource type.
pub struct SubnetGroup {
    c: Arc<Clients>,
    schema: Schema,
}

fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

impl SubnetGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubnetGroup {
        let schema = resource("aws_elasticache_subnet_group")
            .arg("name")
            .force_new()
            .normalized(lowercase)
            .check(len_between(1, 255))
            .arg("description")
            .default("Managed by Terraform")
            .args(&["subnet_ids", "tags"])
            .build();
        SubnetGroup { c, schema }
    }

    async fn find(&self, name: &str) -> PResult<Option<CacheSubnetGroup>> {
        let out = absent_on(
            self.c
                .elasticache
                .describe_cache_subnet_groups()
                .cache_subnet_group_name(name)
                .send()
                .await
                .map_err(aws_err),
            &["CacheSubnetGroupNotFoundFault"],
        )?;
        Ok(out.and_then(|o| {
            o.cache_subnet_groups()
                .iter()
                .find(|g| g.cache_subnet_group_name() == Some(name))
                .cloned()
        }))
    }
}

#[async_trait]
impl ResourceType for SubnetGroup {
    fn type_name(&self) -> &'static str {
        "aws_elasticache_subnet_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").unwrap_or_default().to_lowercase();
        self.c
            .elasticache
            .create_cache_subnet_group()
            .cache_subnet_group_name(&name)
            .cache_subnet_group_description(opt_str(planned, "description").unwrap_or_default())
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
        must_exist(self.read(ctx, &name, planned).await?, "ElastiCache subnet group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.find(&id.to_lowercase()).await? else {
            return Ok(None);
        };
        let arn = g
            .arn()
            .ok_or_else(|| ProviderError::msg(format!("ElastiCache subnet group {id} has no ARN")))?
            .to_string();
        let tags = tags(&self.c.elasticache, &arn).await?;
        let read = Described {
            name: g.cache_subnet_group_name().unwrap_or(id),
            description: g.cache_subnet_group_description(),
            subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier()).collect(),
            tags: pairs(&tags).collect(),
            arn,
        };
        let mut value = read.value(prior);
        if let Value::Object(m) = &mut value {
            m.insert("vpc_id".into(), Value::from(g.vpc_id()));
        }
        Ok(Some(value))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if needs_modify(prior, planned) {
            self.c
                .elasticache
                .modify_cache_subnet_group()
                .cache_subnet_group_name(id)
                .set_cache_subnet_group_description(opt_str(planned, "description"))
                .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        update_tags(&self.c.elasticache, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ElastiCache subnet group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // A cluster being deleted keeps the group in use for a while.
        let r = retry_while(&["DependencyViolation"], Duration::from_secs(300), || async {
            self.c
                .elasticache
                .delete_cache_subnet_group()
                .cache_subnet_group_name(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        absent_on(r, &["CacheSubnetGroupNotFoundFault"]).map(|_| ())
    }

    /// The (lowercased) name is the group's identity: a group of that name carrying this
    /// stack's and address's tags is what a killed run made.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name").map(|n| n.to_lowercase()) else {
            return Ok(None);
        };
        let Some(g) = self.find(&name).await? else {
            return Ok(None);
        };
        let tags = match g.arn() {
            Some(arn) => tags(&self.c.elasticache, arn).await?,
            None => Vec::new(),
        };
        Ok(owns(pairs(&tags), ctx).then_some(name))
    }
}
