//! Data source `aws_iam_session_context`: the IAM role behind an STS assumed-role ARN.
//!
//! `aws_caller_identity` answers `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` for a role
//! session, which is not the role's ARN (no `iam` service, no path) and so cannot stand in a
//! policy or a key's administrators; this finds the issuing role (GetRole by the name in the
//! ARN, with its path) as the provider does. Any other ARN (a user, the root) is its own issuer,
//! with no id, name nor session. As the provider's, a role IAM does not know yet is looked for
//! again until IAM's changes have had time to propagate.

use crate::provider::aws::common::{aws_err, retry_while};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// How long the provider looks for a role it cannot find (its IAM `propagationTimeout`).
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);

/// The `aws_iam_session_context` data source.
pub struct SessionContext {
    c: Arc<Clients>,
    schema: Schema,
}

impl SessionContext {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SessionContext {
        let schema = data_source("aws_iam_session_context").arg("arn").check(arn()).build();
        SessionContext { c, schema }
    }
}

/// The role and session names in an STS assumed-role ARN
/// (`arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`), `None` for any other ARN. As the
/// provider reads it: the resource must start `assumed-role/`, with a role name and a session
/// name of at least two characters; the names are the last two parts.
fn role_and_session(text: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [prefix, _partition, service, _region, _account, resource] = parts[..] else {
        return None;
    };
    let rest = resource.strip_prefix("assumed-role/")?;
    // The provider's `^assumed-role/.{1,}/.{2,}`: a slash after at least one character, with at
    // least two after it.
    let shaped = rest
        .char_indices()
        .any(|(i, c)| c == '/' && i > 0 && rest[i + 1..].chars().count() >= 2);
    if prefix != "arn" || service != "sts" || !shaped {
        return None;
    }
    let mut names = resource.rsplit('/');
    let session = names.next()?;
    let role = names.next()?;
    Some((role, session))
}

#[async_trait]
impl DataSourceType for SessionContext {
    fn type_name(&self) -> &'static str {
        "aws_iam_session_context"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let given = config
            .get("arn")
            .to_plain_string()
            .ok_or_else(|| ProviderError::msg("arn is required"))?;
        let Some((role, session)) = role_and_session(&given) else {
            return Ok(Value::object([
                ("id", Value::str(&given)),
                ("arn", Value::str(&given)),
                ("issuer_arn", Value::str(&given)),
                ("issuer_id", Value::str("")),
                ("issuer_name", Value::str("")),
                ("session_name", Value::str("")),
            ]));
        };
        let iam = &self.c.iam;
        let out = retry_while(&["NoSuchEntity"], PROPAGATION_TIMEOUT, || async move {
            iam.get_role().role_name(role).send().await.map_err(aws_err)
        })
        .await
        .map_err(|e| e.context(format!("unable to get role ({role})")))?;
        let found = out
            .role()
            .ok_or_else(|| ProviderError::msg(format!("empty role returned ({role})")))?;
        Ok(Value::object([
            ("id", Value::str(&given)),
            ("arn", Value::str(&given)),
            ("issuer_arn", Value::str(found.arn())),
            ("issuer_id", Value::str(found.role_id())),
            ("issuer_name", Value::str(role)),
            ("session_name", Value::str(session)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_arns_name_their_role_and_session() {
        assert_eq!(
            role_and_session("arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42"),
            Some(("deployer", "ci-run-42"))
        );
        // A session name holding a slash: the provider takes the last two parts.
        assert_eq!(
            role_and_session("arn:aws-cn:sts::123456789012:assumed-role/deployer/a/bc"),
            Some(("a", "bc"))
        );
        assert_eq!(
            role_and_session("arn:aws:sts::123456789012:assumed-role//x/yz"),
            Some(("x", "yz"))
        );
        for other in [
            "arn:aws:iam::123456789012:user/alice",
            "arn:aws:sts::123456789012:user/moto",
            "arn:aws:iam::123456789012:role/deployer",
            "arn:aws:iam::123456789012:assumed-role/deployer/session",
            "arn:aws:sts::123456789012:assumed-role/deployer/s",
            "arn:aws:sts::123456789012:assumed-role//session",
            "arn:aws:sts::123456789012:assumed-role/deployer/",
            "arn:aws:sts::123456789012:assumed-role/deployer",
            "not an arn",
        ] {
            assert_eq!(role_and_session(other), None, "{other}");
        }
    }
}
