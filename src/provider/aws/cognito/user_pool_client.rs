//! `aws_cognito_user_pool_client`: an app client of a user pool (OAuth flows and scopes,
//! callback and logout URLs, identity providers, token lifetimes). The id is the client id;
//! import takes `USER-POOL-ID/CLIENT-ID`, as Terraform's does. `generate_secret` replaces the
//! client (Cognito makes a secret only at creation).
//!
//! `client_secret` is a secret that other objects consume (a Secrets Manager secret version,
//! an SSM parameter). Cognito keeps it and hands it back on every DescribeUserPoolClient, so
//! infractl never needs to store it: state keeps its SHA-256 digest (enough to see that it is
//! the same secret), and whenever a plan or an apply needs the value for a reference, the type
//! *reveals* it by reading it from Cognito again ([`ResourceType::reveal`]), checked against
//! the digest. The run then conceals it wherever else it turns up (the registry remembers
//! revealed values, [`crate::provider::secrets`]), and printed plans blank it. On a stack whose
//! state Terraform keeps, state holds the secret in the clear, as Terraform's does.
//!
//! Clients have no tags and their names are not unique: a client an earlier run made and did
//! not record is taken back only when it is the one client of that name in a pool of this
//! stack ([`super::stack_owns_pool`]).

use super::{pool_and_key, stack_owns_pool, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, first, list_value, must_exist, ok_on, opt_bool, opt_str, required, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::secrets::digest;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, len_between, one_of};
use crate::schema::Schema;
use crate::state::Keeper;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::sync::Arc;

/// The `aws_cognito_user_pool_client` resource type.
pub struct UserPoolClient {
    c: Arc<Clients>,
    schema: Schema,
}

/// Token lifetime units Cognito takes.
const UNITS: &[&str] = &["seconds", "minutes", "hours", "days"];

impl UserPoolClient {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UserPoolClient {
        let schema = resource("aws_cognito_user_pool_client")
            .arg("user_pool_id")
            .force_new()
            .arg("name")
            .check(len_between(1, 128))
            .arg("generate_secret")
            .force_new()
            .arg("allowed_oauth_flows")
            .check(one_of(&["code", "implicit", "client_credentials"]))
            .arg("explicit_auth_flows")
            .check(one_of(&[
                "ADMIN_NO_SRP_AUTH",
                "CUSTOM_AUTH_FLOW_ONLY",
                "USER_PASSWORD_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_CUSTOM_AUTH",
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_USER_AUTH",
            ]))
            .arg("prevent_user_existence_errors")
            .check(one_of(&["LEGACY", "ENABLED"]))
            .arg("access_token_validity")
            .check(int_between(1, 86400))
            .arg("id_token_validity")
            .check(int_between(1, 86400))
            .arg("refresh_token_validity")
            .check(int_between(0, 315360000))
            .arg("auth_session_validity")
            .check(int_between(3, 15))
            .args(&[
                "allowed_oauth_flows_user_pool_client",
                "allowed_oauth_scopes",
                "callback_urls",
                "logout_urls",
                "default_redirect_uri",
                "supported_identity_providers",
                "read_attributes",
                "write_attributes",
                "enable_token_revocation",
                "enable_propagate_additional_user_context_data",
                "token_validity_units",
            ])
            .arg("token_validity_units")
            .live_if_unset()
            .arg("token_validity_units.access_token")
            .check(one_of(UNITS))
            .arg("token_validity_units.id_token")
            .check(one_of(UNITS))
            .arg("token_validity_units.refresh_token")
            .check(one_of(UNITS))
            .build();
        UserPoolClient { c, schema }
    }

    /// The client as Cognito holds it; `None` when it (or its pool) is gone.
    async fn describe(&self, pool: &str, client: &str) -> PResult<Option<t::UserPoolClientType>> {
        let r = self
            .c
            .cognitoidp
            .describe_user_pool_client()
            .user_pool_id(pool)
            .client_id(client)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.user_pool_client))
    }
}

fn num(v: &Value, name: &str) -> Option<i32> {
    v.get(name).as_number().map(|x| x as i32)
}

/// Lists of the client's settings that Cognito takes as typed values.
fn flows(v: &Value) -> Vec<t::OAuthFlowType> {
    str_list(v, "allowed_oauth_flows")
        .iter()
        .map(|f| t::OAuthFlowType::from(f.as_str()))
        .collect()
}

fn auth_flows(v: &Value) -> Vec<t::ExplicitAuthFlowsType> {
    str_list(v, "explicit_auth_flows")
        .iter()
        .map(|f| t::ExplicitAuthFlowsType::from(f.as_str()))
        .collect()
}

