//! An in-memory provider with injectable latency and failures.
//!
//! It exists so the planner, the engine and the apply path can be tested (ordering, parallelism,
//! partial failure, replacement) and benchmarked at scale without any AWS endpoint. Its one
//! resource type, `fake_thing`, behaves like a small AWS resource: `name` forces replacement,
//! `size` and `tags` update in place, adoption lookups find nothing (but the `late_finds`,
//! from their second lookup on) and are recorded (a create refuses a taken name), `arn` is
//! computed, `owner` is computed but never set (as
//! some AWS reads leave an attribute of the provider's schema unset), `secret_wo` is write-only
//! (a new `secret_wo_version` replaces the object with it). Its one ephemeral type, `fake_secret`,
//! opens a secret of the cloud's `secrets` by name. Its one data source, `fake_lookup`, answers
//! `value = "found NAME"` for a `name`, logging `lookup NAME`.

use super::{CallCtx, DataSourceType, EphemeralType, PResult, ProviderError, Registry, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The shared in-memory "cloud": objects by id, and a log of every call.
#[derive(Default)]
pub struct FakeCloud {
    /// Objects by id.
    pub objects: Mutex<IndexMap<String, Value>>,
    /// `"create <address>"`, `"delete <address>"`, ... in call order.
    pub log: Mutex<Vec<String>>,
    /// Names whose create or update fails.
    pub fail_names: Mutex<Vec<String>>,
    /// Names whose create fails as taken (code `AlreadyExists`, one of the type's conflict
    /// codes), as AWS refuses a unique name in use.
    pub taken_names: Mutex<Vec<String>>,
    /// Latency added to every call.
    pub latency: Mutex<Duration>,
    /// `(address, idempotency token)` of every create call.
    pub create_tokens: Mutex<Vec<(String, String)>>,
    /// Secrets `fake_secret` opens, by name.
    pub secrets: Mutex<IndexMap<String, String>>,
    /// `(address, calls logged before it)` of every adoption lookup (which finds nothing), so
    /// a test can tell which calls a lookup came before.
    pub lookups: Mutex<Vec<(String, usize)>>,
    /// Objects (by address, their id) that adoption lookups find only from the second lookup
    /// of their address on: a killed run's create still in flight when the next run first looks.
    pub late_finds: Mutex<IndexMap<String, String>>,
    next_id: AtomicU64,
}

impl FakeCloud {
    /// A new, empty cloud.
    pub fn new() -> Arc<FakeCloud> {
        Arc::new(FakeCloud::default())
    }

    /// A registry holding `fake_thing` backed by this cloud.
    pub fn registry(self: &Arc<Self>) -> Registry {
        let mut r = Registry::default();
        r.add_resource(Arc::new(FakeThing {
            cloud: self.clone(),
            schema: Schema::new()
                .required("name", Type::String)
                .force_new()
                .optional("size", Type::Number)
                .default(1)
                .optional("parent_id", Type::String)
                .tags()
                .computed("arn", Type::String)
                .computed("owner", Type::String)
                .optional("secret_wo", Type::String)
                .sensitive()
                .write_only()
                .optional("secret_wo_version", Type::Number)
                .force_new(),
        }));
        r.add_data_source(Arc::new(FakeLookup {
            cloud: self.clone(),
            schema: Schema::new()
                .required("name", Type::String)
                .computed("value", Type::String),
        }));
        r.add_ephemeral(Arc::new(FakeSecret {
            cloud: self.clone(),
            schema: Schema::new()
                .required("name", Type::String)
                .computed("value", Type::String)
                .sensitive(),
        }));
        r
    }

    /// Calls logged so far.
    pub fn calls(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    async fn call(&self, what: String) {
        let latency = *self.latency.lock().expect("latency lock");
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        self.log.lock().expect("log lock").push(what);
    }
}

struct FakeThing {
    cloud: Arc<FakeCloud>,
    schema: Schema,
}

fn with_id(planned: &Value, id: &str) -> Value {
    let mut v = planned.clone();
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), Value::str(id));
        m.insert("arn".into(), Value::str(format!("arn:fake:{id}")));
        m.swap_remove("owner");
    }
    v
}

