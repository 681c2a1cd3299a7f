//! `aws_sns_topic_subscription`: an endpoint (email, SQS queue, Lambda function, HTTPS URL)
//! subscribed to a topic, with its delivery attributes. Subscribing the same endpoint again
//! returns the same subscription, so a create repeated after a crash converges. The id is the
//! subscription ARN (known at once, also for subscriptions still pending confirmation).

use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, json, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_sns_topic_subscription` resource type.
pub struct TopicSubscription {
    c: Arc<Clients>,
    schema: Schema,
}

/// Blueprint arguments that are subscription attributes, with SNS's names.
const SETTABLE: &[(&str, &str)] = &[
    ("raw_message_delivery", "RawMessageDelivery"),
    ("filter_policy", "FilterPolicy"),
    ("filter_policy_scope", "FilterPolicyScope"),
    ("redrive_policy", "RedrivePolicy"),
    ("delivery_policy", "DeliveryPolicy"),
    ("subscription_role_arn", "SubscriptionRoleArn"),
];

/// JSON-valued attributes: compared by meaning.
const DOCUMENTS: &[&str] = &["filter_policy", "redrive_policy", "delivery_policy"];

impl TopicSubscription {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TopicSubscription {
        let schema = resource("aws_sns_topic_subscription")
            .arg("topic_arn")
            .force_new()
            .arg("protocol")
            .force_new()
            .arg("endpoint")
            .force_new()
            .arg("raw_message_delivery")
            .default(false)
            .arg("filter_policy")
            .check(json())
            .arg("redrive_policy")
            .check(json())
            .arg("delivery_policy")
            .check(json())
            .arg("endpoint_auto_confirms")
            .default(false)
            .arg("confirmation_timeout_in_minutes")
            .default(1)
            .args(&["filter_policy_scope", "subscription_role_arn"])
            .arg("topic_arn")
            .check(arn())
            .arg("protocol")
            .check(one_of(&[
                "application",
                "email",
                "email-json",
                "firehose",
                "http",
                "https",
                "lambda",
                "sms",
                "sqs",
            ]))
            .arg("filter_policy_scope")
            .check(one_of(&["MessageAttributes", "MessageBody"]))
            .arg("subscription_role_arn")
            .check(arn())
            .build();
        TopicSubscription { c, schema }
    }
}

fn attr_text(planned: &Value, name: &str) -> Option<String> {
    match planned.get(name) {
        Value::Null | Value::Unknown => None,
        v => v.to_plain_string(),
    }
}

#[async_trait]
impl ResourceType for TopicSubscription {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_subscription"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let attributes: HashMap<String, String> = SETTABLE
            .iter()
            .filter_map(|(ours, theirs)| attr_text(planned, ours).map(|v| (theirs.to_string(), v)))
            .filter(|(k, v)| !(k == "RawMessageDelivery" && v == "false"))
            .collect();
        let out = self
            .c
            .sns
            .subscribe()
            .topic_arn(required(planned, "topic_arn")?)
            .protocol(required(planned, "protocol")?)
            .endpoint(required(planned, "endpoint")?)
            .set_attributes(Some(attributes).filter(|a| !a.is_empty()))
            .return_subscription_arn(true)
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .subscription_arn()
            .ok_or_else(|| ProviderError::msg("Subscribe returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "SNS subscription", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .sns
            .get_subscription_attributes()
            .subscription_arn(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["NotFound", "NotFoundException"])? else {
            return Ok(None);
        };
        let a = out.attributes().cloned().unwrap_or_default();
        let get = |k: &str| a.get(k).filter(|v| !v.is_empty()).cloned();
        let mut m = indexmap::IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert("topic_arn".into(), Value::from(get("TopicArn")));
        m.insert("protocol".into(), Value::from(get("Protocol")));
        m.insert("endpoint".into(), Value::from(get("Endpoint")));
        m.insert(
            "raw_message_delivery".into(),
            Value::Bool(get("RawMessageDelivery").as_deref() == Some("true")),
        );
        for (ours, theirs) in SETTABLE.iter().filter(|(o, _)| *o != "raw_message_delivery") {
            let live = get(theirs);
            let kept = if DOCUMENTS.contains(ours) {
                json_as_configured(prior.get(ours), live)
            } else {
                Value::from(live)
            };
            m.insert(ours.to_string(), kept);
        }
        for local in ["endpoint_auto_confirms", "confirmation_timeout_in_minutes"] {
            let default = if local == "endpoint_auto_confirms" {
                Value::Bool(false)
            } else {
                Value::from(1)
            };
            let v = match prior.get(local) {
                Value::Null | Value::Unknown => default,
                v => v.clone(),
            };
            m.insert(local.into(), v);
        }
        m.insert("arn".into(), Value::str(id));
        m.insert("owner_id".into(), Value::from(get("Owner")));
        m.insert(
            "pending_confirmation".into(),
            Value::Bool(get("PendingConfirmation").as_deref() == Some("true")),
        );
        m.insert(
            "confirmation_was_authenticated".into(),
            Value::Bool(get("ConfirmationWasAuthenticated").as_deref() == Some("true")),
        );
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        for (ours, theirs) in SETTABLE {
            if prior.get(ours) == planned.get(ours) || planned.get(ours).has_unknown() {
                continue;
            }
            self.c
                .sns
                .set_subscription_attributes()
                .subscription_arn(id)
                .attribute_name(*theirs)
                .set_attribute_value(Some(attr_text(planned, ours).unwrap_or_default()))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "SNS subscription", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .sns
            .unsubscribe()
            .subscription_arn(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFound", "NotFoundException", "InvalidParameter"]).map(|_| ())
    }
}
