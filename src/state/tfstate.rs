//! The state file format: Terraform's state format version 4, written and read as Terraform
//! 1.11 writes and reads it, so one file serves both tools and a stack can move between them
//! (or be run by both) without a conversion.
//!
//! The document groups instances per resource block (`module`, `mode`, `type`, `name`,
//! `provider`, then `instances` with `index_key`, `schema_version`, `attributes`,
//! `sensitive_attributes`, `private`, `dependencies`, `create_before_destroy`, and deposed
//! objects as instances with a `deposed` key), with root `outputs` (value, type, sensitive),
//! `lineage`, `serial`, `terraform_version` and `check_results`.
//!
//! What infractl keeps beyond that (the intents of creates a killed run left unfinished, with
//! their idempotency tokens, and who keeps the stack) sits under the top-level key `infractl`.
//! Terraform ignores a key it does not know when it reads a state, and drops it when it writes
//! one (checked with Terraform 1.11): a state Terraform rewrote has no such key, and that
//! absence is what says the stack is Terraform's ([`Keeper::Terraform`]). The journal
//! (`<state>.journal`) stays a separate file Terraform never reads.
//!
//! infractl's earlier format (`format_version: 1`) is read once; every write is version 4.

use super::{DeposedObject, Keeper, OutputState, ResourceState, State, StateMode};
use crate::address::{module_prefix, Address, InstanceKey};
use crate::blueprint::providers::implied_provider;
use crate::blueprint::typing::value_shape_type;
use crate::diag::{DResult, Diag};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The Terraform version written into states infractl creates: the release whose state format
/// and provider conventions infractl follows. A state read from Terraform keeps its own.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// [`TERRAFORM_VERSION`] as an owned string (a serde default).
pub fn default_terraform_version() -> String {
    TERRAFORM_VERSION.to_string()
}

/// The top-level key of infractl's extras.
pub const EXTRAS_KEY: &str = "infractl";

/// The document as Terraform lays it out (field order as Terraform writes it).
#[derive(Serialize, Deserialize)]
struct Doc {
    version: u64,
    #[serde(default)]
    terraform_version: Option<String>,
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: IndexMap<String, DocOutput>,
    #[serde(default)]
    resources: Vec<DocResource>,
    #[serde(default)]
    check_results: Option<Json>,
    #[serde(default, rename = "infractl", skip_serializing_if = "Option::is_none")]
    extras: Option<Extras>,
}

#[derive(Serialize, Deserialize)]
struct DocOutput {
    value: Json,
    #[serde(rename = "type", default)]
    ty: Json,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
}

#[derive(Serialize, Deserialize)]
struct DocResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    module: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    type_name: String,
    name: String,
    provider: String,
    #[serde(default)]
    instances: Vec<DocInstance>,
}

#[derive(Serialize, Deserialize)]
struct DocInstance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deposed: Option<String>,
    #[serde(default)]
    schema_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributes: Option<Json>,
    /// Terraform 0.11-era providers' flat attributes; only reported, never written.
    #[serde(default, skip_serializing)]
    attributes_flat: Option<Json>,
    #[serde(default)]
    sensitive_attributes: Vec<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    create_before_destroy: bool,
}

/// What infractl keeps under [`EXTRAS_KEY`].
#[derive(Serialize, Deserialize)]
struct Extras {
    keeper: Keeper,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    unfinished_creates: IndexMap<String, String>,
}

/// The source address of the provider that manages a resource of `type_name` through
/// configuration `key` (infractl's: `aws.east`, `module.net.aws`; `None` for the default):
/// the `provider_name` of Terraform's JSON plan and state representations.
pub fn provider_name(key: Option<&str>, type_name: &str) -> String {
    let Some(mut rest) = key else {
        return provider_source(implied_provider(type_name));
    };
    while let Some((_, after)) = rest.strip_prefix("module.").and_then(|r| r.split_once('.')) {
        rest = after;
    }
    provider_source(rest.split('.').next().unwrap_or(rest))
}

