//! `aws_s3_bucket_analytics_configuration`: storage class analysis of a bucket (or a filter),
//! optionally exported as CSV to another bucket; id `BUCKET:NAME`; a refresh lists a bucket's
//! configurations in one call.

use super::companion::{built, first, list_pages, next_token, At, BucketSetting, Listed};
use super::filter::Conditions;
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, one_of};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    AnalyticsAndOperator, AnalyticsConfiguration as Config, AnalyticsExportDestination, AnalyticsFilter,
    AnalyticsS3BucketDestination, AnalyticsS3ExportFileFormat, StorageClassAnalysis, StorageClassAnalysisDataExport,
    StorageClassAnalysisSchemaVersion,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no such configuration.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchConfiguration"];

/// The `aws_s3_bucket_analytics_configuration` setting.
pub struct Analytics;

fn attrs(c: &Config) -> IndexMap<String, Value> {
    let cond = match c.filter() {
        None => None,
        Some(AnalyticsFilter::Prefix(p)) => Some(Conditions {
            prefix: Some(p.clone()),
            ..Default::default()
        }),
        Some(AnalyticsFilter::Tag(t)) => Some(Conditions {
            tags: vec![t.clone()],
            ..Default::default()
        }),
        Some(AnalyticsFilter::And(and)) => Some(Conditions {
            prefix: and.prefix().map(str::to_string),
            tags: and.tags().to_vec(),
            access_point: None,
        }),
        Some(_) => None,
    };
    let export: Vec<Value> = c
        .storage_class_analysis()
        .and_then(|s| s.data_export())
        .map(|e| {
            let d = e.destination().and_then(|d| d.s3_bucket_destination());
            let dest = Value::object([
                ("bucket_arn", Value::from(d.map(|d| d.bucket().to_string()))),
                ("bucket_account_id", Value::from(d.and_then(|d| d.bucket_account_id()))),
                ("format", Value::from(d.map(|d| d.format().as_str().to_string()))),
                ("prefix", Value::from(d.and_then(|d| d.prefix()))),
            ]);
            Value::object([
                ("output_schema_version", Value::str(e.output_schema_version().as_str())),
                (
                    "destination",
                    Value::List(vec![Value::object([(
                        "s3_bucket_destination",
                        Value::List(vec![dest]),
                    )])]),
                ),
            ])
        })
        .into_iter()
        .collect();
    let analysis: Vec<Value> = c
        .storage_class_analysis()
        .filter(|s| s.data_export().is_some())
        .map(|_| Value::object([("data_export", Value::List(export))]))
        .into_iter()
        .collect();
    IndexMap::from([
        (
            "filter".to_string(),
            Value::List(cond.map(|c| c.value(false)).into_iter().collect()),
        ),
        ("storage_class_analysis".to_string(), Value::List(analysis)),
    ])
}

fn filter(cond: Conditions) -> Option<AnalyticsFilter> {
    if cond.joined() {
        return Some(AnalyticsFilter::And(
            AnalyticsAndOperator::builder()
                .set_prefix(cond.prefix)
                .set_tags(Some(cond.tags))
                .build(),
        ));
    }
    cond.prefix
        .map(AnalyticsFilter::Prefix)
        .or(cond.tags.into_iter().next().map(AnalyticsFilter::Tag))
}

fn analysis(planned: &Value) -> PResult<StorageClassAnalysis> {
    let Some(e) = first(planned, "storage_class_analysis").and_then(|s| first(s, "data_export")) else {
        return Ok(StorageClassAnalysis::builder().build());
    };
    let d = first(e, "destination").and_then(|d| first(d, "s3_bucket_destination"));
    let dest = built(
        AnalyticsS3BucketDestination::builder()
            .format(AnalyticsS3ExportFileFormat::from(
                d.and_then(|d| opt_str(d, "format"))
                    .unwrap_or_else(|| "CSV".into())
                    .as_str(),
            ))
            .bucket(d.and_then(|d| opt_str(d, "bucket_arn")).unwrap_or_default())
            .set_bucket_account_id(d.and_then(|d| opt_str(d, "bucket_account_id")))
            .set_prefix(d.and_then(|d| opt_str(d, "prefix")))
            .build(),
    )?;
    let export = built(
        StorageClassAnalysisDataExport::builder()
            .output_schema_version(StorageClassAnalysisSchemaVersion::from(
                opt_str(e, "output_schema_version")
                    .unwrap_or_else(|| "V_1".into())
                    .as_str(),
            ))
            .destination(
                AnalyticsExportDestination::builder()
                    .s3_bucket_destination(dest)
                    .build(),
            )
            .build(),
    )?;
    Ok(StorageClassAnalysis::builder().data_export(export).build())
}

#[async_trait]
impl BucketSetting for Analytics {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_analytics_configuration"
    }

    fn what(&self) -> &'static str {
        "analytics configuration"
    }

    fn named(&self) -> bool {
        true
    }

    fn declare(&self, d: Decl) -> Decl {
        d.args(&["filter", "storage_class_analysis"])
            .arg("storage_class_analysis.data_export.output_schema_version")
            .default("V_1")
            .check(one_of(&["V_1"]))
            .arg("storage_class_analysis.data_export.destination.s3_bucket_destination.format")
            .default("CSV")
            .check(one_of(&["CSV"]))
            .arg("storage_class_analysis.data_export.destination.s3_bucket_destination.bucket_arn")
            .check(arn())
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let name = at.name.clone().unwrap_or_default();
        let filter = first(planned, "filter")
            .map(Conditions::of)
            .transpose()?
            .and_then(filter);
        let config = built(
            Config::builder()
                .id(&name)
                .set_filter(filter)
                .storage_class_analysis(analysis(planned)?)
                .build(),
        )?;
        c.s3.put_bucket_analytics_configuration()
            .bucket(&at.bucket)
            .id(name)
            .analytics_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_analytics_configuration()
                .bucket(&at.bucket)
                .id(at.name.clone().unwrap_or_default())
                .send()
                .await
                .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.analytics_configuration().map(attrs)))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.delete_bucket_analytics_configuration()
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
                c.s3.list_bucket_analytics_configurations()
                    .bucket(bucket)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(aws_err);
            Ok(absent_on(r, &["NoSuchBucket"])?.map(|page| {
                let items = page
                    .analytics_configuration_list()
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
