//! Terraform's JSON representations (`terraform show -json`): of a plan (format 1.2) and of a
//! state's values (format 1.0), as Terraform documents them.
//!
//! The policy tools teams run in CI (checkov, OPA/conftest, infracost, trivy) read these
//! documents and nothing else, so infractl writes them in Terraform's shape rather than in a
//! format of its own. One deliberate difference: Terraform's JSON shows sensitive values in the
//! clear (marking them in `*_sensitive`); infractl's plan files never hold a secret, so where
//! Terraform would print a sensitive value infractl writes `null`, with the same markers.

use crate::address::{module_prefix, Address, InstanceKey, ModuleStep};
use crate::blueprint::config::{Body, Mode, Module, Resource};
use crate::blueprint::marks::{Mark, Marks, Step};
use crate::blueprint::refs::{self, Root};
use crate::blueprint::scope::Context;
use crate::blueprint::source::Expr;
use crate::blueprint::typing::value_shape_type;
use crate::plan::{Action, Change, OutputAction, Plan, ReplaceCause};
use crate::provider::Registry;
use crate::schema::{Nesting, Schema, Type};
use crate::state::tfstate::{provider_name, TERRAFORM_VERSION};
use crate::state::{ResourceState, State, StateMode};
use crate::value::Value;
use indexmap::IndexMap;
use serde_json::{json, Map, Value as Json};

/// The JSON plan document of `plan`, made from blueprint `root` with variable values `inputs`.
pub fn plan_document(plan: &Plan, root: &Module, inputs: &IndexMap<String, Value>, registry: &Registry) -> Json {
    let shown: Vec<&Change> = plan.changes.iter().filter(|c| shown_change(c)).collect();
    let planned: Vec<(Vec<ModuleStep>, Json)> = shown
        .iter()
        .filter(|c| c.after.is_some() && !matches!(c.action, Action::Delete | Action::Forget))
        .map(|c| planned_resource(c, registry))
        .collect();
    let reads: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.address.mode == Mode::Data && c.action == Action::NoOp)
        .collect();
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!("1.2"));
    doc.insert("terraform_version".into(), json!(TERRAFORM_VERSION));
    doc.insert("variables".into(), variables(root, inputs));
    doc.insert(
        "planned_values".into(),
        json!({
            "outputs": planned_outputs(plan, root, registry),
            "root_module": module_tree(planned),
        }),
    );
    doc.insert(
        "resource_changes".into(),
        Json::Array(shown.iter().map(|c| resource_change(c, plan, registry)).collect()),
    );
    doc.insert("output_changes".into(), output_changes(plan, root));
    doc.insert("prior_state".into(), prior_state(&plan.prior, &reads, registry));
    doc.insert("configuration".into(), configuration(root, inputs));
    doc.insert("relevant_attributes".into(), relevant_attributes(root));
    doc.insert("timestamp".into(), json!(crate::state::backend::now_rfc3339()));
    doc.insert("applyable".into(), json!(plan.has_changes()));
    doc.insert("complete".into(), json!(true));
    doc.insert("errored".into(), json!(false));
    // References saw this run's generated secrets revealed; the document (kept in the plan
    // file) holds them concealed, wherever they turn up.
    registry
        .secrets()
        .conceal(&Value::from_json(&Json::Object(doc)))
        .to_json()
}

/// The JSON state document (`show -json` with no plan file): `values` holds every object.
pub fn state_document(state: &State) -> Json {
    if state.resources.is_empty() && state.outputs.is_empty() {
        return json!({ "format_version": "1.0" });
    }
    json!({
        "format_version": "1.0",
        "terraform_version": TERRAFORM_VERSION,
        "values": state_values(state, &[], None),
    })
}

/// Changes Terraform lists: not data sources read while planning, not ephemeral opens.
fn shown_change(c: &Change) -> bool {
    !(c.action == Action::Open || c.address.mode == Mode::Data && c.action == Action::NoOp)
}