/// Where a provider comes from, by its local name: the built-in `terraform` provider, else the
/// HashiCorp namespace of the public registry (the only providers infractl accepts).
fn provider_source(name: &str) -> String {
    match name {
        "terraform" => "terraform.io/builtin/terraform".to_string(),
        other => format!("registry.terraform.io/hashicorp/{other}"),
    }
}

/// Terraform's address of the provider configuration that manages a resource of `type_name`:
/// `provider["registry.terraform.io/hashicorp/aws"]`, `…"].east` for an alias,
/// `module.net.provider[…]` for a module's own block. `key` is infractl's (`aws.east`,
/// `module.net.aws`), `None` for the root module's default configuration.
pub fn provider_address(key: Option<&str>, type_name: &str) -> String {
    let Some(key) = key else {
        return format!("provider[\"{}\"]", provider_source(implied_provider(type_name)));
    };
    let mut modules = String::new();
    let mut rest = key;
    while let Some((name, after)) = rest.strip_prefix("module.").and_then(|r| r.split_once('.')) {
        modules.push_str(&format!("module.{name}."));
        rest = after;
    }
    let (name, alias) = match rest.split_once('.') {
        Some((n, a)) => (n, Some(a)),
        None => (rest, None),
    };
    let mut out = format!("{modules}provider[\"{}\"]", provider_source(name));
    if let Some(a) = alias {
        out.push('.');
        out.push_str(a);
    }
    out
}

/// infractl's key of the configuration a Terraform provider address names (the inverse of
/// [`provider_address`]); `None` inside for the root default configuration of the provider the
/// type implies. Reads the 0.12 spelling (`provider.aws.east`) too.
pub fn provider_key(address: &str, type_name: &str) -> Option<Option<String>> {
    let mut modules = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let (name, after) = after.split_once('.')?;
        modules.push(name);
        rest = after;
    }
    let (name, alias) = if let Some(after) = rest.strip_prefix("provider[\"") {
        let (source, after) = after.split_once("\"]")?;
        let name = source.rsplit('/').next()?;
        let alias = match after {
            "" => None,
            a => Some(a.strip_prefix('.')?),
        };
        (name, alias)
    } else {
        let after = rest.strip_prefix("provider.")?;
        match after.split_once('.') {
            Some((n, a)) => (n, Some(a)),
            None => (after, None),
        }
    };
    if name.is_empty() || alias.is_some_and(str::is_empty) {
        return None;
    }
    if modules.is_empty() && alias.is_none() && name == implied_provider(type_name) {
        return Some(None);
    }
    let mut key: String = modules.iter().map(|m| format!("module.{m}.")).collect();
    key.push_str(name);
    if let Some(a) = alias {
        key.push('.');
        key.push_str(a);
    }
    Some(Some(key))
}

fn index_key(key: &InstanceKey) -> Option<Json> {
    match key {
        InstanceKey::None => None,
        InstanceKey::Index(i) => Some(Json::from(*i)),
        InstanceKey::Key(k) => Some(Json::from(k.as_str())),
    }
}

/// A deposed object's key when none was recorded (states of the earlier format): derived from
/// its id, so that writing the same state twice writes the same key.
fn derived_deposed_key(id: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(id.as_bytes()))[..8].to_string()
}

/// The dynamically typed attributes (`dynamic` in the provider schema) of the types infractl
/// implements, by type: Terraform's state holds each such value with its type, as
/// `{"value": …, "type": …}`, where every other attribute is the bare value. A unit test checks
/// the table against every implemented schema.
pub const DYNAMIC_ATTRIBUTES: &[(&str, &[&str])] = &[("terraform_data", &["input", "output", "triggers_replace"])];

/// Computed dynamic attributes that hold an argument's value, and so its type, by type:
/// (type, attribute, the argument it copies).
pub const DYNAMIC_COPIES: &[(&str, &str, &str)] = &[("terraform_data", "output", "input")];

