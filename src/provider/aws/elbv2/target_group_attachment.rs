//! `aws_lb_target_group_attachment`: one target (an instance, an IP address or a Lambda
//! function) registered with a target group, on a port and in a zone when given. As in the
//! provider, every argument replaces, the id is the target group ARN with a unique suffix (the
//! arguments are what identify the target), a target being deregistered or no longer
//! registered reads as gone, and there is no import.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_i32, opt_str, required, retry_while};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetHealthReasonEnum};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lb_target_group_attachment` resource type.
pub struct TargetGroupAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

impl TargetGroupAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TargetGroupAttachment {
        let schema = resource("aws_lb_target_group_attachment")
            .arg("target_group_arn")
            .force_new()
            .check(arn())
            .arg("target_id")
            .force_new()
            .arg("port")
            .force_new()
            .arg("availability_zone")
            .force_new()
            .build();
        TargetGroupAttachment { c, schema }
    }
}

/// The target an attachment's arguments name.
fn target(v: &Value) -> TargetDescription {
    TargetDescription::builder()
        .set_id(opt_str(v, "target_id"))
        .set_port(opt_i32(v, "port"))
        .set_availability_zone(opt_str(v, "availability_zone"))
        .build()
}

fn group(v: &Value) -> PResult<String> {
    required(v, "target_group_arn")
}

#[async_trait]
impl ResourceType for TargetGroupAttachment {
    fn type_name(&self) -> &'static str {
        "aws_lb_target_group_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let group = group(planned)?;
        // A target that is not ready to register yet (an instance still starting) is refused
        // with InvalidTarget for a while: the provider retries for 10 minutes.
        retry_while(&["InvalidTarget"], Duration::from_secs(600), || async {
            self.c
                .elbv2
                .register_targets()
                .target_group_arn(&group)
                .targets(target(planned))
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let id = format!("{group}-{}", &unique[..26]);
        must_exist(self.read(ctx, &id, planned).await?, "target group attachment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(
                "aws_lb_target_group_attachment cannot be imported (as with the AWS provider 5.x)",
            ));
        }
        let out = self
            .c
            .elbv2
            .describe_target_health()
            .target_group_arn(group(prior)?)
            .targets(target(prior))
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidTarget", "TargetGroupNotFound"])? else {
            return Ok(None);
        };
        let registered = out.target_health_descriptions().iter().any(|d| {
            d.target_health().is_some_and(|h| {
                !matches!(
                    h.reason(),
                    Some(TargetHealthReasonEnum::DeregistrationInProgress | TargetHealthReasonEnum::NotRegistered)
                )
            })
        });
        Ok(registered.then(|| {
            Value::object([
                ("id", Value::str(id)),
                ("target_group_arn", prior.get("target_group_arn").clone()),
                ("target_id", prior.get("target_id").clone()),
                ("port", prior.get("port").clone()),
                ("availability_zone", prior.get("availability_zone").clone()),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a new attachment: nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "target group attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .elbv2
            .deregister_targets()
            .target_group_arn(group(prior)?)
            .targets(target(prior))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["LoadBalancerNotFound", "TargetGroupNotFound"]).map(|_| ())
    }
}
