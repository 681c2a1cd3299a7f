//! `aws_appautoscaling_target`: registers a resource (an ECS service's desired count, a table's
//! capacity) with Application Auto Scaling between a minimum and a maximum. Registering again
//! updates it, so a create repeated after a crash converges on the same target (nothing to
//! adopt). The id is the
//! resource id, as in Terraform; import takes `NAMESPACE/RESOURCE-ID/DIMENSION`.

use super::{is_settling, on_target, TargetKey};
use crate::provider::aws::common::{
    aws_err, configured_tags, must_exist, opt_bool, opt_str, retry_while_matching, tags_to_write, user_tags, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{ScalableTarget, SuspendedState};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_appautoscaling_target` resource type.
pub struct Target {
    c: Arc<Clients>,
    schema: Schema,
}

impl Target {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Target {
        let schema = resource("aws_appautoscaling_target")
            .arg("service_namespace")
            .force_new()
            .arg("resource_id")
            .force_new()
            .arg("scalable_dimension")
            .force_new()
            .arg("suspended_state")
            .live_if_unset()
            .arg("suspended_state.dynamic_scaling_in_suspended")
            .default(false)
            .arg("suspended_state.dynamic_scaling_out_suspended")
            .default(false)
            .arg("suspended_state.scheduled_scaling_suspended")
            .default(false)
            .args(&["min_capacity", "max_capacity", "role_arn", "tags"])
            .build();
        Target { c, schema }
    }

    async fn describe(&self, key: &TargetKey) -> PResult<Option<ScalableTarget>> {
        let out = self
            .c
            .appautoscaling
            .describe_scalable_targets()
            .service_namespace(key.sdk_namespace())
            .resource_ids(&key.resource_id)
            .scalable_dimension(key.sdk_dimension())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .scalable_targets()
            .iter()
            .find(|t| t.resource_id() == key.resource_id && t.scalable_dimension().as_str() == key.dimension)
            .cloned())
    }

    async fn register(&self, key: &TargetKey, planned: &Value, tags: Option<Vec<(String, String)>>) -> PResult<()> {
        let suspended = planned
            .get("suspended_state")
            .as_list()
            .and_then(|l| l.first())
            .map(|s| {
                SuspendedState::builder()
                    .set_dynamic_scaling_in_suspended(opt_bool(s, "dynamic_scaling_in_suspended"))
                    .set_dynamic_scaling_out_suspended(opt_bool(s, "dynamic_scaling_out_suspended"))
                    .set_scheduled_scaling_suspended(opt_bool(s, "scheduled_scaling_suspended"))
                    .build()
            });
        let req = on_target!(self.c.appautoscaling.register_scalable_target(), key)
            .set_min_capacity(planned.get("min_capacity").as_number().map(|n| n as i32))
            .set_max_capacity(planned.get("max_capacity").as_number().map(|n| n as i32))
            .set_role_arn(opt_str(planned, "role_arn"))
            .set_suspended_state(suspended)
            .set_tags(tags.map(|t| t.into_iter().collect()));
        retry_while_matching(is_settling, Duration::from_secs(120), || async {
            req.clone().send().await.map_err(aws_err)
        })
        .await
        .map(|_| ())
    }

    async fn read_key(&self, key: &TargetKey, prior: &Value) -> PResult<Option<Value>> {
        let Some(t) = self.describe(key).await? else {
            return Ok(None);
        };
        let arn = t.scalable_target_arn().map(str::to_string);
        let tags = match &arn {
            Some(arn) => self
                .c
                .appautoscaling
                .list_tags_for_resource()
                .resource_arn(arn)
                .send()
                .await
                .map_err(aws_err)?
                .tags()
                .cloned()
                .unwrap_or_default(),
            None => Default::default(),
        };
        let suspended = t.suspended_state().map(|s| {
            Value::object([
                (
                    "dynamic_scaling_in_suspended",
                    Value::Bool(s.dynamic_scaling_in_suspended().unwrap_or(false)),
                ),
                (
                    "dynamic_scaling_out_suspended",
                    Value::Bool(s.dynamic_scaling_out_suspended().unwrap_or(false)),
                ),
                (
                    "scheduled_scaling_suspended",
                    Value::Bool(s.scheduled_scaling_suspended().unwrap_or(false)),
                ),
            ])
        });
        Ok(Some(Value::object([
            ("id", Value::str(t.resource_id())),
            ("service_namespace", Value::str(t.service_namespace().as_str())),
            ("resource_id", Value::str(t.resource_id())),
            ("scalable_dimension", Value::str(t.scalable_dimension().as_str())),
            ("min_capacity", Value::from(t.min_capacity() as i64)),
            ("max_capacity", Value::from(t.max_capacity() as i64)),
            ("role_arn", Value::str(t.role_arn())),
            ("suspended_state", Value::List(suspended.into_iter().collect())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
            ("arn", Value::from(arn)),
        ])))
    }
}

fn key_of(planned: &Value) -> PResult<TargetKey> {
    TargetKey::of(planned)
        .ok_or_else(|| ProviderError::msg("service_namespace, resource_id and scalable_dimension are required"))
}

#[async_trait]
impl ResourceType for Target {
    fn type_name(&self) -> &'static str {
        "aws_appautoscaling_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key = key_of(planned)?;
        self.register(&key, planned, Some(tags_to_write(ctx, planned).into_iter().collect()))
            .await?;
        // Application Auto Scaling is eventually consistent: the target may take a moment to
        // list (the provider's resource has no timeouts block; it waits up to 2 minutes).
        let wait = Wait::new(&key.resource_id, "listed", Duration::from_secs(120));
        crate::provider::aws::common::wait_for(wait, || async {
            Ok(match self.read_key(&key, planned).await? {
                Some(v) => Poll::Ready(v),
                None => Poll::pending("not listed yet"),
            })
        })
        .await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let key = TargetKey::of(prior).or_else(|| TargetKey::parse(id)).ok_or_else(|| {
            ProviderError::msg(format!(
                "cannot tell the target from id {id:?}: import takes SERVICE-NAMESPACE/RESOURCE-ID/SCALABLE-DIMENSION"
            ))
        })?;
        self.read_key(&key, prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let key = key_of(planned)?;
        let settings = ["min_capacity", "max_capacity", "role_arn", "suspended_state"];
        if settings.iter().any(|s| prior.get(s) != planned.get(s)) {
            self.register(&key, planned, None).await?;
        }
        if let Some(arn) = opt_str(prior, "arn") {
            super::update_tags(&self.c.appautoscaling, &arn, prior, planned).await?;
        }
        must_exist(self.read_key(&key, planned).await?, "scalable target", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let key = key_of(prior)?;
        let r = on_target!(self.c.appautoscaling.deregister_scalable_target(), key)
            .send()
            .await
            .map_err(aws_err);
        crate::provider::aws::common::absent_on(r, &["ObjectNotFoundException"]).map(|_| ())
    }
}
