//! `aws_iam_saml_provider`: an IAM identity provider trusting a SAML 2.0 identity provider
//! (Okta, Entra ID, ADFS) through its metadata document, so roles can be assumed with
//! `sts:AssumeRoleWithSAML`. The name makes the ARN (`saml-provider/NAME`) and replaces the
//! provider when changed; a new metadata document (the identity provider rotated its signing
//! certificate) is sent in place with UpdateSAMLProvider. The id is the ARN, which `import`
//! takes.

use super::iam_tags;
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_str, owns, required, user_tags,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// IAM's code for a missing provider.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The `aws_iam_saml_provider` resource type.
pub struct SamlProvider {
    c: Arc<Clients>,
    schema: Schema,
}

/// What IAM holds of one provider.
struct Live {
    document: String,
    valid_until: Option<String>,
    tags: Vec<(String, String)>,
}

impl SamlProvider {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SamlProvider {
        let schema = resource("aws_iam_saml_provider")
            .arg("name")
            .force_new()
            .check(len_between(1, 128))
            .check(matches(r"^[\w._-]+$", "letters, digits, and . _ -"))
            .arg("saml_metadata_document")
            .check(len_between(1000, 10_000_000))
            .args(&["tags"])
            .build();
        SamlProvider { c, schema }
    }

    /// GetSAMLProvider by ARN; `None` when IAM has none by that ARN.
    async fn get(&self, arn: &str) -> PResult<Option<Live>> {
        let r = self
            .c
            .iam
            .get_saml_provider()
            .saml_provider_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.map(|o| Live {
            document: o.saml_metadata_document().unwrap_or_default().to_string(),
            valid_until: o.valid_until().map(rfc3339),
            tags: o
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        }))
    }
}

/// The name in a provider's ARN (`arn:aws:iam::ACCOUNT:saml-provider/NAME`).
fn name_of(arn: &str) -> Option<&str> {
    arn.rsplit_once(":saml-provider/").map(|(_, name)| name)
}

#[async_trait]
impl ResourceType for SamlProvider {
    fn type_name(&self) -> &'static str {
        "aws_iam_saml_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let out = self
            .c
            .iam
            .create_saml_provider()
            .name(&name)
            .set_saml_metadata_document(opt_str(planned, "saml_metadata_document"))
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .saml_provider_arn()
            .ok_or_else(|| ProviderError::msg("CreateSAMLProvider returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "SAML provider", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = self.get(id).await? else {
            return Ok(None);
        };
        let name = name_of(id)
            .ok_or_else(|| ProviderError::msg(format!("{id:?} is not a SAML provider ARN (…:saml-provider/NAME)")))?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(id)),
            ("name", Value::str(name)),
            ("saml_metadata_document", Value::str(p.document)),
            ("valid_until", p.valid_until.map(Value::str).unwrap_or(Value::Null)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(p.tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let iam = &self.c.iam;
        if prior.get("saml_metadata_document") != planned.get("saml_metadata_document") {
            iam.update_saml_provider()
                .saml_provider_arn(id)
                .set_saml_metadata_document(opt_str(planned, "saml_metadata_document"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        super::sync_iam_tags!(
            *iam,
            untag_saml_provider,
            tag_saml_provider,
            saml_provider_arn,
            id,
            prior,
            planned
        )?;
        must_exist(self.read(ctx, id, planned).await?, "SAML provider", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_saml_provider()
            .saml_provider_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    /// The name is a natural key (an account has one provider per name); CreateSAMLProvider
    /// writes the tags with the provider, so one this stack made carries them.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let out = self.c.iam.list_saml_providers().send().await.map_err(aws_err)?;
        let Some(arn) = out
            .saml_provider_list()
            .iter()
            .filter_map(|p| p.arn())
            .find(|arn| name_of(arn) == Some(name.as_str()))
            .map(str::to_string)
        else {
            return Ok(None);
        };
        let Some(p) = self.get(&arn).await? else {
            return Ok(None);
        };
        Ok(owns(p.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(arn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_the_arns_tail() {
        assert_eq!(name_of("arn:aws:iam::123456789012:saml-provider/okta"), Some("okta"));
        assert_eq!(name_of("arn:aws:iam::123456789012:oidc-provider/x"), None);
    }
}
