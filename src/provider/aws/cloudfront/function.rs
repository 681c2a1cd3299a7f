//! `aws_cloudfront_function`: a CloudFront Function (JavaScript run at the edge on viewer
//! requests and responses). CloudFront keeps two stages of it: DEVELOPMENT, which
//! CreateFunction and UpdateFunction write, and LIVE, which distributions run and which
//! PublishFunction copies from DEVELOPMENT. Each stage has its own ETag; updates, publishes and
//! the delete name DEVELOPMENT's (`etag`), `live_stage_etag` is LIVE's ("" before any publish).
//!
//! As the provider does: the name is the id and the import id and changing it replaces the
//! function; code, comment, runtime and key value store associations change in place
//! (UpdateFunction), and with `publish` (true by default) every create and update ends with a
//! publish, so the LIVE stage runs what the blueprint says. A read takes DEVELOPMENT's settings
//! and code (DescribeFunction and GetFunction) and LIVE's ETag, so code changed elsewhere shows
//! in the next plan. Names are unique in an account, so a create a killed run lost is adopted by
//! name.
//!
//! One refinement over the provider: `publish` reads as false when DEVELOPMENT is not what LIVE
//! runs (never published, or changed since without a publish), so an adopted create that died
//! before its publish, or an unpublished change made elsewhere, plans a publish instead of
//! passing for live.

