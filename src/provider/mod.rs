//! The contract between the engine and resource implementations.
//!
//! A resource type is a schema plus create/read/update/delete (and a way to find an object that
//! state lost track of). The planner and engine only ever see these traits, so the engine can be
//! tested with the in-memory fake provider and knows nothing of AWS.

pub mod aws;
pub mod builtin;
pub mod fake;
pub mod secrets;
pub mod shared_reads;

use crate::blueprint::config::Module;
use crate::diag::{DResult, Diag};
pub use crate::schema::provider_schema::Kind;
use crate::schema::Schema;
use crate::state::Backend;
use crate::state::Keeper;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use secrets::Secrets;
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
    /// Who keeps the stack's state: on a Terraform-kept stack infractl adds no ownership tags
    /// (Terraform would plan to remove them).
    pub keeper: Keeper,
}

impl CallCtx {
    /// The tags infractl adds to everything it creates, besides the user's own: its stack and
    /// address tags, which adoption after a killed run looks for; none on a stack Terraform
    /// keeps, where crash recovery relies on intents, idempotency tokens and unique names.
    pub fn system_tags(&self) -> IndexMap<String, String> {
        let mut tags = IndexMap::new();
        if self.keeper == Keeper::Infractl {
            tags.insert(STACK_TAG.to_string(), self.stack.clone());
            tags.insert(ADDRESS_TAG.to_string(), self.address.clone());
        }
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

    /// The same error, its message led by what was being done (`creating EventBridge Rule
    /// (orders)`), as the provider words its errors; the code stays the service's.
    pub fn context(self, doing: impl fmt::Display) -> ProviderError {
        ProviderError {
            message: format!("{doing}: {}", self.message),
            ..self
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

/// Reads objects one read each: what [`ResourceType::read_many`] does for types without a
/// bulk read, and what a bulk-capable type falls back to for ids its bulk call cannot take.
/// The reads go out together (each service's limit still bounds the calls in flight), so a
/// batch costs one object's round trips rather than the sum of them.
pub async fn read_each<T: ResourceType + ?Sized>(
    rt: &T,
    ctx: &CallCtx,
    items: &[(String, Value)],
) -> PResult<Vec<Option<Value>>> {
    futures::future::try_join_all(items.iter().map(|(id, prior)| rt.read(ctx, id, prior))).await
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

    /// Whether [`find_adoptable`](Self::find_adoptable) gives its final answer for `planned`,
    /// the value planned before any dependency was applied: true where it looks only at the
    /// call context (the stack and address tags) and at nothing of `planned` that is still
    /// unknown. An apply then looks for such objects as it starts, beside the first steps,
    /// instead of between an object's dependencies and its create: with AWS's round trip that
    /// is one call less on the critical path for every create in a chain of them (VPC, subnet,
    /// NAT gateway, route table...).
    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        false
    }

    /// The error codes with which this type's create refuses to make an object that already
    /// exists (a subnet that already has its route table association, a name taken). For such
    /// a type an apply looks for an object to adopt only once a create has failed with one of
    /// them, instead of before every create: one call less on the critical path, and the same
    /// outcome, since such a create can neither succeed nor duplicate while the object exists.
    fn conflict_codes(&self) -> &'static [&'static str] {
        &[]
    }

    /// Checks a configuration beyond what the schema can say (exactly one of several
    /// arguments, a value in range), before any call; `validate` and `plan` report the message
    /// with the block's location. Values may be unknown: check only what is known.
    fn check_config(&self, _config: &Value) -> Result<(), String> {
        Ok(())
    }

    /// Adjusts a planned value after the schema's diff, as Terraform providers' plan
    /// modifiers do: computed attributes that follow arguments become known, or unknown
    /// again. Returns a reason when the object must be replaced for a reason of the type's
    /// own (a rotation time that has passed). `prior` is `None` for a create.
    fn refine_plan(&self, _prior: Option<&Value>, _config: &Value, _planned: &mut Value) -> PResult<Option<String>> {
        Ok(None)
    }

    /// The value references to this object see, when it differs from what state holds:
    /// types that keep a generated secret sealed in state ([`secrets`]) open it here.
    /// `None` means the state value itself.
    async fn reveal(&self, _state: &Value) -> PResult<Option<Value>> {
        Ok(None)
    }

    /// The inverse of [`ResourceType::reveal`], for a state value that holds its generated
    /// secrets in the clear (a state Terraform kept, handed over to infractl): the value with
    /// them sealed. `None` when the type generates none, or they are sealed already.
    async fn seal(&self, _state: &Value) -> PResult<Option<Value>> {
        Ok(None)
    }

    /// This type bound to the run's secrets, for a type that seals secrets a service hands
    /// out once (an IAM access key's secret): AWS types are built before the run's secrets
    /// exist, so [`Registry::set_secrets`] binds them through this. `None` (the default) for
    /// types that seal nothing.
    fn with_secrets(&self, _secrets: &Arc<Secrets>) -> Option<Arc<dyn ResourceType>> {
        None
    }
}

/// One data source type (`aws_availability_zones`, ...).
#[async_trait]
pub trait DataSourceType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;

    /// Arguments and attributes.
    fn schema(&self) -> &Schema;

    /// Warnings about a valid but risky configuration, as [`ResourceType::lint`].
    fn lint(&self, _config: &Value) -> Vec<String> {
        vec![]
    }

    /// Checks a configuration beyond the schema, as [`ResourceType::check_config`].
    fn check_config(&self, _config: &Value) -> Result<(), String> {
        Ok(())
    }

    /// Reads the data for a fully known configuration.
    async fn read(&self, config: &Value) -> PResult<Value>;

    /// True when a read does more than read (runs a program): such a data source is read
    /// only where the plan walk reaches it, never ahead of it (see `plan::prefetch`).
    fn reads_have_effects(&self) -> bool {
        false
    }

    /// What state records of a read: sensitive attributes only as digests. A data source is
    /// read again at every plan, so state needs no more than their fingerprint.
    fn state_value(&self, read: &Value) -> Value {
        let mut v = read.clone();
        if let Value::Object(m) = &mut v {
            for (name, a) in &self.schema().attrs {
                if a.sensitive {
                    if let Some(Value::String(x)) = m.get_mut(*name) {
                        *x = secrets::digest(x);
                    }
                }
            }
        }
        v
    }

    /// Values of a read that are secrets (its sensitive attributes), to be kept out of state
    /// and output wherever else they turn up.
    fn secrets_in(&self, read: &Value) -> Vec<String> {
        self.schema()
            .attrs
            .iter()
            .filter(|(_, a)| a.sensitive)
            .filter_map(|(name, _)| read.get(name).as_str().map(str::to_string))
            .collect()
    }
}

/// One ephemeral resource type (`ephemeral "aws_ssm_parameter" "x"`): opened when a run needs
/// its value (at plan, and again at apply), never stored anywhere.
#[async_trait]
pub trait EphemeralType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;

