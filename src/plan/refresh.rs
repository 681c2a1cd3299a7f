//! Refresh: reads every managed object in state from the provider, concurrently, so the plan
//! compares the blueprint with what really exists (drift made outside infractl shows up).

use crate::diag::{DResult, Diag};
use crate::provider::{CallCtx, Registry};
use crate::state::{ResourceState, State};
use crate::value::Value;
use futures::stream::{self, StreamExt};
use indexmap::IndexMap;
use tracing::Instrument;

/// What a refresh found.
pub struct Refreshed {
    /// State with attributes as read; objects gone from AWS removed.
    pub state: State,
    /// Addresses of objects that were deleted outside infractl.
    pub vanished: Vec<String>,
}

/// Reads all managed objects of a state, `parallelism` calls at a time: objects of types that
/// read in bulk are read in batches (one call per batch), the rest one by one.
pub async fn refresh(state: &State, registry: &Registry, stack: &str, parallelism: usize) -> DResult<Refreshed> {
    // Each object is read through the provider configuration that manages it; bulk reads batch
    // objects of one type and one configuration.
    let type_of = |r: &ResourceState| {
        registry
            .for_provider(r.provider.as_deref())
            .resource(&r.type_name)
            .cloned()
    };
    let mut batches: Vec<Vec<ResourceState>> = Vec::new();
    let mut bulk: IndexMap<(Option<&str>, &str), Vec<ResourceState>> = IndexMap::new();
    for r in state.managed() {
        match type_of(r).map(|rt| rt.bulk_read_limit()) {
            Some(limit) if limit > 1 => bulk
                .entry((r.provider.as_deref(), r.type_name.as_str()))
                .or_default()
                .push(r.clone()),
            _ => batches.push(vec![r.clone()]),
        }
    }
    for (_, list) in bulk {
        let limit = type_of(&list[0]).map(|rt| rt.bulk_read_limit()).unwrap_or(1);
        batches.extend(list.chunks(limit.max(1)).map(<[ResourceState]>::to_vec));
    }
    let reads = batches.into_iter().map(|batch| {
        let rt = type_of(&batch[0]);
        // Its own track in a trace (`-trace`), with the AWS calls of this read under it.
        let span = match batch.as_slice() {
            [one] => tracing::info_span!(parent: None, "read", address = %one.address),
            many => tracing::info_span!(parent: None, "read", address = %many[0].address, objects = many.len()),
        };
        let read = async move {
            let first = &batch[0];
            let Some(rt) = rt else {
                return Err(Diag::new(format!(
                    "State holds {} of unsupported type {}",
                    first.address, first.type_name
                ))
                .address(&first.address));
            };
            let ctx = CallCtx {
                stack: stack.to_string(),
                address: first.address.to_string(),
                resumed: false,
                token: String::new(),
                keeper: state.keeper,
            };
            let live = if let [r] = batch.as_slice() {
                let prior = Value::from_json(&r.attributes);
                vec![rt
                    .read(&ctx, &r.id, &prior)
                    .await
                    .map_err(|e| e.into_diag("Refreshing", &r.address.to_string()))?]
            } else {
                let items: Vec<(String, Value)> = batch
                    .iter()
                    .map(|r| (r.id.clone(), Value::from_json(&r.attributes)))
                    .collect();
                let what = format!("{} objects of type {}", batch.len(), first.type_name);
                let live = rt
                    .read_many(&ctx, &items)
                    .await
                    .map_err(|e| e.into_diag("Refreshing", &what))?;
                if live.len() != batch.len() {
                    return Err(Diag::new(format!(
                        "Refreshing {what}: the provider answered for {} of them (a bug in infractl)",
                        live.len()
                    )));
                }
                live
            };
            Ok(batch.into_iter().zip(live).collect::<Vec<_>>())
        };
        read.instrument(span)
    });
    let results: Vec<DResult<_>> = stream::iter(reads).buffer_unordered(parallelism.max(1)).collect().await;
    let mut out = state.clone();
    let mut vanished = Vec::new();
    for result in results {
        for (r, live) in result? {
            match live {
                Some(v) => {
                    let mut updated = r.clone();
                    let prior = Value::from_json(&r.attributes);
                    let v = match registry.for_provider(r.provider.as_deref()).resource(&r.type_name) {
                        Some(rt) => {
                            // Read now in the current schema, whatever version recorded it.
                            updated.schema_version = rt.schema().version;
                            // State holds every attribute of the schema, and write-only ones
                            // null, whatever a read returns.
                            let v = super::diff::as_recorded(
                                rt.schema(),
                                crate::schema::keep_timeouts(rt.schema(), v, &prior),
                            );
                            if state.keeper == crate::state::Keeper::Terraform {
                                crate::provider::secrets::in_the_clear(&v, &prior)
                            } else {
                                v
                            }
                        }
                        None => v,
                    };
                    // A read may name the object by another id than state recorded (the same
                    // record set with its name normalised): state's id follows it, as
                    // Terraform's follows a provider's read, so the plan and apply that use the
                    // refreshed attributes find the object under the id they hold.
                    if let Some(id) = v.get("id").to_plain_string().filter(|id| !id.is_empty()) {
                        updated.id = id;
                    }
                    updated.attributes = v.to_json();
                    out.upsert(updated);
                }
                None => {
                    vanished.push(r.address.to_string());
                    out.remove(&r.address);
                }
            }
        }
    }
    vanished.sort();
    Ok(Refreshed { state: out, vanished })
}
