//! What the two CloudWatch alarm types share: alarms are tagged, untagged and deleted by the
//! same calls whatever their kind (ListTagsForResource and TagResource by alarm ARN, DeleteAlarms
//! by name), and a name is unique across metric and composite alarms alike.

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::common::{absent_on, aws_err, owns};
use crate::provider::{CallCtx, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm, Tag};
use aws_sdk_cloudwatch::Client;
use std::collections::HashMap;

/// How many names one DescribeAlarms call takes (its `AlarmNames` limit).
pub const NAMES_PER_CALL: usize = 100;

/// One kind of alarm as DescribeAlarms answers it, so that both alarm types read one alarm, or
/// a batch of them, through the same calls.
pub trait AlarmKind: Clone + Send + Sync {
    /// The `AlarmTypes` filter that selects this kind.
    const TYPE: AlarmType;
    /// This kind's alarms in an answer.
    fn in_answer(out: &DescribeAlarmsOutput) -> &[Self];
    /// The alarm's name.
    fn name(&self) -> Option<&str>;
    /// The alarm's ARN, which its tags are read by.
    fn arn(&self) -> Option<&str>;
}

impl AlarmKind for MetricAlarm {
    const TYPE: AlarmType = AlarmType::MetricAlarm;
    fn in_answer(out: &DescribeAlarmsOutput) -> &[Self] {
        out.metric_alarms()
    }
    fn name(&self) -> Option<&str> {
        self.alarm_name()
    }
    fn arn(&self) -> Option<&str> {
        self.alarm_arn()
    }
}

impl AlarmKind for CompositeAlarm {
    const TYPE: AlarmType = AlarmType::CompositeAlarm;
    fn in_answer(out: &DescribeAlarmsOutput) -> &[Self] {
        out.composite_alarms()
    }
    fn name(&self) -> Option<&str> {
        self.alarm_name()
    }
    fn arn(&self) -> Option<&str> {
        self.alarm_arn()
    }
}

/// The alarms of kind `A` with these names (at most [`NAMES_PER_CALL`]), by name, in one
/// DescribeAlarms call (and its pages); names with no such alarm are simply missing.
pub async fn describe_named<A: AlarmKind>(cw: &Client, names: &[&str]) -> PResult<HashMap<String, A>> {
    let mut found = HashMap::new();
    let mut token = None;
    loop {
        let out = cw
            .describe_alarms()
            .set_alarm_names(Some(names.iter().map(|n| n.to_string()).collect()))
            .alarm_types(A::TYPE)
            .set_next_token(token)
            .send()
            .await
            .map_err(aws_err)?;
        for a in A::in_answer(&out) {
            if let Some(name) = a.name().filter(|n| names.contains(n)) {
                found.insert(name.to_string(), a.clone());
            }
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// Refreshes alarms of kind `A` (ids are names, with their prior values): one DescribeAlarms
/// call for the batch, then each found alarm's tags, read together. `None` for alarms gone.
pub async fn read_alarms<A: AlarmKind>(
    cw: &Client,
    items: &[(String, Value)],
    to_state: fn(&A, Vec<(String, String)>, &Value) -> Value,
) -> PResult<Vec<Option<Value>>> {
    let mut found = HashMap::new();
    for chunk in items.chunks(NAMES_PER_CALL) {
        let names: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
        found.extend(describe_named::<A>(cw, &names).await?);
    }
    futures::future::try_join_all(items.iter().map(|(id, prior)| {
        let alarm = found.get(id);
        async move {
            let Some(a) = alarm else {
                return Ok(None);
            };
            let tags = alarm_tags(cw, a.arn()).await?;
            Ok(Some(to_state(a, tags, prior)))
        }
    }))
    .await
}

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
