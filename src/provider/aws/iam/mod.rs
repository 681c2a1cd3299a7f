//! IAM resources, and what they share: IAM returns policy documents URL-encoded, and its
//! changes take a moment to reach the services that use them.

pub mod access_key;
pub mod account_alias;
pub mod account_password_policy;
pub mod attachment;
pub mod group;
pub mod group_membership;
pub mod inline_policy;
pub mod instance_profile;
pub mod lint;
pub mod openid_connect_provider;
pub mod policy;
pub mod policy_attachment;
pub mod policy_data;
pub mod principal;
pub mod role;
pub mod role_data;
pub mod saml_provider;
pub mod service_linked_role;
pub mod session_context;
pub mod user;
pub mod user_group_membership;
pub mod user_login_profile;

use crate::provider::aws::common::tags_to_write;
use crate::provider::{CallCtx, PResult, ProviderError};
use crate::value::Value;

/// Decodes a policy document as IAM returns it (URL-encoded JSON).
pub fn decode_document(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .to_string()
}

/// Checks that a policy argument is JSON before sending it, for a clearer error than IAM's.
pub fn check_document(name: &str, v: &Value) -> PResult<String> {
    let text = v
        .get(name)
        .to_plain_string()
        .ok_or_else(|| ProviderError::msg(format!("{name} is required")))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| ProviderError::msg(format!("{name} is not valid JSON: {e}")))?;
    Ok(text)
}

/// Tags to write, as IAM takes them.
pub fn iam_tags(ctx: &CallCtx, planned: &Value) -> PResult<Vec<aws_sdk_iam::types::Tag>> {
    to_iam_tags(tags_to_write(ctx, planned))
}

/// Key/value pairs as IAM tags.
pub fn to_iam_tags(pairs: indexmap::IndexMap<String, String>) -> PResult<Vec<aws_sdk_iam::types::Tag>> {
    crate::provider::aws::common::sdk_tags!(aws_sdk_iam::types::Tag, pairs)
}

/// What services say when they reject a role (or a resource wired to one) that IAM has not yet
/// propagated to them. Terraform's provider retries on the same messages.
const PROPAGATION_SIGNS: &[&str] = &[
    "verify that the ECS service role being passed has the proper permissions",
    "Unable to assume role",
    "cannot be assumed",
    "role defined for the function cannot be assumed",
    "execution role does not have permissions",
    "does not have an associated load balancer",
];

/// Whether an error is a consumer rejecting a role IAM has not propagated yet.
pub fn is_propagation_delay(e: &ProviderError) -> bool {
    matches!(
        e.code.as_deref(),
        Some("InvalidParameterException" | "InvalidParameterValueException" | "AccessDeniedException")
    ) && PROPAGATION_SIGNS.iter().any(|s| e.message.contains(s))
}

/// Runs a call that hands a role to another service, retrying while the service cannot see
/// the role yet (IAM changes take seconds to reach other services), up to `timeout`.
pub async fn retry_propagation<T, F, Fut>(timeout: std::time::Duration, op: F) -> PResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = PResult<T>>,
{
    crate::provider::aws::common::retry_while_matching(is_propagation_delay, timeout, op).await
}

/// [`crate::provider::aws::common::sync_tags`] through one IAM type's own tag and untag calls,
/// which IAM names per type (`tag_saml_provider`, `untag_instance_profile`, ...) with the
/// object's key setter (`saml_provider_arn`, `instance_profile_name`):
/// `sync_iam_tags!(iam, untag_x, tag_x, x_key, id, prior, planned)`.
macro_rules! sync_iam_tags {
    ($iam:expr, $untag:ident, $tag:ident, $key:ident, $id:expr, $prior:expr, $planned:expr) => {{
        let (iam, id): (&aws_sdk_iam::Client, &str) = (&$iam, $id);
        $crate::provider::aws::common::sync_tags(
            $prior,
            $planned,
            |keys| async move {
                let r = iam.$untag().$key(id).set_tag_keys(Some(keys)).send().await;
                r.map(|_| ()).map_err($crate::provider::aws::common::aws_err)
            },
            |tags| async move {
                let r = iam
                    .$tag()
                    .$key(id)
                    .set_tags(Some($crate::provider::aws::iam::to_iam_tags(tags)?))
                    .send()
                    .await;
                r.map(|_| ()).map_err($crate::provider::aws::common::aws_err)
            },
        )
        .await
    }};
}
pub(crate) use sync_iam_tags;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propagation_delays_are_told_from_real_errors() {
        let err = |code: &str, msg: &str| ProviderError {
            code: Some(code.into()),
            message: msg.into(),
        };
        assert!(is_propagation_delay(&err(
            "InvalidParameterException",
            "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions."
        )));
        assert!(is_propagation_delay(&err(
            "InvalidParameterValueException",
            "The role defined for the function cannot be assumed by Lambda."
        )));
        assert!(!is_propagation_delay(&err(
            "InvalidParameterException",
            "subnets can not be empty."
        )));
        assert!(!is_propagation_delay(&err("ClientException", "Unable to assume role")));
    }
}
