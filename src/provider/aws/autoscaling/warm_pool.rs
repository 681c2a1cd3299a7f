//! The `warm_pool` block of `aws_autoscaling_group`: pre-initialized instances kept beside the
//! group. Put, drained and deleted as the AWS provider does: a change puts the whole pool again;
//! a pool removed from the blueprint (or the group's delete) first sizes the pool to 0 and waits
//! for its instances to go, unless `force_delete` or `force_delete_warm_pool` asks AWS to
//! delete it with its instances; then waits until the group has no pool.

use crate::provider::aws::common::{aws_err, first, opt_bool, opt_i32, opt_str, wait_for, Poll, Wait};
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_autoscaling::types::{InstanceReusePolicy, WarmPoolConfiguration, WarmPoolState};
use aws_sdk_autoscaling::Client;
use std::time::Duration;

/// What AWS reads as "no limit" for the prepared capacity, and the provider's default.
const UNLIMITED: i32 = -1;

/// Puts the group's pool as the `warm_pool` block of `planned` describes it (the provider sends
/// the prepared capacity always, the minimum size only when not 0).
pub(super) async fn put(c: &Client, group: &str, planned: &Value) -> PResult<()> {
    let Some(pool) = first(planned, "warm_pool") else {
        return Ok(());
    };
    c.put_warm_pool()
        .auto_scaling_group_name(group)
        .set_max_group_prepared_capacity(opt_i32(pool, "max_group_prepared_capacity"))
        .set_min_size(opt_i32(pool, "min_size").filter(|n| *n != 0))
        .set_pool_state(opt_str(pool, "pool_state").map(|s| WarmPoolState::from(s.as_str())))
        .set_instance_reuse_policy(first(pool, "instance_reuse_policy").map(|p| {
            InstanceReusePolicy::builder()
                .set_reuse_on_scale_in(opt_bool(p, "reuse_on_scale_in"))
                .build()
        }))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// Deletes the group's pool: drained first unless `force`, then gone.
pub(super) async fn delete(c: &Client, group: &str, force: bool, timeout: Duration) -> PResult<()> {
    if !force {
        c.put_warm_pool()
            .auto_scaling_group_name(group)
            .max_group_prepared_capacity(0)
            .min_size(0)
            .send()
            .await
            .map_err(aws_err)?;
        wait_for(Wait::new(group, "a drained warm pool", timeout), || async {
            let out = c
                .describe_warm_pool()
                .auto_scaling_group_name(group)
                .send()
                .await
                .map_err(aws_err)?;
            match out.instances().len() {
                0 => Ok(Poll::Ready(())),
                n => Ok(Poll::pending(format!("{n} instances in the warm pool"))),
            }
        })
        .await?;
    }
    let deleted = c
        .delete_warm_pool()
        .auto_scaling_group_name(group)
        .force_delete(force)
        .send()
        .await
        .map_err(aws_err);
    match deleted {
        Err(e) if e.message.contains("No warm pool found") => return Ok(()),
        other => other?,
    };
    wait_for(Wait::new(group, "no warm pool", timeout), || async {
        let out = c.describe_warm_pool().auto_scaling_group_name(group).send().await;
        match out.map_err(aws_err) {
            Ok(o) if o.warm_pool_configuration().is_none() => Ok(Poll::Ready(())),
            Ok(o) => Ok(Poll::pending(
                o.warm_pool_configuration()
                    .and_then(|w| w.status())
                    .map_or("a warm pool".to_string(), |s| s.as_str().to_string()),
            )),
            Err(e) if e.message.contains("not found") => Ok(Poll::Ready(())),
            Err(e) => Err::<Poll<()>, ProviderError>(e),
        }
    })
    .await
}

/// The pool as state holds it: an empty list without one; an unset prepared capacity reads as
/// the provider's -1.
pub(super) fn to_state(pool: Option<&WarmPoolConfiguration>) -> Value {
    let Some(w) = pool else {
        return Value::List(vec![]);
    };
    let reuse: Vec<Value> = w
        .instance_reuse_policy()
        .map(|p| Value::object([("reuse_on_scale_in", Value::from(p.reuse_on_scale_in()))]))
        .into_iter()
        .collect();
    Value::List(vec![Value::object([
        (
            "max_group_prepared_capacity",
            Value::from(w.max_group_prepared_capacity().unwrap_or(UNLIMITED)),
        ),
        ("min_size", Value::from(w.min_size())),
        (
            "pool_state",
            Value::from(w.pool_state().map(|s| s.as_str().to_string())),
        ),
        ("instance_reuse_policy", Value::List(reuse)),
    ])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_prepared_capacity_reads_as_unlimited() {
        let w = WarmPoolConfiguration::builder()
            .min_size(1)
            .pool_state(WarmPoolState::Stopped)
            .build();
        let state = to_state(Some(&w));
        let pool = &state.as_list().unwrap()[0];
        assert_eq!(pool.get("max_group_prepared_capacity"), &Value::from(-1i64));
        assert_eq!(pool.get("min_size"), &Value::from(1i64));
        assert_eq!(pool.get("pool_state"), &Value::str("Stopped"));
        assert_eq!(to_state(None), Value::List(vec![]));
    }
}
