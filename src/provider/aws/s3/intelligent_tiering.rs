//! `aws_s3_bucket_intelligent_tiering_configuration`: when objects move to the archive access
//! tiers, for the whole bucket or a filter (id `BUCKET:NAME`; a refresh lists a bucket's
//! configurations in one call).

use super::companion::{built, first, list_pages, next_token, At, BucketSetting, Listed};
use super::filter::Conditions;
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    IntelligentTieringAccessTier, IntelligentTieringAndOperator, IntelligentTieringConfiguration as Config,
    IntelligentTieringFilter, IntelligentTieringStatus, Tiering,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no such configuration.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchConfiguration"];

/// The `aws_s3_bucket_intelligent_tiering_configuration` setting.
pub struct IntelligentTiering;

fn attrs(c: &Config) -> IndexMap<String, Value> {
    let filter: Vec<Value> = c
        .filter()
        .map(|f| {
            let mut cond = Conditions {
                prefix: f.prefix().map(str::to_string),
                tags: f.tag().cloned().into_iter().collect(),
                access_point: None,
            };
            if let Some(and) = f.and() {
                cond.prefix = and.prefix().map(str::to_string);
                cond.tags = and.tags().to_vec();
            }
            cond.value(false)
        })
        .into_iter()
        .collect();
    let tiering: Vec<Value> = c
        .tierings()
        .iter()
        .map(|t| {
            Value::object([
                ("access_tier", Value::str(t.access_tier().as_str())),
                ("days", Value::from(t.days() as i64)),
            ])
        })
        .collect();
    IndexMap::from([
        ("status".to_string(), Value::str(c.status().as_str())),
        ("filter".to_string(), Value::List(filter)),
        ("tiering".to_string(), Value::List(tiering)),
    ])
}

#[async_trait]
impl BucketSetting for IntelligentTiering {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_intelligent_tiering_configuration"
    }

    fn what(&self) -> &'static str {
        "Intelligent-Tiering configuration"
    }

    fn named(&self) -> bool {
        true
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("status")
            .default("Enabled")
            .check(one_of(&["Enabled", "Disabled"]))
            .args(&["filter", "tiering"])
            .arg("tiering.access_tier")
            .check(one_of(&["ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let name = at.name.clone().unwrap_or_default();
        let filter = first(planned, "filter")
            .map(|f| -> PResult<IntelligentTieringFilter> {
                let cond = Conditions::of(f)?;
                Ok(if cond.joined() {
                    IntelligentTieringFilter::builder()
                        .and(
                            IntelligentTieringAndOperator::builder()
                                .set_prefix(cond.prefix)
                                .set_tags(Some(cond.tags))
                                .build(),
                        )
                        .build()
                } else {
                    IntelligentTieringFilter::builder()
                        .set_prefix(cond.prefix)
                        .set_tag(cond.tags.into_iter().next())
                        .build()
                })
            })
            .transpose()?;
        let tierings = planned
            .get("tiering")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|t| {
                built(
                    Tiering::builder()
                        .days(t.get("days").as_number().unwrap_or_default() as i32)
                        .access_tier(IntelligentTieringAccessTier::from(
                            opt_str(t, "access_tier").unwrap_or_default().as_str(),
                        ))
                        .build(),
                )
            })
            .collect::<PResult<Vec<_>>>()?;
        let status = opt_str(planned, "status").unwrap_or_else(|| "Enabled".into());
        let config = built(
            Config::builder()
                .id(&name)
                .set_filter(filter)
                .status(IntelligentTieringStatus::from(status.as_str()))
                .set_tierings(Some(tierings))
                .build(),
        )?;
        c.s3.put_bucket_intelligent_tiering_configuration()
            .bucket(&at.bucket)
            .id(name)
            .intelligent_tiering_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_intelligent_tiering_configuration()
                .bucket(&at.bucket)
                .id(at.name.clone().unwrap_or_default())
                .send()
                .await
                .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.intelligent_tiering_configuration().map(attrs)))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.delete_bucket_intelligent_tiering_configuration()
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
                c.s3.list_bucket_intelligent_tiering_configurations()
                    .bucket(bucket)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(aws_err);
            Ok(absent_on(r, &["NoSuchBucket"])?.map(|page| {
                let items = page
                    .intelligent_tiering_configuration_list()
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