fn actions(c: &Change) -> Vec<&'static str> {
    match c.action {
        Action::NoOp => vec!["no-op"],
        Action::Create => vec!["create"],
        Action::Update => vec!["update"],
        Action::Replace if c.create_before_destroy => vec!["create", "delete"],
        Action::Replace => vec!["delete", "create"],
        Action::Delete => vec!["delete"],
        Action::Read => vec!["read"],
        Action::Forget => vec!["forget"],
        Action::Open => vec![],
    }
}

/// The fields every resource entry starts with: address, mode, type, name, index.
fn resource_head(address: &Address) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("address".into(), json!(address.to_string()));
    if !address.module.is_empty() {
        m.insert("module_address".into(), json!(module_address(&address.module)));
    }
    m.insert("mode".into(), json!(mode_name(address.mode)));
    m.insert("type".into(), json!(address.type_name));
    m.insert("name".into(), json!(address.name));
    match &address.key {
        InstanceKey::None => {}
        InstanceKey::Index(i) => {
            m.insert("index".into(), json!(i));
        }
        InstanceKey::Key(k) => {
            m.insert("index".into(), json!(k));
        }
    }
    m
}

fn module_address(path: &[ModuleStep]) -> String {
    module_prefix(path).trim_end_matches('.').to_string()
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
        Mode::Ephemeral => "ephemeral",
    }
}

fn schema_version(registry: &Registry, c: &Change) -> u64 {
    schema_of(registry, c).map_or(0, |s| s.version)
}

/// The schema of a change's type, when infractl implements it.
fn schema_of<'r>(registry: &'r Registry, c: &Change) -> Option<&'r Schema> {
    let r = registry.for_provider(c.provider.as_deref());
    match c.address.mode {
        Mode::Managed => r.resource(&c.address.type_name).map(|t| t.schema()),
        _ => r.data_source(&c.address.type_name).map(|t| t.schema()),
    }
}

/// A value as the provider plans it: types of the AWS provider's older SDK (which Terraform
/// tells by an `id` that is optional and computed) fill arguments left unset inside nested
/// blocks with zero values (`""`, `0`, `false`, `[]`), or leave them unknown when computed; a
/// single block left out is `null`.
fn provider_shape(v: &Value, schema: Option<&Schema>, mode: Mode) -> Value {
    let Some(schema) = schema else {
        return v.clone();
    };
    // A data source's planned value is Terraform's own (the configuration, the rest unknown),
    // not its provider's.
    let legacy = mode == Mode::Managed && schema.is_legacy_sdk();
    shape_blocks(v, schema, legacy)
}

fn shape_blocks(v: &Value, schema: &Schema, legacy: bool) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = m.clone();
    for (name, b) in &schema.blocks {
        let Some(x) = out.get_mut(*name) else { continue };
        match x {
            Value::List(items) if items.is_empty() && b.nesting == Nesting::Single => *x = Value::Null,
            Value::Null if b.nesting != Nesting::Single => *x = Value::List(Vec::new()),
            Value::List(items) => {
                for item in items.iter_mut() {
                    let mut shaped = shape_blocks(item, &b.schema, legacy);
                    if let (true, Value::Object(fields)) = (legacy, &mut shaped) {
                        for (k, a) in &b.schema.attrs {
                            if let Some(f @ Value::Null) = fields.get_mut(*k) {
                                // Computed ones are the provider's to fill: unknown until apply.
                                *f = if a.computed { Value::Unknown } else { zero(&a.ty) };
                            }
                        }
                    }
                    *item = shaped;
                }
            }
            _ => {}
        }
    }
    Value::Object(out)
}

fn zero(t: &Type) -> Value {
    match t {
        Type::String => Value::str(""),
        Type::Number => Value::Number(0.0),
        Type::Bool => Value::Bool(false),
        Type::List(_) | Type::Set(_) => Value::List(Vec::new()),
        Type::Map(_) => Value::Object(IndexMap::new()),
        Type::Object(_) | Type::Any => Value::Null,
    }
}

