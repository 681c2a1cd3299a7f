//! Resource schemas: which arguments a resource type takes, their types, and how changes to them
//! behave (update in place, force replacement, computed by AWS).
//!
//! Shared vocabulary between the blueprint (validation and type conversion), the planner (what to
//! diff, what forces replacement) and providers (what they declare). It knows nothing of AWS.
//!
//! A provider's published schema (Terraform's `providers schema -json`) gives names, types and
//! flags; [`provider_schema`] turns it into a [`Schema`], and [`declare`] lets each resource type
//! add what that JSON does not carry (ForceNew, defaults, [`validators`], which arguments it
//! implements). [`check`] is what blueprint evaluation asks before it accepts a value.

pub mod check;
pub mod declare;
pub mod provider_schema;
pub mod validators;

use crate::value::Value;
use indexmap::IndexMap;
use std::time::Duration;
use validators::{Rule, Validator};

/// The type of an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A string.
    String,
    /// A number.
    Number,
    /// A bool.
    Bool,
    /// A list of the element type.
    List(Box<Type>),
    /// A set of the element type (order does not matter when comparing).
    Set(Box<Type>),
    /// A map of string keys to the element type.
    Map(Box<Type>),
    /// An object with these attributes (Terraform's `object({...})`).
    Object(IndexMap<String, Type>),
    /// Anything (Terraform's `dynamic`).
    Any,
}

impl Type {
    /// `list(string)`.
    pub fn list_of_strings() -> Type {
        Type::List(Box::new(Type::String))
    }

    /// `set(string)`.
    pub fn set_of_strings() -> Type {
        Type::Set(Box::new(Type::String))
    }

    /// `map(string)`.
    pub fn map_of_strings() -> Type {
        Type::Map(Box::new(Type::String))
    }

