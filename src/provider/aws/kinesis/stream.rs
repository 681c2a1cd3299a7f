//! `aws_kinesis_stream`: a Kinesis data stream, as the provider's `resourceStream` makes it.
//! The name replaces the stream; everything else changes in place, one call per setting, each
//! followed by a wait for the stream to be `ACTIVE` again: the capacity mode (UpdateStreamMode),
//! the shard count of a provisioned stream (UpdateShardCount, uniform scaling), the retention
//! period (Increase/DecreaseStreamRetentionPeriod), the shard-level metrics
//! (Enable/DisableEnhancedMonitoring), server-side encryption (Start/StopStreamEncryption) and
//! tags (by stream name, ten at a time). Create waits for `CREATING` to end, delete for the
//! stream to be gone, within the provider's timeouts (5, 120 and 120 minutes).
//!
//! The id is the stream's ARN; `import` takes the stream's name, as the provider's importer
//! does. As in the provider's CustomizeDiff, a plan refuses a provisioned stream without a
//! shard count of at least 1, and an on-demand stream with one; its check of the account's
//! shard limits (DescribeLimits) is not made. The stream's mode is kept from AWS when the
//! blueprint has no `stream_mode_details` block (the provider's
//! `SuppressMissingOptionalConfigurationBlock`).

