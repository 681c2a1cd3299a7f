//! `aws_autoscaling_attachment`: one ELB target group (`lb_target_group_arn`) or Classic Load
//! Balancer (`elb`) attached to an Auto Scaling group apart from the group's own arguments, the
//! older form of `aws_autoscaling_traffic_source_attachment` that most existing code uses.
//!
//! As the provider: every argument forces a replacement; the id is the group's name and a
//! unique suffix (the provider's `PrefixedUniqueId`), and the provider has no import for it;
//! the attachment exists while DescribeAutoScalingGroups lists the target group or load balancer
//! on the group; attach and detach are retried while AWS says too many load balancers are being
//! updated at once.

use crate::provider::aws::common::{aws_err, name_or_generated, opt_str, required, retry_while_matching};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_autoscaling_attachment` resource type.
pub struct Attachment {
    c: Arc<Clients>,
    schema: Schema,
}

/// What AWS says while another attach or detach of the group is under way.
const TOO_MANY: &str = "update too many";

/// What is attached: a target group by ARN or a Classic Load Balancer by name.
enum Attached {
    TargetGroup(String),
    LoadBalancer(String),
}

impl Attached {
    fn of(v: &Value) -> PResult<Attached> {
        match (opt_str(v, "lb_target_group_arn"), opt_str(v, "elb")) {
            (Some(arn), _) if !arn.is_empty() => Ok(Attached::TargetGroup(arn)),
            (_, Some(name)) if !name.is_empty() => Ok(Attached::LoadBalancer(name)),
            _ => Err(ProviderError::msg(
                "an attachment needs one of elb or lb_target_group_arn",
            )),
        }
    }
}

impl Attachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Attachment {
        let schema = resource("aws_autoscaling_attachment")
            .arg("autoscaling_group_name")
            .force_new()
            .arg("elb")
            .force_new()
            .arg("lb_target_group_arn")
            .force_new()
            .rule(Rule::ExactlyOne(&["elb", "lb_target_group_arn"]))
            .build();
        Attachment { c, schema }
    }

    /// True while the group lists the target group or load balancer; false once the group or
    /// the attachment is gone.
    async fn attached(&self, group: &str, what: &Attached) -> PResult<bool> {
        let out = self
            .c
            .autoscaling
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(group)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(g) = out.auto_scaling_groups().first() else {
            return Ok(false);
        };
        Ok(match what {
            Attached::TargetGroup(arn) => g.target_group_arns().iter().any(|a| a == arn),
            Attached::LoadBalancer(name) => g.load_balancer_names().iter().any(|n| n == name),
        })
    }

    /// Attaches (or detaches) it, retrying while AWS is busy with another change of the group's
    /// load balancers (a ValidationError saying "update too many"), as the provider does.
    async fn change(&self, group: &str, what: &Attached, attach: bool) -> PResult<()> {
        let busy = |e: &ProviderError| e.message.contains(TOO_MANY);
        retry_while_matching(busy, Duration::from_secs(300), || async {
            let asg = &self.c.autoscaling;
            match (what, attach) {
                (Attached::TargetGroup(arn), true) => asg
                    .attach_load_balancer_target_groups()
                    .auto_scaling_group_name(group)
                    .target_group_arns(arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                (Attached::TargetGroup(arn), false) => asg
                    .detach_load_balancer_target_groups()
                    .auto_scaling_group_name(group)
                    .target_group_arns(arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                (Attached::LoadBalancer(name), true) => asg
                    .attach_load_balancers()
                    .auto_scaling_group_name(group)
                    .load_balancer_names(name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                (Attached::LoadBalancer(name), false) => asg
                    .detach_load_balancers()
                    .auto_scaling_group_name(group)
                    .load_balancer_names(name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
            }
        })
        .await
    }
}

#[async_trait]
impl ResourceType for Attachment {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let group = required(planned, "autoscaling_group_name")?;
        let what = Attached::of(planned)?;
        self.change(&group, &what, true).await?;
        let id = name_or_generated(&Value::Null, &format!("{group}-"), 26);
        let Value::Object(mut m) = planned.clone() else {
            return Err(ProviderError::msg("a planned attachment is an object"));
        };
        m.insert("id".into(), Value::str(id));
        Ok(Value::Object(m))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        let group = required(prior, "autoscaling_group_name")?;
        let what = Attached::of(prior)?;
        Ok(self.attached(&group, &what).await?.then(|| prior.clone()))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a replacement; nothing changes in place.
        Ok(planned.clone())
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let group = required(prior, "autoscaling_group_name")?;
        let what = Attached::of(prior)?;
        if !self.attached(&group, &what).await? {
            return Ok(());
        }
        self.change(&group, &what, false).await
    }
}
