//! Conditions written in the blueprint: `precondition` and `postcondition` blocks (in the
//! `lifecycle` of resources and data sources, `precondition` in outputs) and the `assert` blocks
//! of `check` blocks, read and evaluated as Terraform 1.11 does.
//!
//! A condition is a bool expression with an `error_message`. What a failure means depends on
//! where it is written (an error that stops the object, or a warning for check assertions); this
//! module only says whether a condition holds, is not known yet, or failed, and builds the
//! message Terraform gives for each case.

use super::config::Body;
use super::eval::Bindings;
use super::marks::Mark;
use super::refs;
use super::scope::Context;
use super::source::{Expr, Loc};
use crate::address::ModuleStep;
use crate::diag::{DResult, Diag};
use crate::value::Value;

/// A `condition` with its `error_message`.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Must be true for the condition to hold.
    pub condition: Expr,
    /// Explains a failure; may refer to the same values as the condition.
    pub error_message: Expr,
    /// Where the block starts.
    pub loc: Loc,
}

/// Where a condition is written, which decides the words of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `lifecycle { precondition { ... } }` of a resource or data source.
    ResourcePrecondition,
    /// `lifecycle { postcondition { ... } }` of a resource or data source.
    ResourcePostcondition,
    /// `precondition` of an `output`.
    OutputPrecondition,
    /// `assert` of a `check` block.
    CheckAssertion,
}

impl Kind {
    /// Terraform's name of the kind, the start of its diagnostics' summaries.
    pub fn description(self) -> &'static str {
        match self {
            Kind::ResourcePrecondition => "Resource precondition",
            Kind::ResourcePostcondition => "Resource postcondition",
            Kind::OutputPrecondition => "Module output value precondition",
            Kind::CheckAssertion => "Check block assertion",
        }
    }
}

/// What evaluating a condition found.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// It holds.
    Pass,
    /// It depends on values not known yet; it is evaluated again once they are.
    Unknown,
    /// It does not hold: the diagnostic (an error, or a warning for check assertions) with the
    /// error message and the condition's location.
    Fail(Diag),
}

/// Reads a `precondition`, `postcondition` or `assert` block (`kind` is its block type).
pub fn parse(kind: &str, mut body: Body) -> DResult<Condition> {
    let missing = |name: &str| {
        Diag::new("Missing required argument")
            .detail(format!(
                "The argument \"{name}\" is required, but no definition was found."
            ))
            .at(&body.loc)
    };
    let condition = body
        .attrs
        .shift_remove("condition")
        .ok_or_else(|| missing("condition"))?;
    let error_message = body
        .attrs
        .shift_remove("error_message")
        .ok_or_else(|| missing("error_message"))?;
    if let Some(a) = body.attrs.values().next() {
        return Err(Diag::new("Unsupported argument")
            .detail(format!("An argument named \"{}\" is not expected here.", a.name))
            .at(&a.loc));
    }
    if let Some(b) = body.blocks.first() {
        return Err(Diag::new("Unsupported block type")
            .detail(format!("Blocks of type \"{}\" are not expected here.", b.kind))
            .at(&b.body.loc));
    }
    if refs::roots(&condition.expr).is_empty() {
        return Err(Diag::new(format!("Invalid {kind} expression"))
            .detail("The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.")
            .at(&condition.loc));
    }
    Ok(Condition {
        condition: condition.expr,
        error_message: error_message.expr,
        loc: body.loc,
    })
}

/// Refuses a condition of `block_key`'s own `lifecycle` that names its own block (it must use
/// `self`, in postconditions), as Terraform does.
pub fn check_self_references(kind: &str, conditions: &[Condition], block_key: &str) -> DResult<()> {
    for c in conditions {
        for expr in [&c.condition, &c.error_message] {
            for root in refs::roots(expr) {
                let key = match (root.name.as_str(), root.attrs.as_slice()) {
                    ("data", [t, n, ..]) => format!("data.{t}.{n}"),
                    (t, [n, ..]) => format!("{t}.{n}"),
                    _ => continue,
                };
                if key == block_key {
                    return Err(Diag::new(format!("Invalid reference in {kind}"))
                        .detail(format!("Configuration for {block_key} may not refer to itself."))
                        .at(expr.loc()));
                }
            }
        }
    }
    Ok(())
}

