//! `aws_placement_group`: where EC2 places an instance's hardware (`cluster`, `partition` or
//! `spread`), which `aws_instance.placement_group` and launch templates name.
//!
//! Known by its name (the id, as in the provider); its tags live on its `pg-` group id.
//! Everything but tags forces a new group. The provider's plan-time checks are kept: a
//! partition count only for the partition strategy, a spread level only for spread.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_i32, opt_str, required, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    PlacementGroup as Group, PlacementGroupState, PlacementStrategy, ResourceType as Kind, SpreadLevel,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_placement_group` resource type.
pub struct PlacementGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// The code EC2 answers for a group it does not know.
const ABSENT: &[&str] = &["InvalidPlacementGroup.Unknown"];

impl PlacementGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PlacementGroup {
        let schema = resource("aws_placement_group")
            .arg("name")
            .force_new()
            .arg("strategy")
            .force_new()
            .check(one_of(&["cluster", "partition", "spread"]))
            .arg("partition_count")
            .force_new()
            .check(int_between(0, 7))
            .arg("spread_level")
            .force_new()
            .check(one_of(&["host", "rack"]))
            .args(&["tags"])
            .build();
        PlacementGroup { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Group>> {
        let out = self
            .c
            .ec2
            .describe_placement_groups()
            .group_names(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, ABSENT)?.and_then(|o| {
            o.placement_groups()
                .iter()
                .find(|g| g.group_name() == Some(name) && g.state() != Some(&PlacementGroupState::Deleted))
                .cloned()
        }))
    }

    async fn wait(&self, name: &str, target: &str) -> PResult<()> {
        wait_for(Wait::new(name, target, Duration::from_secs(300)), || async {
            Ok(match (self.describe(name).await?, target) {
                (None, "deleted") => Poll::Ready(()),
                (None, _) => Poll::pending("not found yet"),
                (Some(g), _) => match g.state() {
                    Some(s) if s.as_str() == target => Poll::Ready(()),
                    Some(s) => Poll::pending(s.as_str()),
                    None => Poll::pending("unknown"),
                },
            })
        })
        .await
    }
}

#[async_trait]
impl ResourceType for PlacementGroup {
    fn type_name(&self) -> &'static str {
        "aws_placement_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, _planned: &mut Value) -> PResult<Option<String>> {
        // The provider's CustomizeDiff, on create, on the values as written.
        let (None, Some(strategy)) = (prior, opt_str(config, "strategy")) else {
            return Ok(None);
        };
        for (arg, only) in [("partition_count", "partition"), ("spread_level", "spread")] {
            if !config.get(arg).is_null() && strategy != only {
                return Err(ProviderError::msg(format!(
                    "{arg} must not be set when strategy = \"{strategy}\""
                )));
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.c
            .ec2
            .create_placement_group()
            .group_name(&name)
            .set_strategy(opt_str(planned, "strategy").map(|s| PlacementStrategy::from(s.as_str())))
            .set_partition_count(opt_i32(planned, "partition_count").filter(|n| *n > 0))
            .set_spread_level(opt_str(planned, "spread_level").map(|s| SpreadLevel::from(s.as_str())))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::PlacementGroup))
            .send()
            .await
            .map_err(aws_err)?;
        self.wait(&name, "available").await?;
        must_exist(self.read(ctx, &name, planned).await?, "placement group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        let arn = g
            .group_arn()
            .map(str::to_string)
            .unwrap_or_else(|| format!("arn:aws:ec2:{}:{account}:placement-group/{id}", self.c.region));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("arn", Value::str(arn)),
            ("placement_group_id", Value::from(g.group_id())),
            ("strategy", Value::from(g.strategy().map(|s| s.as_str()))),
            (
                "partition_count",
                Value::from(g.partition_count().map(i64::from).unwrap_or(0)),
            ),
            ("spread_level", Value::from(g.spread_level().map(|s| s.as_str()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(g.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let group = opt_str(prior, "placement_group_id").unwrap_or_else(|| id.to_string());
        update_tags(&self.c.ec2, &group, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "placement group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_placement_group()
            .group_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)?;
        self.wait(id, "deleted").await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        if ctx.resumed {
            // Killed between the create and its answer on a Terraform-kept stack (no ownership
            // tags): a group is known by its unique name.
            if let Some(name) = opt_str(planned, "name") {
                if self.describe(&name).await?.is_some() {
                    return Ok(Some(name));
                }
            }
        }
        let found = find_owned!(self.c.ec2.describe_placement_groups(), ctx, placement_groups);
        Ok(found
            .iter()
            .find(|g| g.state() != Some(&PlacementGroupState::Deleted))
            .and_then(|g| g.group_name())
            .map(str::to_string))
    }
}
