//! The `instance_refresh` block of `aws_autoscaling_group`: how the group's instances are
//! replaced when what they are launched from changes. As the AWS provider does, a change to
//! `launch_configuration`, `launch_template` or `mixed_instances_policy`, or to any argument
//! named in `triggers`, starts an instance refresh after the group is updated; infractl does not
//! wait for it to finish (AWS replaces instances over minutes or hours). A refresh already in
//! progress is cancelled first (and waited out) so the new one can start. The block is not read
//! back: the provider keeps it as configured.

use crate::provider::aws::common::{
    aws_err, differs, first, opt_bool, opt_i32, opt_str, str_list, wait_for, Poll, Wait,
};
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{any_of, int_at_least, int_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use aws_sdk_autoscaling::types::{
    AlarmSpecification, DesiredConfiguration, LaunchTemplateSpecification, MixedInstancesPolicy, RefreshPreferences,
    RefreshStrategy, ScaleInProtectedInstances, StandbyInstances,
};
use aws_sdk_autoscaling::Client;
use std::time::Duration;

/// The arguments whose change always starts a refresh.
const ALWAYS: [&str; 3] = ["launch_configuration", "launch_template", "mixed_instances_policy"];

/// How long a refresh may take to start, counting the cancel of one in progress (the
/// provider's 15 minutes).
const START_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// What AWS answers a start while another refresh of the group is pending or in progress.
const IN_PROGRESS: &str = "InstanceRefreshInProgress";

/// What AWS answers a cancel when no refresh is active.
const NONE_ACTIVE: &str = "ActiveInstanceRefreshNotFound";

/// Adds the block's defaults and the provider's checks to the group's declaration.
pub(super) fn declare(decl: Decl) -> Decl {
    let nullable_count = || any_of(vec![int_at_least(0), matches(r"^$", "an empty string (no value)")]);
    decl.arg("instance_refresh")
        .arg("instance_refresh.strategy")
        .check(one_of(&["Rolling"]))
        .arg("instance_refresh.preferences.checkpoint_delay")
        .check(nullable_count())
        .arg("instance_refresh.preferences.instance_warmup")
        .check(nullable_count())
        .arg("instance_refresh.preferences.max_healthy_percentage")
        .default(100)
        .check(int_between(100, 200))
        .arg("instance_refresh.preferences.min_healthy_percentage")
        .default(90)
        .check(int_between(0, 100))
        .arg("instance_refresh.preferences.scale_in_protected_instances")
        .default("Ignore")
        .check(one_of(&["Refresh", "Ignore", "Wait"]))
        .arg("instance_refresh.preferences.standby_instances")
        .default("Ignore")
        .check(one_of(&["Terminate", "Ignore", "Wait"]))
        .arg("instance_refresh.preferences.skip_matching")
        .default(false)
}

/// The provider's check of `triggers`: each names an argument of the group (one it does not
/// only compute). Naming one of the three that always trigger is allowed (the provider warns).
pub(super) fn check_triggers(schema: &Schema, config: &Value) -> Result<(), String> {
    let Some(block) = first(config, "instance_refresh") else {
        return Ok(());
    };
    for name in str_list(block, "triggers") {
        let known = match (
            schema.attrs.get(name.as_str()),
            schema.blocks.contains_key(name.as_str()),
        ) {
            (_, true) => true,
            (Some(a), _) if name != "id" => {
                if !a.required && !a.optional {
                    return Err(format!(
                        "instance_refresh.triggers: '{name}' is a read-only parameter and cannot be used to trigger an instance refresh"
                    ));
                }
                true
            }
            _ => false,
        };
        if !known || name == "timeouts" {
            return Err(format!(
                "instance_refresh.triggers: '{name}' is not a recognized parameter name for aws_autoscaling_group"
            ));
        }
    }
    Ok(())
}

/// The provider's warnings on `triggers`: naming an argument that always triggers a refresh.
pub(super) fn redundant_triggers(config: &Value) -> Vec<String> {
    first(config, "instance_refresh")
        .map(|b| str_list(b, "triggers"))
        .unwrap_or_default()
        .into_iter()
        .filter(|t| ALWAYS.contains(&t.as_str()))
        .map(|t| format!("instance_refresh.triggers: '{t}' always triggers an instance refresh and can be removed"))
        .collect()
}

/// Whether this change starts a refresh: the group has the block, and what instances launch
/// from changed, or an argument its `triggers` name did.
pub(super) fn wanted(prior: &Value, planned: &Value) -> bool {
    let Some(block) = first(planned, "instance_refresh") else {
        return false;
    };
    ALWAYS
        .iter()
        .map(|k| k.to_string())
        .chain(str_list(block, "triggers"))
        .any(|k| !k.is_empty() && differs(prior, planned, &k))
}

/// Starts the refresh the block describes, cancelling one in progress first. `launch_template`
/// and `mixed` are the group's settings, sent as the desired configuration when the block asks
/// for an automatic rollback (AWS refuses a rollback without one).
pub(super) async fn start(
    c: &Client,
    group: &str,
    planned: &Value,
    launch_template: Option<LaunchTemplateSpecification>,
    mixed: Option<MixedInstancesPolicy>,
) -> PResult<()> {
    let Some(block) = first(planned, "instance_refresh") else {
        return Ok(());
    };
    let preferences = first(block, "preferences").map(preferences);
    let desired = preferences
        .as_ref()
        .filter(|p| p.auto_rollback() == Some(true))
        .map(|_| {
            DesiredConfiguration::builder()
                .set_launch_template(launch_template)
                .set_mixed_instances_policy(mixed)
                .build()
        });
    let strategy = opt_str(block, "strategy").map(|s| RefreshStrategy::from(s.as_str()));
    let began = std::time::Instant::now();
    loop {
        let started = c
            .start_instance_refresh()
            .auto_scaling_group_name(group)
            .set_strategy(strategy.clone())
            .set_preferences(preferences.clone())
            .set_desired_configuration(desired.clone())
            .send()
            .await
            .map_err(aws_err);
        match started {
            Err(e) if e.code.as_deref() == Some(IN_PROGRESS) && began.elapsed() < START_TIMEOUT => {
                cancel(c, group).await?;
            }
            Err(e) => {
                return Err(ProviderError {
                    message: format!("starting the instance refresh of {group}: {}", e.message),
                    ..e
                })
            }
            Ok(_) => return Ok(()),
        }
    }
}

/// Cancels the group's active refresh and waits until it has stopped.
async fn cancel(c: &Client, group: &str) -> PResult<()> {
    let id = match c
        .cancel_instance_refresh()
        .auto_scaling_group_name(group)
        .send()
        .await
        .map_err(aws_err)
    {
        Err(e) if e.code.as_deref() == Some(NONE_ACTIVE) => return Ok(()),
        Err(e) => return Err(e),
        Ok(out) => out.instance_refresh_id().unwrap_or_default().to_string(),
    };
    let what = format!("instance refresh {id} of {group}");
    wait_for(Wait::new(what, "cancelled", START_TIMEOUT), || async {
        let out = c
            .describe_instance_refreshes()
            .auto_scaling_group_name(group)
            .instance_refresh_ids(&id)
            .send()
            .await
            .map_err(aws_err)?;
        let status = out
            .instance_refreshes()
            .first()
            .and_then(|r| r.status())
            .map(|s| s.as_str().to_string());
        match status.as_deref() {
            None | Some("Cancelled" | "Failed" | "Successful") => Ok(Poll::Ready(())),
            Some(s) => Ok(Poll::pending(s)),
        }
    })
    .await
}

/// The preferences as the provider's expand function sends them: every set value, the
/// checkpoint delay and warm-up only when not empty.
fn preferences(p: &Value) -> RefreshPreferences {
    let nullable = |k: &str| opt_str(p, k).and_then(|s| s.parse::<i32>().ok());
    let percentages: Vec<i32> = p
        .get("checkpoint_percentages")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_number().map(|n| n as i32))
        .collect();
    RefreshPreferences::builder()
        .set_alarm_specification(first(p, "alarm_specification").map(|a| {
            AlarmSpecification::builder()
                .set_alarms(Some(str_list(a, "alarms")))
                .build()
        }))
        .set_auto_rollback(opt_bool(p, "auto_rollback"))
        .set_checkpoint_delay(nullable("checkpoint_delay"))
        .set_checkpoint_percentages(Some(percentages).filter(|l| !l.is_empty()))
        .set_instance_warmup(nullable("instance_warmup"))
        .set_max_healthy_percentage(opt_i32(p, "max_healthy_percentage"))
        .set_min_healthy_percentage(opt_i32(p, "min_healthy_percentage"))
        .set_scale_in_protected_instances(
            opt_str(p, "scale_in_protected_instances").map(|s| ScaleInProtectedInstances::from(s.as_str())),
        )
        .set_skip_matching(opt_bool(p, "skip_matching"))
        .set_standby_instances(opt_str(p, "standby_instances").map(|s| StandbyInstances::from(s.as_str())))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(refresh: Value, extra: &[(&str, Value)]) -> Value {
        let mut fields = vec![("instance_refresh", Value::List(vec![refresh]))];
        fields.extend(extra.iter().cloned());
        Value::object(fields)
    }

    #[test]
    fn a_refresh_starts_on_a_template_change_or_a_named_trigger_only() {
        let block = Value::object([
            ("strategy", Value::str("Rolling")),
            ("triggers", Value::List(vec![Value::str("tag")])),
        ]);
        let before = group(block.clone(), &[("tag", Value::str("a")), ("max_size", Value::from(1))]);
        let tag = group(block.clone(), &[("tag", Value::str("b")), ("max_size", Value::from(1))]);
        let size = group(block.clone(), &[("tag", Value::str("a")), ("max_size", Value::from(2))]);
        assert!(wanted(&before, &tag));
        assert!(!wanted(&before, &size));
        let template = |v: &str| {
            group(
                block.clone(),
                &[(
                    "launch_template",
                    Value::List(vec![Value::object([("version", Value::str(v))])]),
                )],
            )
        };
        assert!(wanted(&template("1"), &template("2")));
        assert!(!wanted(&template("1"), &template("1")));
        let without = Value::object([("tag", Value::str("b"))]);
        assert!(!wanted(&before, &without), "no block, no refresh");
    }

    #[test]
    fn empty_nullable_numbers_are_not_sent() {
        let p = preferences(&Value::object([
            ("checkpoint_delay", Value::str("")),
            ("instance_warmup", Value::str("300")),
            ("min_healthy_percentage", Value::from(50)),
        ]));
        assert_eq!(p.checkpoint_delay(), None);
        assert_eq!(p.instance_warmup(), Some(300));
        assert_eq!(p.min_healthy_percentage(), Some(50));
        assert_eq!(p.checkpoint_percentages(), &[] as &[i32]);
    }
}
