//! Data sources that depend on no resource, read before the plan walk.
//!
//! The plan walk evaluates blocks one at a time in dependency order, and a data source's read
//! is the only call it makes: two independent lookups (availability zones, the caller's
//! identity) cost two round trips in a row, after the refresh has ended. A data source whose
//! configuration reaches no resource (only variables, locals and literals) reads the same
//! before the refresh as during the walk, so it is read here, all at once and beside the
//! refresh. The walk then takes a prefetched answer only when the configuration it evaluates is
//! exactly the one read here; anything else (a `timestamp()` in the configuration, a module
//! whose instances are not known yet) is read by the walk as before. Reads with effects
//! outside the provider (running a program) are never read ahead.

use super::Planner;
use crate::address::{static_path, Address};
use crate::blueprint::config::Mode;
use crate::blueprint::functions::Clock;
use crate::blueprint::scope::{Context, Expansion};
use crate::graph::Node;
use crate::provider::PResult;
use crate::value::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use tracing::Instrument;

/// Answers read ahead, by data source instance, with the configuration each was read with.
#[derive(Default)]
pub struct Prefetched {
    reads: Mutex<HashMap<Address, (Value, PResult<Value>)>>,
}

impl Prefetched {
    /// The answer read ahead for `address`, when it was read with exactly `config`. Taken
    /// once: a second read of the same instance (none is planned) goes to the provider.
    pub fn take(&self, address: &Address, config: &Value) -> Option<PResult<Value>> {
        let mut reads = self.reads.lock().unwrap_or_else(|p| p.into_inner());
        match reads.get(address) {
            Some((read_with, _)) if read_with == config => reads.remove(address).map(|(_, r)| r),
            _ => None,
        }
    }

    /// How many answers are waiting (for tests).
    pub fn len(&self) -> usize {
        self.reads.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// True when nothing was read ahead.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Planner<'_> {
    /// Reads every data source instance whose configuration reaches no resource, all at once,
    /// evaluated as the walk at `plan_time` will evaluate it. What cannot be evaluated here is
    /// left to the walk, which reports any error in it.
    pub async fn prefetch(&self, plan_time: i64) -> Prefetched {
        let values = super::InstanceValues::default();
        let ctx = Context::new(self.root, self.inputs, &values).with_clock(Clock::planning(plan_time));
        let mut reads = Vec::new();
        for (path, key) in self.graph.resource_order() {
            let Some(module) = self.root.descend(&path) else {
                continue;
            };
            let Some(res) = module.resources.get(&key) else {
                continue;
            };
            if res.mode != Mode::Data || res.check.is_some() {
                continue;
            }
            if !self
                .graph
                .resource_deps(&Node::Resource(path.clone(), key.clone()))
                .is_empty()
            {
                continue;
            }
            let Ok(module_paths) = ctx.module_instances(&path) else {
                continue;
            };
            for module_path in module_paths {
                let Ok(config_addr) =
                    crate::blueprint::providers::resolve_resource(self.root, &static_path(&module_path), res)
                else {
                    continue;
                };
                let provider = (!config_addr.is_root_default()).then(|| config_addr.to_string());
                let registry = self.registry.for_provider(provider.as_deref());
                let Some(ds) = registry.data_source(&res.type_name).cloned() else {
                    continue;
                };
                if ds.reads_have_effects() {
                    continue;
                }
                let Ok(Expansion::Known(instances)) = ctx.expand(&module_path, res) else {
                    continue;
                };
                for (ikey, bindings) in instances {
                    let Ok((config, _)) = ctx.eval_body_marked(&module_path, &res.body, ds.schema(), &bindings) else {
                        continue;
                    };
                    if config.has_unknown() || ds.check_config(&config).is_err() {
                        continue;
                    }
                    let address = Address {
                        module: module_path.clone(),
                        mode: res.mode,
                        type_name: res.type_name.clone(),
                        name: res.name.clone(),
                        key: ikey,
                    };
                    let span = tracing::info_span!(parent: None, "read", address = %address, ahead = true);
                    let ds = ds.clone();
                    reads.push(
                        async move {
                            let read = ds.read(&config).await;
                            (address, (config, read))
                        }
                        .instrument(span),
                    );
                }
            }
        }
        let done = futures::future::join_all(reads).await;
        Prefetched {
            reads: Mutex::new(done.into_iter().collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::{config, variables};
    use crate::graph::ConfigGraph;
    use crate::plan::PlanOptions;
    use crate::provider::fake::FakeCloud;
    use crate::state::State;

    #[tokio::test]
    async fn only_data_sources_that_reach_no_resource_are_read_ahead_and_never_twice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            r#"
variable "which" {
  default = "free"
}
resource "fake_thing" "a" {
  name = "a"
}
data "fake_lookup" "free" {
  name = var.which
}
data "fake_lookup" "tied" {
  name = fake_thing.a.name
}
output "free" {
  value = data.fake_lookup.free.value
}
"#,
        )
        .unwrap();
        let root = config::load(dir.path()).unwrap();
        let graph = ConfigGraph::build(&root).unwrap();
        let inputs = variables::collect(&root, &[], &mut vec![]).unwrap();
        let cloud = FakeCloud::new();
        let registry = cloud.registry();
        let planner = Planner {
            root: &root,
            graph: &graph,
            registry: &registry,
            inputs: &inputs,
        };
        let prefetched = planner.prefetch(0).await;
        assert_eq!(prefetched.len(), 1);
        assert_eq!(cloud.calls(), vec!["lookup free".to_string()]);
        let plan = planner
            .plan_with(State::default(), PlanOptions::default(), &prefetched)
            .await
            .unwrap();
        assert!(prefetched.is_empty(), "the walk took the answer");
        // Read once, ahead; the data source tied to a resource waits for apply.
        assert_eq!(cloud.calls(), vec!["lookup free".to_string()]);
        assert_eq!(plan.outputs["free"].0, Value::str("found free"));
        let tied = plan
            .changes
            .iter()
            .find(|c| c.address.to_string() == "data.fake_lookup.tied")
            .unwrap();
        assert_eq!(tied.action, crate::plan::Action::Read);
    }

    #[test]
    fn an_answer_read_with_another_configuration_is_not_taken() {
        let address = Address::parse("data.fake_lookup.x").unwrap();
        let p = Prefetched::default();
        p.reads.lock().unwrap().insert(
            address.clone(),
            (Value::object([("name", Value::str("a"))]), Ok(Value::Null)),
        );
        assert!(p.take(&address, &Value::object([("name", Value::str("b"))])).is_none());
        assert!(p.take(&address, &Value::object([("name", Value::str("a"))])).is_some());
        assert!(p.take(&address, &Value::object([("name", Value::str("a"))])).is_none());
    }
}
