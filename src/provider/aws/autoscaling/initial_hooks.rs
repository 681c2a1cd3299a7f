//! The `initial_lifecycle_hook` blocks of `aws_autoscaling_group`: hooks that must exist before
//! the group launches its first instance. As the AWS provider does, a group with such hooks is
//! created empty (sizes 0), the hooks are put, then the group gets its sizes. Hooks are not read
//! back (the provider keeps them as configured) and a change to them after the create is not
//! sent (the `aws_autoscaling_lifecycle_hook` type manages hooks over a group's life).

use crate::provider::aws::common::{aws_err, opt_i32, opt_str, required, retry_while_matching};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_autoscaling::Client;
use std::time::Duration;

/// Whether the blueprint sets initial hooks (the create then runs in two phases).
pub(super) fn any(planned: &Value) -> bool {
    planned
        .get("initial_lifecycle_hook")
        .as_list()
        .is_some_and(|l| !l.is_empty())
}

/// Puts each hook on the group.
pub(super) async fn put_all(c: &Client, group: &str, planned: &Value) -> PResult<()> {
    for hook in planned.get("initial_lifecycle_hook").as_list().unwrap_or_default() {
        put(c, group, hook).await?;
    }
    Ok(())
}

/// The transitions a hook can wait on, as the provider validates them.
pub(super) const TRANSITIONS: &[&str] = &[
    "autoscaling:EC2_INSTANCE_LAUNCHING",
    "autoscaling:EC2_INSTANCE_TERMINATING",
];
/// What a hook does when its heartbeat times out.
pub(super) const RESULTS: &[&str] = &["CONTINUE", "ABANDON"];
/// The provider's (unanchored) hook name pattern and its words.
pub(super) const NAME_PATTERN: (&str, &str) = (r"[A-Za-z0-9\-_/]", "no spaces or special characters except -, _ and /");

/// Puts one hook (an `initial_lifecycle_hook` block or an `aws_autoscaling_lifecycle_hook`) on
/// the group, retrying while AWS cannot yet publish its test message to the notification target
/// (a topic or queue whose policy is still settling), as the provider does. What the hook leaves
/// unset (or 0, as the provider reads an unset number) is not sent.
pub(super) async fn put(c: &Client, group: &str, hook: &Value) -> PResult<()> {
    let name = required(hook, "name")?;
    retry_while_matching(
        |e| {
            e.message
                .contains("Unable to publish test message to notification target")
        },
        Duration::from_secs(300),
        || async {
            c.put_lifecycle_hook()
                .auto_scaling_group_name(group)
                .lifecycle_hook_name(&name)
                .set_lifecycle_transition(opt_str(hook, "lifecycle_transition"))
                .set_default_result(opt_str(hook, "default_result"))
                .set_heartbeat_timeout(opt_i32(hook, "heartbeat_timeout").filter(|n| *n != 0))
                .set_notification_metadata(opt_str(hook, "notification_metadata"))
                .set_notification_target_arn(opt_str(hook, "notification_target_arn"))
                .set_role_arn(opt_str(hook, "role_arn"))
                .send()
                .await
                .map_err(aws_err)
        },
    )
    .await?;
    Ok(())
}
