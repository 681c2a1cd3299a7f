//! `aws_iam_openid_connect_provider`: an IAM identity provider trusting an OpenID Connect issuer
//! (GitHub Actions, EKS clusters). The URL names it (the ARN is `oidc-provider/<host/path>`) and
//! replaces it when changed; client IDs (audiences) and thumbprints change in place through
//! IAM's own calls. The id is the ARN, as Terraform's import takes it.
//!
//! IAM answers the URL without its scheme, and state keeps it so, as the AWS provider does: the
//! configured `https://` form compares equal to it.

use super::iam_tags;
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, ok_on, opt_str, owns, required, str_list, user_tags,
};
use crate::provider::aws::schema::{data_source, resource};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, DataSourceType, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// IAM's code for a missing provider.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The URL without its scheme, as IAM names the provider (and answers its `Url`).
pub fn without_scheme(url: &str) -> String {
    url.strip_prefix("https://").unwrap_or(url).to_string()
}

/// Whether an ARN is the provider IAM makes for this URL (`...:oidc-provider/<url>`).
fn names(arn: &str, url: &str) -> bool {
    arn.rsplit_once(":oidc-provider/")
        .is_some_and(|(_, tail)| tail == without_scheme(url))
}

/// What IAM holds of one provider, as both the resource and the data source read it.
struct Live {
    url: String,
    client_ids: Vec<String>,
    thumbprints: Vec<String>,
    tags: Vec<(String, String)>,
}

/// Reads a provider by ARN; `None` when IAM has none by that ARN.
async fn get(c: &Clients, arn: &str) -> PResult<Option<Live>> {
    let out = absent_on(
        c.iam
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .map_err(aws_err),
        ABSENT,
    )?;
    Ok(out.map(|o| Live {
        url: o.url().map(without_scheme).unwrap_or_default(),
        client_ids: o.client_id_list().to_vec(),
        thumbprints: o.thumbprint_list().to_vec(),
        tags: o
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    }))
}

/// The ARN of the account's provider for a URL, if there is one (one list call: IAM lists
/// every provider of the account at once).
async fn find_by_url(c: &Clients, url: &str) -> PResult<Option<String>> {
    let out = c.iam.list_open_id_connect_providers().send().await.map_err(aws_err)?;
    Ok(out
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|p| p.arn())
        .find(|arn| names(arn, url))
        .map(str::to_string))
}

/// The `aws_iam_openid_connect_provider` resource type.
pub struct OpenIdConnectProvider {
    c: Arc<Clients>,
    schema: Schema,
}

impl OpenIdConnectProvider {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OpenIdConnectProvider {
        let schema = resource("aws_iam_openid_connect_provider")
            .arg("url")
            .force_new()
            .check(https_url())
            .normalized(without_scheme)
            .arg("client_id_list")
            .check(len_between(1, 255))
            .arg("thumbprint_list")
            .check(len_between(40, 40))
            .args(&["tags"])
            .build();
        OpenIdConnectProvider { c, schema }
    }
}

/// The provider's URL check: HTTPS, and no query (the OIDC standard allows none in an issuer).
fn https_url() -> crate::schema::validators::Validator {
    matches(r"^https://[^?#\s]+$", "an https:// URL without query parameters")
}

