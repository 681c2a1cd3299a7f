//! `aws_s3_bucket_inventory`: a scheduled inventory report of a bucket's objects, delivered to
//! another bucket; id `BUCKET:NAME`; a refresh lists a bucket's inventories in one call.

use super::companion::{built, first, list_pages, next_token, At, BucketSetting, Listed};
use crate::provider::aws::common::{absent_on, aws_err, list_value, opt_bool, opt_str, str_list};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, one_of};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    InventoryConfiguration as Config, InventoryDestination, InventoryEncryption, InventoryFilter, InventoryFormat,
    InventoryFrequency, InventoryIncludedObjectVersions, InventoryOptionalField, InventoryS3BucketDestination,
    InventorySchedule, Ssekms, Sses3,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no such inventory.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchConfiguration"];

/// The `aws_s3_bucket_inventory` setting.
pub struct Inventory;

fn attrs(c: &Config) -> IndexMap<String, Value> {
    let dest: Vec<Value> = c
        .destination()
        .and_then(|d| d.s3_bucket_destination())
        .map(|d| {
            let encryption: Vec<Value> = d
                .encryption()
                .map(|e| {
                    Value::object([
                        (
                            "sse_kms",
                            Value::List(
                                e.ssekms()
                                    .map(|k| Value::object([("key_id", Value::str(k.key_id()))]))
                                    .into_iter()
                                    .collect(),
                            ),
                        ),
                        (
                            "sse_s3",
                            Value::List(
                                e.sses3()
                                    .map(|_| Value::Object(indexmap::IndexMap::new()))
                                    .into_iter()
                                    .collect(),
                            ),
                        ),
                    ])
                })
                .into_iter()
                .collect();
            Value::object([(
                "bucket",
                Value::List(vec![Value::object([
                    ("account_id", Value::from(d.account_id())),
                    ("bucket_arn", Value::str(d.bucket())),
                    ("format", Value::str(d.format().as_str())),
                    ("prefix", Value::from(d.prefix())),
                    ("encryption", Value::List(encryption)),
                ])]),
            )])
        })
        .into_iter()
        .collect();
    let filter: Vec<Value> = c
        .filter()
        .map(|f| Value::object([("prefix", Value::str(f.prefix()))]))
        .into_iter()
        .collect();
    let schedule: Vec<Value> = c
        .schedule()
        .map(|s| Value::object([("frequency", Value::str(s.frequency().as_str()))]))
        .into_iter()
        .collect();
    IndexMap::from([
        ("enabled".to_string(), Value::Bool(c.is_enabled())),
        (
            "included_object_versions".to_string(),
            Value::str(c.included_object_versions().as_str()),
        ),
        (
            "optional_fields".to_string(),
            list_value(c.optional_fields().iter().map(|f| f.as_str().to_string())),
        ),
        ("destination".to_string(), Value::List(dest)),
        ("filter".to_string(), Value::List(filter)),
        ("schedule".to_string(), Value::List(schedule)),
    ])
}

fn destination(planned: &Value) -> PResult<InventoryDestination> {
    let d = first(planned, "destination").and_then(|d| first(d, "bucket"));
    let s = |k: &str| d.and_then(|d| opt_str(d, k));
    let e = d.and_then(|d| first(d, "encryption"));
    let encryption = match e {
        None => None,
        Some(e) => Some(
            InventoryEncryption::builder()
                .set_sses3(first(e, "sse_s3").map(|_| Sses3::builder().build()))
                .set_ssekms(
                    first(e, "sse_kms")
                        .map(|k| {
                            built(
                                Ssekms::builder()
                                    .key_id(opt_str(k, "key_id").unwrap_or_default())
                                    .build(),
                            )
                        })
                        .transpose()?,
                )
                .build(),
        ),
    };
    let bucket = built(
        InventoryS3BucketDestination::builder()
            .set_account_id(s("account_id"))
            .bucket(s("bucket_arn").unwrap_or_default())
            .format(InventoryFormat::from(s("format").unwrap_or_default().as_str()))
            .set_prefix(s("prefix"))
            .set_encryption(encryption)
            .build(),
    )?;
    Ok(InventoryDestination::builder().s3_bucket_destination(bucket).build())
}

#[async_trait]
impl BucketSetting for Inventory {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_inventory"
    }

    fn what(&self) -> &'static str {
        "inventory"
    }

    fn named(&self) -> bool {
        true
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("enabled")
            .default(true)
            .arg("included_object_versions")
            .check(one_of(&["All", "Current"]))
            .arg("optional_fields")
            .check(one_of(InventoryOptionalField::values()))
            .args(&["destination", "filter", "schedule"])
            .arg("destination.bucket.format")
            .check(one_of(&["CSV", "ORC", "Parquet"]))
            .arg("destination.bucket.bucket_arn")
            .check(arn())
            .arg("schedule.frequency")
            .check(one_of(&["Daily", "Weekly"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let name = at.name.clone().unwrap_or_default();
        let filter = first(planned, "filter")
            .and_then(|f| opt_str(f, "prefix"))
            .map(|p| built(InventoryFilter::builder().prefix(p).build()))
            .transpose()?;
        let frequency = first(planned, "schedule")
            .and_then(|s| opt_str(s, "frequency"))
            .unwrap_or_else(|| "Daily".into());
        let fields: Vec<InventoryOptionalField> = str_list(planned, "optional_fields")
            .iter()
            .map(|f| InventoryOptionalField::from(f.as_str()))
            .collect();
        let config = built(
            Config::builder()
                .id(&name)
                .destination(destination(planned)?)
                .is_enabled(opt_bool(planned, "enabled").unwrap_or(true))
                .set_filter(filter)
                .included_object_versions(InventoryIncludedObjectVersions::from(
                    opt_str(planned, "included_object_versions")
                        .unwrap_or_default()
                        .as_str(),
                ))
                .set_optional_fields((!fields.is_empty()).then_some(fields))
                .schedule(built(
                    InventorySchedule::builder()
                        .frequency(InventoryFrequency::from(frequency.as_str()))
                        .build(),
                )?)
                .build(),
        )?;
        c.s3.put_bucket_inventory_configuration()
            .bucket(&at.bucket)
            .id(name)
            .inventory_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_inventory_configuration()
                .bucket(&at.bucket)
                .id(at.name.clone().unwrap_or_default())
                .send()
                .await
                .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.inventory_configuration().map(attrs)))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.delete_bucket_inventory_configuration()
                .bucket(&at.bucket)
                .id(at.name.clone().unwrap_or_default())
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }

    fn lists(&self) -> bool {
        true
    }

    async fn list(&self, c: &Clients, bucket: &str) -> PResult<Option<Listed>> {
        list_pages(|token| async move {
            let r =
                c.s3.list_bucket_inventory_configurations()
                    .bucket(bucket)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(aws_err);
            Ok(absent_on(r, &["NoSuchBucket"])?.map(|page| {
                let items = page
                    .inventory_configuration_list()
                    .iter()
                    .map(|c| (c.id().to_string(), attrs(c)));
                (
                    items.collect(),
                    next_token(page.is_truncated(), page.next_continuation_token()),
                )
            }))
        })
        .await
    }
}