    /// Arguments and attributes.
    fn schema(&self) -> &Schema;

    /// Checks a configuration beyond the schema, as [`ResourceType::check_config`].
    fn check_config(&self, _config: &Value) -> Result<(), String> {
        Ok(())
    }

    /// Opens the resource for a fully known configuration. The result (secrets included)
    /// lives in memory for the run only.
    async fn open(&self, config: &Value) -> PResult<Value>;
}

/// The published schema of a type the provider has but infractl does not implement yet, so
/// that `validate` accepts blocks of it (modules declare many with `count = 0`).
pub type UnimplementedSchema = fn(Kind, &str) -> Option<Arc<Schema>>;

/// The resource and data source types a run can use, bound to the default provider
/// configuration, with the other configurations (aliases) reachable by key.
#[derive(Clone, Default)]
pub struct Registry {
    resources: IndexMap<&'static str, Arc<dyn ResourceType>>,
    data_sources: IndexMap<&'static str, Arc<dyn DataSourceType>>,
    ephemerals: IndexMap<&'static str, Arc<dyn EphemeralType>>,
    /// Tags the configuration adds to every taggable object (`default_tags`).
    pub default_tags: IndexMap<String, Value>,
    configurations: IndexMap<String, Arc<Registry>>,
    secrets: Arc<Secrets>,
    unimplemented: Option<UnimplementedSchema>,
}