fn planned_resource(c: &Change, registry: &Registry) -> (Vec<ModuleStep>, Json) {
    let after = &provider_shape(
        c.after.as_ref().unwrap_or(&Value::Null),
        schema_of(registry, c),
        c.address.mode,
    );
    let mut m = resource_head(&c.address);
    m.remove("module_address");
    m.insert(
        "provider_name".into(),
        json!(provider_name(c.provider.as_deref(), &c.address.type_name)),
    );
    m.insert("schema_version".into(), json!(schema_version(registry, c)));
    m.insert("values".into(), shown_value(after, &c.marks));
    m.insert(
        "sensitive_values".into(),
        sensitive_shape(after, &sensitive_paths(&c.marks), &mut Vec::new()),
    );
    (c.address.module.clone(), Json::Object(m))
}

fn resource_change(c: &Change, plan: &Plan, registry: &Registry) -> Json {
    let schema = schema_of(registry, c);
    let before = c.before.as_ref().map(|v| provider_shape(v, schema, c.address.mode));
    let after = c.after.as_ref().map(|v| provider_shape(v, schema, c.address.mode));
    let mut m = resource_head(&c.address);
    if let Some(from) = &c.moved_from {
        m.insert("previous_address".into(), json!(from.to_string()));
    }
    m.insert(
        "provider_name".into(),
        json!(provider_name(c.provider.as_deref(), &c.address.type_name)),
    );
    let sensitive = sensitive_paths(&c.marks);
    let side = |v: &Option<Value>| v.as_ref().map_or(Json::Null, |v| shown_value(v, &c.marks));
    let marks_of = |v: &Option<Value>| {
        v.as_ref()
            .map_or(json!(false), |v| sensitive_shape(v, &sensitive, &mut Vec::new()))
    };
    let mut change = Map::new();
    change.insert("actions".into(), json!(actions(c)));
    change.insert("before".into(), side(&before));
    change.insert("after".into(), side(&after));
    change.insert(
        "after_unknown".into(),
        after.as_ref().map_or(json!(false), unknown_shape),
    );
    change.insert("before_sensitive".into(), marks_of(&before));
    change.insert("after_sensitive".into(), marks_of(&after));
    let forcing: Vec<Json> = c
        .attr_changes
        .iter()
        .filter(|a| a.forces_replacement)
        .map(|a| json!([a.name]))
        .collect();
    if c.action == Action::Replace && !forcing.is_empty() {
        change.insert("replace_paths".into(), Json::Array(forcing));
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({ "id": id }));
    }
    m.insert("change".into(), Json::Object(change));
    if let Some(reason) = action_reason(c, plan) {
        m.insert("action_reason".into(), json!(reason));
    }
    Json::Object(m)
}

fn action_reason(c: &Change, plan: &Plan) -> Option<&'static str> {
    match (c.action, c.replace_cause) {
        (Action::Replace, Some(ReplaceCause::Tainted)) => Some("replace_because_tainted"),
        (Action::Replace, Some(ReplaceCause::Requested)) => Some("replace_by_request"),
        (Action::Replace, Some(ReplaceCause::Triggered)) => Some("replace_by_triggers"),
        (Action::Replace, None) => Some("replace_because_cannot_update"),
        (Action::Delete, _) if !plan.options.destroy => Some("delete_because_no_resource_config"),
        (Action::Read, _) => Some("read_because_config_unknown"),
        _ => None,
    }
}

/// A value as Terraform's JSON shows it: unknown parts left out of objects and `null` in
/// sequences; sensitive parts `null` (see the module's note).
fn shown_value(v: &Value, marks: &Marks) -> Json {
    let hidden = crate::blueprint::marks::replace_marked(v, marks, Mark::SENSITIVE, &Value::Null);
    known_json(&hidden)
}

fn known_json(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Null,
        Value::Object(m) => Json::Object(
            m.iter()
                .filter(|(_, x)| !matches!(x, Value::Unknown))
                .map(|(k, x)| (k.clone(), known_json(x)))
                .collect(),
        ),
        Value::List(items) => Json::Array(items.iter().map(known_json).collect()),
        other => other.to_json(),
    }
}

