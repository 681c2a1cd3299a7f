//! `aws_cloudfront_origin_access_control`: how CloudFront signs its requests to an origin (an
//! S3 bucket whose policy lets only this distribution read it, instead of a public bucket). Every
//! argument changes in place (UpdateOriginAccessControl, naming the ETag state holds); the id is
//! CloudFront's, also the import id. Names are unique in an account, so a create killed before
//! its answer is adopted by name.

use super::{arn, built, etag_of, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::types::{
    OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};
use std::sync::Arc;

/// The `aws_cloudfront_origin_access_control` resource type.
pub struct OriginAccessControl {
    c: Arc<Clients>,
    schema: Schema,
}

impl OriginAccessControl {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OriginAccessControl {
        let schema = resource("aws_cloudfront_origin_access_control")
            .arg("name")
            .check(len_between(1, 64))
            .arg("description")
            .default("Managed by Terraform")
            .check(len_between(0, 256))
            .arg("origin_access_control_origin_type")
            .check(one_of(&["lambda", "mediapackagev2", "mediastore", "s3"]))
            .arg("signing_behavior")
            .check(one_of(&["always", "never", "no-override"]))
            .arg("signing_protocol")
            .check(one_of(&["sigv4"]))
            .build();
        OriginAccessControl { c, schema }
    }
}

/// The blueprint's settings as CloudFront takes them.
fn config(planned: &Value) -> PResult<OriginAccessControlConfig> {
    let s = |k: &str| opt_str(planned, k).unwrap_or_default();
    built(
        OriginAccessControlConfig::builder()
            .name(s("name"))
            .description(s("description"))
            .signing_protocol(OriginAccessControlSigningProtocols::from(
                s("signing_protocol").as_str(),
            ))
            .signing_behavior(OriginAccessControlSigningBehaviors::from(
                s("signing_behavior").as_str(),
            ))
            .origin_access_control_origin_type(OriginAccessControlOriginTypes::from(
                s("origin_access_control_origin_type").as_str(),
            ))
            .build(),
    )
}

#[async_trait]
impl ResourceType for OriginAccessControl {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_origin_access_control"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .cloudfront
            .create_origin_access_control()
            .origin_access_control_config(config(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .origin_access_control()
            .map(|o| o.id().to_string())
            .ok_or_else(|| ProviderError::msg("CloudFront answered the create with no origin access control"))?;
        must_exist(self.read(ctx, &id, planned).await?, "origin access control", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .cloudfront
            .get_origin_access_control()
            .id(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        let Some(cfg) = out
            .origin_access_control()
            .and_then(|o| o.origin_access_control_config())
        else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(arn(&account, "origin-access-control", id))),
            ("etag", Value::str(etag_of(out.e_tag(), id)?)),
            ("name", Value::str(cfg.name())),
            ("description", Value::str(cfg.description().unwrap_or_default())),
            (
                "origin_access_control_origin_type",
                Value::str(cfg.origin_access_control_origin_type().as_str()),
            ),
            ("signing_behavior", Value::str(cfg.signing_behavior().as_str())),
            ("signing_protocol", Value::str(cfg.signing_protocol().as_str())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        self.c
            .cloudfront
            .update_origin_access_control()
            .id(id)
            .if_match(opt_str(prior, "etag").unwrap_or_default())
            .origin_access_control_config(config(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "origin access control", id)
    }

    async fn delete(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // State's ETag when it is current; a fresh read's when the control changed since (the
        // provider sends state's and fails; a destroy that reads first loses nothing).
        let etag = match self.read(ctx, id, prior).await? {
            Some(live) => opt_str(&live, "etag").unwrap_or_default(),
            None => return Ok(()),
        };
        let r = self
            .c
            .cloudfront
            .delete_origin_access_control()
            .id(id)
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
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .c
                .cloudfront
                .list_origin_access_controls()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(aws_err)?;
            let Some(list) = out.origin_access_control_list() else {
                return Ok(None);
            };
            if let Some(found) = list.items().iter().find(|o| o.name() == name) {
                return Ok(Some(found.id().to_string()));
            }
            match list.next_marker() {
                Some(m) if list.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::value::Value;

    #[test]
    fn the_schema_follows_the_provider() {
        let r = crate::provider::aws::schemas_registry();
        let s = r.resource("aws_cloudfront_origin_access_control").unwrap().schema();
        assert_eq!(s.attrs["description"].default, Some(Value::str("Managed by Terraform")));
        assert!(s.attrs["etag"].computed && s.attrs["arn"].computed);
        assert!(s.attrs["name"].required);
    }
}
