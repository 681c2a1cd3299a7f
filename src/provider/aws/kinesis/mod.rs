//! Kinesis Data Streams: streams (`aws_kinesis_stream`) and the data source that reads one by
//! name, with what they share: the stream's summary (DescribeStreamSummary by name, as the
//! provider's `findStreamByName`), its tags (ListTagsForStream, paged), and the state's view of
//! the summary's settings.

pub mod stream;
pub mod stream_data;

use crate::provider::aws::common::{absent_on, aws_err};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_kinesis::types::{StreamDescriptionSummary, StreamMode};

/// The code Kinesis answers for a stream that does not exist.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The stream's summary; `None` when Kinesis has no stream of that name.
pub async fn summary(c: &Clients, name: &str) -> PResult<Option<StreamDescriptionSummary>> {
    let r = c
        .kinesis
        .describe_stream_summary()
        .stream_name(name)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.stream_description_summary))
}

/// Every tag of the stream, sorted by key (ListTagsForStream pages by the last key seen).
pub async fn tags(c: &Clients, name: &str) -> PResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = c
            .kinesis
            .list_tags_for_stream()
            .stream_name(name)
            .set_exclusive_start_tag_key(start.clone())
            .send()
            .await
            .map_err(aws_err)?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string())),
        );
        let last = page.tags().last().map(|t| t.key().to_string());
        match last {
            Some(key) if page.has_more_tags() && start.as_deref() != Some(key.as_str()) => start = Some(key),
            _ => break,
        }
    }
    out.sort();
    Ok(out)
}

/// The stream's mode; a summary without mode details is a provisioned stream (the provider's
/// reading).
pub fn mode(s: &StreamDescriptionSummary) -> StreamMode {
    s.stream_mode_details()
        .map(|d| d.stream_mode().clone())
        .unwrap_or(StreamMode::Provisioned)
}

/// The enhanced (shard-level) metrics enabled on the stream, sorted.
pub fn shard_level_metrics(s: &StreamDescriptionSummary) -> Value {
    let mut metrics: Vec<String> = s
        .enhanced_monitoring()
        .iter()
        .flat_map(|m| m.shard_level_metrics().iter().map(|n| n.as_str().to_string()))
        .collect();
    metrics.sort();
    metrics.dedup();
    Value::List(metrics.into_iter().map(Value::String).collect())
}

/// `stream_mode_details` as state holds it: one block when Kinesis reports the mode, none when
/// it does not.
pub fn mode_details(s: &StreamDescriptionSummary) -> Value {
    Value::List(
        s.stream_mode_details()
            .map(|d| Value::object([("stream_mode", Value::str(d.stream_mode().as_str()))]))
            .into_iter()
            .collect(),
    )
}

/// The encryption type Kinesis reports (`NONE` when it reports none).
pub fn encryption_type(s: &StreamDescriptionSummary) -> Value {
    Value::str(s.encryption_type().map(|t| t.as_str()).unwrap_or("NONE"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kinesis::types::{EnhancedMetrics, MetricsName, StreamModeDetails, StreamStatus};

    fn summary_with(mode: Option<StreamMode>, metrics: &[MetricsName]) -> StreamDescriptionSummary {
        let mut b = StreamDescriptionSummary::builder()
            .stream_name("s")
            .stream_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s")
            .stream_status(StreamStatus::Active)
            .retention_period_hours(24)
            .stream_creation_timestamp(aws_smithy_types::DateTime::from_secs(0))
            .open_shard_count(1)
            .enhanced_monitoring(
                EnhancedMetrics::builder()
                    .set_shard_level_metrics(Some(metrics.to_vec()))
                    .build(),
            );
        if let Some(m) = mode {
            b = b.stream_mode_details(StreamModeDetails::builder().stream_mode(m).build().unwrap());
        }
        b.build().unwrap()
    }

    #[test]
    fn a_summary_without_mode_details_is_provisioned_and_metrics_are_sorted() {
        let s = summary_with(None, &[MetricsName::OutgoingBytes, MetricsName::IncomingBytes]);
        assert_eq!(mode(&s), StreamMode::Provisioned);
        assert_eq!(mode_details(&s), Value::List(vec![]));
        assert_eq!(
            shard_level_metrics(&s),
            Value::List(vec![Value::str("IncomingBytes"), Value::str("OutgoingBytes")])
        );
        assert_eq!(encryption_type(&s), Value::str("NONE"));
        let s = summary_with(Some(StreamMode::OnDemand), &[]);
        assert_eq!(mode(&s), StreamMode::OnDemand);
        assert_eq!(
            mode_details(&s),
            Value::List(vec![Value::object([("stream_mode", Value::str("ON_DEMAND"))])])
        );
    }
}