/// Terraform's `after_unknown`: `true` where a value is unknown; objects keep only members
/// that are not wholly known scalars, sequences keep every element.
fn unknown_shape(v: &Value) -> Json {
    match v {
        Value::Unknown => json!(true),
        Value::Object(m) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), unknown_shape(x)))
                .filter(|(_, x)| *x != json!(false))
                .collect(),
        ),
        Value::List(items) => Json::Array(items.iter().map(unknown_shape).collect()),
        _ => json!(false),
    }
}

fn sensitive_paths(marks: &Marks) -> Vec<Vec<Step>> {
    marks
        .entries()
        .iter()
        .filter(|(_, m)| m.has(Mark::SENSITIVE))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Terraform's `*_sensitive` and `sensitive_values`: `true` at sensitive values; objects keep
/// only members that are not plain scalars, sequences keep every element.
fn sensitive_shape(v: &Value, sensitive: &[Vec<Step>], at: &mut Vec<Step>) -> Json {
    if sensitive.iter().any(|p| p == at) {
        return json!(true);
    }
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                at.push(Step::Key(k.clone()));
                let s = sensitive_shape(x, sensitive, at);
                at.pop();
                if s != json!(false) {
                    out.insert(k.clone(), s);
                }
            }
            Json::Object(out)
        }
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                at.push(Step::Index(i));
                out.push(sensitive_shape(x, sensitive, at));
                at.pop();
            }
            Json::Array(out)
        }
        _ => json!(false),
    }
}

/// Nests resources under `child_modules` by module instance, as both representations do.
fn module_tree(resources: Vec<(Vec<ModuleStep>, Json)>) -> Json {
    fn build(path: &[ModuleStep], items: &[(Vec<ModuleStep>, Json)]) -> Map<String, Json> {
        let depth = path.len();
        let mut m = Map::new();
        if depth > 0 {
            m.insert("address".into(), json!(module_address(path)));
        }
        let here: Vec<Json> = items
            .iter()
            .filter(|(p, _)| p.len() == depth)
            .map(|(_, r)| r.clone())
            .collect();
        if !here.is_empty() || depth == 0 {
            m.insert("resources".into(), Json::Array(here));
        }
        let mut children: Vec<Vec<ModuleStep>> = Vec::new();
        for (p, _) in items.iter().filter(|(p, _)| p.len() > depth) {
            let child = p[..=depth].to_vec();
            if !children.contains(&child) {
                children.push(child);
            }
        }
        if !children.is_empty() {
            let nested: Vec<Json> = children
                .iter()
                .map(|c| {
                    let inside: Vec<(Vec<ModuleStep>, Json)> =
                        items.iter().filter(|(p, _)| p.starts_with(c)).cloned().collect();
                    Json::Object(build(c, &inside))
                })
                .collect();
            m.insert("child_modules".into(), Json::Array(nested));
        }
        m
    }
    Json::Object(build(&[], &resources))
}

fn variables(root: &Module, inputs: &IndexMap<String, Value>) -> Json {
    Json::Object(
        root.variables
            .iter()
            .filter(|(_, v)| !v.sensitive && !v.ephemeral)
            .filter_map(|(name, _)| {
                inputs
                    .get(name)
                    .map(|v| (name.clone(), json!({ "value": v.to_json() })))
            })
            .collect(),
    )
}

fn planned_outputs(plan: &Plan, root: &Module, registry: &Registry) -> Json {
    let types = crate::plan::root_output_types(root, registry);
    let mut out = Map::new();
    for (name, (v, sensitive)) in &plan.outputs {
        if root.outputs.get(name).is_some_and(|o| o.ephemeral) {
            continue;
        }
        let mut o = Map::new();
        o.insert("sensitive".into(), json!(sensitive));
        if !v.has_unknown() {
            if !sensitive {
                o.insert("value".into(), v.to_json());
            }
            let v = v.to_json();
            let ty = types.get(name).map_or_else(|| value_shape_type(&v), |t| t.json_for(&v));
            o.insert("type".into(), ty);
        }
        out.insert(name.clone(), Json::Object(o));
    }
    Json::Object(out)
}

