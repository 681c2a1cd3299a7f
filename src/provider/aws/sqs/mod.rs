//! SQS: queues (`aws_sqs_queue`) and the three resources that own one JSON attribute of a
//! queue (`aws_sqs_queue_policy`, `_redrive_policy`, `_redrive_allow_policy`), with the calls
//! they share. A queue is known by its URL everywhere (ids, imports), as in Terraform.

pub mod queue;
pub mod queue_attribute;

use crate::provider::aws::common::{absent_on, aws_err, wait_for, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use aws_sdk_sqs::types::QueueAttributeName;
use std::collections::HashMap;
use std::time::Duration;

/// Codes SQS answers for a queue that does not exist: the JSON protocol's, and the query
/// protocol's that SDKs report when the service sends its compatibility header.
pub const NO_QUEUE: &[&str] = &["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"];

/// Codes for a name whose queue was deleted less than 60 seconds ago (AWS refuses to create
/// it again until then).
pub const DELETED_RECENTLY: &[&str] = &["QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently"];

/// Every attribute of a queue, by SQS's names; `None` when the queue does not exist.
pub async fn attributes(c: &Clients, url: &str) -> PResult<Option<HashMap<String, String>>> {
    let r = c
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NO_QUEUE)?.map(|out| {
        out.attributes()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str().to_string(), v.clone()))
            .collect()
    }))
}

/// Sets attributes of a queue (SQS's names to values; an empty value removes a policy).
pub async fn set_attributes(c: &Clients, url: &str, attrs: &HashMap<String, String>) -> PResult<()> {
    c.sqs
        .set_queue_attributes()
        .queue_url(url)
        .set_attributes(Some(
            attrs
                .iter()
                .map(|(k, v)| (QueueAttributeName::from(k.as_str()), v.clone()))
                .collect(),
        ))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// True when SQS holds `value` for an attribute just written as `sent`: the same text, the
/// same JSON document, or both empty (a removed policy reads back as absent).
pub fn holds(live: Option<&String>, sent: &str) -> bool {
    let live = live.map(String::as_str).unwrap_or("");
    if live == sent {
        return true;
    }
    match (
        serde_json::from_str::<serde_json::Value>(live),
        serde_json::from_str::<serde_json::Value>(sent),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Waits until every attribute written reads back as written: SQS applies attribute changes
/// asynchronously ("up to 60 seconds" for most, 15 minutes for the retention period), and the
/// provider waits for them the same way. A queue found gone ends the wait when `gone_is_done`
/// (removing an attribute of a queue deleted meanwhile), else it is waited for (a new queue
/// can take a moment to be visible).
pub async fn wait_propagated(
    c: &Clients,
    url: &str,
    sent: &HashMap<String, String>,
    timeout: Duration,
    gone_is_done: bool,
) -> PResult<()> {
    if sent.is_empty() {
        return Ok(());
    }
    wait_for(Wait::new(url, "updated", timeout), || async {
        let Some(live) = attributes(c, url).await? else {
            return Ok(if gone_is_done {
                Poll::Ready(())
            } else {
                Poll::pending("not found yet")
            });
        };
        let waiting: Vec<&str> = sent
            .iter()
            .filter(|(k, v)| !holds(live.get(*k), v))
            .map(|(k, _)| k.as_str())
            .collect();
        Ok(if waiting.is_empty() {
            Poll::Ready(())
        } else {
            Poll::pending(format!("{} not yet applied", waiting.join(", ")))
        })
    })
    .await
}

/// The queue's name: the last segment of its URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`).
pub fn name_from_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_urls_and_json_compares_by_meaning() {
        assert_eq!(
            name_from_url("https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo"),
            "jobs.fifo"
        );
        let live = r#"{"deadLetterTargetArn": "arn:x", "maxReceiveCount": 5}"#.to_string();
        assert!(holds(
            Some(&live),
            r#"{"maxReceiveCount":5,"deadLetterTargetArn":"arn:x"}"#
        ));
        assert!(!holds(
            Some(&live),
            r#"{"maxReceiveCount":4,"deadLetterTargetArn":"arn:x"}"#
        ));
        assert!(holds(None, ""));
        assert!(holds(Some(&"30".to_string()), "30"));
    }
}
