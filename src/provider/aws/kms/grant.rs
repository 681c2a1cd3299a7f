//! `aws_kms_grant`: a grant letting a principal use a KMS key for some operations, as the
//! provider's `resourceGrant`. Every argument forces a new grant (KMS has no call to change
//! one). The id is `KEY_ID:GRANT_ID` (which imports take; a key ARN works for the key part).
//! Destroying revokes the grant, or retires it when `retire_on_delete` is set, then waits
//! until ListGrants no longer lists it.
//!
//! `grant_token` is handed out by CreateGrant only: state keeps its digest (on a stack
//! Terraform keeps, the token itself, as Terraform's state does), and an import has none.

use super::{ABSENT, PROPAGATION};
use crate::provider::aws::common::{
    absent_on, aws_err, map_value, ok_on, opt_bool, opt_str, required, retry_while, str_list, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::secrets::digest;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, arn, len_between, matches, one_of};
use crate::schema::Schema;
use crate::state::Keeper;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kms::types::{GrantConstraints, GrantListEntry, GrantOperation};
use std::collections::HashMap;
use std::sync::Arc;

/// An AWS service principal (`logs.us-east-1.amazonaws.com`), as the provider's
/// `verify.ValidServicePrincipal` accepts it.
pub const SERVICE_PRINCIPAL: &str = r"^([0-9a-z-]+\.){1,4}(amazonaws|amazon)\.com$";

/// A grant name as the provider's `validGrantName` accepts it.
const GRANT_NAME: &str = r"^[a-zA-Z0-9:/_-]+$";

/// The `aws_kms_grant` resource type.
pub struct Grant {
    c: Arc<Clients>,
    schema: Schema,
}

/// The key id and grant id of a grant's id (`KEY:GRANT`, where the key may be a key ARN), as
/// the provider's `grantParseResourceID` splits it.
pub fn parse_id(id: &str) -> PResult<(String, String)> {
    let bad = || ProviderError::msg(format!("unexpected format of ID ({id}), expected KeyID:GrantID"));
    if id.starts_with("arn:") {
        let (prefix, rest) = id.split_once('/').ok_or_else(bad)?;
        let (key, grant) = rest.split_once(':').ok_or_else(bad)?;
        if grant.contains(':') || rest.contains('/') {
            return Err(bad());
        }
        return Ok((format!("{prefix}/{key}"), grant.to_string()));
    }
    match id.split(':').collect::<Vec<_>>()[..] {
        [key, grant] => Ok((key.to_string(), grant.to_string())),
        _ => Err(bad()),
    }
}

