//! `check` blocks: their assertions evaluated once every resource is planned (and again after
//! apply, with the values applied), each in every instance of its module. As in Terraform, a
//! failing assertion, or one whose result is not known yet, is a warning with its message and
//! location; nothing stops. A check whose `data` block could not be read has failed already
//! (that read's warning says why), so its assertions are not evaluated.

use crate::address::{module_prefix, ModuleStep};
use crate::blueprint::conditions::{self, Kind, Verdict};
use crate::blueprint::eval::Bindings;
use crate::blueprint::scope::Context;
use crate::diag::{DResult, Diag};
use std::collections::HashSet;

/// The warnings of every check block of the blueprint. `failed` names the checks (module
/// instance, name) whose data source failed. An assertion that cannot be evaluated at all (a
/// reference to something undeclared, a condition that is not a bool) is an error.
pub fn evaluate(ctx: &Context, failed: &HashSet<(Vec<ModuleStep>, String)>) -> DResult<Vec<Diag>> {
    let mut warnings = Vec::new();
    for (path, module) in ctx.root.walk() {
        if module.checks.is_empty() {
            continue;
        }
        for instance in ctx.module_instances(&path)? {
            for check in module.checks.values() {
                if failed.contains(&(instance.clone(), check.name.clone())) {
                    continue;
                }
                let address = format!("{}check.{}", module_prefix(&instance), check.name);
                for a in &check.asserts {
                    let verdict = conditions::evaluate(ctx, &instance, a, &Bindings::default(), Kind::CheckAssertion)
                        .map_err(|d| d.address(&address))?;
                    match verdict {
                        Verdict::Pass => {}
                        Verdict::Unknown => warnings.push(conditions::known_after_apply(a).address(&address)),
                        Verdict::Fail(d) => warnings.push(d.address(&address)),
                    }
                }
            }
        }
    }
    Ok(warnings)
}
