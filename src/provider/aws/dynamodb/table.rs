//! `aws_dynamodb_table`: a table with its keys, billing mode, secondary indexes, encryption,
//! point-in-time recovery, TTL, deletion protection and tags. Global secondary indexes are
//! added, removed and resized in place (one per UpdateTable call, as DynamoDB requires, each
//! waited for); local ones only exist from creation. Streams (`stream_enabled`,
//! `stream_view_type` → `stream_arn`, `stream_label`) are switched in place; a new view type
//! turns the stream off and on again, as DynamoDB requires, which makes a new stream ARN.
//! `on_demand_throughput` (the most request units an on-demand table or index may use) is
//! sent at creation and changed in place, for the table and for each global index.
//! `replica` blocks make the table a global table (version 2019.11.21): replicas are added and
//! removed once the table is ACTIVE, each waited for, and removed before the table is deleted
//! (see [`super::replicas`]).

use super::replicas;
use crate::provider::aws::common::{
    aws_err, build_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, required, tag_changes,
    tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType, ADDRESS_TAG, STACK_TAG};
use crate::schema::validators::{arn, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, CsvOptions, DeleteGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, ImportStatus, IndexStatus, InputFormat, InputFormatOptions,
    KeySchemaElement, KeyType, LocalSecondaryIndex, OnDemandThroughput, PointInTimeRecoverySpecification, Projection,
    ProjectionType, ProvisionedThroughput, S3BucketSource, ScalarAttributeType, SseSpecification, SseStatus, SseType,
    StreamSpecification, StreamViewType, TableCreationParameters, TableStatus, Tag, TimeToLiveSpecification,
    UpdateGlobalSecondaryIndexAction,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_dynamodb_table` resource type.
pub struct Table {
    c: Arc<Clients>,
    schema: Schema,
}

/// Index projections.
const PROJECTIONS: &[&str] = &["ALL", "KEYS_ONLY", "INCLUDE"];

/// What a stream's records hold (empty: no stream), as the provider accepts it.
const STREAM_VIEWS: &[&str] = &["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", ""];

/// The stream settings as DynamoDB takes them; `None` when the blueprint has no stream.
fn stream_spec(v: &Value) -> PResult<Option<StreamSpecification>> {
    if opt_bool(v, "stream_enabled") != Some(true) {
        return Ok(None);
    }
    built(
        StreamSpecification::builder()
            .stream_enabled(true)
            .set_stream_view_type(opt_str(v, "stream_view_type").map(|t| StreamViewType::from(t.as_str())))
            .build(),
    )
    .map(Some)
}

impl Table {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Table {
        let schema = resource("aws_dynamodb_table")
            .arg("name")
            .force_new()
            .arg("billing_mode")
            .default("PROVISIONED")
            .arg("hash_key")
            .force_new()
            .arg("range_key")
            .force_new()
            .arg("deletion_protection_enabled")
            .default(false)
            .arg("table_class")
            .live_if_unset()
            .arg("local_secondary_index")
            .force_new()
            .arg("point_in_time_recovery")
            .live_if_unset()
            .arg("server_side_encryption")
            .live_if_unset()
            .arg("ttl")
            .live_if_unset()
            .arg("stream_enabled")
            .default(false)
            .arg("stream_view_type")
            .check(one_of(STREAM_VIEWS))
            .arg("import_table")
            .force_new()
            .arg("import_table.input_format")
            .check(one_of(&["DYNAMODB_JSON", "ION", "CSV"]))
            .arg("import_table.input_compression_type")
            .check(one_of(&["GZIP", "ZSTD", "NONE"]))
            .args(&[
                "read_capacity",
                "write_capacity",
                "tags",
                "attribute",
                "global_secondary_index",
                "on_demand_throughput",
                "replica",
            ])
            .not_yet(&["point_in_time_recovery.recovery_period_in_days"])
            // The provider: read and write capacity are for provisioned tables only.
            .rule(Rule::Conflicts(&["read_capacity", "on_demand_throughput"]))
            .rule(Rule::Conflicts(&["write_capacity", "on_demand_throughput"]))
            // The provider computes the key of a restored table; infractl does not restore.
            .rule(Rule::AtLeastOne(&[
                "hash_key",
                "restore_source_name",
                "restore_source_table_arn",
            ]))
            .arg("billing_mode")
            .check(one_of(&["PROVISIONED", "PAY_PER_REQUEST"]))
            .arg("table_class")
            .check(one_of(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"]))
            .arg("attribute.type")
            .check(one_of(&["S", "N", "B"]))
            .arg("global_secondary_index.projection_type")
            .check(one_of(PROJECTIONS))
            .arg("local_secondary_index.projection_type")
            .check(one_of(PROJECTIONS))
            .arg("server_side_encryption.kms_key_arn")
            .check(arn())
            .arg("replica.kms_key_arn")
            .check(arn())
            .timeouts(30, 60, 10)
            .build();
        Table { c, schema }
    }

    /// Makes the table with ImportTable from the `import_table` block's S3 objects, waits for
    /// the import to complete, then brings what ImportTable cannot set (tags, deletion
    /// protection, table class, streams, TTL, point-in-time recovery, replicas) to the plan with
    /// the same calls as an in-place update. A failed import names its failure code and message.
    async fn create_by_import(&self, ctx: &CallCtx, name: &str, import: &Value, planned: &Value) -> PResult<Value> {
        let billing = billing_mode(planned);
        let gsis = global_indexes(planned)?;
        let table = TableCreationParameters::builder()
            .table_name(name)
            .set_key_schema(Some(key_schema(
                opt_str(planned, "hash_key"),
                opt_str(planned, "range_key"),
            )?))
            .set_attribute_definitions(Some(attribute_definitions(planned)?))
            .billing_mode(billing)
            .set_provisioned_throughput(throughput(planned))
            .set_on_demand_throughput(on_demand(planned))
            .set_sse_specification(sse_spec(planned))
            .set_global_secondary_indexes(Some(gsis).filter(|g| !g.is_empty()));
        let source = block(import, "s3_bucket_source").unwrap_or_default();
        let source = S3BucketSource::builder()
            .s3_bucket(required(&source, "bucket")?)
            .set_s3_bucket_owner(opt_str(&source, "bucket_owner"))
            .set_s3_key_prefix(opt_str(&source, "key_prefix"));
        let csv = block(import, "input_format_options").and_then(|o| block(&o, "csv"));
        let options = csv.map(|c| {
            let header = c
                .get("header_list")
                .as_list()
                .map(|l| l.iter().filter_map(|h| h.to_plain_string()).collect::<Vec<_>>());
            InputFormatOptions::builder()
                .csv(
                    CsvOptions::builder()
                        .set_delimiter(opt_str(&c, "delimiter"))
                        .set_header_list(header)
                        .build(),
                )
                .build()
        });
        let out = self
            .c
            .ddb
            .import_table()
            .input_format(InputFormat::from(required(import, "input_format")?.as_str()))
            .set_input_compression_type(opt_str(import, "input_compression_type").map(|c| c.as_str().into()))
            .set_input_format_options(options)
            .s3_bucket_source(built(source.build())?)
            .table_creation_parameters(built(table.build())?)
            .send()
            .await
            .map_err(aws_err)?;
        let import_arn = out
            .import_table_description()
            .and_then(|d| d.import_arn())
            .ok_or_else(|| ProviderError::msg("ImportTable returned no import ARN"))?
            .to_string();
        self.wait_import(&import_arn, planned).await?;
        self.wait_active(name, planned, Op::Create).await?;
        let made = must_exist(self.read(ctx, name, planned).await?, "table", name)?;
        self.update(ctx, name, &made, &planned.unknowns_from(&made)).await
    }

    /// Waits until the import `arn` completes; a failed or cancelled import is an error.
    async fn wait_import(&self, arn: &str, planned: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        wait_for(Wait::new(arn, "import COMPLETED", timeout), || async {
            let out = self
                .c
                .ddb
                .describe_import()
                .import_arn(arn)
                .send()
                .await
                .map_err(aws_err)?;
            let d = out.import_table_description();
            match d.and_then(|d| d.import_status()) {
                Some(ImportStatus::Completed) => Ok(Poll::Ready(())),
                Some(status @ (ImportStatus::Failed | ImportStatus::Cancelled)) => Err(ProviderError {
                    code: d.and_then(|d| d.failure_code()).map(str::to_string),
                    message: format!(
                        "import {arn} ended {}: {}",
                        status.as_str(),
                        d.and_then(|d| d.failure_message()).unwrap_or("no reason given")
                    ),
                }),
                status => Ok(Poll::pending(
                    status
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "unknown".into()),
                )),
            }
        })
        .await
    }

    /// Waits for the table and its indexes to be ACTIVE, as long as the operation's timeout.
    async fn wait_active(&self, name: &str, value: &Value, op: Op) -> PResult<()> {
        let timeout = op_timeout(&self.schema, value, op, Duration::from_secs(1800));
        wait_for(Wait::new(name, "ACTIVE with its indexes", timeout), || async {
            let d = self
                .c
                .ddb
                .describe_table()
                .table_name(name)
                .send()
                .await
                .map_err(aws_err)?;
            let Some(t) = d.table() else {
                return Ok(Poll::pending("not found yet"));
            };
            let status = t.table_status().map(|s| s.as_str()).unwrap_or("unknown");
            if t.table_status() != Some(&TableStatus::Active) {
                return Ok(Poll::pending(format!("table {status}")));
            }
            match t
                .global_secondary_indexes()
                .iter()
                .find(|i| i.index_status() != Some(&IndexStatus::Active))
            {
                Some(i) => Ok(Poll::pending(format!(
                    "index {} {}",
                    i.index_name().unwrap_or_default(),
                    i.index_status().map(|s| s.as_str()).unwrap_or("unknown")
                ))),
                None => Ok(Poll::Ready(())),
            }
        })
        .await
    }

    /// Brings the global secondary indexes from `prior` to `planned`: removals first, then
    /// reshaped indexes dropped and made again, then new ones, then throughput changes. DynamoDB
    /// takes one index creation or deletion per call and the table must settle in between.
    async fn update_indexes(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let old = indexes(prior, "global_secondary_index");
        let new = indexes(planned, "global_secondary_index");
        let find = |list: &[Value], n: &Option<String>| list.iter().find(|i| &opt_str(i, "name") == n).cloned();
        let mut updates: Vec<GlobalSecondaryIndexUpdate> = Vec::new();
        for o in old {
            let n = opt_str(o, "name");
            if find(new, &n).is_none_or(|x| index_shape_changed(o, &x)) {
                updates.push(
                    GlobalSecondaryIndexUpdate::builder()
                        .delete(built(
                            DeleteGlobalSecondaryIndexAction::builder()
                                .index_name(n.unwrap_or_default())
                                .build(),
                        )?)
                        .build(),
                );
            }
        }
        for x in new {
            let n = opt_str(x, "name");
            let prev = find(old, &n);
            if prev.as_ref().is_none_or(|o| index_shape_changed(o, x)) {
                let g = global_index(planned, x)?;
                updates.push(
                    GlobalSecondaryIndexUpdate::builder()
                        .create(built(
                            CreateGlobalSecondaryIndexAction::builder()
                                .index_name(g.index_name())
                                .set_key_schema(Some(g.key_schema().to_vec()))
                                .set_projection(g.projection().cloned())
                                .set_provisioned_throughput(g.provisioned_throughput().cloned())
                                .set_on_demand_throughput(g.on_demand_throughput().cloned())
                                .build(),
                        )?)
                        .build(),
                );
            } else if let Some(o) = prev {
                // Provisioned capacity changes on provisioned tables only; on-demand limits
                // wherever they changed (as the provider's GSI diff sends them).
                let capacity = index_throughput(planned, x).filter(|_| {
                    ["read_capacity", "write_capacity"]
                        .iter()
                        .any(|k| o.get(k).as_number() != x.get(k).as_number())
                });
                let limits = on_demand(x).filter(|_| o.get("on_demand_throughput") != x.get("on_demand_throughput"));
                if capacity.is_some() || limits.is_some() {
                    updates.push(
                        GlobalSecondaryIndexUpdate::builder()
                            .update(built(
                                UpdateGlobalSecondaryIndexAction::builder()
                                    .index_name(n.unwrap_or_default())
                                    .set_provisioned_throughput(capacity)
                                    .set_on_demand_throughput(limits)
                                    .build(),
                            )?)
                            .build(),
                    );
                }
            }
        }
        let attributes = attribute_definitions(planned)?;
        for u in updates {
            self.c
                .ddb
                .update_table()
                .table_name(name)
                .set_attribute_definitions(Some(attributes.clone()))
                .global_secondary_index_updates(u)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(name, planned, Op::Update).await?;
        }
        Ok(())
    }

    /// Switches the stream on or off, or to another view type (off, then on again: DynamoDB
    /// does not change a live stream's view type).
    async fn update_stream(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let was_on = opt_bool(prior, "stream_enabled") == Some(true);
        if was_on {
            let off = built(StreamSpecification::builder().stream_enabled(false).build())?;
            self.c
                .ddb
                .update_table()
                .table_name(name)
                .stream_specification(off)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(name, planned, Op::Update).await?;
        }
        if let Some(on) = stream_spec(planned)? {
            self.c
                .ddb
                .update_table()
                .table_name(name)
                .stream_specification(on)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(name, planned, Op::Update).await?;
        }
        Ok(())
    }

    async fn set_pitr(&self, name: &str, on: bool) -> PResult<()> {
        self.c
            .ddb
            .update_continuous_backups()
            .table_name(name)
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(on)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn set_ttl(&self, name: &str, attribute: &str, on: bool) -> PResult<()> {
        self.c
            .ddb
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(attribute)
                    .enabled(on)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

fn block(v: &Value, name: &str) -> Option<Value> {
    v.get(name).as_list().and_then(|l| l.first()).cloned()
}

/// The table's billing mode as planned (`PROVISIONED` when unset, as DynamoDB defaults).
fn billing_mode(planned: &Value) -> BillingMode {
    BillingMode::from(opt_str(planned, "billing_mode").as_deref().unwrap_or("PROVISIONED"))
}

/// The planned global secondary indexes as CreateTable and ImportTable take them.
fn global_indexes(planned: &Value) -> PResult<Vec<GlobalSecondaryIndex>> {
    indexes(planned, "global_secondary_index")
        .iter()
        .map(|i| global_index(planned, i))
        .collect()
}

fn sse_spec(v: &Value) -> Option<SseSpecification> {
    let sse = block(v, "server_side_encryption")?;
    let enabled = opt_bool(&sse, "enabled").unwrap_or(false);
    let mut spec = SseSpecification::builder().enabled(enabled);
    if enabled {
        spec = spec
            .sse_type(SseType::Kms)
            .set_kms_master_key_id(opt_str(&sse, "kms_key_arn"));
    }
    Some(spec.build())
}

fn throughput(v: &Value) -> Option<ProvisionedThroughput> {
    if opt_str(v, "billing_mode").as_deref() == Some("PAY_PER_REQUEST") {
        return None;
    }
    ProvisionedThroughput::builder()
        .read_capacity_units(v.get("read_capacity").as_number().unwrap_or(1.0) as i64)
        .write_capacity_units(v.get("write_capacity").as_number().unwrap_or(1.0) as i64)
        .build()
        .ok()
}

/// The most request units of an on-demand table or index, as the provider sends them: a limit
/// left unset or 0 is not sent (-1, which removes a limit, is).
fn on_demand(v: &Value) -> Option<OnDemandThroughput> {
    let b = block(v, "on_demand_throughput")?;
    let limit = |k: &str| b.get(k).as_number().map(|n| n as i64).filter(|n| *n != 0);
    Some(
        OnDemandThroughput::builder()
            .set_max_read_request_units(limit("max_read_request_units"))
            .set_max_write_request_units(limit("max_write_request_units"))
            .build(),
    )
}

/// An on-demand limit as read back: one block when AWS has one, none otherwise.
fn on_demand_value(t: Option<&OnDemandThroughput>) -> Value {
    Value::List(
        t.map(|t| {
            Value::object([
                ("max_read_request_units", Value::from(t.max_read_request_units())),
                ("max_write_request_units", Value::from(t.max_write_request_units())),
            ])
        })
        .into_iter()
        .collect(),
    )
}

fn built<T>(r: Result<T, aws_sdk_dynamodb::error::BuildError>) -> PResult<T> {
    r.map_err(build_err)
}

/// The key schema of a table or index: a hash key and an optional range key.
fn key_schema(hash: Option<String>, range: Option<String>) -> PResult<Vec<KeySchemaElement>> {
    let mut keys = vec![built(
        KeySchemaElement::builder()
            .attribute_name(hash.unwrap_or_default())
            .key_type(KeyType::Hash)
            .build(),
    )?];
    if let Some(range) = range {
        keys.push(built(
            KeySchemaElement::builder()
                .attribute_name(range)
                .key_type(KeyType::Range)
                .build(),
        )?);
    }
    Ok(keys)
}

fn attribute_definitions(planned: &Value) -> PResult<Vec<AttributeDefinition>> {
    planned
        .get("attribute")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|a| {
            built(
                AttributeDefinition::builder()
                    .attribute_name(opt_str(a, "name").unwrap_or_default())
                    .attribute_type(ScalarAttributeType::from(
                        opt_str(a, "type").unwrap_or_default().as_str(),
                    ))
                    .build(),
            )
        })
        .collect()
}

fn projection(index: &Value) -> Projection {
    let non_key = crate::provider::aws::common::str_list(index, "non_key_attributes");
    Projection::builder()
        .set_projection_type(opt_str(index, "projection_type").map(|p| ProjectionType::from(p.as_str())))
        .set_non_key_attributes(Some(non_key).filter(|n| !n.is_empty()))
        .build()
}

/// An index's provisioned throughput, for provisioned tables only.
fn index_throughput(table: &Value, index: &Value) -> Option<ProvisionedThroughput> {
    if opt_str(table, "billing_mode").as_deref() == Some("PAY_PER_REQUEST") {
        return None;
    }
    ProvisionedThroughput::builder()
        .read_capacity_units(index.get("read_capacity").as_number().unwrap_or(1.0) as i64)
        .write_capacity_units(index.get("write_capacity").as_number().unwrap_or(1.0) as i64)
        .build()
        .ok()
}

fn indexes<'a>(v: &'a Value, kind: &str) -> &'a [Value] {
    v.get(kind).as_list().unwrap_or(&[])
}

fn global_index(table: &Value, index: &Value) -> PResult<GlobalSecondaryIndex> {
    built(
        GlobalSecondaryIndex::builder()
            .index_name(opt_str(index, "name").unwrap_or_default())
            .set_key_schema(Some(key_schema(
                opt_str(index, "hash_key"),
                opt_str(index, "range_key"),
            )?))
            .projection(projection(index))
            .set_provisioned_throughput(index_throughput(table, index))
            .set_on_demand_throughput(on_demand(index))
            .build(),
    )
}

fn local_index(table: &Value, index: &Value) -> PResult<LocalSecondaryIndex> {
    built(
        LocalSecondaryIndex::builder()
            .index_name(opt_str(index, "name").unwrap_or_default())
            .set_key_schema(Some(key_schema(
                opt_str(table, "hash_key"),
                opt_str(index, "range_key"),
            )?))
            .projection(projection(index))
            .build(),
    )
}

/// Whether two versions of a GSI differ in more than throughput (then it is dropped and made
/// again: DynamoDB cannot change an index's keys or projection).
fn index_shape_changed(old: &Value, new: &Value) -> bool {
    let set = |v: &Value| {
        let mut l = crate::provider::aws::common::str_list(v, "non_key_attributes");
        l.sort();
        l
    };
    ["hash_key", "range_key", "projection_type"]
        .iter()
        .any(|k| opt_str(old, k) != opt_str(new, k))
        || set(old) != set(new)
}

#[async_trait]
impl ResourceType for Table {
    fn check_config(&self, config: &Value) -> Result<(), String> {
        let view = config.get("stream_view_type");
        if config.get("stream_enabled").as_bool() == Some(true) && (view.is_null() || view.as_str() == Some("")) {
            return Err("stream_view_type is required when stream_enabled = true".into());
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // A stream switched on, off or to another view type gets a new ARN and label.
        if let (Some(prior), Value::Object(m)) = (prior, &mut *planned) {
            let moved = ["stream_enabled", "stream_view_type"]
                .iter()
                .any(|k| m.get(*k).is_some_and(|v| v != prior.get(k)));
            if moved {
                for k in ["stream_arn", "stream_label"] {
                    m.insert(k.to_string(), Value::Unknown);
                }
            }
        }
        Ok(None)
    }

    fn type_name(&self) -> &'static str {
        "aws_dynamodb_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        if let Some(import) = block(planned, "import_table") {
            return self.create_by_import(ctx, &name, &import, planned).await;
        }
        let keys = key_schema(opt_str(planned, "hash_key"), opt_str(planned, "range_key"))?;
        let attributes = attribute_definitions(planned)?;
        let gsis = global_indexes(planned)?;
        let lsis = indexes(planned, "local_secondary_index")
            .iter()
            .map(|i| local_index(planned, i))
            .collect::<PResult<Vec<_>>>()?;
        let tags = crate::provider::aws::common::sdk_tags!(Tag, tags_to_write(ctx, planned))?;
        let billing = billing_mode(planned);
        self.c
            .ddb
            .create_table()
            .table_name(&name)
            .set_key_schema(Some(keys))
            .set_attribute_definitions(Some(attributes))
            .set_global_secondary_indexes(Some(gsis).filter(|g| !g.is_empty()))
            .set_local_secondary_indexes(Some(lsis).filter(|l| !l.is_empty()))
            .billing_mode(billing)
            .set_provisioned_throughput(throughput(planned))
            .set_on_demand_throughput(on_demand(planned))
            .set_sse_specification(sse_spec(planned))
            .set_deletion_protection_enabled(opt_bool(planned, "deletion_protection_enabled"))
            .set_table_class(opt_str(planned, "table_class").map(|c| c.as_str().into()))
            .set_stream_specification(stream_spec(planned)?)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(aws_err)?;
        self.wait_active(&name, planned, Op::Create).await?;
        if let Some(p) = block(planned, "point_in_time_recovery") {
            if opt_bool(&p, "enabled") == Some(true) {
                self.set_pitr(&name, true).await?;
            }
        }
        if let Some(t) = block(planned, "ttl") {
            if let (Some(attr), Some(true)) = (opt_str(&t, "attribute_name"), opt_bool(&t, "enabled")) {
                self.set_ttl(&name, &attr, true).await?;
            }
        }
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        for r in replicas::blocks(planned) {
            replicas::create(&self.c.ddb, &name, r, planned.get("tags_all"), timeout).await?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "table", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // Backups and time to live need only the table's name: they are read beside it.
        let backups = async {
            self.c
                .ddb
                .describe_continuous_backups()
                .table_name(id)
                .send()
                .await
                .map_err(aws_err)
        };
        let ttl = async {
            self.c
                .ddb
                .describe_time_to_live()
                .table_name(id)
                .send()
                .await
                .map_err(aws_err)
        };
        let (described, backups, ttl_out) =
            futures::join!(self.c.ddb.describe_table().table_name(id).send(), backups, ttl);
        let out = match described {
            Ok(o) => o,
            Err(e) => {
                let e = e.into_service_error();
                if e.is_resource_not_found_exception() {
                    return Ok(None);
                }
                return Err(ProviderError {
                    code: aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e).map(str::to_string),
                    message: e.to_string(),
                });
            }
        };
        let Some(t) = out.table() else { return Ok(None) };
        let arn = t.table_arn().unwrap_or_default().to_string();
        let key = |kind: KeyType| {
            t.key_schema()
                .iter()
                .find(|k| k.key_type() == &kind)
                .map(|k| k.attribute_name().to_string())
        };
        let billing = t
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|b| b.as_str().to_string())
            .unwrap_or_else(|| "PROVISIONED".into());
        let (read_cap, write_cap) = t
            .provisioned_throughput()
            .map(|p| {
                (
                    p.read_capacity_units().unwrap_or(0),
                    p.write_capacity_units().unwrap_or(0),
                )
            })
            .unwrap_or((0, 0));
        let attributes: Vec<Value> = t
            .attribute_definitions()
            .iter()
            .map(|a| {
                Value::object([
                    ("name", Value::str(a.attribute_name())),
                    ("type", Value::str(a.attribute_type().as_str())),
                ])
            })
            .collect();
        let key_of = |keys: &[KeySchemaElement], kind: KeyType| {
            Value::from(
                keys.iter()
                    .find(|k| k.key_type() == &kind)
                    .map(|k| k.attribute_name().to_string()),
            )
        };
        let projected = |p: Option<&Projection>| {
            (
                Value::from(p.and_then(|p| p.projection_type()).map(|t| t.as_str().to_string())),
                Value::List(
                    p.map(|p| p.non_key_attributes())
                        .unwrap_or_default()
                        .iter()
                        .map(Value::str)
                        .collect(),
                ),
            )
        };
        let gsis: Vec<Value> = t
            .global_secondary_indexes()
            .iter()
            .map(|i| {
                let (ptype, non_key) = projected(i.projection());
                let cap = |f: fn(&aws_sdk_dynamodb::types::ProvisionedThroughputDescription) -> Option<i64>| {
                    Value::Number(i.provisioned_throughput().and_then(f).unwrap_or(0) as f64)
                };
                Value::object([
                    ("name", Value::from(i.index_name())),
                    ("hash_key", key_of(i.key_schema(), KeyType::Hash)),
                    ("range_key", key_of(i.key_schema(), KeyType::Range)),
                    ("projection_type", ptype),
                    ("non_key_attributes", non_key),
                    (
                        "read_capacity",
                        cap(aws_sdk_dynamodb::types::ProvisionedThroughputDescription::read_capacity_units),
                    ),
                    (
                        "write_capacity",
                        cap(aws_sdk_dynamodb::types::ProvisionedThroughputDescription::write_capacity_units),
                    ),
                    ("on_demand_throughput", on_demand_value(i.on_demand_throughput())),
                ])
            })
            .collect();
        let lsis: Vec<Value> = t
            .local_secondary_indexes()
            .iter()
            .map(|i| {
                let (ptype, non_key) = projected(i.projection());
                Value::object([
                    ("name", Value::from(i.index_name())),
                    ("range_key", key_of(i.key_schema(), KeyType::Range)),
                    ("projection_type", ptype),
                    ("non_key_attributes", non_key),
                ])
            })
            .collect();
        let sse = t.sse_description().map(|s| {
            let on = s.status() == Some(&SseStatus::Enabled) || s.status() == Some(&SseStatus::Enabling);
            Value::object([
                ("enabled", Value::Bool(on)),
                ("kms_key_arn", Value::from(s.kms_master_key_arn())),
            ])
        });
        let sse = sse.unwrap_or_else(|| Value::object([("enabled", Value::Bool(false)), ("kms_key_arn", Value::Null)]));
        let backups = backups?;
        let pitr = backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        let ttl_out = ttl_out?;
        let ttl = ttl_out.time_to_live_description();
        let ttl_on = ttl
            .and_then(|d| d.time_to_live_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        let ttl_attr = ttl.and_then(|d| d.attribute_name()).map(str::to_string);
        let tags_out = self
            .c
            .ddb
            .list_tags_of_resource()
            .resource_arn(&arn)
            .send()
            .await
            .map_err(aws_err)?;
        let tags = user_tags(
            tags_out
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string())),
        );
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("billing_mode", Value::str(billing.clone())),
            ("hash_key", Value::from(key(KeyType::Hash))),
            ("range_key", Value::from(key(KeyType::Range))),
            ("read_capacity", Value::Number(read_cap as f64)),
            ("write_capacity", Value::Number(write_cap as f64)),
            ("attribute", Value::List(attributes)),
            ("on_demand_throughput", on_demand_value(t.on_demand_throughput())),
            ("global_secondary_index", Value::List(gsis)),
            ("local_secondary_index", Value::List(lsis)),
            (
                "point_in_time_recovery",
                Value::List(vec![Value::object([("enabled", Value::Bool(pitr))])]),
            ),
            ("server_side_encryption", Value::List(vec![sse])),
            (
                "ttl",
                Value::List(vec![Value::object([
                    ("attribute_name", Value::from(ttl_attr.filter(|_| ttl_on))),
                    ("enabled", Value::Bool(ttl_on)),
                ])]),
            ),
            (
                "deletion_protection_enabled",
                Value::Bool(t.deletion_protection_enabled().unwrap_or(false)),
            ),
            (
                "table_class",
                Value::str(
                    t.table_class_summary()
                        .and_then(|c| c.table_class())
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "STANDARD".into()),
                ),
            ),
            (
                "stream_enabled",
                Value::Bool(t.stream_specification().is_some_and(|s| s.stream_enabled())),
            ),
            (
                "stream_view_type",
                Value::from(
                    t.stream_specification()
                        .filter(|s| s.stream_enabled())
                        .and_then(|s| s.stream_view_type())
                        .map(|v| v.as_str().to_string()),
                ),
            ),
            ("stream_arn", Value::from(t.latest_stream_arn())),
            ("stream_label", Value::from(t.latest_stream_label())),
            ("replica", replicas::read(&self.c.ddb, id, t.replicas(), prior).await?),
            // How the table was first filled is not something DynamoDB reports.
            ("import_table", prior.get("import_table").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", tags),
            ("arn", Value::str(arn)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("global_secondary_index") || changed("attribute") {
            self.update_indexes(id, prior, planned).await?;
        }
        if changed("billing_mode")
            || changed("read_capacity")
            || changed("write_capacity")
            || changed("deletion_protection_enabled")
            || changed("server_side_encryption")
            || changed("table_class")
            || changed("on_demand_throughput")
        {
            let mut req = self.c.ddb.update_table().table_name(id);
            if changed("billing_mode") || changed("read_capacity") || changed("write_capacity") {
                req = req
                    .billing_mode(billing_mode(planned))
                    .set_provisioned_throughput(throughput(planned));
            }
            if changed("deletion_protection_enabled") {
                req = req.set_deletion_protection_enabled(opt_bool(planned, "deletion_protection_enabled"));
            }
            if changed("server_side_encryption") {
                req = req.set_sse_specification(sse_spec(planned));
            }
            if changed("on_demand_throughput") {
                req = req.set_on_demand_throughput(on_demand(planned));
            }
            if changed("table_class") {
                req = req.set_table_class(opt_str(planned, "table_class").map(|c| c.as_str().into()));
            }
            req.send().await.map_err(aws_err)?;
            self.wait_active(id, planned, Op::Update).await?;
        }
        if changed("stream_enabled") || changed("stream_view_type") {
            self.update_stream(id, prior, planned).await?;
        }
        if changed("replica") || (changed("tags_all") && !replicas::blocks(planned).is_empty()) {
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(3600));
            replicas::update(&self.c.ddb, id, prior, planned, timeout).await?;
        }
        if changed("point_in_time_recovery") {
            let on = block(planned, "point_in_time_recovery")
                .and_then(|p| opt_bool(&p, "enabled"))
                .unwrap_or(false);
            self.set_pitr(id, on).await?;
        }
        if changed("ttl") {
            let new = block(planned, "ttl").unwrap_or_default();
            let old = block(prior, "ttl").unwrap_or_default();
            match (
                opt_str(&new, "attribute_name"),
                opt_bool(&new, "enabled").unwrap_or(false),
            ) {
                (Some(attr), true) => self.set_ttl(id, &attr, true).await?,
                _ => {
                    if let (Some(attr), Some(true)) = (opt_str(&old, "attribute_name"), opt_bool(&old, "enabled")) {
                        self.set_ttl(id, &attr, false).await?;
                    }
                }
            }
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !remove.is_empty() {
            self.c
                .ddb
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(remove))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !add.is_empty() {
            let tags = crate::provider::aws::common::sdk_tags!(Tag, add)?;
            self.c
                .ddb
                .tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "table", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        replicas::delete_all(&self.c.ddb, id, &replicas::regions(prior), timeout).await?;
        match self.c.ddb.delete_table().table_name(id).send().await {
            Ok(_) => {}
            Err(e) => {
                let e = e.into_service_error();
                if e.is_resource_not_found_exception() {
                    return Ok(());
                }
                return Err(ProviderError {
                    code: aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e).map(str::to_string),
                    message: aws_smithy_types::error::metadata::ProvideErrorMetadata::message(&e)
                        .unwrap_or_default()
                        .to_string(),
                });
            }
        }
        wait_for(Wait::new(id, "deleted", timeout), || async {
            match self.c.ddb.describe_table().table_name(id).send().await {
                Ok(d) => Ok(Poll::pending(
                    d.table()
                        .and_then(|t| t.table_status())
                        .map(|s| s.as_str())
                        .unwrap_or("unknown"),
                )),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    Ok(Poll::Ready(()))
                }
                Err(e) => Err(aws_err(e)),
            }
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Ok(out) = self.c.ddb.describe_table().table_name(&name).send().await else {
            return Ok(None);
        };
        let Some(arn) = out.table().and_then(|t| t.table_arn()) else {
            return Ok(None);
        };
        let tags = self
            .c
            .ddb
            .list_tags_of_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        let has = |k: &str, v: &str| tags.tags().iter().any(|t| t.key() == k && t.value() == v);
        Ok((has(STACK_TAG, &ctx.stack) && has(ADDRESS_TAG, &ctx.address)).then_some(name))
    }
}