impl Registry {
    /// Adds another provider configuration (`aws.east`) with its own types and clients.
    pub fn add_configuration(&mut self, key: &str, r: Registry) {
        self.configurations.insert(key.to_string(), Arc::new(r));
    }

    /// The registry of a provider configuration, by the key resources and state name it with
    /// (`aws.east`); the default configuration for `None` and for keys of providers that have
    /// a single configuration (the blueprint's references were checked before any call).
    pub fn for_provider(&self, key: Option<&str>) -> &Registry {
        key.and_then(|k| self.configurations.get(k))
            .map(|r| r.as_ref())
            .unwrap_or(self)
    }

    /// The run's generated secrets: the types that seal them, the planner and the applier
    /// (which conceal them wherever else they appear) and rendering share this one.
    pub fn secrets(&self) -> &Arc<Secrets> {
        &self.secrets
    }

    /// Puts the run's secrets in place, for every provider configuration; done before the
    /// types that seal are registered.
    pub fn set_secrets(&mut self, secrets: Arc<Secrets>) {
        for other in self.configurations.values_mut() {
            Arc::make_mut(other).set_secrets(secrets.clone());
        }
        for rt in self.resources.values_mut() {
            if let Some(bound) = rt.with_secrets(&secrets) {
                *rt = bound;
            }
        }
        self.secrets = secrets;
    }

    /// The value references see for an object of type `type_name` whose state value is
    /// `value` ([`ResourceType::reveal`]). The secrets a type reveals (its sensitive
    /// attributes that differ from what state holds: a sealed value opened, a digest replaced
    /// by the secret the service hands back) are remembered for the run, so they are concealed
    /// wherever else they turn up and kept out of printed output.
    pub async fn reveal(&self, type_name: &str, value: Value) -> PResult<Value> {
        let Some(rt) = self.resource(type_name) else {
            return Ok(value);
        };
        let Some(open) = rt.reveal(&value).await? else {
            return Ok(value);
        };
        for (name, a) in &rt.schema().attrs {
            if let (true, Value::String(plain)) = (a.sensitive, open.get(name)) {
                if open.get(name) != value.get(name) {
                    self.secrets.remember(plain);
                }
            }
        }
        Ok(open)
    }

    /// Adds a resource type.
    pub fn add_resource(&mut self, r: Arc<dyn ResourceType>) {
        self.resources.insert(r.type_name(), r);
    }

    /// Adds a data source type.
    pub fn add_data_source(&mut self, d: Arc<dyn DataSourceType>) {
        self.data_sources.insert(d.type_name(), d);
    }

    /// Adds an ephemeral resource type.
    pub fn add_ephemeral(&mut self, e: Arc<dyn EphemeralType>) {
        self.ephemerals.insert(e.type_name(), e);
    }

    /// Looks up an ephemeral resource type.
    pub fn ephemeral(&self, name: &str) -> Option<&Arc<dyn EphemeralType>> {
        self.ephemerals.get(name)
    }

    /// Names of all ephemeral resource types.
    pub fn ephemeral_names(&self) -> Vec<&'static str> {
        self.ephemerals.keys().copied().collect()
    }

    /// The schema of a type of any kind, implemented or only published (what validation and
    /// rendering check against).
    pub fn schema_of(&self, kind: Kind, name: &str) -> Option<Arc<Schema>> {
        let implemented = match kind {
            Kind::Resource => self.resource(name).map(|r| Arc::new(r.schema().clone())),
            Kind::Data => self.data_source(name).map(|d| Arc::new(d.schema().clone())),
            Kind::Ephemeral => self.ephemeral(name).map(|e| Arc::new(e.schema().clone())),
        };
        implemented.or_else(|| self.unimplemented(kind, name))
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
            Kind::Ephemeral => self.ephemerals.contains_key(name),
        };
        if implemented {
            return None;
        }
        self.unimplemented.and_then(|f| f(kind, name))
    }
}

