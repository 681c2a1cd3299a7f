//! What the two CloudWatch alarm types share: alarms are tagged, untagged and deleted by the
//! same calls whatever their kind (ListTagsForResource and TagResource by alarm ARN, DeleteAlarms
//! by name), and a name is unique across metric and composite alarms alike.

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::common::{absent_on, aws_err, owns};
use crate::provider::{CallCtx, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use aws_sdk_cloudwatch::types::{AlarmType, Tag};
use aws_sdk_cloudwatch::Client;

/// The codes CloudWatch answers for an alarm (or its ARN) that is not there.
const GONE: &[&str] = &["ResourceNotFound", "ResourceNotFoundException"];

/// The tags on an alarm, by ARN; none when the alarm is gone or has no ARN.
pub async fn alarm_tags(cw: &Client, arn: Option<&str>) -> PResult<Vec<(String, String)>> {
    let Some(arn) = arn else {
        return Ok(vec![]);
    };
    let r = cw
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, GONE)?
        .map(|o| {
            o.tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Tag pairs as CloudWatch takes them.
pub fn cw_tags(pairs: indexmap::IndexMap<String, String>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Brings an alarm's tags from `prior`'s `tags_all` to `planned`'s: the Put calls ignore tags
/// on an alarm that exists, so changes go through TagResource and UntagResource.
pub async fn sync_alarm_tags(cw: &Client, prior: &Value, planned: &Value) -> PResult<()> {
    let Some(arn) = prior.get("arn").to_plain_string().filter(|a| !a.is_empty()) else {
        return Ok(());
    };
    let arn = arn.as_str();
    sync_tags_by_arn!(cw, arn, prior, planned, add => cw_tags(add))
}

/// Deletes an alarm of either kind by name; one already gone is not an error.
pub async fn delete_alarm(cw: &Client, name: &str) -> PResult<()> {
    let r = cw.delete_alarms().alarm_names(name).send().await.map_err(aws_err);
    absent_on(r, GONE).map(|_| ())
}

/// Refuses to create an alarm whose name an alarm of either kind already has: the Put calls
/// would silently replace it (or, across kinds, fail later), and adoption has already looked for
/// one this stack made.
pub async fn refuse_taken_name(cw: &Client, name: &str) -> PResult<()> {
    let out = cw
        .describe_alarms()
        .alarm_names(name)
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .send()
        .await
        .map_err(aws_err)?;
    let taken = out.metric_alarms().iter().any(|a| a.alarm_name() == Some(name))
        || out.composite_alarms().iter().any(|a| a.alarm_name() == Some(name));
    if taken {
        return Err(ProviderError {
            code: Some("AlarmAlreadyExists".into()),
            message: format!(
                "an alarm named {name:?} already exists and was not created by this stack; import it or choose another name"
            ),
        });
    }
    Ok(())
}

/// Whether anything the Put call sends changed between `prior` and `planned`: the Put call
/// replaces the whole alarm, tags aside (they go through TagResource and UntagResource).
pub fn settings_changed(schema: &Schema, prior: &Value, planned: &Value) -> bool {
    schema
        .attrs
        .keys()
        .chain(schema.blocks.keys())
        .filter(|k| !matches!(**k, "tags" | "tags_all" | "arn" | "id"))
        .any(|k| prior.get(k) != planned.get(k))
}

/// `name` when the alarm of that name (found, with this ARN) carries this stack's and this
/// address's tags: the Put calls would overwrite an alarm of the same name, so only one this
/// stack made for this address is taken over silently.
pub async fn adoptable(cw: &Client, ctx: &CallCtx, name: String, arn: Option<&str>) -> PResult<Option<String>> {
    let tags = alarm_tags(cw, arn).await?;
    Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
}
