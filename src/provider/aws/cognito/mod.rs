//! Cognito user pools (`cognito-idp`): the pool itself and the objects that live inside one
//! (app clients, the hosted-UI domain, federated identity providers, resource servers, groups),
//! with what they share: error codes, the pool-scoped import ids Terraform writes, dates as
//! the provider records them, and how a child decides that a pool belongs to this stack.
//!
//! Only the pool carries tags in AWS; the objects inside it are found again after a lost
//! create by their natural key within a pool this stack owns (see [`stack_owns_pool`]).

pub mod identity_provider;
pub mod resource_server;
pub mod user_group;
pub mod user_pool;
pub mod user_pool_client;
pub mod user_pool_domain;

use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, STACK_TAG};
use crate::state::Keeper;
use crate::value::Value;
use aws_sdk_cognitoidentityprovider::types::UserPoolType;

/// Cognito's code for a pool, client, provider, group or resource server that does not exist.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// A pool, by id; `None` when Cognito has none.
pub async fn describe_pool(c: &Clients, pool_id: &str) -> PResult<Option<UserPoolType>> {
    let r = c
        .cognitoidp
        .describe_user_pool()
        .user_pool_id(pool_id)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.user_pool))
}

/// Whether the pool an object of this stack would live in is this stack's own: its stack tag
/// names this stack. Only then is an object with the same natural key inside it taken as one
/// an earlier run made and did not record. On a stack Terraform keeps (no infractl tags),
/// only after a killed create of this address.
pub async fn stack_owns_pool(c: &Clients, ctx: &CallCtx, pool_id: &str) -> PResult<bool> {
    if ctx.keeper != Keeper::Infractl {
        return Ok(ctx.resumed);
    }
    let Some(pool) = describe_pool(c, pool_id).await? else {
        return Ok(false);
    };
    Ok(pool
        .user_pool_tags()
        .and_then(|t| t.get(STACK_TAG))
        .is_some_and(|s| *s == ctx.stack))
}

/// The pool and the child's own key of an object inside a pool. State knows the pool
/// (`user_pool_id`); an import id (or an adopted one) carries it as `POOL<sep>KEY`, as
/// Terraform's import ids do.
pub fn pool_and_key(id: &str, prior: &Value, sep: char, form: &str) -> PResult<(String, String)> {
    if let Some(pool) = opt_str(prior, "user_pool_id") {
        let key = id.strip_prefix(&format!("{pool}{sep}")).unwrap_or(id).to_string();
        return Ok((pool, key));
    }
    match id.split_once(sep) {
        Some((pool, key)) if !pool.is_empty() && !key.is_empty() => Ok((pool.to_string(), key.to_string())),
        _ => Err(ProviderError::msg(format!("invalid import id {id:?}: expected {form}"))),
    }
}

/// The import id (`POOL<sep>KEY`) of an object a pool of this stack already holds under the
/// planned natural key (the `key` argument), when `exists` finds it there: what a child type
/// adopts after a create whose outcome was lost.
pub async fn adoptable<F, Fut>(
    c: &Clients,
    ctx: &CallCtx,
    planned: &Value,
    key: &str,
    sep: char,
    exists: F,
) -> PResult<Option<String>>
where
    F: FnOnce(String, String) -> Fut,
    Fut: std::future::Future<Output = PResult<bool>>,
{
    let (Some(pool), Some(k)) = (opt_str(planned, "user_pool_id"), opt_str(planned, key)) else {
        return Ok(None);
    };
    if !exists(pool.clone(), k.clone()).await? || !stack_owns_pool(c, ctx, &pool).await? {
        return Ok(None);
    }
    Ok(Some(format!("{pool}{sep}{k}")))
}

/// A date as the provider records it (RFC 3339, whole seconds, UTC).
pub fn date(d: Option<&aws_smithy_types::DateTime>) -> Value {
    d.and_then(|d| {
        aws_smithy_types::DateTime::from_secs(d.secs())
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok()
    })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_scoped_ids_as_terraform_imports_them() {
        let none = Value::Null;
        assert_eq!(
            pool_and_key("us-east-1_ab/c1", &none, '/', "POOL/ID").unwrap(),
            ("us-east-1_ab".to_string(), "c1".to_string())
        );
        assert_eq!(
            pool_and_key("us-east-1_ab|https://api", &none, '|', "POOL|ID").unwrap(),
            ("us-east-1_ab".to_string(), "https://api".to_string())
        );
        assert!(pool_and_key("c1", &none, '/', "POOL/ID").is_err());
        let prior = Value::object([("user_pool_id", Value::str("p1"))]);
        assert_eq!(
            pool_and_key("p1:Google", &prior, ':', "POOL:NAME").unwrap(),
            ("p1".to_string(), "Google".to_string())
        );
        assert_eq!(
            pool_and_key("c1", &prior, '/', "POOL/ID").unwrap(),
            ("p1".to_string(), "c1".to_string())
        );
        let t = aws_smithy_types::DateTime::from_millis(1_764_518_288_482);
        assert_eq!(date(Some(&t)), Value::str("2025-11-30T15:58:08Z"));
    }
}