/// Every type a command that has a state can use: AWS's, with live clients, and the built-in
/// providers', whose generated secrets are sealed with the key `backend` keeps beside the state.
pub async fn registry(settings: &aws::AwsSettings, backend: Option<Arc<dyn Backend>>) -> Registry {
    let mut r = aws::registry(settings).await;
    r.set_secrets(Arc::new(Secrets::new(backend)));
    builtin::register(&mut r);
    r
}

/// The same types without network access or state, for validation (schemas only).
pub fn schemas_registry() -> Registry {
    offline_registry(None)
}

/// The types without network access, sealing and revealing generated secrets with the key
/// `backend` keeps: for work on a state that makes no calls (handing it to another keeper).
pub fn offline_registry(backend: Option<Arc<dyn Backend>>) -> Registry {
    let mut r = aws::schemas_registry();
    r.set_secrets(Arc::new(Secrets::new(backend)));
    builtin::register(&mut r);
    r
}

/// Provider sources infractl runs, by local name, as `required_providers` may spell them.
const SOURCES: &[(&str, &str)] = &[
    ("aws", "hashicorp/aws"),
    ("random", "hashicorp/random"),
    ("null", "hashicorp/null"),
    ("time", "hashicorp/time"),
    ("archive", "hashicorp/archive"),
    ("local", "hashicorp/local"),
    ("external", "hashicorp/external"),
    ("tls", "hashicorp/tls"),
    ("terraform", "terraform.io/builtin/terraform"),
];

/// The provider a `required_providers` source names, when infractl runs it: `hashicorp/random`,
/// with or without the `registry.terraform.io/` host, in any case.
pub fn known_source(source: &str) -> Option<&'static str> {
    let s = source.trim().to_ascii_lowercase();
    let s = s.strip_prefix("registry.terraform.io/").unwrap_or(&s);
    SOURCES.iter().find(|(_, src)| *src == s).map(|(name, _)| *name)
}

/// The provider a resource type belongs to, as Terraform infers it: the type name up to its
/// first underscore (`terraform_data` and `terraform_remote_state` belong to `terraform`).
pub fn provider_of(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// True when infractl runs the provider of this local name.
pub fn runs_provider(name: &str) -> bool {
    SOURCES.iter().any(|(n, _)| *n == name)
}

/// Checks every `required_providers` entry of the blueprint and its modules: each must name
/// a provider infractl runs (any version constraint is accepted: these providers are built
/// in). Anything else is refused by name, with its location.
pub fn check_required_providers(root: &Module) -> DResult<()> {
    struct NoRefs;
    impl crate::blueprint::eval::Resolver for NoRefs {
        fn resolve(&self, root: &str, _: &[&str], loc: &crate::blueprint::source::Loc) -> DResult<(Value, usize)> {
            Err(Diag::new("Variables not allowed")
                .detail(format!("required_providers cannot refer to \"{root}\"."))
                .at(loc))
        }
    }
    let supported = || SOURCES.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(", ");
    for (_, module) in root.walk() {
        for attr in &module.required_providers {
            let v = crate::blueprint::eval::eval(&attr.expr, &NoRefs, &Default::default())?;
            // `random = "~> 3.0"` (the old form) and an object without `source` both mean
            // hashicorp/<name>.
            let source = match &v {
                Value::Object(m) => m.get("source").and_then(Value::as_str).map(str::to_string),
                Value::String(_) => None,
                _ => {
                    return Err(Diag::new(format!("Invalid required_providers entry \"{}\"", attr.name))
                        .detail("Write it as { source = \"hashicorp/NAME\", version = \"...\" }.")
                        .at(&attr.loc))
                }
            };
            let source = source.unwrap_or_else(|| format!("hashicorp/{}", attr.name));
            if known_source(&source).is_none() {
                return Err(Diag::new(format!(
                    "Provider \"{source}\" (required as \"{}\") is not supported",
                    attr.name
                ))
                .detail(format!(
                    "infractl runs these providers itself and no others: {}.",
                    supported()
                ))
                .at(&attr.loc));
            }
        }
    }
    Ok(())
}