fn output_changes(plan: &Plan, root: &Module) -> Json {
    let mut out = Map::new();
    for name in plan.output_names() {
        if root.outputs.get(name).is_some_and(|o| o.ephemeral) {
            continue;
        }
        let before = plan.prior.outputs.get(name);
        // An output no longer declared goes to null.
        let (v, sensitive) = plan.outputs.get(name).map_or((&Value::Null, false), |(v, s)| (v, *s));
        let action = match plan.output_action(name) {
            OutputAction::NoOp => "no-op",
            OutputAction::Create => "create",
            OutputAction::Update => "update",
            OutputAction::Delete => "delete",
        };
        let hide = |j: Json, s: bool| if s { Json::Null } else { j };
        let mut o = Map::new();
        o.insert("actions".into(), json!([action]));
        o.insert(
            "before".into(),
            before.map_or(Json::Null, |b| hide(b.value.clone(), b.sensitive)),
        );
        // A wholly unknown value has no `after`; a known one, or a collection with unknown
        // parts, shows what is known.
        if !matches!(v, Value::Unknown) {
            o.insert("after".into(), hide(known_json(v), sensitive));
        }
        o.insert("after_unknown".into(), unknown_shape(v));
        o.insert("before_sensitive".into(), json!(before.is_some_and(|b| b.sensitive)));
        o.insert("after_sensitive".into(), json!(sensitive));
        out.insert(name.clone(), Json::Object(o));
    }
    Json::Object(out)
}

/// The state the plan was made from, with the data sources it read while planning.
fn prior_state(prior: &State, reads: &[&Change], registry: &Registry) -> Json {
    // planned_resource already records each one's schema version.
    let extra: Vec<(Vec<ModuleStep>, Json)> = reads.iter().map(|c| planned_resource(c, registry)).collect();
    json!({
        "format_version": "1.0",
        "terraform_version": prior.terraform_version,
        "values": state_values(prior, &extra, Some(Mode::Managed)),
    })
}

/// `values` of a state: outputs and every object, nested by module; `only` keeps one mode.
fn state_values(state: &State, extra: &[(Vec<ModuleStep>, Json)], only: Option<Mode>) -> Json {
    let mut items: Vec<(Vec<ModuleStep>, Json)> = state
        .resources
        .iter()
        .filter(|r| only.is_none_or(|m| state_mode(m) == r.mode))
        .map(|r| (r.address.module.clone(), state_resource(r)))
        .collect();
    items.extend(extra.iter().cloned());
    let outputs: Map<String, Json> = state
        .outputs
        .iter()
        .map(|(name, o)| {
            let mut m = Map::new();
            m.insert("sensitive".into(), json!(o.sensitive));
            m.insert("value".into(), if o.sensitive { Json::Null } else { o.value.clone() });
            m.insert(
                "type".into(),
                o.value_type.clone().unwrap_or_else(|| value_shape_type(&o.value)),
            );
            (name.clone(), Json::Object(m))
        })
        .collect();
    let mut values = Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), Json::Object(outputs));
    }
    values.insert("root_module".into(), module_tree(items));
    Json::Object(values)
}

fn state_mode(m: Mode) -> StateMode {
    if m == Mode::Managed {
        StateMode::Managed
    } else {
        StateMode::Data
    }
}

fn state_resource(r: &ResourceState) -> Json {
    let mut m = resource_head(&r.address);
    m.remove("module_address");
    m.insert(
        "provider_name".into(),
        json!(provider_name(r.provider.as_deref(), &r.type_name)),
    );
    m.insert("schema_version".into(), json!(r.schema_version));
    let value = Value::from_json(&r.attributes);
    let paths: Vec<Vec<Step>> = r.sensitive_attributes.iter().filter_map(step_path).collect();
    let mut marks = Marks::none();
    for p in &paths {
        marks.add(p.clone(), Mark::SENSITIVE);
    }
    m.insert("values".into(), shown_value(&value, &marks));
    m.insert(
        "sensitive_values".into(),
        sensitive_shape(&value, &paths, &mut Vec::new()),
    );
    if r.tainted {
        m.insert("tainted".into(), json!(true));
    }
    if !r.dependencies.is_empty() {
        m.insert("depends_on".into(), json!(r.dependencies));
    }
    Json::Object(m)
}

