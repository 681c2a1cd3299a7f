//! `validate`: the blueprint checked against the resource types' schemas without any AWS call,
//! as Terraform's validate walk checks it: every resource, data source and ephemeral resource
//! body evaluates (with resource values unknown), and so do their conditions, provisioners and
//! connection blocks, the outputs (with their preconditions) and every local.

use super::{kind_of, moves};
use crate::blueprint::config::{Mode, Module, Resource};
use crate::blueprint::eval::Bindings;
use crate::blueprint::marks::Marks;
use crate::blueprint::provisioners;
use crate::blueprint::scope::{Context, Expansion};
use crate::diag::{DResult, Diag};
use crate::provider::Registry;
use crate::schema::Schema;
use crate::value::Value;
use indexmap::IndexMap;

/// Validates a blueprint against the registry without any AWS call: every resource type
/// exists, and every resource body evaluates with resource values unknown. `inputs` are the root
/// variables: real values for the check before a plan, unknown ones for `validate` (as
/// Terraform's validate evaluates). Blocks with no instances (`count = 0`, an empty
/// `for_each`) are checked for argument names only: Terraform never evaluates their bodies, and
/// public modules guard values with the same condition as the count.
///
/// Returns warnings: configurations that are valid but risky, as the resource types judge them
/// (a policy allowing `*`), with their address and location.
pub fn validate(root: &Module, registry: &Registry, inputs: &IndexMap<String, Value>) -> DResult<Vec<Diag>> {
    validate_with(root, registry, inputs, false)
}

/// [`validate`] as the `validate` command runs it: child modules' input variables are unknown
/// too, as Terraform validates a module for any value a caller could pass (a module whose
/// variable defaults to null and is checked with `RequiredWith` passes, as it does there).
pub fn validate_as_command(root: &Module, registry: &Registry, inputs: &IndexMap<String, Value>) -> DResult<Vec<Diag>> {
    validate_with(root, registry, inputs, true)
}

fn validate_with(
    root: &Module,
    registry: &Registry,
    inputs: &IndexMap<String, Value>,
    module_inputs_unknown: bool,
) -> DResult<Vec<Diag>> {
    moves::check(root)?;
    crate::provider::check_required_providers(root)?;
    let unknown = crate::blueprint::scope::AllUnknown;
    let mut ctx = Context::new(root, inputs, &unknown);
    ctx.validating = true;
    ctx.module_inputs_unknown = module_inputs_unknown;
    let mut warnings = Vec::new();
    // Every resource, output, local and check is checked; each failure is collected so one run
    // reports every problem, as `terraform validate` does.
    let mut errors = Vec::new();
    for (path, module) in root.walk() {
        let instances = ctx.module_instances(&path)?;
        for res in module.resources.values() {
            if let Err(d) = check_resource(&ctx, registry, res, &instances, &mut warnings) {
                errors.push(d);
            }
        }
        for module_path in &instances {
            // Preconditions and ephemeral rules are checked with each value. A root output
            // must declare what it shows sensitive, as far as validate sees marks (module
            // outputs carry none until the plan, as in Terraform).
            for (name, out) in &module.outputs {
                let checked = ctx.output_marked(module_path, name, &out.loc).and_then(|(_, marks)| {
                    if module_path.is_empty() {
                        super::check_root_output(out, &marks)?;
                    }
                    Ok(())
                });
                errors.extend(checked.err());
            }
            // Every local, used or not, as Terraform validates them.
            for (name, local) in &module.locals {
                errors.extend(ctx.local(module_path, name, &local.loc).err());
            }
            for check in module.checks.values() {
                for a in &check.asserts {
                    errors.extend(ctx.eval(module_path, &a.condition, &Bindings::default()).err());
                    errors.extend(ctx.eval(module_path, &a.error_message, &Bindings::default()).err());
                }
            }
        }
    }
    match Diag::all(errors) {
        Some(d) => Err(d),
        None => Ok(warnings),
    }
}

