//! `aws_ssm_parameter`: a Parameter Store parameter. The `value` is sensitive: plans never
//! show it and state keeps only its SHA-256 digest (the live value is read, decrypted, and
//! hashed to detect drift). `insecure_value` is the non-secret alternative Terraform offers and
//! is kept as written; `value_wo` the write-only one (Terraform 1.11): sent to AWS, never stored,
//! and sent again only when `value_wo_version` changes. PutParameter with Overwrite updates in
//! place; the id is the name.

use super::tags::{ssm_tags, sync_ssm_tags, tag_pairs};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, opt_str, owns, required, secret_digest, tags_to_write,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::types::{ParameterTier, ParameterType, ResourceTypeForTagging, Tag};
use std::sync::Arc;

/// The `aws_ssm_parameter` resource type.
pub struct Parameter {
    c: Arc<Clients>,
    schema: Schema,
}

impl Parameter {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Parameter {
        let schema = resource("aws_ssm_parameter")
            .arg("name")
            .force_new()
            .arg("value")
            .normalized(secret_digest)
            .arg("data_type")
            .default("text")
            .args(&[
                "value_wo",
                "value_wo_version",
                "type",
                "insecure_value",
                "description",
                "tier",
                "key_id",
                "allowed_pattern",
                "overwrite",
                "tags",
            ])
            .arg("name")
            .check(len_between(1, 2048))
            .arg("type")
            .check(one_of(&["String", "StringList", "SecureString"]))
            .arg("tier")
            .check(one_of(&["Standard", "Advanced", "Intelligent-Tiering"]))
            .arg("data_type")
            .check(one_of(&["aws:ec2:image", "aws:ssm:integration", "text"]))
            .arg("description")
            .check(len_between(0, 1024))
            .rule(Rule::Conflicts(&["value", "insecure_value", "value_wo"]))
            .rule(Rule::RequiredWith("value_wo", &["value_wo_version"]))
            .rule(Rule::RequiredWith("value_wo_version", &["value_wo"]))
            .build();
        Parameter { c, schema }
    }

    async fn put(&self, planned: &Value, overwrite: bool, tags: Option<Vec<Tag>>) -> PResult<()> {
        let name = required(planned, "name")?;
        // A `value` that is only the digest state carried over (the blueprint sets
        // insecure_value) is not a value to write.
        let secret = match planned.get("value") {
            Value::String(v) if secret_digest(v) != *v => Some(v.clone()),
            _ => None,
        };
        let given = [secret, opt_str(planned, "insecure_value"), opt_str(planned, "value_wo")];
        let value = match given.into_iter().flatten().collect::<Vec<_>>().as_slice() {
            [v] => v.clone(),
            [] => {
                return Err(ProviderError::msg(
                    "one of value, insecure_value and value_wo is required",
                ))
            }
            _ => {
                return Err(ProviderError::msg(
                    "only one of value, insecure_value and value_wo may be set",
                ))
            }
        };
        // Tags cannot be sent together with Overwrite; they are changed separately then.
        self.c
            .ssm
            .put_parameter()
            .name(&name)
            .r#type(ParameterType::from(
                opt_str(planned, "type").unwrap_or_default().as_str(),
            ))
            .value(value)
            .set_description(opt_str(planned, "description"))
            .set_tier(opt_str(planned, "tier").map(|t| ParameterTier::from(t.as_str())))
            .set_key_id(opt_str(planned, "key_id"))
            .set_data_type(opt_str(planned, "data_type"))
            .set_allowed_pattern(opt_str(planned, "allowed_pattern"))
            .overwrite(overwrite)
            .set_tags(tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for Parameter {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.put(planned, false, Some(ssm_tags(tags_to_write(ctx, planned))?))
            .await?;
        must_exist(self.read(ctx, &name, planned).await?, "SSM parameter", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ssm
            .get_parameter()
            .name(id)
            .with_decryption(true)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["ParameterNotFound"])? else {
            return Ok(None);
        };
        let Some(p) = out.parameter() else {
            return Ok(None);
        };
        let described = self
            .c
            .ssm
            .describe_parameters()
            .parameter_filters(
                aws_sdk_ssm::types::ParameterStringFilter::builder()
                    .key("Name")
                    .option("Equals")
                    .values(id)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .map_err(aws_err)?;
        let meta = described.parameters().first();
        let live = p.value().unwrap_or_default();
        // The value written as insecure_value stays readable; a secret value only as a digest,
        // and one written through value_wo not at all.
        let insecure = opt_str(prior, "insecure_value").is_some();
        let write_only = !prior.get("value_wo_version").is_null() || prior.get("has_value_wo").as_bool() == Some(true);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
            (
                "value",
                if insecure || write_only {
                    Value::Null
                } else {
                    Value::str(secret_digest(live))
                },
            ),
            ("value_wo_version", prior.get("value_wo_version").clone()),
            ("has_value_wo", Value::Bool(write_only)),
            ("insecure_value", if insecure { Value::str(live) } else { Value::Null }),
            ("description", Value::from(meta.and_then(|m| m.description()))),
            (
                "tier",
                Value::from(meta.and_then(|m| m.tier()).map(|t| t.as_str().to_string())),
            ),
            ("key_id", Value::from(meta.and_then(|m| m.key_id()))),
            ("data_type", Value::str(p.data_type().unwrap_or("text"))),
            ("allowed_pattern", Value::from(meta.and_then(|m| m.allowed_pattern()))),
            ("overwrite", prior.get("overwrite").clone()),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(tag_pairs(&self.c.ssm, ResourceTypeForTagging::Parameter, id).await?),
            ),
            ("arn", Value::from(p.arn())),
            ("version", Value::from(p.version())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let settings = [
            "type",
            "value",
            "value_wo_version",
            "insecure_value",
            "description",
            "tier",
            "key_id",
            "data_type",
            "allowed_pattern",
        ];
        let changed = |k: &str| match (prior.get(k), planned.get(k)) {
            (Value::String(a), Value::String(b)) if k == "value" => secret_digest(a) != secret_digest(b),
            (a, b) => a != b,
        };
        if settings.iter().any(|k| changed(k)) {
            // A write-only value is sent again only with a new value_wo_version; other changes
            // write back the value the parameter has.
            let mut planned = planned.clone();
            if opt_str(&planned, "value_wo").is_some() && !changed("value_wo_version") {
                let live = self
                    .c
                    .ssm
                    .get_parameter()
                    .name(id)
                    .with_decryption(true)
                    .send()
                    .await
                    .map_err(aws_err)?;
                let current = live.parameter().and_then(|p| p.value()).unwrap_or_default();
                if let Value::Object(m) = &mut planned {
                    m.insert("value_wo".into(), Value::str(current));
                }
            }
            self.put(&planned, true, None).await?;
        }
        sync_ssm_tags(&self.c.ssm, ResourceTypeForTagging::Parameter, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "SSM parameter", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.ssm.delete_parameter().name(id).send().await.map_err(aws_err);
        absent_on(r, &["ParameterNotFound"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let r = self.c.ssm.get_parameter().name(&name).send().await.map_err(aws_err);
        if absent_on(r, &["ParameterNotFound"])?.is_none() {
            return Ok(None);
        }
        let tags = tag_pairs(&self.c.ssm, ResourceTypeForTagging::Parameter, &name).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}