use super::{encryption_type, mode, mode_details, shard_level_metrics, summary, tags, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, differs, first, must_exist, op_timeout, opt_bool, opt_i32, opt_str,
    owns, read_beside, required, str_list, sync_tags, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kinesis::types::{
    EncryptionType, MetricsName, ScalingType, StreamDescriptionSummary, StreamMode, StreamModeDetails, StreamStatus,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_kinesis_stream` resource type.
pub struct Stream {
    c: Arc<Clients>,
    schema: Schema,
}

/// Encryption types the provider accepts (`enum.Validate[types.EncryptionType]` of its SDK).
const ENCRYPTION_TYPES: &[&str] = &["NONE", "KMS"];

/// Capacity modes the provider accepts.
const STREAM_MODES: &[&str] = &["PROVISIONED", "ON_DEMAND"];

/// The retention Kinesis gives a new stream, and the provider's default.
const DEFAULT_RETENTION: i32 = 24;

/// Tags per AddTagsToStream / RemoveTagsFromStream call (the provider's chunk size).
const TAG_CHUNK: usize = 10;

/// The message when KMS encryption is asked for without a key (the provider's).
const KEY_REQUIRED: &str = "KMS Key ID required when setting encryption_type is not set as NONE";

impl Stream {
    /// Creates the type with its clients. Validators are the provider's.
    pub fn new(c: Arc<Clients>) -> Stream {
        let schema = resource("aws_kinesis_stream")
            .arg("name")
            .force_new()
            .arg("shard_count")
            .arg("retention_period")
            .default(i64::from(DEFAULT_RETENTION))
            .check(int_between(24, 8760))
            .arg("shard_level_metrics")
            .arg("encryption_type")
            .default("NONE")
            .check(one_of(ENCRYPTION_TYPES))
            // The provider compares it without regard to case (its DiffSuppressFunc).
            .normalized(|s| s.to_uppercase())
            .arg("kms_key_id")
            .arg("enforce_consumer_deletion")
            .default(false)
            .arg("stream_mode_details.stream_mode")
            .check(one_of(STREAM_MODES))
            .computed_blocks(&["stream_mode_details"])
            .args(&["arn", "tags"])
            .timeouts(5, 120, 120)
            .build();
        Stream { c, schema }
    }

    /// Waits for the stream to be `ACTIVE` after a change that puts it in `pending` (the
    /// provider's `waitStreamCreated` / `waitStreamUpdated`); another state ends the wait. A
    /// new stream not yet visible is waited for; one gone during an update is an error.
    async fn wait_active(
        &self,
        name: &str,
        pending: StreamStatus,
        timeout: Duration,
    ) -> PResult<StreamDescriptionSummary> {
        let creating = pending == StreamStatus::Creating;
        wait_for(Wait::new(format!("Kinesis Stream ({name})"), "ACTIVE", timeout), || {
            let pending = pending.clone();
            async move {
                let Some(s) = summary(&self.c, name).await? else {
                    if creating {
                        return Ok(Poll::pending("not found yet"));
                    }
                    return Err(ProviderError::msg(format!("Kinesis Stream ({name}) not found")));
                };
                match s.stream_status().clone() {
                    StreamStatus::Active => Ok(Poll::Ready(s)),
                    st if st == pending => Ok(Poll::pending(st.as_str())),
                    st => Err(ProviderError::msg(format!(
                        "Kinesis Stream ({name}) is {}, waiting for ACTIVE",
                        st.as_str()
                    ))),
                }
            }
        })
        .await
    }

    /// Runs one change and waits for the stream to be `ACTIVE` again, naming the change (the
    /// provider's messages: "waiting for Kinesis Stream (NAME) update (OPERATION)").
    async fn changed<T>(
        &self,
        name: &str,
        operation: &str,
        timeout: Duration,
        call: impl std::future::Future<Output = PResult<T>>,
    ) -> PResult<()> {
        let context =
            |e: ProviderError, doing: &str| e.context(format!("{doing} Kinesis Stream ({name}) ({operation})"));
        call.await.map_err(|e| context(e, "updating"))?;
        self.wait_active(name, StreamStatus::Updating, timeout)
            .await
            .map_err(|e| context(e, "waiting for"))?;
        Ok(())
    }

    /// Enables (or disables) shard-level metrics.
    async fn monitoring(&self, name: &str, metrics: Vec<String>, enable: bool, timeout: Duration) -> PResult<()> {
        let metrics: Vec<MetricsName> = metrics.iter().map(|m| MetricsName::from(m.as_str())).collect();
        if enable {
            let call = self
                .c
                .kinesis
                .enable_enhanced_monitoring()
                .stream_name(name)
                .set_shard_level_metrics(Some(metrics))
                .send();
            self.changed(name, "EnableEnhancedMonitoring", timeout, async {
                call.await.map_err(aws_err)
            })
            .await
        } else {
            let call = self
                .c
                .kinesis
                .disable_enhanced_monitoring()
                .stream_name(name)
                .set_shard_level_metrics(Some(metrics))
                .send();
            self.changed(name, "DisableEnhancedMonitoring", timeout, async {
                call.await.map_err(aws_err)
            })
            .await
        }
    }

    /// Sets the retention period, increasing or decreasing it from `current`.
    async fn retention(&self, name: &str, current: i32, hours: i32, timeout: Duration) -> PResult<()> {
        if hours > current {
            let call = self
                .c
                .kinesis
                .increase_stream_retention_period()
                .stream_name(name)
                .retention_period_hours(hours)
                .send();
            self.changed(name, "IncreaseStreamRetentionPeriod", timeout, async {
                call.await.map_err(aws_err)
            })
            .await
        } else if hours < current {
            let call = self
                .c
                .kinesis
                .decrease_stream_retention_period()
                .stream_name(name)
                .retention_period_hours(hours)
                .send();
            self.changed(name, "DecreaseStreamRetentionPeriod", timeout, async {
                call.await.map_err(aws_err)
            })
            .await
        } else {
            Ok(())
        }
    }

    /// Starts KMS encryption with the planned key.
    async fn start_encryption(&self, name: &str, key: Option<String>, timeout: Duration) -> PResult<()> {
        let key = key.ok_or_else(|| ProviderError::msg(KEY_REQUIRED))?;
        let call = self
            .c
            .kinesis
            .start_stream_encryption()
            .stream_name(name)
            .encryption_type(EncryptionType::Kms)
            .key_id(key)
            .send();
        self.changed(name, "StartStreamEncryption", timeout, async {
            call.await.map_err(aws_err)
        })
        .await
    }

    /// Brings the stream's tags from `prior`'s `tags_all` to `planned`'s, ten keys per call.
    async fn sync_stream_tags(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let k = &self.c.kinesis;
        sync_tags(
            prior,
            planned,
            |keys| async move {
                for chunk in keys.chunks(TAG_CHUNK) {
                    k.remove_tags_from_stream()
                        .stream_name(name)
                        .set_tag_keys(Some(chunk.to_vec()))
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
                Ok(())
            },
            |add| async move {
                let pairs: Vec<(String, String)> = add.into_iter().collect();
                for chunk in pairs.chunks(TAG_CHUNK) {
                    k.add_tags_to_stream()
                        .stream_name(name)
                        .set_tags(Some(chunk.iter().cloned().collect()))
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
                Ok(())
            },
        )
        .await
    }
}

/// The capacity mode a value asks for: its `stream_mode_details` block's, else provisioned (the
/// provider's `getStreamMode`); `None` while the block or its mode is unknown.
fn planned_mode(v: &Value) -> Option<String> {
    match v.get("stream_mode_details") {
        Value::Unknown => None,
        _ => match first(v, "stream_mode_details").map(|b| b.get("stream_mode")) {
            Some(Value::Unknown) => None,
            Some(m) => Some(m.to_plain_string().unwrap_or_else(|| "PROVISIONED".into())),
            None => Some("PROVISIONED".into()),
        },
    }
}

/// The stream's name from an id: the ARN's last part (`…:stream/NAME`), or the id itself (an
/// import id is the name).
fn name_of(id: &str) -> &str {
    match id.strip_prefix("arn:") {
        Some(rest) => rest.split_once(":stream/").map(|(_, n)| n).unwrap_or(id),
        None => id,
    }
}

/// The stream as state holds it, from its summary and tags; `enforce_consumer_deletion` (a
/// setting of the delete only) is kept from `prior`, false on import.
fn to_state(s: &StreamDescriptionSummary, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let shard_count = match mode(s) {
        StreamMode::Provisioned => Value::from(i64::from(s.open_shard_count())),
        _ => Value::Null,
    };
    Value::object([
        ("id", Value::str(s.stream_arn())),
        ("arn", Value::str(s.stream_arn())),
        ("name", Value::str(s.stream_name())),
        ("shard_count", shard_count),
        ("retention_period", Value::from(i64::from(s.retention_period_hours()))),
        ("shard_level_metrics", shard_level_metrics(s)),
        ("encryption_type", encryption_type(s)),
        ("kms_key_id", Value::from(s.key_id())),
        ("stream_mode_details", mode_details(s)),
        (
            "enforce_consumer_deletion",
            Value::Bool(opt_bool(prior, "enforce_consumer_deletion").unwrap_or(false)),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for Stream {
    fn type_name(&self) -> &'static str {
        "aws_kinesis_stream"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// CreateStream (mode, shard count of a provisioned stream, tags), then the settings
    /// CreateStream does not take, each waited for, as the provider does them.
    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(5 * 60));
        let details = match first(planned, "stream_mode_details").and_then(|b| opt_str(b, "stream_mode")) {
            Some(m) => Some(
                StreamModeDetails::builder()
                    .stream_mode(StreamMode::from(m.as_str()))
                    .build()
                    .map_err(build_err)?,
            ),
            None => None,
        };
        let provisioned = planned_mode(planned).as_deref() != Some("ON_DEMAND");
        let tags: HashMap<String, String> = tags_to_write(ctx, planned).into_iter().collect();
        self.c
            .kinesis
            .create_stream()
            .stream_name(&name)
            .set_stream_mode_details(details)
            .set_shard_count(provisioned.then(|| opt_i32(planned, "shard_count").unwrap_or(0)))
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating Kinesis Stream ({name})")))?;
        let created = self
            .wait_active(&name, StreamStatus::Creating, timeout)
            .await
            .map_err(|e| e.context(format!("waiting for Kinesis Stream ({name}) create")))?;
        let retention = opt_i32(planned, "retention_period").unwrap_or(DEFAULT_RETENTION);
        if retention > 0 {
            self.retention(&name, created.retention_period_hours(), retention, timeout)
                .await?;
        }
        let metrics = str_list(planned, "shard_level_metrics");
        if !metrics.is_empty() {
            self.monitoring(&name, metrics, true, timeout).await?;
        }
        if opt_str(planned, "encryption_type").as_deref() == Some("KMS") {
            self.start_encryption(&name, opt_str(planned, "kms_key_id"), timeout)
                .await?;
        }
        let arn = created.stream_arn().to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "Kinesis Stream", &arn)
    }

    /// DescribeStreamSummary and ListTagsForStream by the stream's name, together.
    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let name = opt_str(prior, "name").unwrap_or_else(|| name_of(id).to_string());
        let found = read_beside(summary(&self.c, &name), tags(&self.c, &name)).await?;
        Ok(found.map(|(s, t)| to_state(&s, t, prior)))
    }

    /// The provider's update, in its order: mode, shard count, retention, metrics, encryption,
    /// then tags.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let name = opt_str(prior, "name").unwrap_or_else(|| name_of(id).to_string());
        let arn = opt_str(prior, "arn").unwrap_or_else(|| id.to_string());
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(120 * 60));
        let (old_mode, new_mode) = (planned_mode(prior), planned_mode(planned));
        if let Some(m) = new_mode.as_deref().filter(|_| old_mode != new_mode) {
            let details = StreamModeDetails::builder()
                .stream_mode(StreamMode::from(m))
                .build()
                .map_err(build_err)?;
            let call = self
                .c
                .kinesis
                .update_stream_mode()
                .stream_arn(&arn)
                .stream_mode_details(details)
                .send();
            self.changed(&name, "UpdateStreamMode", timeout, async {
                call.await.map_err(aws_err)
            })
            .await?;
        }
        if new_mode.as_deref() == Some("PROVISIONED") && differs(prior, planned, "shard_count") {
            let target = opt_i32(planned, "shard_count").unwrap_or(0);
            let call = self
                .c
                .kinesis
                .update_shard_count()
                .stream_name(&name)
                .scaling_type(ScalingType::UniformScaling)
                .target_shard_count(target)
                .send();
            self.changed(&name, "UpdateShardCount", timeout, async {
                call.await.map_err(aws_err)
            })
            .await?;
        }
        if differs(prior, planned, "retention_period") {
            let (old, new) = (
                opt_i32(prior, "retention_period").unwrap_or(DEFAULT_RETENTION),
                opt_i32(planned, "retention_period").unwrap_or(0),
            );
            if new != 0 {
                self.retention(&name, old, new, timeout).await?;
            }
        }
        if differs(prior, planned, "shard_level_metrics") {
            let (old, new) = (
                str_list(prior, "shard_level_metrics"),
                str_list(planned, "shard_level_metrics"),
            );
            let gone: Vec<String> = old.iter().filter(|m| !new.contains(m)).cloned().collect();
            let added: Vec<String> = new.iter().filter(|m| !old.contains(m)).cloned().collect();
            if !gone.is_empty() {
                self.monitoring(&name, gone, false, timeout).await?;
            }
            if !added.is_empty() {
                self.monitoring(&name, added, true, timeout).await?;
            }
        }
        let upper = |k: &str, v: &Value| opt_str(v, k).map(|s| s.to_uppercase());
        if upper("encryption_type", prior) != upper("encryption_type", planned) || differs(prior, planned, "kms_key_id")
        {
            match upper("encryption_type", planned).as_deref().unwrap_or("NONE") {
                "KMS" => {
                    self.start_encryption(&name, opt_str(planned, "kms_key_id"), timeout)
                        .await?
                }
                "NONE" => {
                    let call = self
                        .c
                        .kinesis
                        .stop_stream_encryption()
                        .stream_name(&name)
                        .encryption_type(EncryptionType::from(
                            upper("encryption_type", prior).as_deref().unwrap_or("NONE"),
                        ))
                        .key_id(opt_str(prior, "kms_key_id").unwrap_or_default())
                        .send();
                    self.changed(&name, "StopStreamEncryption", timeout, async {
                        call.await.map_err(aws_err)
                    })
                    .await?;
                }
                other => return Err(ProviderError::msg(format!("unsupported encryption type: {other}"))),
            }
        }
        self.sync_stream_tags(&name, prior, planned).await?;
        must_exist(self.read(ctx, &arn, planned).await?, "Kinesis Stream", &arn)
    }

    /// DeleteStream (consumers deleted with it only when `enforce_consumer_deletion`), then
    /// waits until the stream is gone.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let name = opt_str(prior, "name").unwrap_or_else(|| name_of(id).to_string());
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(120 * 60));
        let r = self
            .c
            .kinesis
            .delete_stream()
            .stream_name(&name)
            .enforce_consumer_deletion(opt_bool(prior, "enforce_consumer_deletion").unwrap_or(false))
            .send()
            .await
            .map_err(aws_err);
        let deleted = absent_on(r, NOT_FOUND).map_err(|e| e.context(format!("deleting Kinesis Stream ({name})")))?;
        if deleted.is_none() {
            return Ok(());
        }
        wait_for(
            Wait::new(format!("Kinesis Stream ({name})"), "deleted", timeout),
            || async {
                match summary(&self.c, &name).await? {
                    None => Ok(Poll::Ready(())),
                    Some(s) if *s.stream_status() == StreamStatus::Deleting => Ok(Poll::pending("DELETING")),
                    Some(s) => Err(ProviderError::msg(format!(
                        "Kinesis Stream ({name}) is {}, waiting for it to be deleted",
                        s.stream_status().as_str()
                    ))),
                }
            },
        )
        .await
    }

    /// A stream of the planned name that this stack created for this address (its tags say
    /// so), or any of that name after a killed create of this address: stream names are
    /// unique in an account and region.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some((s, t)) = read_beside(summary(&self.c, &name), tags(&self.c, &name)).await? else {
            return Ok(None);
        };
        let ours = owns(t.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) || ctx.resumed;
        Ok(ours.then(|| s.stream_arn().to_string()))
    }

    /// The provider's CustomizeDiff: a provisioned stream needs a shard count of at least 1,
    /// an on-demand one must have none. Checked where both are known.
    fn refine_plan(&self, _prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // A block the blueprint leaves out is unknown at create (AWS picks the mode) and AWS's
        // afterwards; the provider reads an unknown one as provisioned.
        let from_config = first(config, "stream_mode_details").is_some()
            || matches!(config.get("stream_mode_details"), Value::Unknown);
        let mode = match (from_config, planned.get("stream_mode_details")) {
            (false, Value::Unknown) => Some("PROVISIONED".to_string()),
            (true, _) => planned_mode(config),
            (false, _) => planned_mode(planned),
        };
        let Some(mode) = mode else {
            return Ok(None);
        };
        let count = match planned.get("shard_count") {
            Value::Unknown => return Ok(None),
            v => v.as_number().unwrap_or(0.0),
        };
        match mode.as_str() {
            "ON_DEMAND" if count > 0.0 => Err(ProviderError::msg(format!(
                "shard_count must not be set when stream_mode is {mode}"
            ))),
            "PROVISIONED" if count < 1.0 => Err(ProviderError::msg(format!(
                "shard_count must be at least 1 when stream_mode is {mode}"
            ))),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_arns_or_import_names() {
        assert_eq!(
            name_of("arn:aws:kinesis:us-east-1:123456789012:stream/orders"),
            "orders"
        );
        assert_eq!(name_of("orders"), "orders");
    }

    fn planned(mode: Option<&str>, shards: Value) -> Value {
        let details = match mode {
            Some(m) => Value::List(vec![Value::object([("stream_mode", Value::str(m))])]),
            None => Value::List(vec![]),
        };
        Value::object([("stream_mode_details", details), ("shard_count", shards)])
    }

    #[test]
    fn the_mode_and_the_shard_count_must_agree_as_the_provider_says() {
        let t = Stream::new(Arc::new(crate::provider::aws::offline_clients()));
        let refine = |mut v: Value| t.refine_plan(None, &Value::Null, &mut v).map_err(|e| e.message);
        assert!(refine(planned(None, Value::from(2i64))).is_ok());
        assert_eq!(
            refine(planned(None, Value::Null)).unwrap_err(),
            "shard_count must be at least 1 when stream_mode is PROVISIONED"
        );
        assert_eq!(
            refine(planned(Some("ON_DEMAND"), Value::from(1i64))).unwrap_err(),
            "shard_count must not be set when stream_mode is ON_DEMAND"
        );
        assert!(refine(planned(Some("ON_DEMAND"), Value::Null)).is_ok());
        // Unknown values are checked once known.
        assert!(refine(planned(None, Value::Unknown)).is_ok());
        // A block the blueprint leaves out is unknown at create: provisioned, as the provider
        // reads it; a mode the blueprint sets but is not known yet is checked later.
        let mut omitted = Value::object([("stream_mode_details", Value::Unknown), ("shard_count", Value::Null)]);
        assert!(t.refine_plan(None, &Value::Null, &mut omitted).is_err());
        let config = Value::object([("stream_mode_details", Value::Unknown)]);
        assert!(t.refine_plan(None, &config, &mut omitted).is_ok());
    }
}
