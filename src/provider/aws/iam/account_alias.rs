//! `aws_iam_account_alias`: the account's sign-in alias (`https://ALIAS.signin.aws.amazon.com/console`),
//! which the iam module's `iam-account` example sets. An account has at most one; the id is the
//! alias, which `import` takes. There is nothing to change in place: a new alias replaces the
//! resource (DeleteAccountAlias of the old, CreateAccountAlias of the new), as in the provider.
//! The read is the account's alias whatever the id, so one renamed by hand is found as drift.

use crate::provider::aws::common::{aws_err, must_exist, ok_on, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// IAM's code for an alias the account does not have.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The `aws_iam_account_alias` resource type.
pub struct AccountAlias {
    c: Arc<Clients>,
    schema: Schema,
}

impl AccountAlias {
    /// Creates the type with its clients. The checks are the provider's `validAccountAlias`:
    /// 3 to 63 characters, lowercase letters, digits and single hyphens, starting with a letter
    /// or digit and not ending with a hyphen (IAM's own rule, checked before any call).
    pub fn new(c: Arc<Clients>) -> AccountAlias {
        let schema = resource("aws_iam_account_alias")
            .arg("account_alias")
            .force_new()
            .check(len_between(3, 63))
            .check(matches(
                r"^[a-z0-9][a-z0-9-]+$",
                "lowercase letters, digits and hyphens, starting with a letter or digit",
            ))
            .check(not_matches(r"--", "a double hyphen"))
            .check(not_matches(r"-$", "a hyphen at the end"))
            .build();
        AccountAlias { c, schema }
    }
}

#[async_trait]
impl ResourceType for AccountAlias {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let alias = required(planned, "account_alias")?;
        self.c
            .iam
            .create_account_alias()
            .account_alias(&alias)
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &alias, planned).await?, "IAM account alias", &alias)
    }

    /// The account's one alias (ListAccountAliases), whatever the id (which stays, as the
    /// provider keeps it, so a replacement deletes the alias state knows): `None` when it has
    /// none.
    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self.c.iam.list_account_aliases().send().await.map_err(aws_err)?;
        let aliases = out.account_aliases();
        match aliases {
            [] => Ok(None),
            [alias] => Ok(Some(Value::object([
                ("id", Value::str(id)),
                ("account_alias", Value::str(alias)),
            ]))),
            more => Err(ProviderError::msg(format!(
                "IAM lists {} account aliases ({}), expected at most one",
                more.len(),
                more.join(", ")
            ))),
        }
    }

    /// Never called: the only argument replaces the alias.
    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        must_exist(self.read(ctx, id, planned).await?, "IAM account alias", id)
    }

    /// DeleteAccountAlias of the alias in state; one IAM no longer has is gone already.
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_account_alias()
            .account_alias(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(alias: &str) -> bool {
        let registry = crate::provider::aws::schemas_registry();
        let t = registry.resource("aws_iam_account_alias").expect("registered");
        let a = &t.schema().attrs["account_alias"];
        a.validators.iter().any(|v| v.check(&Value::str(alias)).is_err())
    }

    #[test]
    fn aliases_follow_the_providers_rule() {
        for ok in ["abc", "my-company-prod", "0ab", &"a".repeat(63)] {
            assert!(!refused(ok), "{ok} refused");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a--b",
            "My-Company",
            "a_b",
            "a.b",
            &"a".repeat(64),
        ] {
            assert!(refused(bad), "{bad} accepted");
        }
    }
}