#[async_trait]
impl ResourceType for OpenIdConnectProvider {
    fn type_name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let url = required(planned, "url")?;
        let thumbprints = str_list(planned, "thumbprint_list");
        let out = self
            .c
            .iam
            .create_open_id_connect_provider()
            .url(&url)
            .set_client_id_list(Some(str_list(planned, "client_id_list")))
            .set_thumbprint_list((!thumbprints.is_empty()).then_some(thumbprints))
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .open_id_connect_provider_arn()
            .ok_or_else(|| ProviderError::msg("CreateOpenIDConnectProvider returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "OpenID Connect provider", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = get(&self.c, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(id)),
            ("url", Value::str(&p.url)),
            ("client_id_list", list_value(p.client_ids)),
            ("thumbprint_list", list_value(p.thumbprints)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(p.tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let iam = &self.c.iam;
        let (before, after) = (str_list(prior, "client_id_list"), str_list(planned, "client_id_list"));
        // Added first, so the provider never holds no audience at all while one is swapped.
        for added in after.iter().filter(|c| !before.contains(c)) {
            iam.add_client_id_to_open_id_connect_provider()
                .open_id_connect_provider_arn(id)
                .client_id(added)
                .send()
                .await
                .map_err(aws_err)?;
        }
        for removed in before.iter().filter(|c| !after.contains(c)) {
            iam.remove_client_id_from_open_id_connect_provider()
                .open_id_connect_provider_arn(id)
                .client_id(removed)
                .send()
                .await
                .map_err(aws_err)?;
        }
        // Unset keeps what IAM has (the provider's Optional+Computed): only a configured list
        // that differs is sent.
        if !matches!(planned.get("thumbprint_list"), Value::Unknown)
            && prior.get("thumbprint_list") != planned.get("thumbprint_list")
        {
            iam.update_open_id_connect_provider_thumbprint()
                .open_id_connect_provider_arn(id)
                .set_thumbprint_list(Some(str_list(planned, "thumbprint_list")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        super::sync_iam_tags!(
            *iam,
            untag_open_id_connect_provider,
            tag_open_id_connect_provider,
            open_id_connect_provider_arn,
            id,
            prior,
            planned
        )?;
        must_exist(self.read(ctx, id, planned).await?, "OpenID Connect provider", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_open_id_connect_provider()
            .open_id_connect_provider_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    /// The URL is a natural key (an account has one provider per URL, and its ARN is made from
    /// it); CreateOpenIDConnectProvider writes the tags with the provider, so one this stack
    /// made for this address carries them.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(url) = opt_str(planned, "url") else {
            return Ok(None);
        };
        let Some(arn) = find_by_url(&self.c, &url).await? else {
            return Ok(None);
        };
        let Some(p) = get(&self.c, &arn).await? else {
            return Ok(None);
        };
        Ok(owns(p.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(arn))
    }
}

/// The `aws_iam_openid_connect_provider` data source: one provider of the account, by ARN or
/// by URL.
pub struct OpenIdConnectProviderData {
    c: Arc<Clients>,
    schema: Schema,
}

impl OpenIdConnectProviderData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OpenIdConnectProviderData {
        let schema = data_source("aws_iam_openid_connect_provider")
            .args(&["arn", "url", "tags"])
            .rule(Rule::Conflicts(&["arn", "url"]))
            .build();
        OpenIdConnectProviderData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for OpenIdConnectProviderData {
    fn type_name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let arn = match (opt_str(config, "arn"), opt_str(config, "url")) {
            (Some(arn), _) => arn,
            (None, Some(url)) => find_by_url(&self.c, &url)
                .await?
                .ok_or_else(|| ProviderError::msg(format!("no IAM OpenID Connect provider with URL {url}")))?,
            (None, None) => return Err(ProviderError::msg("one of arn or url must be set")),
        };
        let p = get(&self.c, &arn)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("no IAM OpenID Connect provider {arn}")))?;
        Ok(Value::object([
            ("id", Value::str(&arn)),
            ("arn", Value::str(&arn)),
            ("url", Value::str(&p.url)),
            ("client_id_list", list_value(p.client_ids)),
            ("thumbprint_list", list_value(p.thumbprints)),
            ("tags", user_tags(p.tags)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arn_is_named_by_the_url_without_its_scheme() {
        let arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
        assert!(names(arn, "https://token.actions.githubusercontent.com"));
        assert!(names(arn, "token.actions.githubusercontent.com"));
        assert!(!names(arn, "https://token.actions.githubusercontent.com/other"));
        assert!(!names(
            "arn:aws:iam::1:oidc-provider/example.com/token.actions.githubusercontent.com",
            "https://token.actions.githubusercontent.com"
        ));
    }

    #[test]
    fn urls_must_be_https_without_a_query() {
        let v = https_url();
        assert!(v
            .check(&Value::str("https://token.actions.githubusercontent.com"))
            .is_ok());
        assert!(v
            .check(&Value::str("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"))
            .is_ok());
        assert!(v.check(&Value::str("http://example.com")).is_err());
        assert!(v.check(&Value::str("https://example.com/?a=b")).is_err());
    }
}
