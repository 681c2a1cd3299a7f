//! `aws_lambda_layer_version`: one published version of a Lambda layer (code and libraries
//! functions share through `layers`), as the provider's `resourceLayerVersion`. A version is
//! immutable: every argument but `skip_destroy` makes a new one (PublishLayerVersion), and the
//! old one is deleted unless `skip_destroy` keeps it. The id is the version's ARN
//! (`arn:…:layer:NAME:VERSION`), which `import` takes.
//!
//! `source_code_hash` is kept as configured, as the provider does since it gained
//! `code_sha256` (what Lambda reports): a new archive hash is what makes a new version.

use super::{read_zip, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, ok_on, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_layer_version::GetLayerVersionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, LayerVersionContentInput, Runtime};
use std::sync::Arc;

/// The `aws_lambda_layer_version` resource type.
pub struct LayerVersion {
    c: Arc<Clients>,
    schema: Schema,
}

impl LayerVersion {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LayerVersion {
        let mut d = resource("aws_lambda_layer_version");
        for k in [
            "layer_name",
            "filename",
            "s3_bucket",
            "s3_key",
            "s3_object_version",
            "compatible_runtimes",
            "compatible_architectures",
            "description",
            "license_info",
            "source_code_hash",
        ] {
            d = d.arg(k).force_new();
        }
        let schema = d
            .arg("layer_name")
            .check(len_between(1, 140))
            .arg("compatible_runtimes")
            .check(one_of(Runtime::values()))
            .arg("compatible_architectures")
            .check(one_of(Architecture::values()))
            .arg("license_info")
            .check(len_between(0, 512))
            .arg("skip_destroy")
            .default(false)
            .rule(Rule::Conflicts(&["filename", "s3_bucket"]))
            .rule(Rule::Conflicts(&["filename", "s3_key"]))
            .rule(Rule::Conflicts(&["filename", "s3_object_version"]))
            .build();
        LayerVersion { c, schema }
    }

    /// The layer's code: the zip named by `filename`, or the S3 object.
    async fn content(planned: &Value) -> PResult<LayerVersionContentInput> {
        if let Some(path) = opt_str(planned, "filename") {
            return Ok(LayerVersionContentInput::builder()
                .zip_file(Blob::new(read_zip(&path).await?))
                .build());
        }
        match (opt_str(planned, "s3_bucket"), opt_str(planned, "s3_key")) {
            (Some(bucket), Some(key)) => Ok(LayerVersionContentInput::builder()
                .s3_bucket(bucket)
                .s3_key(key)
                .set_s3_object_version(opt_str(planned, "s3_object_version"))
                .build()),
            (None, None) => Err(ProviderError::msg("filename or s3_* attributes must be set")),
            _ => Err(ProviderError::msg(
                "s3_bucket and s3_key must all be set while using s3 code source",
            )),
        }
    }
}

/// Layer name and version number of a layer version ARN
/// (`arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION`).
fn parse_id(id: &str) -> PResult<(String, i64)> {
    let parts: Vec<&str> = id.split(':').collect();
    match parts[..] {
        ["arn", _, _, _, _, "layer", name, version] if !name.is_empty() => version
            .parse::<i64>()
            .map(|v| (name.to_string(), v))
            .map_err(|_| ProviderError::msg(format!("{id:?} ends in {version:?}, not a layer version number"))),
        _ => Err(ProviderError::msg(format!(
            "{id:?} is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)"
        ))),
    }
}

/// The version's state from GetLayerVersion; what Lambda does not report (the code's source,
/// `source_code_hash`, `skip_destroy`) comes from `prior`.
fn to_state(id: &str, name: &str, version: i64, out: &GetLayerVersionOutput, prior: &Value) -> Value {
    let s = |x: Option<&str>| x.map(Value::str).unwrap_or(Value::Null);
    let content = out.content();
    let kept = |k: &str| prior.get(k).unknown_to_null();
    Value::object([
        ("id", Value::str(id)),
        ("arn", Value::str(out.layer_version_arn().unwrap_or(id))),
        ("layer_arn", s(out.layer_arn())),
        ("layer_name", Value::str(name)),
        ("version", Value::str(version.to_string())),
        ("description", s(out.description())),
        ("license_info", s(out.license_info())),
        ("created_date", s(out.created_date())),
        ("code_sha256", s(content.and_then(|c| c.code_sha256()))),
        (
            "source_code_size",
            Value::from(content.map(|c| c.code_size()).unwrap_or(0)),
        ),
        (
            "signing_profile_version_arn",
            s(content.and_then(|c| c.signing_profile_version_arn())),
        ),
        ("signing_job_arn", s(content.and_then(|c| c.signing_job_arn()))),
        (
            "compatible_runtimes",
            list_value(out.compatible_runtimes().iter().map(|r| r.as_str().to_string())),
        ),
        (
            "compatible_architectures",
            list_value(out.compatible_architectures().iter().map(|a| a.as_str().to_string())),
        ),
        ("filename", kept("filename")),
        ("s3_bucket", kept("s3_bucket")),
        ("s3_key", kept("s3_key")),
        ("s3_object_version", kept("s3_object_version")),
        ("source_code_hash", kept("source_code_hash")),
        (
            "skip_destroy",
            Value::Bool(prior.get("skip_destroy").as_bool().unwrap_or(false)),
        ),
    ])
}

#[async_trait]
impl ResourceType for LayerVersion {
    fn type_name(&self) -> &'static str {
        "aws_lambda_layer_version"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "layer_name")?;
        let runtimes = str_list(planned, "compatible_runtimes");
        let architectures = str_list(planned, "compatible_architectures");
        let out = self
            .c
            .lambda
            .publish_layer_version()
            .layer_name(&name)
            .content(Self::content(planned).await?)
            .set_description(opt_str(planned, "description"))
            .set_license_info(opt_str(planned, "license_info"))
            .set_compatible_runtimes(
                (!runtimes.is_empty()).then(|| runtimes.iter().map(|r| Runtime::from(r.as_str())).collect()),
            )
            .set_compatible_architectures(
                (!architectures.is_empty())
                    .then(|| architectures.iter().map(|a| Architecture::from(a.as_str())).collect()),
            )
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .layer_version_arn()
            .ok_or_else(|| ProviderError::msg("PublishLayerVersion answered no LayerVersionArn"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "Lambda layer version", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (name, version) = parse_id(id)?;
        let r = self
            .c
            .lambda
            .get_layer_version()
            .layer_name(&name)
            .version_number(version)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.map(|out| to_state(id, &name, version, &out, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Only `skip_destroy` changes in place, and it lives in state alone.
        must_exist(self.read(ctx, id, planned).await?, "Lambda layer version", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if prior.get("skip_destroy").as_bool() == Some(true) {
            tracing::debug!("retaining Lambda layer version {id} (skip_destroy)");
            return Ok(());
        }
        let (name, version) = parse_id(id)?;
        let r = self
            .c
            .lambda
            .delete_layer_version()
            .layer_name(&name)
            .version_number(version)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_layer_version_arns() {
        assert_eq!(
            parse_id("arn:aws:lambda:us-east-1:123456789012:layer:deps:3").unwrap(),
            ("deps".to_string(), 3)
        );
        assert!(parse_id("arn:aws:lambda:us-east-1:123456789012:layer:deps").is_err());
        assert!(parse_id("arn:aws:lambda:us-east-1:123456789012:layer:deps:latest").is_err());
        assert!(parse_id("deps:3").is_err());
    }
}