/// The grant `grant_id` of key `key_id` (every page of ListGrants); `None` when the key or
/// the grant is gone.
async fn find_grant(c: &Clients, key_id: &str, grant_id: &str) -> PResult<Option<GrantListEntry>> {
    let mut marker = None;
    loop {
        let r = c
            .kms
            .list_grants()
            .key_id(key_id)
            .limit(100)
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err);
        let Some(page) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        if let Some(g) = page.grants().iter().find(|g| g.grant_id() == Some(grant_id)) {
            return Ok(Some(g.clone()));
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

/// The configured `constraints` block as KMS takes it; an error when it sets both kinds of
/// encryption context (KMS answers "More than one constraint supplied").
fn constraints(planned: &Value) -> PResult<Option<GrantConstraints>> {
    let blocks = planned.get("constraints").as_list().unwrap_or_default();
    let map = |v: &Value| -> Option<HashMap<String, String>> {
        match v {
            Value::Object(m) if !m.is_empty() => Some(
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect(),
            ),
            _ => None,
        }
    };
    let mut out = GrantConstraints::builder();
    let mut count = 0;
    for b in blocks {
        if let Some(m) = map(b.get("encryption_context_equals")) {
            out = out.set_encryption_context_equals(Some(m));
            count += 1;
        }
        if let Some(m) = map(b.get("encryption_context_subset")) {
            out = out.set_encryption_context_subset(Some(m));
            count += 1;
        }
    }
    if count > 1 {
        return Err(ProviderError::msg(
            "A grant constraint can't have both encryption_context_equals and encryption_context_subset set",
        ));
    }
    Ok((count == 1).then(|| out.build()))
}

/// Counts the kinds of encryption context a configuration's constraints set (unknown maps
/// count as set: they are checked again once known).
fn constraint_kinds(config: &Value) -> usize {
    let set = |v: &Value| match v {
        Value::Object(m) => !m.is_empty(),
        Value::Unknown => true,
        _ => false,
    };
    config
        .get("constraints")
        .as_list()
        .unwrap_or_default()
        .iter()
        .map(|b| {
            usize::from(set(b.get("encryption_context_equals"))) + usize::from(set(b.get("encryption_context_subset")))
        })
        .sum()
}

/// The `constraints` blocks state records of a grant's constraints (none when it has none).
fn constraints_value(c: Option<&GrantConstraints>) -> Value {
    let Some(c) = c else {
        return Value::List(vec![]);
    };
    let mut block = Vec::new();
    if let Some(m) = c.encryption_context_equals().filter(|m| !m.is_empty()) {
        block.push(("encryption_context_equals", map_value(Some(m))));
    }
    if let Some(m) = c.encryption_context_subset().filter(|m| !m.is_empty()) {
        block.push(("encryption_context_subset", map_value(Some(m))));
    }
    if block.is_empty() {
        return Value::List(vec![]);
    }
    for k in ["encryption_context_equals", "encryption_context_subset"] {
        if !block.iter().any(|(n, _)| *n == k) {
            block.push((k, Value::Null));
        }
    }
    Value::List(vec![Value::object(block)])
}

impl Grant {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Grant {
        let principal = || any_of(vec![arn(), matches(SERVICE_PRINCIPAL, "an AWS service principal")]);
        let schema = resource("aws_kms_grant")
            .arg("key_id")
            .force_new()
            .arg("grantee_principal")
            .force_new()
            .check(principal())
            .arg("retiring_principal")
            .force_new()
            .check(principal())
            .arg("name")
            .force_new()
            .check(len_between(1, 256))
            .check(matches(GRANT_NAME, "letters, digits and : / _ - only"))
            .arg("operations")
            .force_new()
            .check(one_of(GrantOperation::values()))
            .arg("grant_creation_tokens")
            .force_new()
            .arg("retire_on_delete")
            .force_new()
            .default(false)
            .arg("constraints")
            .force_new()
            .arg("constraints.encryption_context_equals")
            .force_new()
            .arg("constraints.encryption_context_subset")
            .force_new()
            .build();
        Grant { c, schema }
    }

    /// State of grant `g` of key `key_id`; what KMS does not report (the token, the creation
    /// tokens, how to delete) comes from `prior`.
    fn to_state(key_id: &str, g: &GrantListEntry, prior: &Value) -> Value {
        let grant_id = g.grant_id().unwrap_or_default();
        let keep = |k: &str| prior.get(k).clone();
        let mut ops: Vec<String> = g.operations().iter().map(|o| o.as_str().to_string()).collect();
        ops.sort();
        Value::object([
            ("id", Value::str(format!("{key_id}:{grant_id}"))),
            ("key_id", Value::str(key_id)),
            ("grant_id", Value::str(grant_id)),
            ("grant_token", keep("grant_token")),
            ("grantee_principal", Value::from(g.grantee_principal())),
            ("retiring_principal", Value::from(g.retiring_principal())),
            ("name", Value::from(g.name().filter(|n| !n.is_empty()))),
            ("operations", Value::List(ops.into_iter().map(Value::String).collect())),
            ("constraints", constraints_value(g.constraints())),
            ("grant_creation_tokens", keep("grant_creation_tokens")),
            (
                "retire_on_delete",
                Value::Bool(opt_bool(prior, "retire_on_delete").unwrap_or(false)),
            ),
        ])
    }
}

#[async_trait]
impl ResourceType for Grant {
    fn type_name(&self) -> &'static str {
        "aws_kms_grant"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        if constraint_kinds(config) > 1 {
            return Err(
                "A grant constraint can't have both encryption_context_equals and encryption_context_subset set".into(),
            );
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key_id = required(planned, "key_id")?;
        let ops: Vec<GrantOperation> = str_list(planned, "operations")
            .iter()
            .map(|o| GrantOperation::from(o.as_str()))
            .collect();
        let tokens = str_list(planned, "grant_creation_tokens");
        let input = self
            .c
            .kms
            .create_grant()
            .key_id(&key_id)
            .set_grantee_principal(opt_str(planned, "grantee_principal"))
            .set_operations(Some(ops))
            .set_constraints(constraints(planned)?)
            .set_grant_tokens((!tokens.is_empty()).then_some(tokens))
            .set_name(opt_str(planned, "name").filter(|n| !n.is_empty()))
            .set_retiring_principal(opt_str(planned, "retiring_principal"));
        // A role made a moment ago may not be known to KMS yet (InvalidArnException).
        let out = retry_while(
            &[
                "DependencyTimeoutException",
                "KMSInternalException",
                "InvalidArnException",
            ],
            PROPAGATION,
            || async { input.clone().send().await.map_err(aws_err) },
        )
        .await?;
        let grant_id = out.grant_id().unwrap_or_default().to_string();
        let token = match out.grant_token() {
            Some(t) if ctx.keeper == Keeper::Terraform => Value::str(t),
            Some(t) => Value::str(digest(t)),
            None => Value::Null,
        };
        let mut prior = planned.clone();
        if let Value::Object(m) = &mut prior {
            m.insert("grant_token".into(), token);
        }
        // ListGrants may not list a new grant at once (the provider's read retries).
        let g = wait_for(
            Wait::new(format!("KMS grant {grant_id}"), "listed", PROPAGATION),
            || async {
                Ok(match find_grant(&self.c, &key_id, &grant_id).await? {
                    Some(g) => Poll::Ready(g),
                    None => Poll::pending("not listed"),
                })
            },
        )
        .await?;
        Ok(Self::to_state(&key_id, &g, &prior))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (key_id, grant_id) = parse_id(id)?;
        Ok(find_grant(&self.c, &key_id, &grant_id)
            .await?
            .map(|g| Self::to_state(&key_id, &g, prior)))
    }

    /// Every argument forces a new grant: nothing to change in place but what lives in state.
    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        crate::provider::aws::common::must_exist(self.read(ctx, id, planned).await?, "KMS grant", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (key_id, grant_id) = parse_id(id)?;
        let r = if opt_bool(prior, "retire_on_delete") == Some(true) {
            self.c
                .kms
                .retire_grant()
                .key_id(&key_id)
                .grant_id(&grant_id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        } else {
            self.c
                .kms
                .revoke_grant()
                .key_id(&key_id)
                .grant_id(&grant_id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        };
        ok_on(r, ABSENT)?;
        wait_for(Wait::new(format!("KMS grant {id}"), "gone", PROPAGATION), || async {
            Ok(match find_grant(&self.c, &key_id, &grant_id).await? {
                Some(_) => Poll::pending("still listed"),
                None => Poll::Ready(()),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::aws::schemas_registry;

    #[test]
    fn ids_split_into_key_and_grant() {
        assert_eq!(parse_id("k-1:g-1").unwrap(), ("k-1".into(), "g-1".into()));
        assert_eq!(
            parse_id("arn:aws:kms:us-east-1:123456789012:key/k-1:g-1").unwrap(),
            ("arn:aws:kms:us-east-1:123456789012:key/k-1".into(), "g-1".into())
        );
        assert!(parse_id("k-1").is_err());
        assert!(parse_id("a:b:c").is_err());
    }

    #[test]
    fn operations_and_principals_are_checked() {
        let r = schemas_registry();
        let schema = r.resource("aws_kms_grant").unwrap().schema().clone();
        let check = |name: &str, v: Value| crate::schema::check::attr(&schema, name, &schema.attrs[name], &v).is_ok();
        assert!(check("operations", Value::List(vec![Value::str("Decrypt")])));
        assert!(!check("operations", Value::List(vec![Value::str("Destroy")])));
        assert!(check(
            "grantee_principal",
            Value::str("arn:aws:iam::123456789012:role/app")
        ));
        assert!(check("grantee_principal", Value::str("logs.us-east-1.amazonaws.com")));
        assert!(!check("grantee_principal", Value::str("someone")));
        assert!(!check("name", Value::str("has space")));
    }

    #[test]
    fn both_kinds_of_constraint_are_refused() {
        let both = Value::object([(
            "constraints",
            Value::List(vec![Value::object([
                ("encryption_context_equals", Value::object([("a", Value::str("1"))])),
                ("encryption_context_subset", Value::object([("b", Value::str("2"))])),
            ])]),
        )]);
        assert_eq!(constraint_kinds(&both), 2);
        assert!(constraints(&both).is_err());
    }
}
