//! `aws_ecs_capacity_provider`: an Auto Scaling group that ECS scales for a cluster's tasks
//! (managed scaling, termination protection, draining). As the AWS provider does, the id is the
//! provider's ARN; the name and the group force a new provider; the scaling settings change in
//! place with UpdateCapacityProvider, waited for until UPDATE_COMPLETE; a delete waits until ECS
//! no longer lists it as active. Names are unique in a region, so a run killed after the create
//! finds the provider again by its name and this stack's tags.

use super::{ecs_tags, update_tags};
use crate::provider::aws::common::{
    aws_err, build_err, configured_tags, first, must_exist, opt_i32, opt_str, owns, required, tags_to_write, user_tags,
    wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecs::types::{
    AutoScalingGroupProvider, AutoScalingGroupProviderUpdate, CapacityProvider as Provider, CapacityProviderField,
    ManagedDraining, ManagedScaling, ManagedScalingStatus, ManagedTerminationProtection,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_ecs_capacity_provider` resource type.
pub struct CapacityProvider {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider waits for an update or a delete to finish.
const TIMEOUT: Duration = Duration::from_secs(20 * 60);

const ENABLED: &[&str] = &["ENABLED", "DISABLED"];

impl CapacityProvider {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CapacityProvider {
        let schema = resource("aws_ecs_capacity_provider")
            .arg("name")
            .force_new()
            .arg("auto_scaling_group_provider.auto_scaling_group_arn")
            .force_new()
            .check(arn())
            .arg("auto_scaling_group_provider.managed_draining")
            .check(one_of(ENABLED))
            .arg("auto_scaling_group_provider.managed_termination_protection")
            .check(one_of(ENABLED))
            .arg("auto_scaling_group_provider.managed_scaling.status")
            .check(one_of(ENABLED))
            .arg("auto_scaling_group_provider.managed_scaling.instance_warmup_period")
            .check(int_between(0, 10000))
            .arg("auto_scaling_group_provider.managed_scaling.maximum_scaling_step_size")
            .check(int_between(1, 10000))
            .arg("auto_scaling_group_provider.managed_scaling.minimum_scaling_step_size")
            .check(int_between(1, 10000))
            .arg("auto_scaling_group_provider.managed_scaling.target_capacity")
            .check(int_between(1, 100))
            .args(&["auto_scaling_group_provider", "tags"])
            .build();
        CapacityProvider { c, schema }
    }

    /// The provider by name or ARN; `None` when ECS does not know it or it is no longer active.
    async fn describe(&self, id: &str) -> PResult<Option<Provider>> {
        let out = self
            .c
            .ecs
            .describe_capacity_providers()
            .capacity_providers(id)
            .include(CapacityProviderField::Tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .capacity_providers()
            .iter()
            .find(|p| p.status().map(|s| s.as_str()) == Some("ACTIVE"))
            .cloned())
    }

    fn to_state(p: &Provider, prior: &Value) -> Value {
        let s = |v: Option<&str>| Value::from(v);
        let n = |v: Option<i32>| Value::from(v.map(i64::from));
        let group = p.auto_scaling_group_provider().map(|g| {
            Value::object([
                ("auto_scaling_group_arn", Value::str(g.auto_scaling_group_arn())),
                ("managed_draining", s(g.managed_draining().map(|d| d.as_str()))),
                (
                    "managed_termination_protection",
                    s(g.managed_termination_protection().map(|t| t.as_str())),
                ),
                (
                    "managed_scaling",
                    Value::List(
                        g.managed_scaling()
                            .map(|m| {
                                Value::object([
                                    ("instance_warmup_period", n(m.instance_warmup_period())),
                                    ("maximum_scaling_step_size", n(m.maximum_scaling_step_size())),
                                    ("minimum_scaling_step_size", n(m.minimum_scaling_step_size())),
                                    ("status", s(m.status().map(|x| x.as_str()))),
                                    ("target_capacity", n(m.target_capacity())),
                                ])
                            })
                            .into_iter()
                            .collect(),
                    ),
                ),
            ])
        });
        let tags = p.tags().iter().map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        });
        Value::object([
            ("id", s(p.capacity_provider_arn())),
            ("arn", s(p.capacity_provider_arn())),
            ("name", s(p.name())),
            ("auto_scaling_group_provider", Value::List(group.into_iter().collect())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ])
    }

    /// Waits until an update has finished (or failed, with ECS's reason).
    async fn wait_updated(&self, id: &str) -> PResult<()> {
        wait_for(Wait::new(id, "UPDATE_COMPLETE", TIMEOUT), || async {
            let p = self
                .describe(id)
                .await?
                .ok_or_else(|| ProviderError::msg(format!("capacity provider {id} is gone")))?;
            match p.update_status().map(|s| s.as_str()) {
                None | Some("UPDATE_COMPLETE") => Ok(Poll::Ready(())),
                Some("UPDATE_FAILED") => Err(ProviderError::msg(format!(
                    "updating capacity provider {id} failed: {}",
                    p.update_status_reason().unwrap_or("no reason given")
                ))),
                Some(other) => Ok(Poll::pending(other)),
            }
        })
        .await
    }
}

/// `managed_scaling` as ECS takes it.
fn managed_scaling(g: &Value) -> Option<ManagedScaling> {
    let m = first(g, "managed_scaling")?;
    Some(
        ManagedScaling::builder()
            .set_instance_warmup_period(opt_i32(m, "instance_warmup_period"))
            .set_maximum_scaling_step_size(opt_i32(m, "maximum_scaling_step_size"))
            .set_minimum_scaling_step_size(opt_i32(m, "minimum_scaling_step_size"))
            .set_status(opt_str(m, "status").map(|s| ManagedScalingStatus::from(s.as_str())))
            .set_target_capacity(opt_i32(m, "target_capacity"))
            .build(),
    )
}

fn draining(g: &Value) -> Option<ManagedDraining> {
    opt_str(g, "managed_draining").map(|s| ManagedDraining::from(s.as_str()))
}

fn protection(g: &Value) -> Option<ManagedTerminationProtection> {
    opt_str(g, "managed_termination_protection").map(|s| ManagedTerminationProtection::from(s.as_str()))
}

#[async_trait]
impl ResourceType for CapacityProvider {
    fn type_name(&self) -> &'static str {
        "aws_ecs_capacity_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let g = first(planned, "auto_scaling_group_provider").unwrap_or(&Value::Null);
        let out = self
            .c
            .ecs
            .create_capacity_provider()
            .name(&name)
            .auto_scaling_group_provider(
                AutoScalingGroupProvider::builder()
                    .set_auto_scaling_group_arn(opt_str(g, "auto_scaling_group_arn"))
                    .set_managed_scaling(managed_scaling(g))
                    .set_managed_termination_protection(protection(g))
                    .set_managed_draining(draining(g))
                    .build()
                    .map_err(build_err)?,
            )
            .set_tags(Some(ecs_tags(tags_to_write(ctx, planned))).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .capacity_provider()
            .and_then(|p| p.capacity_provider_arn())
            .ok_or_else(|| ProviderError::msg("CreateCapacityProvider returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "capacity provider", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(id).await?.map(|p| Self::to_state(&p, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let g = first(planned, "auto_scaling_group_provider").unwrap_or(&Value::Null);
        if crate::provider::aws::common::differs(prior, planned, "auto_scaling_group_provider") {
            self.c
                .ecs
                .update_capacity_provider()
                .name(required(planned, "name")?)
                .auto_scaling_group_provider(
                    AutoScalingGroupProviderUpdate::builder()
                        .set_managed_scaling(managed_scaling(g))
                        .set_managed_termination_protection(protection(g))
                        .set_managed_draining(draining(g))
                        .build(),
                )
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_updated(id).await?;
        }
        update_tags(&self.c.ecs, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "capacity provider", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        if self.describe(id).await?.is_none() {
            return Ok(());
        }
        self.c
            .ecs
            .delete_capacity_provider()
            .capacity_provider(id)
            .send()
            .await
            .map_err(aws_err)?;
        wait_for(Wait::new(id, "INACTIVE", TIMEOUT), || async {
            match self.describe(id).await? {
                None => Ok(Poll::Ready(())),
                Some(p) => Ok(Poll::pending(
                    p.update_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "ACTIVE".into()),
                )),
            }
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        Ok(self
            .describe(&name)
            .await?
            .filter(|p| ctx.resumed || owns(p.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), ctx))
            .and_then(|p| p.capacity_provider_arn().map(str::to_string)))
    }
}