    /// Converts a value to this type as Terraform does (numbers and bools to strings and back).
    /// Returns a message when the value cannot be converted.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        if matches!(v, Value::Unknown | Value::Null) {
            return Ok(v);
        }
        match self {
            Type::Any => Ok(v),
            Type::String => v
                .to_plain_string()
                .map(Value::String)
                .ok_or_else(|| format!("string required, got {}", v.type_name())),
            Type::Number => v
                .as_number()
                .map(Value::Number)
                .ok_or_else(|| format!("number required, got {}", v.type_name())),
            Type::Bool => v
                .as_bool()
                .map(Value::Bool)
                .ok_or_else(|| format!("bool required, got {}", v.type_name())),
            Type::List(elem) | Type::Set(elem) => match v {
                Value::List(items) => {
                    let mut out = items
                        .into_iter()
                        .map(|i| elem.convert(i))
                        .collect::<Result<Vec<_>, _>>()?;
                    if matches!(self, Type::Set(_)) && !out.iter().any(Value::has_unknown) {
                        out.dedup();
                    }
                    Ok(Value::List(out))
                }
                other => Err(format!("list required, got {}", other.type_name())),
            },
            Type::Map(elem) => match v {
                Value::Object(map) => map
                    .into_iter()
                    .map(|(k, x)| elem.convert(x).map(|x| (k, x)))
                    .collect::<Result<IndexMap<_, _>, _>>()
                    .map(Value::Object),
                other => Err(format!("map required, got {}", other.type_name())),
            },
            // As Terraform converts to an object type: the attributes the type names, null when
            // missing; others are dropped.
            Type::Object(fields) => match v {
                Value::Object(mut map) => fields
                    .iter()
                    .map(|(k, t)| {
                        t.convert(map.shift_remove(k).unwrap_or(Value::Null))
                            .map(|x| (k.clone(), x))
                            .map_err(|m| format!("attribute \"{k}\": {m}"))
                    })
                    .collect::<Result<IndexMap<_, _>, _>>()
                    .map(Value::Object),
                other => Err(format!("object required, got {}", other.type_name())),
            },
        }
    }

    /// Terraform's spelling of the type (`list(string)`), for messages and the parity test.
    pub fn terraform_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::Any => "dynamic".into(),
            Type::List(e) => format!("list({})", e.terraform_name()),
            Type::Set(e) => format!("set({})", e.terraform_name()),
            Type::Map(e) => format!("map({})", e.terraform_name()),
            Type::Object(fields) => format!(
                "object({{{}}})",
                fields
                    .iter()
                    .map(|(k, t)| format!("{k}={}", t.terraform_name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Whether infractl carries an argument through end to end (sent to AWS, read back, diffed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Support {
    /// Implemented.
    #[default]
    Yes,
    /// In the provider's schema but not implemented yet: accepted when null or absent (how
    /// modules pass optional inputs they do not use), refused when set.
    NotYet,
}

/// How an attribute behaves. The first five fields are the provider's published flags; the
/// rest is what the provider's code knows and its schema JSON does not say.
#[derive(Debug, Clone)]
pub struct AttrSchema {
    /// Its type.
    pub ty: Type,
    /// Must be set in the blueprint.
    pub required: bool,
    /// May be set in the blueprint.
    pub optional: bool,
    /// Filled in by the provider when not set (or always, when not optional).
    pub computed: bool,
    /// Never shown in plans or logs.
    pub sensitive: bool,
    /// Write-only: sent to the provider, never stored (state and plans hold null); it may take
    /// ephemeral values.
    pub write_only: bool,
    /// Changing it replaces the resource.
    pub force_new: bool,
    /// Value assumed when not set, as the provider's schema default.
    pub default: Option<Value>,
    /// Canonical form of a string value: two values with the same canonical form mean the same
    /// thing (an ARN and the name it ends in, a JSON document and AWS's expansion of it), so
    /// they plan no change. Terraform's providers call this suppressing an equivalent diff.
    pub normalize: Option<fn(&str) -> String>,
    /// A JSON document kept as a string: compared by meaning, not spelling.
    pub json: bool,
    /// An IAM policy document: compared as the provider compares policies (statements and
    /// their values as sets, a single value the same as a list of it).
    pub policy: bool,
    /// AWS picks the value when the blueprint leaves it unset, although the provider's schema
    /// does not mark it computed (the provider suppresses that diff in code): unset keeps what
    /// AWS has instead of planning a change back to null.
    pub live_when_unset: bool,
    /// Computed, yet the provider plans `default` whenever the blueprint leaves it unset (a plan
    /// modifier, as for a lifecycle configuration's `transition_default_minimum_object_size`):
    /// removing the argument puts the default back instead of keeping what AWS has.
    pub default_when_unset: bool,
    /// What a configured value must satisfy (the provider's ValidateFunc), checked before any
    /// AWS call.
    pub validators: Vec<Validator>,
    /// Implemented end to end, or not yet.
    pub support: Support,
}

impl AttrSchema {
    /// An attribute with the given flags and nothing else declared.
    pub fn new(ty: Type, required: bool, optional: bool, computed: bool) -> AttrSchema {
        AttrSchema {
            ty,
            required,
            optional,
            computed,
            sensitive: false,
            write_only: false,
            force_new: false,
            default: None,
            normalize: None,
            policy: false,
            json: false,
            live_when_unset: false,
            default_when_unset: false,
            validators: Vec::new(),
            support: Support::Yes,
        }
    }

    /// True when the blueprint may set it.
    pub fn is_argument(&self) -> bool {
        self.required || self.optional
    }

    /// True when leaving it unset keeps the value AWS chose (computed, or declared so), unless
    /// the provider plans its default whenever it is unset.
    pub fn fills_when_unset(&self) -> bool {
        (self.computed || self.live_when_unset) && !self.default_when_unset
    }
}

/// Default timeouts of a resource type's operations (Terraform's `timeouts` block), used when
/// the blueprint's block does not set them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timeouts {
    /// Creating.
    pub create: Option<Duration>,
    /// Reading.
    pub read: Option<Duration>,
    /// Updating.
    pub update: Option<Duration>,
    /// Deleting.
    pub delete: Option<Duration>,
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nesting {
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
    /// At most one block.
    Single,
}

/// Carries the `timeouts` block into an object read back from AWS, which knows nothing of it:
/// from the configuration after a create or update, from the prior state after a refresh. State
/// keeps it as Terraform does, so that a later delete honours the timeouts of the last apply.
pub fn keep_timeouts(schema: &Schema, mut read: Value, from: &Value) -> Value {
    if schema.blocks.contains_key("timeouts") {
        if let Value::Object(m) = &mut read {
            m.insert("timeouts".into(), from.get("timeouts").clone());
        }
    }
    read
}

/// A nested block type such as `route` in `aws_route_table`.
#[derive(Debug, Clone)]
pub struct BlockSchema {
    /// How it repeats.
    pub nesting: Nesting,
    /// Its contents.
    pub schema: Schema,
    /// Changing it replaces the resource.
    pub force_new: bool,
    /// Fewest blocks allowed.
    pub min_items: usize,
    /// Most blocks allowed (0 = unlimited).
    pub max_items: usize,
    /// Inline blocks that the provider also fills from AWS when the blueprint omits them
    /// (Optional+Computed blocks, and Terraform's "attributes as blocks" mode used by route
    /// tables and security groups).
    pub computed: bool,
    /// The provider's schema declares it as an attribute of type list/set of objects, which
    /// Terraform lets blueprints write as blocks ("attributes as blocks"); infractl keeps it as
    /// a block.
    pub as_attribute: Option<Type>,
    /// Implemented end to end, or not yet (then only zero blocks are accepted).
    pub support: Support,
}

/// The arguments and attributes of a resource type or nested block.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Attributes by name.
    pub attrs: IndexMap<&'static str, AttrSchema>,
    /// Nested block types by name.
    pub blocks: IndexMap<&'static str, BlockSchema>,
    /// Where it sits, for messages (`aws_lb`, `aws_lb.access_logs`); empty when not declared.
    pub path: String,
    /// Rules between its arguments (ConflictsWith, ExactlyOneOf, ...).
    pub rules: Vec<Rule>,
    /// Default operation timeouts, for a resource type that has a `timeouts` block.
    pub timeouts: Timeouts,
    /// The provider's schema version of the type (`version` in `terraform providers schema
    /// -json`): Terraform's state records it beside each object, and the provider upgrades
    /// objects recorded with an older one, so state written here must carry the current one.
    pub version: u64,
}

impl Schema {
    /// Starts an empty schema.
    pub fn new() -> Schema {
        <Schema as Default>::default()
    }

    fn add(mut self, name: &'static str, ty: Type, required: bool, optional: bool, computed: bool) -> Schema {
        self.attrs
            .insert(name, AttrSchema::new(ty, required, optional, computed));
        self
    }

    /// A required argument.
    pub fn required(self, name: &'static str, ty: Type) -> Schema {
        self.add(name, ty, true, false, false)
    }

    /// An optional argument with no provider-side value when unset.
    pub fn optional(self, name: &'static str, ty: Type) -> Schema {
        self.add(name, ty, false, true, false)
    }

    /// An optional argument that AWS fills in when unset.
    pub fn optional_computed(self, name: &'static str, ty: Type) -> Schema {
        self.add(name, ty, false, true, true)
    }

    /// A read-only attribute AWS computes.
    pub fn computed(self, name: &'static str, ty: Type) -> Schema {
        self.add(name, ty, false, false, true)
    }

    fn last(&mut self) -> &mut AttrSchema {
        self.attrs
            .last_mut()
            .map(|(_, a)| a)
            .expect("a modifier follows an attribute")
    }

    /// Marks the attribute added last as forcing replacement.
    pub fn force_new(mut self) -> Schema {
        self.last().force_new = true;
        self
    }

    /// Marks the attribute added last as sensitive.
    pub fn sensitive(mut self) -> Schema {
        self.last().sensitive = true;
        self
    }

    /// Marks the attribute added last as write-only (see [`AttrSchema::write_only`]).
    pub fn write_only(mut self) -> Schema {
        self.last().write_only = true;
        self
    }

    /// Gives the attribute added last a default.
    pub fn default(mut self, v: impl Into<Value>) -> Schema {
        self.last().default = Some(v.into());
        self
    }

    /// Gives the attribute added last a canonical form for comparisons (see
    /// [`AttrSchema::normalize`]).
    pub fn normalized(mut self, f: fn(&str) -> String) -> Schema {
        self.last().normalize = Some(f);
        self
    }

    /// Adds `tags` and `tags_all`, as every taggable AWS resource has.
    pub fn tags(self) -> Schema {
        self.optional("tags", Type::map_of_strings())
            .computed("tags_all", Type::map_of_strings())
    }

    /// Adds a nested block type.
    pub fn block(mut self, name: &'static str, nesting: Nesting, schema: Schema) -> Schema {
        self.blocks.insert(
            name,
            BlockSchema {
                nesting,
                schema,
                force_new: false,
                min_items: 0,
                max_items: if nesting == Nesting::Single { 1 } else { 0 },
                computed: false,
                as_attribute: None,
                support: Support::Yes,
            },
        );
        self
    }

    /// Marks the block added last as forcing replacement.
    pub fn block_force_new(mut self) -> Schema {
        if let Some((_, b)) = self.blocks.last_mut() {
            b.force_new = true;
        }
        self
    }

    /// Marks the block added last as filled in from AWS when the blueprint omits it.
    pub fn block_computed(mut self) -> Schema {
        if let Some((_, b)) = self.blocks.last_mut() {
            b.computed = true;
        }
        self
    }

    /// Sets the schema version (see [`Schema::version`]); types of the built-in providers
    /// declare theirs, AWS types take theirs from the provider's schema.
    pub fn with_version(mut self, version: u64) -> Schema {
        self.version = version;
        self
    }

    /// The sensitive attributes' paths as Terraform's state records them in
    /// `sensitive_attributes` (`[{"type": "get_attr", "value": "password"}]`), merged with the
    /// paths already recorded (`kept`: marks Terraform took from sensitive values in the
    /// configuration, which the schema does not know), without repeats.
    pub fn sensitive_paths(&self, kept: &[serde_json::Value]) -> Vec<serde_json::Value> {
        let mut out = kept.to_vec();
        for (name, a) in &self.attrs {
            let path = serde_json::json!([{ "type": "get_attr", "value": name }]);
            if a.sensitive && !out.contains(&path) {
                out.push(path);
            }
        }
        out
    }

    /// `v` with each sensitive string that has a canonical form (a secret argument, whose
    /// canonical form is its digest) replaced by that form, in nested blocks too: what a state
    /// infractl keeps records of values a Terraform-kept state held in the clear.
    pub fn canonical_secrets(&self, v: &Value) -> Value {
        let Value::Object(m) = v else {
            return v.clone();
        };
        let mut out = m.clone();
        for (name, a) in &self.attrs {
            if let (true, Some(f), Some(Value::String(s))) = (a.sensitive, a.normalize, m.get(*name)) {
                out.insert(name.to_string(), Value::str(f(s)));
            }
        }
        for (name, b) in &self.blocks {
            match m.get(*name) {
                Some(Value::List(items)) => {
                    let items = items.iter().map(|i| b.schema.canonical_secrets(i)).collect();
                    out.insert(name.to_string(), Value::List(items));
                }
                Some(one @ Value::Object(_)) => {
                    out.insert(name.to_string(), b.schema.canonical_secrets(one));
                }
                _ => {}
            }
        }
        Value::Object(out)
    }

    /// Whether the type is one of the AWS provider's older SDK (SDKv2), which Terraform tells
    /// by an `id` that is optional and computed: such types hold unset values as zero values
    /// (`""`, `0`, `{}`), where the newer framework's types hold null.
    pub fn is_legacy_sdk(&self) -> bool {
        self.attrs.get("id").is_some_and(|a| a.optional && a.computed)
    }

    /// Names of the attributes that force replacement, blocks included.
    pub fn force_new_names(&self) -> Vec<&'static str> {
        self.attrs
            .iter()
            .filter(|(_, a)| a.force_new)
            .map(|(n, _)| *n)
            .chain(self.blocks.iter().filter(|(_, b)| b.force_new).map(|(n, _)| *n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_follow_terraform() {
        assert_eq!(Type::String.convert(Value::Number(5.0)).unwrap(), Value::str("5"));
        assert_eq!(Type::Number.convert(Value::str("5")).unwrap(), Value::Number(5.0));
        assert_eq!(Type::Bool.convert(Value::str("true")).unwrap(), Value::Bool(true));
        assert!(Type::String.convert(Value::List(vec![])).is_err());
        assert!(Type::list_of_strings().convert(Value::str("x")).is_err());
        assert_eq!(Type::String.convert(Value::Unknown).unwrap(), Value::Unknown);
    }
}