/// The dynamically typed attributes of a type (see [`DYNAMIC_ATTRIBUTES`]).
pub fn dynamic_attributes(type_name: &str) -> &'static [&'static str] {
    DYNAMIC_ATTRIBUTES
        .iter()
        .find(|(t, _)| *t == type_name)
        .map_or(&[], |(_, names)| names)
}

/// Attributes as Terraform's state writes them: dynamic ones wrapped with their type, and the
/// `timeouts` block (a single block in every provider, which infractl's values hold as a list
/// of at most one) as the object or null Terraform reads: a list there fails Terraform's
/// decoding of the whole state ("missing expected {").
fn wrap_dynamic(type_name: &str, mut attributes: Json, types: &IndexMap<String, Json>) -> Json {
    if let Json::Object(m) = &mut attributes {
        if let Some(t) = m.get_mut("timeouts") {
            if let Json::Array(items) = t {
                *t = items.first().cloned().unwrap_or(Json::Null);
            }
        }
        for name in dynamic_attributes(type_name) {
            if let Some(v) = m.get_mut(*name) {
                if !v.is_null() {
                    let ty = types.get(*name).cloned().unwrap_or_else(|| value_shape_type(v));
                    *v = serde_json::json!({ "value": v.take(), "type": ty });
                }
            }
        }
    }
    attributes
}

/// Attributes as infractl keeps them: dynamic ones without the type Terraform's state adds
/// (returned apart, by attribute), the `timeouts` block as a list of one.
fn unwrap_dynamic(type_name: &str, mut attributes: Json) -> (Json, IndexMap<String, Json>) {
    let mut types = IndexMap::new();
    if let Json::Object(m) = &mut attributes {
        if let Some(t @ Json::Object(_)) = m.get_mut("timeouts") {
            *t = Json::Array(vec![t.take()]);
        }
        for name in dynamic_attributes(type_name) {
            if let Some(v) = m.get_mut(*name) {
                let wrapped = v
                    .as_object()
                    .is_some_and(|o| o.len() == 2 && o.contains_key("value") && o.contains_key("type"));
                if wrapped {
                    types.insert(name.to_string(), v["type"].take());
                    *v = v["value"].take();
                }
            }
        }
    }
    (attributes, types)
}