/// A path of Terraform's `sensitive_attributes` (`[{"type":"get_attr","value":"password"}]`).
fn step_path(p: &Json) -> Option<Vec<Step>> {
    p.as_array()?
        .iter()
        .map(|s| match s.get("type")?.as_str()? {
            "get_attr" => Some(Step::Key(s.get("value")?.as_str()?.to_string())),
            "index" => {
                let v = s.get("value")?.get("value")?;
                match v.as_u64() {
                    Some(i) => Some(Step::Index(i as usize)),
                    None => Some(Step::Key(v.as_str()?.to_string())),
                }
            }
            _ => None,
        })
        .collect()
}

/// The configuration as written: expressions with their references or constant values.
fn configuration(root: &Module, inputs: &IndexMap<String, Value>) -> Json {
    let values = crate::plan::InstanceValues::default();
    let ctx = Context::new(root, inputs, &values);
    let mut providers = Map::new();
    for (path, module) in root.walk() {
        for p in &module.providers {
            let local = match &p.alias {
                Some(a) => format!("{}.{a}", p.name),
                None => p.name.clone(),
            };
            let key = if path.is_empty() {
                local
            } else {
                format!(
                    "{}:{local}",
                    path.iter().map(|m| format!("module.{m}")).collect::<Vec<_>>().join(".")
                )
            };
            let mut m = Map::new();
            m.insert("name".into(), json!(p.name));
            m.insert("full_name".into(), json!(provider_name(Some(&p.name), "")));
            if let Some(a) = &p.alias {
                m.insert("alias".into(), json!(a));
            }
            if !path.is_empty() {
                m.insert(
                    "module_address".into(),
                    json!(path.iter().map(|m| format!("module.{m}")).collect::<Vec<_>>().join(".")),
                );
            }
            m.insert("expressions".into(), body_expressions(&ctx, &p.body));
            providers.insert(key, Json::Object(m));
        }
    }
    json!({
        "provider_config": providers,
        "root_module": module_config(&ctx, root),
    })
}

fn module_config(ctx: &Context, module: &Module) -> Json {
    let mut m = Map::new();
    let outputs: Map<String, Json> = module
        .outputs
        .iter()
        .map(|(name, o)| {
            let mut e = Map::new();
            e.insert("expression".into(), expression(ctx, &o.value));
            if o.sensitive {
                e.insert("sensitive".into(), json!(true));
            }
            if let Some(d) = &o.description {
                e.insert("description".into(), json!(d));
            }
            (name.clone(), Json::Object(e))
        })
        .collect();
    if !outputs.is_empty() {
        m.insert("outputs".into(), Json::Object(outputs));
    }
    let resources: Vec<Json> = module
        .resources
        .values()
        .filter(|r| r.mode != Mode::Ephemeral)
        .map(|r| resource_config(ctx, r))
        .collect();
    if !resources.is_empty() {
        m.insert("resources".into(), Json::Array(resources));
    }
    let calls: Map<String, Json> = module
        .calls
        .iter()
        .map(|(name, call)| {
            let mut c = Map::new();
            c.insert("source".into(), json!(call.source));
            let args: Map<String, Json> = call
                .args
                .iter()
                .map(|(k, a)| (k.clone(), expression(ctx, &a.expr)))
                .collect();
            if !args.is_empty() {
                c.insert("expressions".into(), Json::Object(args));
            }
            if let Some(e) = &call.count {
                c.insert("count_expression".into(), expression(ctx, e));
            }
            if let Some(e) = &call.for_each {
                c.insert("for_each_expression".into(), expression(ctx, e));
            }
            c.insert("module".into(), module_config(ctx, &call.module));
            if !call.depends_on.is_empty() {
                c.insert("depends_on".into(), depends_on(&call.depends_on));
            }
            (name.clone(), Json::Object(c))
        })
        .collect();
    if !calls.is_empty() {
        m.insert("module_calls".into(), Json::Object(calls));
    }
    let variables: Map<String, Json> = module
        .variables
        .iter()
        .map(|(name, v)| {
            let mut e = Map::new();
            if let Some(d) = &v.default {
                if let Some(c) = constant(ctx, d) {
                    e.insert("default".into(), c);
                }
            }
            if let Some(d) = &v.description {
                e.insert("description".into(), json!(d));
            }
            if v.sensitive {
                e.insert("sensitive".into(), json!(true));
            }
            (name.clone(), Json::Object(e))
        })
        .collect();
    if !variables.is_empty() {
        m.insert("variables".into(), Json::Object(variables));
    }
    Json::Object(m)
}

