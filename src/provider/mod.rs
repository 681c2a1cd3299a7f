//! The contract between the engine and resource implementations.
//!
//! A resource type is a schema plus create/read/update/delete (and a way to find an object that
//! state lost track of). The planner and engine only ever see these traits, so the engine can be
//! tested with the in-memory fake provider and knows nothing of AWS.

pub mod aws;
pub mod fake;

use crate::diag::Diag;
pub use crate::schema::provider_schema::Kind;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::fmt;
use std::sync::Arc;

/// What a resource call knows about the resource it acts on.
#[derive(Debug, Clone)]
pub struct CallCtx {
    /// Stack name, written into a tag on every resource so it can be found again.
    pub stack: String,
    /// Resource address, also written into a tag.
    pub address: String,
    /// A run that was killed began creating this address and never recorded the outcome: the
    /// object may exist without the tags adoption looks for (killed between the create call and
    /// the tagging call), so types identified by a unique name may adopt it by that name.
    pub resumed: bool,
    /// Idempotency token for this create (`ClientToken` and the like): new for each create,
    /// and the same as the killed run's when resuming an unfinished create, so an API that
    /// takes tokens hands back the object the killed run made instead of making another.
    pub token: String,
}

impl CallCtx {
    /// The tags infractl adds to everything it creates, besides the user's own.
    pub fn system_tags(&self) -> IndexMap<String, String> {
        let mut tags = IndexMap::new();
        tags.insert(STACK_TAG.to_string(), self.stack.clone());
        tags.insert(ADDRESS_TAG.to_string(), self.address.clone());
        tags
    }
}

/// Tag key holding the stack name.
pub const STACK_TAG: &str = "infractl:stack";
/// Tag key holding the resource address.
pub const ADDRESS_TAG: &str = "infractl:address";

/// A provider call that failed, with the service's own code when there is one.
#[derive(Debug, Clone)]
pub struct ProviderError {
    /// The service's error code (`InvalidVpcID.NotFound`, `BucketAlreadyExists`, ...).
    pub code: Option<String>,
    /// The service's message, or ours.
    pub message: String,
}

impl ProviderError {
    /// An error raised by our own code rather than the service.
    pub fn msg(message: impl Into<String>) -> ProviderError {
        ProviderError {
            code: None,
            message: message.into(),
        }
    }

    /// Turns this into a user diagnostic for the given operation and address.
    pub fn into_diag(self, operation: &str, address: &str) -> Diag {
        let summary = match &self.code {
            Some(code) => format!("{operation} {address} failed: {code}: {}", self.message),
            None => format!("{operation} {address} failed: {}", self.message),
        };
        Diag::new(summary).address(address)
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(c) => write!(f, "{c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Result of a provider call.
pub type PResult<T> = Result<T, ProviderError>;

/// Reads objects one call each: what [`ResourceType::read_many`] does for types without a
/// bulk read, and what a bulk-capable type falls back to for ids its bulk call cannot take.
pub async fn read_each<T: ResourceType + ?Sized>(
    rt: &T,
    ctx: &CallCtx,
    items: &[(String, Value)],
) -> PResult<Vec<Option<Value>>> {
    let mut out = Vec::with_capacity(items.len());
    for (id, prior) in items {
        out.push(rt.read(ctx, id, prior).await?);
    }
    Ok(out)
}

/// One managed resource type (`aws_vpc`, ...).
#[async_trait]
pub trait ResourceType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;

    /// Arguments and attributes.
    fn schema(&self) -> &Schema;

    /// Creates the object from the fully known planned value; returns its state (with `id`).
    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value>;

    /// Reads the object; `None` when it no longer exists.
    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>>;

    /// Changes the object in place to match the planned value; returns the new state.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value>;

    /// Deletes the object; succeeds when it is already gone.
    async fn delete(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()>;

    /// Warnings about a configuration that is valid but risky (a policy allowing `*`), shown
    /// by `validate` (errors with `-strict`) and by plan and apply. `config` is evaluated with
    /// resource values unknown.
    fn lint(&self, _config: &Value) -> Vec<String> {
        vec![]
    }

    /// How many objects [`ResourceType::read_many`] reads in one call; 0 (the default) when
    /// the type reads one object at a time.
    fn bulk_read_limit(&self) -> usize {
        0
    }

    /// Reads several objects with one API call (`ids` with their prior values), so that
    /// refreshing a stack of many objects of one type costs a handful of calls. Returns one
    /// entry per id, in order, `None` for objects that no longer exist.
    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_each(self, ctx, items).await
    }

    /// Finds an object this stack created for this address that state does not know (a run
    /// killed after the create call), by the stack/address tags. Returns its id.
    async fn find_adoptable(&self, _ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        Ok(None)
    }
}

/// One data source type (`aws_availability_zones`, ...).
#[async_trait]
pub trait DataSourceType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;

    /// Arguments and attributes.
    fn schema(&self) -> &Schema;

    /// Reads the data for a fully known configuration.
    /// Warnings about a valid but risky configuration, as [`ResourceType::lint`].
    fn lint(&self, _config: &Value) -> Vec<String> {
        vec![]
    }

    async fn read(&self, config: &Value) -> PResult<Value>;
}

/// The published schema of a type the provider has but infractl does not implement yet, so
/// that `validate` accepts blocks of it (modules declare many with `count = 0`).
pub type UnimplementedSchema = fn(Kind, &str) -> Option<Arc<Schema>>;

/// The resource and data source types a run can use.
#[derive(Clone, Default)]
pub struct Registry {
    resources: IndexMap<&'static str, Arc<dyn ResourceType>>,
    data_sources: IndexMap<&'static str, Arc<dyn DataSourceType>>,
    unimplemented: Option<UnimplementedSchema>,
}

impl Registry {
    /// Adds a resource type.
    pub fn add_resource(&mut self, r: Arc<dyn ResourceType>) {
        self.resources.insert(r.type_name(), r);
    }

    /// Adds a data source type.
    pub fn add_data_source(&mut self, d: Arc<dyn DataSourceType>) {
        self.data_sources.insert(d.type_name(), d);
    }

    /// Looks up a resource type.
    pub fn resource(&self, name: &str) -> Option<&Arc<dyn ResourceType>> {
        self.resources.get(name)
    }

    /// Looks up a data source type.
    pub fn data_source(&self, name: &str) -> Option<&Arc<dyn DataSourceType>> {
        self.data_sources.get(name)
    }

    /// Names of all resource types, for help and error messages.
    pub fn resource_names(&self) -> Vec<&'static str> {
        self.resources.keys().copied().collect()
    }

    /// Names of all data source types.
    pub fn data_source_names(&self) -> Vec<&'static str> {
        self.data_sources.keys().copied().collect()
    }

    /// Sets where the schemas of the provider's other types come from.
    pub fn set_unimplemented(&mut self, lookup: UnimplementedSchema) {
        self.unimplemented = Some(lookup);
    }

    /// The provider's schema of a type infractl has no implementation of (`None` when the type
    /// is implemented, or the provider has no such type).
    pub fn unimplemented(&self, kind: Kind, name: &str) -> Option<Arc<Schema>> {
        let implemented = match kind {
            Kind::Resource => self.resources.contains_key(name),
            Kind::Data => self.data_sources.contains_key(name),
        };
        if implemented {
            return None;
        }
        self.unimplemented.and_then(|f| f(kind, name))
    }
}
