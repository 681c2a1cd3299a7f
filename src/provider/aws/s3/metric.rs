//! `aws_s3_bucket_metric`: a CloudWatch request-metrics configuration of a bucket, for the
//! whole bucket or a filter (prefix, tags, access point); id `BUCKET:NAME`; a refresh lists a
//! bucket's configurations in one call.

use super::companion::{built, first, list_pages, next_token, At, BucketSetting, Listed};
use super::filter::Conditions;
use crate::provider::aws::common::{absent_on, aws_err};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{MetricsAndOperator, MetricsConfiguration as Config, MetricsFilter};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no such configuration.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchConfiguration"];

/// The `aws_s3_bucket_metric` setting.
pub struct Metric;

fn attrs(c: &Config) -> IndexMap<String, Value> {
    let cond = match c.filter() {
        None => None,
        Some(MetricsFilter::Prefix(p)) => Some(Conditions {
            prefix: Some(p.clone()),
            ..Default::default()
        }),
        Some(MetricsFilter::Tag(t)) => Some(Conditions {
            tags: vec![t.clone()],
            ..Default::default()
        }),
        Some(MetricsFilter::AccessPointArn(a)) => Some(Conditions {
            access_point: Some(a.clone()),
            ..Default::default()
        }),
        Some(MetricsFilter::And(and)) => Some(Conditions {
            prefix: and.prefix().map(str::to_string),
            tags: and.tags().to_vec(),
            access_point: and.access_point_arn().map(str::to_string),
        }),
        Some(_) => None,
    };
    IndexMap::from([(
        "filter".to_string(),
        Value::List(cond.map(|c| c.value(true)).into_iter().collect()),
    )])
}

fn filter(cond: Conditions) -> Option<MetricsFilter> {
    if cond.joined() {
        return Some(MetricsFilter::And(
            MetricsAndOperator::builder()
                .set_prefix(cond.prefix)
                .set_tags(Some(cond.tags))
                .set_access_point_arn(cond.access_point)
                .build(),
        ));
    }
    cond.prefix
        .map(MetricsFilter::Prefix)
        .or(cond.access_point.map(MetricsFilter::AccessPointArn))
        .or(cond.tags.into_iter().next().map(MetricsFilter::Tag))
}

#[async_trait]
impl BucketSetting for Metric {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_metric"
    }

    fn what(&self) -> &'static str {
        "metrics configuration"
    }

    fn named(&self) -> bool {
        true
    }

    fn declare(&self, d: Decl) -> Decl {
        d.args(&["filter"])
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let name = at.name.clone().unwrap_or_default();
        let filter = first(planned, "filter")
            .map(Conditions::of)
            .transpose()?
            .and_then(filter);
        let config = built(Config::builder().id(&name).set_filter(filter).build())?;
        c.s3.put_bucket_metrics_configuration()
            .bucket(&at.bucket)
            .id(name)
            .metrics_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_metrics_configuration()
                .bucket(&at.bucket)
                .id(at.name.clone().unwrap_or_default())
                .send()
                .await
                .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.metrics_configuration().map(attrs)))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.delete_bucket_metrics_configuration()
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
                c.s3.list_bucket_metrics_configurations()
                    .bucket(bucket)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(aws_err);
            Ok(absent_on(r, &["NoSuchBucket"])?.map(|page| {
                let items = page
                    .metrics_configuration_list()
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