/// Checks one resource, data source or ephemeral block in every instance of its module,
/// collecting the warnings its type finds.
fn check_resource(
    ctx: &Context,
    registry: &Registry,
    res: &Resource,
    instances: &[Vec<crate::address::ModuleStep>],
    warnings: &mut Vec<Diag>,
) -> DResult<()> {
    let implemented = match res.mode {
        Mode::Managed => registry.resource(&res.type_name).map(|r| r.schema()),
        Mode::Data => registry.data_source(&res.type_name).map(|d| d.schema()),
        Mode::Ephemeral => registry.ephemeral(&res.type_name).map(|e| e.schema()),
    };
    // A type the provider has and infractl does not implement yet is checked against the
    // provider's schema; only planning instances of it is refused.
    let published = registry.unimplemented(kind_of(res.mode), &res.type_name);
    let Some(schema) = implemented.or(published.as_deref()) else {
        return Err(unsupported_type(registry, res));
    };
    if instances.is_empty() {
        Context::check_names(&res.body, schema)?;
    }
    for module_path in instances {
        let address = format!("{}{}", crate::address::module_prefix(module_path), res.key());
        let bindings = match ctx.expand(module_path, res)? {
            Expansion::Known(i) if i.is_empty() => {
                Context::check_names(&res.body, schema).map_err(|d| d.address(&address))?;
                continue;
            }
            Expansion::Known(mut i) => i.remove(0).1,
            Expansion::Unknown => Bindings {
                count_index: res.count.as_ref().map(|_| Value::Unknown),
                each: res.for_each.as_ref().map(|_| (Value::Unknown, Value::Unknown)),
                ..Default::default()
            },
        };
        let (config, marks) = ctx
            .eval_body_marked(module_path, &res.body, schema, &bindings)
            .map_err(|d| d.address(&address))?;
        if res.mode != Mode::Ephemeral {
            Context::forbid_ephemeral(&res.body, schema, &marks).map_err(|d| d.address(&address))?;
        }
        let checked = match res.mode {
            Mode::Managed => registry.resource(&res.type_name).map(|r| r.check_config(&config)),
            Mode::Data => registry.data_source(&res.type_name).map(|d| d.check_config(&config)),
            Mode::Ephemeral => registry.ephemeral(&res.type_name).map(|e| e.check_config(&config)),
        };
        if let Some(Err(m)) = checked {
            return Err(Diag::new(format!("Invalid configuration for {}", res.type_name))
                .detail(m)
                .at(&res.loc)
                .address(&address));
        }
        let findings = match res.mode {
            Mode::Managed => registry.resource(&res.type_name).map(|r| r.lint(&config)),
            Mode::Data => registry.data_source(&res.type_name).map(|d| d.lint(&config)),
            Mode::Ephemeral => None,
        };
        for finding in findings.unwrap_or_default() {
            warnings.push(Diag::warning(finding).at(&res.loc).address(&address));
        }
        lifecycle(ctx, module_path, res, &bindings).map_err(|d| d.address(&address))?;
    }
    Ok(())
}

/// The error for a block of a type infractl does not know at all.
fn unsupported_type(registry: &Registry, res: &Resource) -> Diag {
    let (kind, names) = match res.mode {
        Mode::Managed => ("resource", registry.resource_names()),
        Mode::Data => ("data source", registry.data_source_names()),
        Mode::Ephemeral => ("ephemeral resource", registry.ephemeral_names()),
    };
    let provider = crate::provider::provider_of(&res.type_name);
    let why = if crate::provider::runs_provider(provider) {
        String::new()
    } else {
        format!(
            "It belongs to provider \"{provider}\", which infractl does not run (it runs aws, {}). ",
            crate::provider::builtin::PROVIDERS.join(", ")
        )
    };
    Diag::new(format!("Unsupported {kind} type \"{}\"", res.type_name))
        .detail(format!(
            "{why}infractl supports these {kind} types: {}.",
            names.join(", ")
        ))
        .at(&res.loc)
}

/// The lifecycle parts of one instance evaluate: its conditions (a postcondition's `self`
/// unknown) and its provisioners and connection blocks against their schemas.
fn lifecycle(ctx: &Context, path: &[crate::address::ModuleStep], res: &Resource, bindings: &Bindings) -> DResult<()> {
    let with_self = bindings.with_self((Value::Unknown, Marks::none()));
    for c in &res.lifecycle.preconditions {
        ctx.eval(path, &c.condition, bindings)?;
        ctx.eval(path, &c.error_message, bindings)?;
    }
    for c in &res.lifecycle.postconditions {
        ctx.eval(path, &c.condition, &with_self)?;
        ctx.eval(path, &c.error_message, &with_self)?;
    }
    if let Some(conn) = &res.connection {
        ctx.eval_body(path, conn, &provisioners::connection_schema(), &with_self)?;
    }
    for p in &res.provisioners {
        let schema: Schema = provisioners::schema(&p.kind).unwrap_or_default();
        let config = ctx.eval_body(path, &p.body, &schema, &with_self)?;
        provisioners::check_config(p, &config)?;
        if let Some(conn) = &p.connection {
            ctx.eval_body(path, conn, &provisioners::connection_schema(), &with_self)?;
        }
    }
    Ok(())
}