fn units(v: &Value) -> Option<t::TokenValidityUnitsType> {
    let u = first(v, "token_validity_units")?;
    let unit = |k: &str| opt_str(u, k).map(|x| t::TimeUnitsType::from(x.as_str()));
    Some(
        t::TokenValidityUnitsType::builder()
            .set_access_token(unit("access_token"))
            .set_id_token(unit("id_token"))
            .set_refresh_token(unit("refresh_token"))
            .build(),
    )
}

/// Sends every setting with either request builder (Create and Update name them alike):
/// UpdateUserPoolClient resets what it is not sent, so an update sends them all.
macro_rules! with_settings {
    ($req:expr, $v:expr) => {{
        let v = $v;
        $req.client_name(opt_str(v, "name").unwrap_or_default())
            .set_access_token_validity(num(v, "access_token_validity"))
            .set_id_token_validity(num(v, "id_token_validity"))
            .set_refresh_token_validity(num(v, "refresh_token_validity"))
            .set_auth_session_validity(num(v, "auth_session_validity"))
            .set_token_validity_units(units(v))
            .set_allowed_o_auth_flows(Some(flows(v)))
            .set_allowed_o_auth_flows_user_pool_client(opt_bool(v, "allowed_oauth_flows_user_pool_client"))
            .set_allowed_o_auth_scopes(Some(str_list(v, "allowed_oauth_scopes")))
            .set_callback_urls(Some(str_list(v, "callback_urls")))
            .set_logout_urls(Some(str_list(v, "logout_urls")))
            .set_default_redirect_uri(opt_str(v, "default_redirect_uri"))
            .set_supported_identity_providers(Some(str_list(v, "supported_identity_providers")))
            .set_read_attributes(Some(str_list(v, "read_attributes")))
            .set_write_attributes(Some(str_list(v, "write_attributes")))
            .set_explicit_auth_flows(Some(auth_flows(v)))
            .set_prevent_user_existence_errors(
                opt_str(v, "prevent_user_existence_errors")
                    .map(|x| t::PreventUserExistenceErrorTypes::from(x.as_str())),
            )
            .set_enable_token_revocation(opt_bool(v, "enable_token_revocation"))
            .set_enable_propagate_additional_user_context_data(opt_bool(
                v,
                "enable_propagate_additional_user_context_data",
            ))
    }};
}

/// What state keeps of the secret: its digest, or on a Terraform-kept stack the secret itself.
fn kept_secret(ctx: &CallCtx, secret: Option<&str>) -> Value {
    match secret {
        None => Value::Null,
        Some(s) if ctx.keeper == Keeper::Terraform => Value::str(s),
        Some(s) => Value::str(digest(s)),
    }
}

fn to_state(ctx: &CallCtx, c: &t::UserPoolClientType, prior: &Value) -> Value {
    let strs = |items: &[String]| list_value(items.iter().cloned());
    let enums = |items: Vec<&str>| list_value(items.into_iter().map(str::to_string));
    let n = |x: Option<i32>| Value::from(x.map(i64::from));
    let units = c.token_validity_units().map(|u| {
        Value::object([
            (
                "access_token",
                Value::from(u.access_token().map(|x| x.as_str().to_string())),
            ),
            ("id_token", Value::from(u.id_token().map(|x| x.as_str().to_string()))),
            (
                "refresh_token",
                Value::from(u.refresh_token().map(|x| x.as_str().to_string())),
            ),
        ])
    });
    Value::object([
        ("id", Value::from(c.client_id())),
        ("user_pool_id", Value::from(c.user_pool_id())),
        ("name", Value::from(c.client_name())),
        // Cognito does not report the flag: a secret means it was set, and without one the
        // configured `false` (or nothing) stands.
        (
            "generate_secret",
            match (c.client_secret(), prior.get("generate_secret")) {
                (Some(_), _) => Value::Bool(true),
                (None, Value::Bool(false)) => Value::Bool(false),
                (None, _) => Value::Null,
            },
        ),
        ("client_secret", kept_secret(ctx, c.client_secret())),
        ("access_token_validity", n(c.access_token_validity())),
        ("id_token_validity", n(c.id_token_validity())),
        (
            "refresh_token_validity",
            Value::from(i64::from(c.refresh_token_validity())),
        ),
        ("auth_session_validity", n(c.auth_session_validity())),
        ("token_validity_units", Value::List(units.into_iter().collect())),
        (
            "allowed_oauth_flows",
            enums(c.allowed_o_auth_flows().iter().map(|x| x.as_str()).collect()),
        ),
        (
            "allowed_oauth_flows_user_pool_client",
            Value::from(c.allowed_o_auth_flows_user_pool_client()),
        ),
        ("allowed_oauth_scopes", strs(c.allowed_o_auth_scopes())),
        ("callback_urls", strs(c.callback_urls())),
        ("logout_urls", strs(c.logout_urls())),
        ("default_redirect_uri", Value::from(c.default_redirect_uri())),
        ("supported_identity_providers", strs(c.supported_identity_providers())),
        ("read_attributes", strs(c.read_attributes())),
        ("write_attributes", strs(c.write_attributes())),
        (
            "explicit_auth_flows",
            enums(c.explicit_auth_flows().iter().map(|x| x.as_str()).collect()),
        ),
        (
            "prevent_user_existence_errors",
            Value::from(c.prevent_user_existence_errors().map(|x| x.as_str().to_string())),
        ),
        ("enable_token_revocation", Value::from(c.enable_token_revocation())),
        (
            "enable_propagate_additional_user_context_data",
            Value::from(c.enable_propagate_additional_user_context_data()),
        ),
        ("analytics_configuration", Value::List(vec![])),
        ("refresh_token_rotation", Value::List(vec![])),
    ])
}