/// Evaluates one condition in module instance `path` with `bindings` (`count.index`, `each`,
/// `self`). Errors in the expressions themselves (a bad reference, a condition that is null or
/// not a bool, a null error message) are errors whatever the kind.
pub fn evaluate(ctx: &Context, path: &[ModuleStep], c: &Condition, b: &Bindings, kind: Kind) -> DResult<Verdict> {
    // The message is evaluated even when the condition holds, so a broken one is found early.
    let (message, message_marks) = ctx.eval_marked(path, &c.error_message, b)?;
    let result = ctx.eval(path, &c.condition, b)?;
    let invalid = |detail: &str| {
        Diag::new("Invalid condition result")
            .detail(detail.to_string())
            .at(c.condition.loc())
    };
    let holds = match &result {
        Value::Unknown => return Ok(Verdict::Unknown),
        Value::Null => {
            return Err(invalid(
                "Condition expression must return either true or false, not null.",
            ))
        }
        v => v.as_bool().ok_or_else(|| {
            invalid(&format!(
                "Invalid condition result value: bool required, not {}.",
                v.type_name()
            ))
        })?,
    };
    let message = match message {
        Value::Null => {
            return Err(Diag::new("Invalid error message")
                .detail("Unsuitable value for error message: must not be null.")
                .at(c.error_message.loc()))
        }
        Value::Unknown => String::new(),
        v => v.to_plain_string().map(|s| s.trim().to_string()).ok_or_else(|| {
            Diag::new("Invalid error message")
                .detail(format!(
                    "Unsuitable value for error message: string required, not {}.",
                    v.type_name()
                ))
                .at(c.error_message.loc())
        })?,
    };
    if holds {
        return Ok(Verdict::Pass);
    }
    let all = message_marks.all();
    let message = if all.has(Mark::SENSITIVE) {
        "This check failed, but its error message refers to sensitive values, so Terraform (and infractl) will not display it.".to_string()
    } else if all.has(Mark::EPHEMERAL) {
        "This check failed, but its error message refers to ephemeral values, so Terraform (and infractl) will not display it.".to_string()
    } else if message.is_empty() {
        "This check failed, but has an invalid error message as described in the other accompanying messages."
            .to_string()
    } else {
        message
    };
    let summary = format!("{} failed", kind.description());
    let d = match kind {
        Kind::CheckAssertion => Diag::warning(summary),
        _ => Diag::new(summary),
    };
    Ok(Verdict::Fail(d.detail(message).at(c.condition.loc())))
}

/// Evaluates conditions in order and stops at the first failure: `Ok(true)` when all hold,
/// `Ok(false)` when one is not known yet (the rest are still checked for failures).
pub fn all_hold(
    ctx: &Context,
    path: &[ModuleStep],
    conditions: &[Condition],
    b: &Bindings,
    kind: Kind,
) -> DResult<bool> {
    let mut known = true;
    for c in conditions {
        match evaluate(ctx, path, c, b, kind)? {
            Verdict::Pass => {}
            Verdict::Unknown => known = false,
            Verdict::Fail(d) => return Err(d),
        }
    }
    Ok(known)
}

/// The "not known yet" warning of a check assertion, as Terraform words it.
pub fn known_after_apply(c: &Condition) -> Diag {
    Diag::warning(format!("{} known after apply", Kind::CheckAssertion.description()))
        .detail("The condition could not be evaluated at this time, a result will be known when this plan is applied.")
        .at(c.condition.loc())
}
