//! Refresh: reads every managed object in state from the provider, concurrently, so the plan
//! compares the blueprint with what really exists (drift made outside infractl shows up).

use crate::diag::{DResult, Diag};
use crate::provider::{CallCtx, Registry};
use crate::state::State;
use crate::value::Value;
use futures::stream::{self, StreamExt};

/// What a refresh found.
pub struct Refreshed {
    /// State with attributes as read; objects gone from AWS removed.
    pub state: State,
    /// Addresses of objects that were deleted outside infractl.
    pub vanished: Vec<String>,
}

/// Reads all managed objects of a state, `parallelism` at a time.
pub async fn refresh(state: &State, registry: &Registry, stack: &str, parallelism: usize) -> DResult<Refreshed> {
    let reads = state.managed().cloned().map(|r| {
        let rt = registry.resource(&r.type_name).cloned();
        let ctx = CallCtx {
            stack: stack.to_string(),
            address: r.address.to_string(),
        };
        async move {
            let Some(rt) = rt else {
                return Err(
                    Diag::new(format!("State holds {} of unsupported type {}", r.address, r.type_name))
                        .address(&r.address),
                );
            };
            let prior = Value::from_json(&r.attributes);
            let live = rt
                .read(&ctx, &r.id, &prior)
                .await
                .map_err(|e| e.into_diag("Refreshing", &r.address.to_string()))?;
            Ok((r, live))
        }
    });
    let results: Vec<DResult<_>> = stream::iter(reads).buffer_unordered(parallelism.max(1)).collect().await;
    let mut out = state.clone();
    let mut vanished = Vec::new();
    for result in results {
        let (r, live) = result?;
        match live {
            Some(v) => {
                let mut updated = r.clone();
                updated.attributes = v.to_json();
                out.upsert(updated);
            }
            None => {
                vanished.push(r.address.to_string());
                out.remove(&r.address);
            }
        }
    }
    vanished.sort();
    Ok(Refreshed { state: out, vanished })
}
