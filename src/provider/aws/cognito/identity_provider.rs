//! `aws_cognito_identity_provider`: a federated identity provider of a user pool (Google,
//! Facebook, Login with Amazon, Sign in with Apple, SAML, OIDC): its details (client id and
//! secret, scopes, endpoints), how its claims map to user attributes, and its identifiers.
//! The id is `USER-POOL-ID:PROVIDER-NAME`, as Terraform's import takes it; the name and type
//! replace it, the rest changes in place.
//!
//! For social providers Cognito adds the provider's endpoints to `provider_details`
//! (`authorize_url`, `token_url`, ...); those the blueprint does not set are not recorded, as
//! the provider suppresses them, so they plan no change.
//!
//! A provider name is unique within a pool, so one an earlier run created but did not record is
//! taken back by its name in a pool of this stack.

use super::{adoptable, pool_and_key, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, list_value, map_value, must_exist, ok_on, opt_str, required, secret_digest, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::collections::HashMap;
use std::sync::Arc;

/// Keys Cognito adds to a social provider's details on its own.
const ADDED_BY_COGNITO: &[&str] = &[
    "attributes_url",
    "attributes_url_add_attributes",
    "authorize_url",
    "oidc_issuer",
    "token_url",
];

/// The `aws_cognito_identity_provider` resource type.
pub struct IdentityProvider {
    c: Arc<Clients>,
    schema: Schema,
}

impl IdentityProvider {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> IdentityProvider {
        let schema = resource("aws_cognito_identity_provider")
            .arg("user_pool_id")
            .force_new()
            .arg("provider_name")
            .force_new()
            .check(len_between(1, 32))
            .arg("provider_type")
            .force_new()
            .check(one_of(&[
                "SAML",
                "Facebook",
                "Google",
                "LoginWithAmazon",
                "SignInWithApple",
                "OIDC",
            ]))
            .arg("provider_details")
            .normalized(secret_digest)
            .args(&["attribute_mapping", "idp_identifiers"])
            .build();
        IdentityProvider { c, schema }
    }

    async fn describe(&self, pool: &str, name: &str) -> PResult<Option<t::IdentityProviderType>> {
        let r = self
            .c
            .cognitoidp
            .describe_identity_provider()
            .user_pool_id(pool)
            .provider_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.identity_provider))
    }
}

fn string_map(v: &Value, name: &str) -> HashMap<String, String> {
    v.get(name)
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.to_plain_string().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default()
}

/// The `provider_details` keys that hold the federated provider's credentials (the OAuth client
/// secret; Sign in with Apple's private key): state keeps their digests, never the values,
/// as it does for every secret argument. The provider schema marks none of the map sensitive,
/// so Terraform keeps them in the clear; a configured value plans no change against its digest.
const SECRET_DETAILS: &[&str] = &["client_secret", "private_key"];

fn to_state(p: &t::IdentityProviderType, prior: &Value) -> Value {
    let pool = p.user_pool_id().unwrap_or_default();
    let name = p.provider_name().unwrap_or_default();
    let configured = prior.get("provider_details");
    let details: HashMap<String, String> = p
        .provider_details()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !(ADDED_BY_COGNITO.contains(&k.as_str()) && configured.get(k).is_null()))
        .map(|(k, v)| match SECRET_DETAILS.contains(&k.as_str()) {
            true => (k.clone(), secret_digest(v)),
            false => (k.clone(), v.clone()),
        })
        .collect();
    Value::object([
        ("id", Value::str(format!("{pool}:{name}"))),
        ("user_pool_id", Value::str(pool)),
        ("provider_name", Value::str(name)),
        (
            "provider_type",
            Value::from(p.provider_type().map(|x| x.as_str().to_string())),
        ),
        ("provider_details", map_value(Some(&details))),
        ("attribute_mapping", map_value(p.attribute_mapping())),
        ("idp_identifiers", list_value(p.idp_identifiers().iter().cloned())),
    ])
}

#[async_trait]
impl ResourceType for IdentityProvider {
    fn type_name(&self) -> &'static str {
        "aws_cognito_identity_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        let name = required(planned, "provider_name")?;
        let mapping = string_map(planned, "attribute_mapping");
        let ids = str_list(planned, "idp_identifiers");
        self.c
            .cognitoidp
            .create_identity_provider()
            .user_pool_id(&pool)
            .provider_name(&name)
            .provider_type(t::IdentityProviderTypeType::from(
                opt_str(planned, "provider_type").unwrap_or_default().as_str(),
            ))
            .set_provider_details(Some(string_map(planned, "provider_details")))
            .set_attribute_mapping((!mapping.is_empty()).then_some(mapping))
            .set_idp_identifiers((!ids.is_empty()).then_some(ids))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("{pool}:{name}");
        must_exist(self.read(ctx, &id, planned).await?, "identity provider", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (pool, name) = pool_and_key(id, prior, ':', "USER-POOL-ID:PROVIDER-NAME")?;
        Ok(self.describe(&pool, &name).await?.map(|p| to_state(&p, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (pool, name) = pool_and_key(id, prior, ':', "USER-POOL-ID:PROVIDER-NAME")?;
        let mapping = string_map(planned, "attribute_mapping");
        let mut details = string_map(planned, "provider_details");
        // A credential that did not change is planned as the digest state keeps: send AWS's
        // own copy (the one that digest was taken of), never the digest.
        if details
            .iter()
            .any(|(k, v)| SECRET_DETAILS.contains(&k.as_str()) && secret_digest(v) == *v)
        {
            let live = self.describe(&pool, &name).await?;
            let live = live.as_ref().and_then(|p| p.provider_details());
            for key in SECRET_DETAILS {
                if let (Some(v), Some(l)) = (details.get(*key), live.and_then(|m| m.get(*key))) {
                    if secret_digest(v) == *v && secret_digest(l) == *v {
                        details.insert(key.to_string(), l.clone());
                    }
                }
            }
        }
        self.c
            .cognitoidp
            .update_identity_provider()
            .user_pool_id(&pool)
            .provider_name(&name)
            .set_provider_details(Some(details))
            .set_attribute_mapping((!mapping.is_empty()).then_some(mapping))
            .set_idp_identifiers(Some(str_list(planned, "idp_identifiers")))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "identity provider", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (pool, name) = pool_and_key(id, prior, ':', "USER-POOL-ID:PROVIDER-NAME")?;
        let r = self
            .c
            .cognitoidp
            .delete_identity_provider()
            .user_pool_id(pool)
            .provider_name(name)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        adoptable(&self.c, ctx, planned, "provider_name", ':', |pool, key| async move {
            Ok(self.describe(&pool, &key).await?.is_some())
        })
        .await
    }
}
