//! Data source `aws_kinesis_stream`: a stream someone else manages, read by name (its ARN,
//! status, mode, retention, metrics, encryption, tags), with its open and closed shards from
//! ListShards, as the provider's `dataSourceStreamRead` reads it.

use super::{encryption_type, mode_details, shard_level_metrics, summary, tags};
use crate::provider::aws::common::{aws_err, required, user_tags};
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kinesis::types::Shard;
use std::sync::Arc;

/// The `aws_kinesis_stream` data source.
pub struct StreamData {
    c: Arc<Clients>,
    schema: Schema,
}

impl StreamData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> StreamData {
        let schema = data_source("aws_kinesis_stream").args(&["name", "tags"]).build();
        StreamData { c, schema }
    }

    /// Every shard of the stream (ListShards, paged: later pages name only the token).
    async fn shards(&self, name: &str) -> PResult<Vec<Shard>> {
        let mut shards = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let req = self.c.kinesis.list_shards();
            let req = match &token {
                Some(t) => req.next_token(t),
                None => req.stream_name(name),
            };
            let page = req.send().await.map_err(aws_err)?;
            shards.extend(page.shards().iter().cloned());
            match page.next_token().filter(|t| !t.is_empty()) {
                Some(t) if token.as_deref() != Some(t) => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(shards)
    }
}

/// The ids of the open (`open`) or closed shards, sorted: a closed shard has an ending sequence
/// number (the provider's `filterShards`).
fn shard_ids(shards: &[Shard], open: bool) -> Value {
    let mut ids: Vec<String> = shards
        .iter()
        .filter(|s| {
            s.sequence_number_range()
                .is_some_and(|r| r.ending_sequence_number().is_none() == open)
        })
        .map(|s| s.shard_id().to_string())
        .collect();
    ids.sort();
    Value::List(ids.into_iter().map(Value::String).collect())
}

#[async_trait]
impl DataSourceType for StreamData {
    fn type_name(&self) -> &'static str {
        "aws_kinesis_stream"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let s = summary(&self.c, &name)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("reading Kinesis Stream ({name}): couldn't find resource")))?;
        let (shards, tags) = futures::try_join!(self.shards(&name), tags(&self.c, &name))?;
        // Tags AWS itself sets (`aws:…`) are left out, as the provider's IgnoreAWS does.
        let tags = tags.into_iter().filter(|(k, _)| !k.starts_with("aws:"));
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(s.stream_arn())),
                ("arn", Value::str(s.stream_arn())),
                ("name", Value::str(s.stream_name())),
                ("closed_shards", shard_ids(&shards, false)),
                ("open_shards", shard_ids(&shards, true)),
                ("creation_timestamp", Value::from(s.stream_creation_timestamp().secs())),
                ("encryption_type", encryption_type(&s)),
                ("kms_key_id", Value::from(s.key_id())),
                ("retention_period", Value::from(i64::from(s.retention_period_hours()))),
                ("shard_level_metrics", shard_level_metrics(&s)),
                ("status", Value::str(s.stream_status().as_str())),
                ("stream_mode_details", mode_details(&s)),
                ("tags", user_tags(tags)),
            ]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kinesis::types::{HashKeyRange, SequenceNumberRange};

    fn shard(id: &str, end: Option<&str>) -> Shard {
        Shard::builder()
            .shard_id(id)
            .hash_key_range(
                HashKeyRange::builder()
                    .starting_hash_key("0")
                    .ending_hash_key("1")
                    .build()
                    .unwrap(),
            )
            .sequence_number_range(
                SequenceNumberRange::builder()
                    .starting_sequence_number("1")
                    .set_ending_sequence_number(end.map(str::to_string))
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn shards_with_an_ending_sequence_number_are_closed() {
        let shards = [
            shard("shardId-000000000002", None),
            shard("shardId-000000000000", Some("9")),
            shard("shardId-000000000001", None),
        ];
        assert_eq!(
            shard_ids(&shards, true),
            Value::List(vec![
                Value::str("shardId-000000000001"),
                Value::str("shardId-000000000002")
            ])
        );
        assert_eq!(
            shard_ids(&shards, false),
            Value::List(vec![Value::str("shardId-000000000000")])
        );
    }
}
