//! `aws_iam_account_password_policy`: the password rules of the whole account's IAM users (the
//! iam module's `iam-account` example sets them). One per account, so the id is always
//! `iam-account-password-policy` and `import` takes that. UpdateAccountPasswordPolicy sets the
//! whole policy at once (a create and every change in place); what it leaves out goes back to
//! AWS's default, so each call sends everything the blueprint sets, as the provider does.
//! `expire_passwords` is AWS's (on when `max_password_age` is set). Destroy deletes the policy,
//! which leaves the account without rules.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_bool, opt_i32};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The one id the provider gives the account's policy.
pub const ID: &str = "iam-account-password-policy";

/// IAM's code for an account without a password policy.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// What the resource is called in messages.
const WHAT: &str = "IAM account password policy";

/// The `aws_iam_account_password_policy` resource type.
pub struct AccountPasswordPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl AccountPasswordPolicy {
    /// Creates the type with its clients. The provider validates none of the numbers (IAM
    /// refuses those out of its ranges when the policy is sent).
    pub fn new(c: Arc<Clients>) -> AccountPasswordPolicy {
        let schema = resource("aws_iam_account_password_policy")
            .arg("allow_users_to_change_password")
            .default(true)
            .arg("minimum_password_length")
            .default(6)
            .args(&[
                "hard_expiry",
                "max_password_age",
                "password_reuse_prevention",
                "require_lowercase_characters",
                "require_numbers",
                "require_symbols",
                "require_uppercase_characters",
            ])
            .build();
        AccountPasswordPolicy { c, schema }
    }

    /// UpdateAccountPasswordPolicy with what the blueprint sets: as the provider's `GetOk`, a
    /// false switch or a zero number is left out, which IAM takes as off or its default.
    async fn put(&self, planned: &Value) -> PResult<()> {
        let on = |k: &str| opt_bool(planned, k).unwrap_or(false);
        let num = |k: &str| opt_i32(planned, k).filter(|n| *n != 0);
        self.c
            .iam
            .update_account_password_policy()
            .allow_users_to_change_password(on("allow_users_to_change_password"))
            .set_hard_expiry(on("hard_expiry").then_some(true))
            .set_max_password_age(num("max_password_age"))
            .set_minimum_password_length(num("minimum_password_length"))
            .set_password_reuse_prevention(num("password_reuse_prevention"))
            .require_lowercase_characters(on("require_lowercase_characters"))
            .require_numbers(on("require_numbers"))
            .require_symbols(on("require_symbols"))
            .require_uppercase_characters(on("require_uppercase_characters"))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for AccountPasswordPolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_password_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, ID, planned).await?, WHAT, ID)
    }

    /// The account's policy whatever the id (the provider imports any id as it is).
    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let r = self.c.iam.get_account_password_policy().send().await.map_err(aws_err);
        let Some(p) = absent_on(r, ABSENT)?.and_then(|o| o.password_policy) else {
            return Ok(None);
        };
        let num = |n: Option<i32>| Value::from(i64::from(n.unwrap_or(0)));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            (
                "allow_users_to_change_password",
                Value::Bool(p.allow_users_to_change_password()),
            ),
            ("expire_passwords", Value::Bool(p.expire_passwords())),
            ("hard_expiry", Value::Bool(p.hard_expiry().unwrap_or(false))),
            ("max_password_age", num(p.max_password_age())),
            ("minimum_password_length", num(p.minimum_password_length())),
            ("password_reuse_prevention", num(p.password_reuse_prevention())),
            (
                "require_lowercase_characters",
                Value::Bool(p.require_lowercase_characters()),
            ),
            ("require_numbers", Value::Bool(p.require_numbers())),
            ("require_symbols", Value::Bool(p.require_symbols())),
            (
                "require_uppercase_characters",
                Value::Bool(p.require_uppercase_characters()),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, WHAT, id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_account_password_policy()
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }
}