fn resource_config(ctx: &Context, r: &Resource) -> Json {
    let mut m = Map::new();
    m.insert("address".into(), json!(r.key()));
    m.insert("mode".into(), json!(mode_name(r.mode)));
    m.insert("type".into(), json!(r.type_name));
    m.insert("name".into(), json!(r.name));
    let provider_key = match &r.provider {
        Some(p) => match &p.alias {
            Some(a) => format!("{}.{a}", p.name),
            None => p.name.clone(),
        },
        None => crate::blueprint::providers::implied_provider(&r.type_name).to_string(),
    };
    m.insert("provider_config_key".into(), json!(provider_key));
    m.insert("expressions".into(), body_expressions(ctx, &r.body));
    m.insert("schema_version".into(), json!(0));
    if let Some(e) = &r.count {
        m.insert("count_expression".into(), expression(ctx, e));
    }
    if let Some(e) = &r.for_each {
        m.insert("for_each_expression".into(), expression(ctx, e));
    }
    if !r.depends_on.is_empty() {
        m.insert("depends_on".into(), depends_on(&r.depends_on));
    }
    Json::Object(m)
}

fn depends_on(exprs: &[Expr]) -> Json {
    Json::Array(
        exprs
            .iter()
            .flat_map(|e| {
                refs::roots(e)
                    .into_iter()
                    .map(|r| format!("{}{}", r.name, r.path.concat()))
            })
            .map(Json::String)
            .collect(),
    )
}

/// A body's attributes as expressions and its nested blocks as lists of bodies, by type.
fn body_expressions(ctx: &Context, body: &Body) -> Json {
    let mut m = Map::new();
    for (name, a) in &body.attrs {
        m.insert(name.clone(), expression(ctx, &a.expr));
    }
    for b in &body.blocks {
        let (kind, inner) = match (b.kind.as_str(), b.labels.first()) {
            ("dynamic", Some(label)) => (
                label.clone(),
                b.body.blocks.iter().find(|c| c.kind == "content").map(|c| &c.body),
            ),
            _ => (b.kind.clone(), Some(&b.body)),
        };
        let Some(inner) = inner else { continue };
        let entry = m.entry(kind).or_insert_with(|| Json::Array(Vec::new()));
        if let Json::Array(list) = entry {
            list.push(body_expressions(ctx, inner));
        }
    }
    Json::Object(m)
}

/// One expression: `constant_value` when it has no references and calls no function (as
/// Terraform evaluates it with no context), its `references` otherwise.
fn expression(ctx: &Context, e: &Expr) -> Json {
    let roots = refs::roots(e);
    let mut m = Map::new();
    if roots.is_empty() {
        if let Some(c) = constant(ctx, e) {
            m.insert("constant_value".into(), c);
        }
    } else {
        let strings: Vec<Json> = roots.iter().flat_map(terraform_references).map(Json::String).collect();
        m.insert("references".into(), Json::Array(strings));
    }
    Json::Object(m)
}

