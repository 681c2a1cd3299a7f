//! `aws_kms_key_policy`: a key's policy managed apart from the key (for a key whose policy
//! names objects that need the key first). The id is the key id given (which imports take).
//! Destroying puts back the default key policy, which lets the account's IAM policies grant use
//! of the key, unless `bypass_policy_lockout_safety_check` is set: then the policy stays.

use super::{describe_key, get_key_policy, policy_as_configured, put_key_policy, ABSENT};
use crate::provider::aws::common::{absent_on, must_exist, opt_bool, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{json, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_kms_key_policy` resource type.
pub struct KeyPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

/// The policy AWS gives a key created without one: the account's IAM policies decide who may
/// use it (the provider's `DefaultKMSKeyPolicy`).
pub fn default_policy(partition: &str, account: &str) -> String {
    serde_json::json!({
        "Id": "default",
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
            "Action": "kms:*",
            "Resource": "*",
        }],
    })
    .to_string()
}

impl KeyPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> KeyPolicy {
        let schema = resource("aws_kms_key_policy")
            .arg("key_id")
            .check(len_between(1, 2048))
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("bypass_policy_lockout_safety_check")
            .default(false)
            .build();
        KeyPolicy { c, schema }
    }

    async fn put(&self, key_id: &str, planned: &Value) -> PResult<()> {
        let policy = required(planned, "policy")?;
        let bypass = opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false);
        put_key_policy(&self.c, &self.schema.attrs["policy"], key_id, &policy, bypass).await
    }
}

#[async_trait]
impl ResourceType for KeyPolicy {
    fn type_name(&self) -> &'static str {
        "aws_kms_key_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key_id = required(planned, "key_id")?;
        self.put(&key_id, planned).await?;
        must_exist(self.read(ctx, &key_id, planned).await?, "KMS key policy", &key_id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(m) = describe_key(&self.c, id).await? else {
            return Ok(None);
        };
        let Some(policy) = absent_on(get_key_policy(&self.c, id).await, ABSENT)? else {
            return Ok(None);
        };
        let bypass = match prior.get("bypass_policy_lockout_safety_check") {
            Value::Bool(b) => *b,
            _ => false,
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("key_id", Value::str(m.key_id())),
            (
                "policy",
                policy_as_configured(&self.schema.attrs["policy"], prior.get("policy"), policy),
            ),
            ("bypass_policy_lockout_safety_check", Value::Bool(bypass)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("policy") != planned.get("policy") {
            self.put(id, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "KMS key policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "bypass_policy_lockout_safety_check") == Some(true) {
            return Ok(());
        }
        let Some(m) = describe_key(&self.c, id).await? else {
            return Ok(());
        };
        let partition = m.arn().and_then(|a| a.split(':').nth(1)).unwrap_or("aws").to_string();
        let account = match m.aws_account_id() {
            Some(a) => a.to_string(),
            None => self.c.account_id().await?,
        };
        let policy = default_policy(&partition, &account);
        put_key_policy(&self.c, &self.schema.attrs["policy"], id, &policy, false).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_lets_the_account_decide() {
        let p: serde_json::Value = serde_json::from_str(&default_policy("aws-cn", "111122223333")).unwrap();
        assert_eq!(
            p["Statement"][0]["Principal"]["AWS"],
            "arn:aws-cn:iam::111122223333:root"
        );
        assert_eq!(p["Statement"][0]["Action"], "kms:*");
    }
}