#[async_trait]
impl ResourceType for FakeThing {
    fn type_name(&self) -> &'static str {
        "fake_thing"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.cloud.call(format!("create {}", ctx.address)).await;
        self.cloud
            .create_tokens
            .lock()
            .expect("tokens lock")
            .push((ctx.address.clone(), ctx.token.clone()));
        let name = planned.get("name").as_str().unwrap_or_default().to_string();
        if self.cloud.taken_names.lock().expect("taken lock").contains(&name) {
            return Err(ProviderError {
                code: Some("AlreadyExists".into()),
                message: format!("{name} is taken"),
            });
        }
        if self.cloud.fail_names.lock().expect("fail lock").contains(&name) {
            return Err(ProviderError {
                code: Some("InjectedFailure".into()),
                message: format!("creating {name} failed on purpose"),
            });
        }
        let id = format!("thing-{}", self.cloud.next_id.fetch_add(1, Ordering::SeqCst));
        let v = with_id(planned, &id);
        self.cloud.objects.lock().expect("objects lock").insert(id, v.clone());
        Ok(v)
    }

    async fn read(&self, ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        self.cloud.call(format!("read {}", ctx.address)).await;
        Ok(self.cloud.objects.lock().expect("objects lock").get(id).cloned())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.cloud.call(format!("update {}", ctx.address)).await;
        let v = with_id(planned, id);
        self.cloud
            .objects
            .lock()
            .expect("objects lock")
            .insert(id.to_string(), v.clone());
        Ok(v)
    }

    /// Looked up by name, like the AWS types adopted by their unique name.
    fn adoptable_known_early(&self, planned: &Value) -> bool {
        !planned.get("name").has_unknown()
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        &["AlreadyExists"]
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let latency = *self.cloud.latency.lock().expect("latency lock");
        tokio::time::sleep(latency).await;
        let before = self.cloud.log.lock().expect("log lock").len();
        let mut lookups = self.cloud.lookups.lock().expect("lookups lock");
        let earlier = lookups.iter().filter(|(a, _)| *a == ctx.address).count();
        lookups.push((ctx.address.clone(), before));
        let late = self.cloud.late_finds.lock().expect("late finds lock");
        Ok(late.get(&ctx.address).filter(|_| earlier > 0).cloned())
    }

    async fn delete(&self, ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        self.cloud.call(format!("delete {}", ctx.address)).await;
        self.cloud.objects.lock().expect("objects lock").swap_remove(id);
        Ok(())
    }
}

struct FakeSecret {
    cloud: Arc<FakeCloud>,
    schema: Schema,
}

#[async_trait]
impl EphemeralType for FakeSecret {
    fn type_name(&self) -> &'static str {
        "fake_secret"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn open(&self, config: &Value) -> PResult<Value> {
        let name = config.get("name").as_str().unwrap_or_default().to_string();
        self.cloud.call(format!("open {name}")).await;
        let value = self
            .cloud
            .secrets
            .lock()
            .expect("secrets lock")
            .get(&name)
            .cloned()
            .ok_or_else(|| ProviderError::msg(format!("no secret named {name}")))?;
        Ok(Value::object([
            ("name", Value::str(name)),
            ("value", Value::str(value)),
        ]))
    }
}

struct FakeLookup {
    cloud: Arc<FakeCloud>,
    schema: Schema,
}

#[async_trait]
impl DataSourceType for FakeLookup {
    fn type_name(&self) -> &'static str {
        "fake_lookup"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = config.get("name").as_str().unwrap_or_default().to_string();
        self.cloud.call(format!("lookup {name}")).await;
        Ok(Value::object([
            ("id", Value::str(&name)),
            ("value", Value::str(format!("found {name}"))),
            ("name", Value::str(name)),
        ]))
    }
}