#[async_trait]
impl ResourceType for UserPoolClient {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool_client"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        let req = self
            .c
            .cognitoidp
            .create_user_pool_client()
            .user_pool_id(&pool)
            .set_generate_secret(opt_bool(planned, "generate_secret"));
        let out = with_settings!(req, planned).send().await.map_err(aws_err)?;
        let id = out
            .user_pool_client()
            .and_then(|c| c.client_id())
            .ok_or_else(|| ProviderError::msg("CreateUserPoolClient returned no client id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "user pool client", &id)
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (pool, client) = pool_and_key(id, prior, '/', "USER-POOL-ID/CLIENT-ID")?;
        Ok(self.describe(&pool, &client).await?.map(|c| to_state(ctx, &c, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        let req = self
            .c
            .cognitoidp
            .update_user_pool_client()
            .user_pool_id(&pool)
            .client_id(id);
        with_settings!(req, planned).send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "user pool client", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (pool, client) = pool_and_key(id, prior, '/', "USER-POOL-ID/CLIENT-ID")?;
        let r = self
            .c
            .cognitoidp
            .delete_user_pool_client()
            .user_pool_id(pool)
            .client_id(client)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    /// The one client of this name in a pool of this stack.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(pool), Some(name)) = (opt_str(planned, "user_pool_id"), opt_str(planned, "name")) else {
            return Ok(None);
        };
        if !stack_owns_pool(&self.c, ctx, &pool).await? {
            return Ok(None);
        }
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let r = self
                .c
                .cognitoidp
                .list_user_pool_clients()
                .user_pool_id(&pool)
                .max_results(60)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(r, NOT_FOUND)? else {
                return Ok(None);
            };
            found.extend(
                out.user_pool_clients()
                    .iter()
                    .filter(|c| c.client_name() == Some(name.as_str()))
                    .filter_map(|c| c.client_id().map(str::to_string)),
            );
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(match found.as_slice() {
            [one] => Some(format!("{pool}/{one}")),
            _ => None,
        })
    }

    /// References see the secret itself: read from Cognito again, and checked against the
    /// digest state holds (a client made again under the same id would not match).
    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        let Value::String(kept) = state.get("client_secret") else {
            return Ok(None);
        };
        if digest(kept) != *kept {
            // Held in the clear (a Terraform-kept state): nothing to reveal.
            return Ok(None);
        }
        let (Some(pool), Some(id)) = (opt_str(state, "user_pool_id"), opt_str(state, "id")) else {
            return Ok(None);
        };
        let client = self.describe(&pool, &id).await?.ok_or_else(|| {
            ProviderError::msg(format!(
                "user pool client {id} is gone, so its secret cannot be read (plan again to create it)"
            ))
        })?;
        let secret = client.client_secret().unwrap_or_default();
        if digest(secret) != *kept {
            return Err(ProviderError::msg(format!(
                "the secret of user pool client {id} is not the one state records: refresh (plan) to pick up the new one"
            )));
        }
        let mut v = state.clone();
        if let Value::Object(m) = &mut v {
            m.insert("client_secret".into(), Value::str(secret));
        }
        Ok(Some(v))
    }
}
