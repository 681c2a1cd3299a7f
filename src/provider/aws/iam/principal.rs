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

/// The same IAM call for each kind of identity: IAM has one operation per kind (`$role`,
/// `$user`, `$group`), each naming the identity through its own builder method and answering in
/// its own output type, so the call is spelled once here and expanded per kind (a function
/// cannot take the three builder types). `$then` maps each kind's output.
macro_rules! per_principal {
    ($kind:expr, $c:expr, $who:expr, [$role:ident, $user:ident, $group:ident]
        $(.$method:ident($($arg:expr),*))* => $then:expr) => {
        match $kind {
            Principal::Role => $c.iam.$role().role_name($who)$(.$method($($arg),*))*.send().await.map($then).map_err(aws_err),
            Principal::User => $c.iam.$user().user_name($who)$(.$method($($arg),*))*.send().await.map($then).map_err(aws_err),
            Principal::Group => $c.iam.$group().group_name($who)$(.$method($($arg),*))*.send().await.map($then).map_err(aws_err),
        }
    };
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
        per_principal!(self, c, who, [put_role_policy, put_user_policy, put_group_policy]
            .policy_name(name).policy_document(doc) => |_| ())
    }

    /// An inline policy's document (decoded); `None` when the identity or the policy is gone.
    pub async fn get_inline(self, c: &Clients, who: &str, name: &str) -> PResult<Option<String>> {
        let doc = absent_on(
            per_principal!(self, c, who, [get_role_policy, get_user_policy, get_group_policy]
                .policy_name(name) => |o| o.policy_document().to_string()),
            ABSENT,
        )?;
        Ok(doc.map(|d| decode_document(&d)))
    }

    /// Removes an inline policy; succeeds when it is already gone.
    pub async fn delete_inline(self, c: &Clients, who: &str, name: &str) -> PResult<()> {
        let r = per_principal!(self, c, who, [delete_role_policy, delete_user_policy, delete_group_policy]
            .policy_name(name) => |_| ());
        absent_on(r, ABSENT).map(|_| ())
    }

    /// Attaches a managed policy (attaching one already attached changes nothing).
    pub async fn attach(self, c: &Clients, who: &str, arn: &str) -> PResult<()> {
        per_principal!(self, c, who, [attach_role_policy, attach_user_policy, attach_group_policy]
            .policy_arn(arn) => |_| ())
    }

    /// Detaches a managed policy; succeeds when it is not attached (or the identity is gone).
    pub async fn detach(self, c: &Clients, who: &str, arn: &str) -> PResult<()> {
        let r = per_principal!(self, c, who, [detach_role_policy, detach_user_policy, detach_group_policy]
            .policy_arn(arn) => |_| ());
        absent_on(r, ABSENT).map(|_| ())
    }

    /// The ARNs of every managed policy attached to the identity, all pages; `None` when the
    /// identity does not exist.
    pub async fn attached(self, c: &Clients, who: &str) -> PResult<Option<Vec<String>>> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = absent_on(
                per_principal!(self, c, who,
                    [list_attached_role_policies, list_attached_user_policies, list_attached_group_policies]
                    .set_marker(marker.clone())
                    => |o| (arns(o.attached_policies()), next_marker(o.is_truncated(), o.marker()))),
                ABSENT,
            )?;
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