use super::{built, etag_of, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, ok_on, opt_bool, opt_str, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{
    FunctionConfig, FunctionRuntime, FunctionStage, FunctionSummary, KeyValueStoreAssociation,
    KeyValueStoreAssociations,
};
use std::sync::Arc;

/// The runtimes CloudFront Functions run on (the SDK's `FunctionRuntime`).
pub const RUNTIMES: &[&str] = &["cloudfront-js-1.0", "cloudfront-js-2.0"];

/// The `aws_cloudfront_function` resource type.
pub struct Function {
    c: Arc<Clients>,
    schema: Schema,
}

impl Function {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Function {
        let schema = resource("aws_cloudfront_function")
            .arg("name")
            .force_new()
            .arg("runtime")
            .check(one_of(RUNTIMES))
            .arg("code")
            .arg("comment")
            .arg("publish")
            .default(true)
            .arg("key_value_store_associations")
            .check(arn())
            .build();
        Function { c, schema }
    }

    /// One stage's summary and ETag; `None` when CloudFront has no such function or stage.
    async fn describe(&self, name: &str, stage: FunctionStage) -> PResult<Option<(FunctionSummary, String)>> {
        let r = self
            .c
            .cloudfront
            .describe_function()
            .name(name)
            .stage(stage)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        let etag = etag_of(out.e_tag(), name)?;
        Ok(out.function_summary.map(|s| (s, etag)))
    }

    /// Copies DEVELOPMENT (at ETag `etag`) to LIVE.
    async fn publish(&self, name: &str, etag: &str) -> PResult<()> {
        self.c
            .cloudfront
            .publish_function()
            .name(name)
            .if_match(etag)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

/// The blueprint's settings as CloudFront takes them.
fn config(planned: &Value) -> PResult<FunctionConfig> {
    let stores = str_list(planned, "key_value_store_associations");
    let associations = if stores.is_empty() {
        None
    } else {
        let items = stores
            .iter()
            .map(|a| built(KeyValueStoreAssociation::builder().key_value_store_arn(a).build()))
            .collect::<PResult<Vec<_>>>()?;
        Some(built(
            KeyValueStoreAssociations::builder()
                .quantity(items.len() as i32)
                .set_items(Some(items))
                .build(),
        )?)
    };
    built(
        FunctionConfig::builder()
            .comment(opt_str(planned, "comment").unwrap_or_default())
            .runtime(FunctionRuntime::from(
                opt_str(planned, "runtime").unwrap_or_default().as_str(),
            ))
            .set_key_value_store_associations(associations)
            .build(),
    )
}

/// The code as CloudFront takes it (bytes of the blueprint's text).
fn code(planned: &Value) -> Blob {
    Blob::new(planned.get("code").to_plain_string().unwrap_or_default().into_bytes())
}

/// Whether anything UpdateFunction sends differs (a publish alone needs no update).
fn settings_changed(prior: &Value, planned: &Value) -> bool {
    let stores = |v: &Value| {
        let mut l = str_list(v, "key_value_store_associations");
        l.sort();
        l
    };
    ["code", "comment", "runtime"]
        .iter()
        .any(|k| opt_str(prior, k) != opt_str(planned, k))
        || stores(prior) != stores(planned)
}

/// What `publish` reads as: false where the blueprint (or an earlier state) said false, else
/// whether LIVE runs DEVELOPMENT (CloudFront calls DEVELOPMENT UNPUBLISHED when it does not).
fn published(prior: &Value, dev: &FunctionSummary, live: Option<&str>) -> bool {
    if opt_bool(prior, "publish") == Some(false) {
        return false;
    }
    live.is_some() && dev.status() != Some("UNPUBLISHED")
}

#[async_trait]
impl ResourceType for Function {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_function"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").unwrap_or_default();
        let out = self
            .c
            .cloudfront
            .create_function()
            .name(&name)
            .function_config(config(planned)?)
            .function_code(code(planned))
            .send()
            .await
            .map_err(aws_err)?;
        let etag = etag_of(out.e_tag(), &name)?;
        if opt_bool(planned, "publish").unwrap_or(true) {
            self.publish(&name, &etag).await?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "CloudFront function", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((dev, etag)) = self.describe(id, FunctionStage::Development).await? else {
            return Ok(None);
        };
        let r = self
            .c
            .cloudfront
            .get_function()
            .name(id)
            .stage(FunctionStage::Development)
            .send()
            .await
            .map_err(aws_err);
        let Some(got) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        let code = got
            .function_code()
            .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
            .unwrap_or_default();
        let live = self.describe(id, FunctionStage::Live).await?.map(|(_, e)| e);
        let publish = published(prior, &dev, live.as_deref());
        let cfg = dev.function_config().ok_or_else(|| {
            ProviderError::msg(format!("CloudFront described function {id} without its configuration"))
        })?;
        let stores = cfg
            .key_value_store_associations()
            .map(|a| {
                a.items()
                    .iter()
                    .map(|i| i.key_value_store_arn().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(dev.name())),
            (
                "arn",
                Value::str(dev.function_metadata().map(|m| m.function_arn()).unwrap_or_default()),
            ),
            ("etag", Value::str(etag)),
            ("live_stage_etag", Value::str(live.unwrap_or_default())),
            ("status", Value::str(dev.status().unwrap_or_default())),
            ("runtime", Value::str(cfg.runtime().as_str())),
            ("comment", Value::str(cfg.comment())),
            ("code", Value::str(code)),
            ("publish", Value::Bool(publish)),
            ("key_value_store_associations", list_value(stores)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut etag = opt_str(prior, "etag").unwrap_or_default();
        if settings_changed(prior, planned) {
            let out = self
                .c
                .cloudfront
                .update_function()
                .name(id)
                .if_match(&etag)
                .function_config(config(planned)?)
                .function_code(code(planned))
                .send()
                .await
                .map_err(aws_err)?;
            etag = etag_of(out.e_tag(), id)?;
        }
        if opt_bool(planned, "publish").unwrap_or(true) {
            self.publish(id, &etag).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "CloudFront function", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // DEVELOPMENT's current ETag, read afresh: state's when nothing changed since, and a
        // destroy of a function changed elsewhere removes it rather than failing (as the other
        // CloudFront types here do).
        let etag = match self.describe(id, FunctionStage::Development).await? {
            Some((_, etag)) => etag,
            None => return Ok(()),
        };
        let r = self
            .c
            .cloudfront
            .delete_function()
            .name(id)
            .if_match(etag)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        if !ctx.resumed {
            return Ok(None);
        }
        Ok(self
            .describe(&name, FunctionStage::Development)
            .await?
            .map(|(s, _)| s.name().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use crate::value::Value;

    #[test]
    fn the_schema_follows_the_provider() {
        let r = crate::provider::aws::schemas_registry();
        let s = r.resource("aws_cloudfront_function").unwrap().schema();
        assert_eq!(s.attrs["publish"].default, Some(Value::Bool(true)));
        assert!(s.attrs["name"].force_new && s.attrs["name"].required);
        assert!(!s.attrs["code"].force_new && !s.attrs["runtime"].force_new);
        for computed in ["arn", "etag", "live_stage_etag", "status"] {
            assert!(s.attrs[computed].computed, "{computed}");
        }
        let runtime = &s.attrs["runtime"].validators;
        assert!(runtime
            .iter()
            .all(|v| v.check(&Value::str("cloudfront-js-2.0")).is_ok()));
        assert!(runtime.iter().any(|v| v.check(&Value::str("nodejs18.x")).is_err()));
    }
}