/// [`encode`] without infractl's extras: the document as Terraform alone would have written it
/// (`state pull -format=terraform`).
pub fn encode_for_terraform(state: &State) -> String {
    let text = encode(state);
    let Ok(mut doc) = serde_json::from_str::<Json>(&text) else {
        return text;
    };
    if let Some(m) = doc.as_object_mut() {
        m.remove(EXTRAS_KEY);
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or(text);
    out.push('\n');
    out
}

/// The document for a state.
pub fn encode(state: &State) -> String {
    let mut resources: Vec<DocResource> = Vec::new();
    for r in &state.resources {
        let block = (r.address.block(), r.mode);
        let same_block = resources.last().is_some_and(|last| {
            let prefix = last.module.as_ref().map(|m| format!("{m}.")).unwrap_or_default();
            let mode_prefix = if last.mode == "data" { "data." } else { "" };
            format!("{prefix}{mode_prefix}{}.{}", last.type_name, last.name) == block.0
        });
        if !same_block {
            let module = module_prefix(&r.address.module);
            resources.push(DocResource {
                module: (!module.is_empty()).then(|| module.trim_end_matches('.').to_string()),
                mode: match r.mode {
                    StateMode::Managed => "managed".into(),
                    StateMode::Data => "data".into(),
                },
                type_name: r.type_name.clone(),
                name: r.address.name.clone(),
                provider: provider_address(r.provider.as_deref(), &r.type_name),
                instances: Vec::new(),
            });
        }
        let doc = resources.last_mut().expect("a resource was pushed");
        let key = index_key(&r.address.key);
        // Terraform knows an object's id by its `id` attribute only.
        let mut attributes = r.attributes.clone();
        if let Json::Object(m) = &mut attributes {
            if !r.id.is_empty() && m.get("id").and_then(Json::as_str) != Some(r.id.as_str()) {
                m.insert("id".into(), Json::from(r.id.as_str()));
            }
        }
        doc.instances.push(DocInstance {
            index_key: key.clone(),
            status: r.tainted.then(|| "tainted".to_string()),
            deposed: None,
            schema_version: r.schema_version,
            attributes: Some(wrap_dynamic(&r.type_name, attributes, &r.dynamic_types)),
            attributes_flat: None,
            sensitive_attributes: r.sensitive_attributes.clone(),
            private: r.private.clone(),
            dependencies: r.dependencies.clone(),
            create_before_destroy: r.create_before_destroy,
        });
        for d in &r.deposed {
            doc.instances.push(DocInstance {
                index_key: key.clone(),
                status: None,
                deposed: Some(if d.key.is_empty() {
                    derived_deposed_key(&d.id)
                } else {
                    d.key.clone()
                }),
                schema_version: d.schema_version,
                attributes: Some(wrap_dynamic(&r.type_name, d.attributes.clone(), &IndexMap::new())),
                attributes_flat: None,
                sensitive_attributes: d.sensitive_attributes.clone(),
                private: d.private.clone(),
                dependencies: r.dependencies.clone(),
                create_before_destroy: true,
            });
        }
    }
    let doc = Doc {
        version: 4,
        terraform_version: Some(state.terraform_version.clone()),
        serial: state.serial,
        lineage: state.lineage.clone(),
        // Terraform keeps no output whose value is null.
        outputs: state
            .outputs
            .iter()
            .filter(|(_, o)| !o.value.is_null())
            .map(|(k, o)| {
                (
                    k.clone(),
                    DocOutput {
                        value: o.value.clone(),
                        ty: o.value_type.clone().unwrap_or_else(|| value_shape_type(&o.value)),
                        sensitive: o.sensitive,
                    },
                )
            })
            .collect(),
        resources,
        check_results: state.check_results.clone(),
        extras: Some(Extras {
            keeper: state.keeper,
            unfinished_creates: state.unfinished_creates.clone(),
        }),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("state serialises");
    text.push('\n');
    text
}

/// Reads a state document: Terraform's format version 4 or infractl's earlier format 1.
pub fn decode(text: &str, origin: &str) -> DResult<State> {
    let raw: Json = serde_json::from_str(text).map_err(|e| {
        Diag::new(format!("State file {origin} is not valid JSON")).detail(format!(
            "{e}. The file was left as it is; restore it from its .backup or from version control."
        ))
    })?;
    let damaged = |e: String| {
        Diag::new(format!("State file {origin} is damaged")).detail(format!("{e}. The file was left as it is."))
    };
    let mut state = match (
        raw.get("version").and_then(Json::as_u64),
        raw.get("format_version").and_then(Json::as_u64),
    ) {
        (Some(4), _) => {
            let doc: Doc = serde_json::from_value(raw).map_err(|e| damaged(e.to_string()))?;
            from_doc(doc).map_err(damaged)?
        }
        (None, Some(1)) => serde_json::from_value::<State>(raw).map_err(|e| damaged(e.to_string()))?,
        (version, format_version) => {
            let found = match (version, format_version) {
                (Some(v), _) => format!("Terraform state format version {v}"),
                (None, Some(v)) => format!("infractl state format {v}"),
                (None, None) => "no format version".to_string(),
            };
            let hint = if version.is_some_and(|v| v < 4) {
                " Terraform 0.12 or later upgrades older states when it next writes them."
            } else {
                ""
            };
            return Err(Diag::new(format!("State file {origin} has an unsupported format version")).detail(
                format!("Found {found}; this infractl reads Terraform's state format version 4 and its own earlier format 1.{hint}"),
            ));
        }
    };
    state.resources.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(state)
}

fn from_doc(doc: Doc) -> Result<State, String> {
    let mut resources: Vec<ResourceState> = Vec::new();
    let mut deposed: Vec<(Address, DeposedObject)> = Vec::new();
    for r in doc.resources {
        let mode = match r.mode.as_str() {
            "managed" => StateMode::Managed,
            "data" => StateMode::Data,
            other => return Err(format!("resource {}.{} has mode \"{other}\"", r.type_name, r.name)),
        };
        let provider = provider_key(&r.provider, &r.type_name).ok_or_else(|| {
            format!(
                "resource {}.{} names provider \"{}\", which is not a provider address",
                r.type_name, r.name, r.provider
            )
        })?;
        let mut block = r.module.as_ref().map(|m| format!("{m}.")).unwrap_or_default();
        if mode == StateMode::Data {
            block.push_str("data.");
        }
        block.push_str(&format!("{}.{}", r.type_name, r.name));
        for i in r.instances {
            let key = match &i.index_key {
                None => String::new(),
                Some(Json::Number(n)) if n.as_u64().is_some() => format!("[{n}]"),
                Some(Json::String(s)) => format!("[{}]", Json::from(s.as_str())),
                Some(other) => return Err(format!("{block} has an instance with index key {other}")),
            };
            let text = format!("{block}{key}");
            let address = Address::parse(&text).ok_or_else(|| format!("\"{text}\" is not a resource address"))?;
            let (attributes, dynamic_types) = match (i.attributes, i.attributes_flat) {
                (Some(a), _) => unwrap_dynamic(&r.type_name, a),
                (None, Some(_)) => {
                    return Err(format!(
                        "{text} is recorded in the flat attribute form of Terraform 0.11's providers; run terraform plan with a current provider once to upgrade it"
                    ))
                }
                (None, None) => return Err(format!("{text} has no attributes")),
            };
            let id = attributes
                .get("id")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string();
            if let Some(key) = i.deposed {
                deposed.push((
                    address,
                    DeposedObject {
                        key,
                        id,
                        attributes,
                        schema_version: i.schema_version,
                        sensitive_attributes: i.sensitive_attributes,
                        private: i.private,
                    },
                ));
                continue;
            }
            resources.push(ResourceState {
                mode,
                type_name: r.type_name.clone(),
                address,
                id,
                attributes,
                dependencies: i.dependencies,
                provider: provider.clone(),
                create_before_destroy: i.create_before_destroy,
                deposed: Vec::new(),
                schema_version: i.schema_version,
                sensitive_attributes: i.sensitive_attributes,
                private: i.private,
                tainted: i.status.as_deref() == Some("tainted"),
                dynamic_types,
            });
        }
    }
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    for (address, object) in deposed {
        match resources.binary_search_by(|r| r.address.cmp(&address)) {
            Ok(i) => resources[i].deposed.push(object),
            Err(_) => {
                return Err(format!(
                    "{address} holds only a deposed object ({}), left by a replacement whose new object was never recorded; finish it with the tool that started it (terraform apply), then run infractl",
                    object.key
                ))
            }
        }
    }
    let (keeper, unfinished_creates) = match doc.extras {
        Some(e) => (e.keeper, e.unfinished_creates),
        None => (Keeper::Terraform, IndexMap::new()),
    };
    Ok(State {
        serial: doc.serial,
        lineage: doc.lineage,
        resources,
        outputs: doc
            .outputs
            .into_iter()
            .map(|(k, o)| {
                (
                    k,
                    OutputState {
                        value: o.value,
                        sensitive: o.sensitive,
                        value_type: (!o.ty.is_null()).then_some(o.ty),
                    },
                )
            })
            .collect(),
        unfinished_creates,
        keeper,
        terraform_version: doc.terraform_version.unwrap_or_else(default_terraform_version),
        check_results: doc.check_results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state written by Terraform 1.11.4 + AWS provider 5.100 for a cut-down plans/network
    /// (module instances with for_each keys, count, a data source, outputs of several types).
    const TERRAFORM_WRITTEN: &str = include_str!("testdata/terraform-network.tfstate");

    #[test]
    fn the_dynamic_attribute_table_names_every_dynamic_attribute_of_the_implemented_types() {
        let r = crate::provider::schemas_registry();
        for name in r.resource_names() {
            let Some(t) = r.resource(name) else { continue };
            let mut dynamic: Vec<&str> = t
                .schema()
                .attrs
                .iter()
                .filter(|(_, a)| a.ty == crate::schema::Type::Any)
                .map(|(n, _)| *n)
                .collect();
            dynamic.sort();
            let mut listed = dynamic_attributes(name).to_vec();
            listed.sort();
            assert_eq!(dynamic, listed, "{name}'s dynamic attributes");
        }
    }

    #[test]
    fn dynamic_attributes_carry_their_type_in_terraforms_document() {
        let mut s = State::new();
        s.upsert(ResourceState::new(
            Address::parse("terraform_data.a").unwrap(),
            "x",
            serde_json::json!({"id": "x", "input": {"name": "one"}, "output": null}),
        ));
        let doc: Json = serde_json::from_str(&encode(&s)).unwrap();
        let attrs = &doc["resources"][0]["instances"][0]["attributes"];
        assert_eq!(attrs["input"]["value"]["name"], "one");
        assert_eq!(
            attrs["input"]["type"],
            serde_json::json!(["object", {"name": "string"}])
        );
        assert!(attrs["output"].is_null());
        let back = decode(&encode(&s), "test").unwrap();
        assert_eq!(
            back.resources[0].attributes["input"],
            serde_json::json!({"name": "one"})
        );

        // A type recorded (by Terraform, or from the blueprint) is kept through a read and a
        // write: a list stays a list, not the tuple its value's shape would make it.
        let list = serde_json::json!(["list", "string"]);
        s.resources[0].attributes["input"] = serde_json::json!(["a"]);
        s.resources[0].dynamic_types.insert("input".into(), list.clone());
        let back = decode(&encode(&s), "test").unwrap();
        assert_eq!(back.resources[0].dynamic_types["input"], list);
        let doc: Json = serde_json::from_str(&encode(&back)).unwrap();
        assert_eq!(doc["resources"][0]["instances"][0]["attributes"]["input"]["type"], list);
    }

    #[test]
    fn a_timeouts_block_is_the_object_terraform_reads() {
        let mut s = State::new();
        let timeouts = serde_json::json!([{"create": "5m", "delete": null}]);
        s.upsert(ResourceState::new(
            Address::parse("aws_instance.a").unwrap(),
            "i-1",
            serde_json::json!({"id": "i-1", "timeouts": timeouts}),
        ));
        s.upsert(ResourceState::new(
            Address::parse("aws_instance.b").unwrap(),
            "i-2",
            serde_json::json!({"id": "i-2", "timeouts": []}),
        ));
        let doc: Json = serde_json::from_str(&encode(&s)).unwrap();
        let attrs = |i: usize| doc["resources"][i]["instances"][0]["attributes"].clone();
        assert_eq!(
            attrs(0)["timeouts"],
            serde_json::json!({"create": "5m", "delete": null})
        );
        assert!(attrs(1)["timeouts"].is_null());
        let back = decode(&encode(&s), "test").unwrap();
        assert_eq!(back.resources[0].attributes["timeouts"], timeouts);
        assert!(back.resources[1].attributes["timeouts"].is_null());
    }

    #[test]
    fn reads_a_state_terraform_wrote() {
        let s = decode(TERRAFORM_WRITTEN, "t").unwrap();
        assert_eq!(s.keeper, Keeper::Terraform);
        assert_eq!(s.terraform_version, "1.11.4");
        let subnet = Address::parse("module.public.aws_subnet.this[\"us-west-2a\"]").unwrap();
        let r = s.get(&subnet).unwrap();
        assert_eq!(r.schema_version, 1);
        assert!(r.id.starts_with("subnet-"));
        assert_eq!(r.provider, None);
        assert_eq!(
            r.dependencies,
            vec!["aws_vpc.main", "data.aws_availability_zones.available"]
        );
        assert!(r.private.is_some());
        let assoc = s
            .get(&Address::parse("aws_route_table_association.public[1]").unwrap())
            .unwrap();
        assert_eq!(assoc.address.key, InstanceKey::Index(1));
        let zones = s
            .get(&Address::parse("data.aws_availability_zones.available").unwrap())
            .unwrap();
        assert_eq!(zones.mode, StateMode::Data);
        assert_eq!(
            s.outputs["public_subnet_ids"].value_type,
            Some(serde_json::json!(["tuple", ["string", "string"]]))
        );
        assert!(s.check_results.is_some());
    }

    #[test]
    fn what_terraform_wrote_is_written_back_as_it_was() {
        let s = decode(TERRAFORM_WRITTEN, "t").unwrap();
        let mut written: Json = serde_json::from_str(&encode(&s)).unwrap();
        // infractl adds its extras; without them the document is Terraform's, key for key.
        let extras = written.as_object_mut().unwrap().remove(EXTRAS_KEY).unwrap();
        assert_eq!(extras["keeper"], "terraform");
        let original: Json = serde_json::from_str(TERRAFORM_WRITTEN).unwrap();
        let sorted = |mut d: Json| {
            // Terraform orders data sources before managed resources; infractl by address.
            d["resources"]
                .as_array_mut()
                .unwrap()
                .sort_by_key(|r| format!("{}{}{}{}", r["module"], r["mode"], r["type"], r["name"]));
            d
        };
        assert_eq!(sorted(written), sorted(original));
    }

    #[test]
    fn round_trips_everything_infractl_records() {
        let mut s = State::new();
        s.serial = 7;
        s.unfinished_creates.insert("aws_vpc.next".into(), "token-1".into());
        let mut vpc = ResourceState::new(
            Address::parse("module.net[\"a\"].aws_vpc.this").unwrap(),
            "vpc-2",
            serde_json::json!({"id": "vpc-2", "cidr_block": "10.0.0.0/16"}),
        );
        vpc.provider = Some("aws.east".into());
        vpc.schema_version = 1;
        vpc.create_before_destroy = true;
        vpc.dependencies = vec!["aws_s3_bucket.b".into()];
        vpc.sensitive_attributes = vec![serde_json::json!([{"type": "get_attr", "value": "x"}])];
        vpc.tainted = true;
        vpc.deposed.push(DeposedObject::of(&ResourceState::new(
            vpc.address.clone(),
            "vpc-1",
            serde_json::json!({"id": "vpc-1"}),
        )));
        s.upsert(vpc);
        let mut key = ResourceState::new(
            Address::parse("random_id.k[3]").unwrap(),
            "abc",
            serde_json::json!({"id": "abc"}),
        );
        key.provider = Some("module.m.random".into());
        s.upsert(key);
        s.outputs.insert(
            "ids".into(),
            OutputState {
                value: serde_json::json!(["a", 1]),
                sensitive: true,
                value_type: None,
            },
        );
        let text = encode(&s);
        let doc: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["version"], 4);
        assert_eq!(doc["resources"][1]["module"], "module.net[\"a\"]");
        assert_eq!(
            doc["resources"][1]["provider"],
            "provider[\"registry.terraform.io/hashicorp/aws\"].east"
        );
        assert_eq!(doc["resources"][1]["instances"][1]["create_before_destroy"], true);
        assert_eq!(doc["resources"][1]["instances"][0]["status"], "tainted");
        assert_eq!(
            doc["resources"][0]["provider"],
            "module.m.provider[\"registry.terraform.io/hashicorp/random\"]"
        );
        assert_eq!(doc["resources"][0]["instances"][0]["index_key"], 3);
        assert_eq!(
            doc["outputs"]["ids"]["type"],
            serde_json::json!(["tuple", ["string", "number"]])
        );
        assert_eq!(doc[EXTRAS_KEY]["unfinished_creates"]["aws_vpc.next"], "token-1");
        let back = decode(&text, "x").unwrap();
        let mut expected = s.clone();
        expected.outputs["ids"].value_type = Some(serde_json::json!(["tuple", ["string", "number"]]));
        assert_eq!(back, expected);
    }

    #[test]
    fn reads_the_earlier_format_once() {
        let legacy = r#"{"format_version":1,"serial":3,"lineage":"l-1","resources":[
            {"address":"aws_vpc.main","mode":"managed","type":"aws_vpc","id":"vpc-1","attributes":{"id":"vpc-1"},
             "dependencies":[],"create_before_destroy":true,"deposed":[{"id":"vpc-0","attributes":{"id":"vpc-0"}}]}],
            "outputs":{"v":{"value":"vpc-1","sensitive":false}},"unfinished_creates":{"aws_subnet.a":"t"}}"#;
        let s = decode(legacy, "x").unwrap();
        assert_eq!((s.serial, s.lineage.as_str(), s.keeper), (3, "l-1", Keeper::Infractl));
        assert_eq!(s.unfinished_create(&Address::parse("aws_subnet.a").unwrap()), Some("t"));
        let text = encode(&s);
        let again = decode(&text, "x").unwrap();
        assert_eq!(again.resources[0].deposed[0].id, "vpc-0");
        assert_eq!(again.resources[0].deposed[0].key.len(), 8);
        assert_eq!(again.keeper, Keeper::Infractl);
        assert_eq!(again.unfinished_creates, s.unfinished_creates);
    }

    #[test]
    fn refuses_what_it_cannot_read_faithfully() {
        for (doc, says) in [
            (
                r#"{"version":3,"serial":1,"lineage":"l","modules":[]}"#,
                "format version 3",
            ),
            (
                r#"{"version":4,"serial":1,"lineage":"l","resources":[{"mode":"managed","type":"aws_vpc","name":"a","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{"deposed":"00000001","schema_version":1,"attributes":{"id":"vpc-1"}}]}]}"#,
                "only a deposed object",
            ),
            (
                r#"{"version":4,"serial":1,"lineage":"l","resources":[{"mode":"managed","type":"aws_vpc","name":"a","provider":"nonsense","instances":[]}]}"#,
                "not a provider address",
            ),
            (
                r#"{"version":4,"serial":1,"lineage":"l","resources":[{"mode":"managed","type":"aws_vpc","name":"a","provider":"provider.aws","instances":[{"schema_version":0,"attributes_flat":{"id":"x"}}]}]}"#,
                "flat attribute form",
            ),
        ] {
            let e = decode(doc, "x").unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    #[test]
    fn provider_addresses_map_both_ways() {
        for (key, ty, addr) in [
            (None, "aws_vpc", "provider[\"registry.terraform.io/hashicorp/aws\"]"),
            (
                Some("aws.east"),
                "aws_vpc",
                "provider[\"registry.terraform.io/hashicorp/aws\"].east",
            ),
            (
                Some("module.net.aws"),
                "aws_vpc",
                "module.net.provider[\"registry.terraform.io/hashicorp/aws\"]",
            ),
            (
                Some("module.a.module.b.aws.west"),
                "aws_vpc",
                "module.a.module.b.provider[\"registry.terraform.io/hashicorp/aws\"].west",
            ),
            (None, "terraform_data", "provider[\"terraform.io/builtin/terraform\"]"),
            (
                None,
                "random_id",
                "provider[\"registry.terraform.io/hashicorp/random\"]",
            ),
        ] {
            assert_eq!(provider_address(key, ty), addr);
            assert_eq!(provider_key(addr, ty), Some(key.map(str::to_string)));
        }
        assert_eq!(
            provider_key("provider.aws.east", "aws_vpc"),
            Some(Some("aws.east".into()))
        );
        assert_eq!(provider_key("provider[\"x\"].", "aws_vpc"), None);
    }
}
