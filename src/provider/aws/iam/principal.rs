//! The three kinds of IAM identity that hold inline policies and managed-policy attachments
//! (roles, users, groups). IAM has a call per kind for each operation (`PutRolePolicy`,
//! `PutUserPolicy`, `PutGroupPolicy`, ...); this is the one place that picks it, so that
//! `aws_iam_{role,user,group}_policy` and `..._policy_attachment` are one type each.

use super::decode_document;
use crate::provider::aws::common::{absent_on, aws_err};
use crate::provider::aws::Clients;
use crate::provider::PResult;

/// A kind of IAM identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// `aws_iam_role`.
    Role,
    /// `aws_iam_user`.
    User,
    /// `aws_iam_group`.
    Group,
}

/// IAM's code for a missing identity or policy.
const ABSENT: &[&str] = &["NoSuchEntity"];

impl Principal {
    /// The argument naming the identity (`role`, `user`, `group`).
    pub fn arg(self) -> &'static str {
        match self {
            Principal::Role => "role",
            Principal::User => "user",
            Principal::Group => "group",
        }
    }

    /// Writes (or replaces) an inline policy.
    pub async fn put_inline(self, c: &Clients, who: &str, name: &str, doc: &str) -> PResult<()> {
        match self {
            Principal::Role => c
                .iam
                .put_role_policy()
                .role_name(who)
                .policy_name(name)
                .policy_document(doc)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::User => c
                .iam
                .put_user_policy()
                .user_name(who)
                .policy_name(name)
                .policy_document(doc)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::Group => c
                .iam
                .put_group_policy()
                .group_name(who)
                .policy_name(name)
                .policy_document(doc)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        }
    }

    /// An inline policy's document (decoded); `None` when the identity or the policy is gone.
    pub async fn get_inline(self, c: &Clients, who: &str, name: &str) -> PResult<Option<String>> {
        let doc = match self {
            Principal::Role => absent_on(
                c.iam
                    .get_role_policy()
                    .role_name(who)
                    .policy_name(name)
                    .send()
                    .await
                    .map(|o| o.policy_document().to_string())
                    .map_err(aws_err),
                ABSENT,
            )?,
            Principal::User => absent_on(
                c.iam
                    .get_user_policy()
                    .user_name(who)
                    .policy_name(name)
                    .send()
                    .await
                    .map(|o| o.policy_document().to_string())
                    .map_err(aws_err),
                ABSENT,
            )?,
            Principal::Group => absent_on(
                c.iam
                    .get_group_policy()
                    .group_name(who)
                    .policy_name(name)
                    .send()
                    .await
                    .map(|o| o.policy_document().to_string())
                    .map_err(aws_err),
                ABSENT,
            )?,
        };
        Ok(doc.map(|d| decode_document(&d)))
    }

    /// Removes an inline policy; succeeds when it is already gone.
    pub async fn delete_inline(self, c: &Clients, who: &str, name: &str) -> PResult<()> {
        let r = match self {
            Principal::Role => c
                .iam
                .delete_role_policy()
                .role_name(who)
                .policy_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::User => c
                .iam
                .delete_user_policy()
                .user_name(who)
                .policy_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::Group => c
                .iam
                .delete_group_policy()
                .group_name(who)
                .policy_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        };
        absent_on(r, ABSENT).map(|_| ())
    }

    /// Attaches a managed policy (attaching one already attached changes nothing).
    pub async fn attach(self, c: &Clients, who: &str, arn: &str) -> PResult<()> {
        match self {
            Principal::Role => c
                .iam
                .attach_role_policy()
                .role_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::User => c
                .iam
                .attach_user_policy()
                .user_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::Group => c
                .iam
                .attach_group_policy()
                .group_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        }
    }

    /// Detaches a managed policy; succeeds when it is not attached (or the identity is gone).
    pub async fn detach(self, c: &Clients, who: &str, arn: &str) -> PResult<()> {
        let r = match self {
            Principal::Role => c
                .iam
                .detach_role_policy()
                .role_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::User => c
                .iam
                .detach_user_policy()
                .user_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Principal::Group => c
                .iam
                .detach_group_policy()
                .group_name(who)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        };
        absent_on(r, ABSENT).map(|_| ())
    }

    /// The ARNs of every managed policy attached to the identity, all pages; `None` when the
    /// identity does not exist.
    pub async fn attached(self, c: &Clients, who: &str) -> PResult<Option<Vec<String>>> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = match self {
                Principal::Role => absent_on(
                    c.iam
                        .list_attached_role_policies()
                        .role_name(who)
                        .set_marker(marker.clone())
                        .send()
                        .await
                        .map(|o| (arns(o.attached_policies()), next_marker(o.is_truncated(), o.marker())))
                        .map_err(aws_err),
                    ABSENT,
                )?,
                Principal::User => absent_on(
                    c.iam
                        .list_attached_user_policies()
                        .user_name(who)
                        .set_marker(marker.clone())
                        .send()
                        .await
                        .map(|o| (arns(o.attached_policies()), next_marker(o.is_truncated(), o.marker())))
                        .map_err(aws_err),
                    ABSENT,
                )?,
                Principal::Group => absent_on(
                    c.iam
                        .list_attached_group_policies()
                        .group_name(who)
                        .set_marker(marker.clone())
                        .send()
                        .await
                        .map(|o| (arns(o.attached_policies()), next_marker(o.is_truncated(), o.marker())))
                        .map_err(aws_err),
                    ABSENT,
                )?,
            };
            let Some((arns, next)) = page else { return Ok(None) };
            out.extend(arns);
            match next {
                Some(m) => marker = Some(m),
                None => return Ok(Some(out)),
            }
        }
    }
}

fn arns(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<String> {
    list.iter().filter_map(|p| p.policy_arn().map(str::to_string)).collect()
}

/// The marker of the next page of an IAM list call, when there is one.
pub fn next_marker(truncated: bool, marker: Option<&str>) -> Option<String> {
    marker.filter(|m| truncated && !m.is_empty()).map(str::to_string)
}
