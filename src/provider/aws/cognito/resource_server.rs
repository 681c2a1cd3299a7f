//! `aws_cognito_resource_server`: an API a user pool issues access-token scopes for (its
//! identifier, usually its URL, and its custom scopes). The id is
//! `USER-POOL-ID|IDENTIFIER`, as Terraform's import takes it; `scope_identifiers` lists the
//! scopes as clients request them (`IDENTIFIER/SCOPE`). The identifier replaces it; the name
//! and scopes change in place.
//!
//! An identifier is unique within a pool, so a resource server an earlier run created but did
//! not record is taken back by its identifier in a pool of this stack.

use super::{adoptable, pool_and_key, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, ok_on, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::sync::Arc;

/// The form of an import id.
const FORM: &str = "USER-POOL-ID|IDENTIFIER";

/// The `aws_cognito_resource_server` resource type.
pub struct ResourceServer {
    c: Arc<Clients>,
    schema: Schema,
}

impl ResourceServer {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ResourceServer {
        let schema = resource("aws_cognito_resource_server")
            .arg("user_pool_id")
            .force_new()
            .arg("identifier")
            .force_new()
            .check(len_between(1, 256))
            .arg("name")
            .check(len_between(1, 256))
            .arg("scope")
            .arg("scope.scope_name")
            .check(len_between(1, 256))
            .arg("scope.scope_description")
            .check(len_between(1, 256))
            .build();
        ResourceServer { c, schema }
    }

    async fn describe(&self, pool: &str, identifier: &str) -> PResult<Option<t::ResourceServerType>> {
        let r = self
            .c
            .cognitoidp
            .describe_resource_server()
            .user_pool_id(pool)
            .identifier(identifier)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.resource_server))
    }
}

fn scopes(planned: &Value) -> PResult<Vec<t::ResourceServerScopeType>> {
    planned
        .get("scope")
        .as_list()
        .into_iter()
        .flatten()
        .map(|s| {
            t::ResourceServerScopeType::builder()
                .set_scope_name(opt_str(s, "scope_name"))
                .set_scope_description(opt_str(s, "scope_description"))
                .build()
                .map_err(|e| ProviderError::msg(format!("invalid scope: {e}")))
        })
        .collect()
}

fn to_state(r: &t::ResourceServerType) -> Value {
    let pool = r.user_pool_id().unwrap_or_default();
    let identifier = r.identifier().unwrap_or_default();
    Value::object([
        ("id", Value::str(format!("{pool}|{identifier}"))),
        ("user_pool_id", Value::str(pool)),
        ("identifier", Value::str(identifier)),
        ("name", Value::from(r.name())),
        (
            "scope",
            Value::List(
                r.scopes()
                    .iter()
                    .map(|s| {
                        Value::object([
                            ("scope_name", Value::str(s.scope_name())),
                            ("scope_description", Value::str(s.scope_description())),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "scope_identifiers",
            list_value(r.scopes().iter().map(|s| format!("{identifier}/{}", s.scope_name()))),
        ),
    ])
}

#[async_trait]
impl ResourceType for ResourceServer {
    fn type_name(&self) -> &'static str {
        "aws_cognito_resource_server"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        let identifier = required(planned, "identifier")?;
        let scopes = scopes(planned)?;
        self.c
            .cognitoidp
            .create_resource_server()
            .user_pool_id(&pool)
            .identifier(&identifier)
            .name(opt_str(planned, "name").unwrap_or_default())
            .set_scopes((!scopes.is_empty()).then_some(scopes))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("{pool}|{identifier}");
        must_exist(self.read(ctx, &id, planned).await?, "resource server", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (pool, identifier) = pool_and_key(id, prior, '|', FORM)?;
        Ok(self.describe(&pool, &identifier).await?.map(|r| to_state(&r)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (pool, identifier) = pool_and_key(id, prior, '|', FORM)?;
        // UpdateResourceServer replaces the whole server: every scope is sent.
        self.c
            .cognitoidp
            .update_resource_server()
            .user_pool_id(&pool)
            .identifier(&identifier)
            .name(opt_str(planned, "name").unwrap_or_default())
            .set_scopes(Some(scopes(planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "resource server", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (pool, identifier) = pool_and_key(id, prior, '|', FORM)?;
        let r = self
            .c
            .cognitoidp
            .delete_resource_server()
            .user_pool_id(pool)
            .identifier(identifier)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        adoptable(&self.c, ctx, planned, "identifier", '|', |pool, key| async move {
            Ok(self.describe(&pool, &key).await?.is_some())
        })
        .await
    }
}