fn constant(ctx: &Context, e: &Expr) -> Option<Json> {
    if !refs::roots(e).is_empty() || refs::calls_functions(e) {
        return None;
    }
    ctx.eval(&[], e, &Default::default()).ok().map(|v| v.to_json())
}

/// Terraform's strings for one reference: the whole traversal, then each shorter prefix down
/// to the object referred to, then the object without its instance key (or the module call of
/// a module output).
fn terraform_references(root: &Root) -> Vec<String> {
    let segs = &root.path;
    let is_index = |i: usize| segs.get(i).is_some_and(|s| s.starts_with('['));
    let is_attr = |i: usize| segs.get(i).is_some_and(|s| s.starts_with('.'));
    // How many segments name the object referred to; whether it has an instance key; whether it
    // is a module output.
    let (mut subject, mut keyed, mut output) = (0, false, false);
    match root.name.as_str() {
        "self" => {}
        "var" | "local" | "count" | "each" | "path" | "terraform" => subject = 1,
        "module" => {
            subject = 1;
            if is_index(1) {
                subject += 1;
                keyed = true;
            }
            if is_attr(subject) {
                subject += 1;
                output = true;
            }
        }
        "data" | "ephemeral" => {
            subject = 2;
            if is_index(2) {
                subject += 1;
                keyed = true;
            }
        }
        _ => {
            subject = 1;
            if is_index(1) {
                subject += 1;
                keyed = true;
            }
        }
    }
    let subject = subject.min(segs.len());
    let text = |n: usize| format!("{}{}", root.name, segs[..n].concat());
    let mut out: Vec<String> = (subject + 1..=segs.len()).rev().map(text).collect();
    out.push(text(subject));
    if output {
        out.push(text(if keyed { 2 } else { 1 }));
    } else if keyed {
        out.push(text(subject - 1));
    }
    out
}

/// Attributes of resources that expressions refer to (`{resource, attribute}`), the
/// `relevant_attributes` of Terraform's plan.
fn relevant_attributes(root: &Module) -> Json {
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for (path, module) in root.walk() {
        let prefix: String = path.iter().map(|m| format!("module.{m}.")).collect();
        let mut exprs: Vec<&Expr> = Vec::new();
        for r in module.resources.values() {
            collect_body(&r.body, &mut exprs);
            exprs.extend(r.count.iter().chain(r.for_each.iter()));
        }
        exprs.extend(module.outputs.values().map(|o| &o.value));
        exprs.extend(module.locals.values().map(|a| &a.expr));
        for call in module.calls.values() {
            exprs.extend(call.args.values().map(|a| &a.expr));
        }
        for e in exprs {
            for r in refs::roots(e) {
                if matches!(
                    r.name.as_str(),
                    "var" | "local" | "count" | "each" | "path" | "terraform" | "self" | "module"
                ) {
                    continue;
                }
                let names = if matches!(r.name.as_str(), "data" | "ephemeral") {
                    2
                } else {
                    1
                };
                if r.attrs.len() < names {
                    continue;
                }
                let resource = format!("{prefix}{}.{}", r.name, r.attrs[..names].join("."));
                // Attribute names after the object, up to the first index.
                let after: Vec<String> = r
                    .path
                    .iter()
                    .skip(names)
                    .skip_while(|s| s.starts_with('['))
                    .take_while(|s| s.starts_with('.'))
                    .take(1)
                    .map(|s| s[1..].to_string())
                    .collect();
                let entry = (resource, after);
                if !seen.contains(&entry) {
                    seen.push(entry);
                }
            }
        }
    }
    Json::Array(
        seen.into_iter()
            .map(|(resource, attribute)| json!({ "resource": resource, "attribute": attribute }))
            .collect(),
    )
}

fn collect_body<'a>(body: &'a Body, out: &mut Vec<&'a Expr>) {
    out.extend(body.attrs.values().map(|a| &a.expr));
    for b in &body.blocks {
        collect_body(&b.body, out);
    }
}
