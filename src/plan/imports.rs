//! `import` blocks (Terraform 1.5+): objects that exist in AWS are read by their import id and
//! planned as if state already held them, so the plan shows "will be imported" (and any update
//! the configuration asks for) and the apply records them. Nothing is written before apply.

use super::Planner;
use crate::address::{static_path, Address};
use crate::blueprint::config::{Import, Mode};
use crate::blueprint::eval::Bindings;
use crate::blueprint::scope::{AllUnknown, Context, Expansion};
use crate::blueprint::source::Expr;
use crate::diag::{DResult, Diag};
use crate::provider::CallCtx;
use crate::state::{ResourceState, State, StateMode};
use crate::value::Value;
use hcl_edit::expr::{Expression, TraversalOperator};

impl Planner<'_> {
    /// Reads every import target that state does not hold yet and adds it to `prior`; returns
    /// the imported addresses with their ids.
    pub(super) async fn import(&self, prior: &mut State) -> DResult<Vec<(Address, String)>> {
        let mut out: Vec<(Address, String)> = Vec::new();
        let ctx = Context::new(self.root, self.inputs, &AllUnknown);
        for block in &self.root.imports {
            for (to, id) in targets(&ctx, block)? {
                if out.iter().any(|(a, _)| *a == to) {
                    return Err(Diag::new(format!("Duplicate import configuration for {to}"))
                        .detail("Each address can be imported by one import block instance.")
                        .at(&block.loc));
                }
                if prior.get(&to).is_some() {
                    continue;
                }
                let Some(res) = self
                    .root
                    .descend(&static_path(&to.module))
                    .and_then(|m| m.resources.get(&super::block_key(&to)))
                else {
                    return Err(
                        Diag::new(format!("Configuration for import target does not exist: {to}"))
                            .detail("Add a resource block for the address, then plan again.")
                            .at(&block.loc),
                    );
                };
                let config = match &block.provider {
                    Some(p) => crate::blueprint::providers::root_ref(p),
                    None => crate::blueprint::providers::resolve_resource(self.root, &static_path(&to.module), res)?,
                };
                let provider = (!config.is_root_default()).then(|| config.to_string());
                let rt = self
                    .registry
                    .for_provider(provider.as_deref())
                    .resource(&to.type_name)
                    .ok_or_else(|| Diag::new(format!("Unsupported resource type {}", to.type_name)).at(&block.loc))?;
                let call = CallCtx {
                    stack: String::new(),
                    address: to.to_string(),
                    resumed: false,
                    token: String::new(),
                };
                let live = rt
                    .read(&call, &id, &Value::Null)
                    .await
                    .map_err(|e| e.into_diag("Importing", &to.to_string()))?
                    .ok_or_else(|| {
                        Diag::new(format!("Cannot import non-existent remote object {id}"))
                            .detail(format!("No {} with id {id} was found for {to}.", to.type_name))
                            .at(&block.loc)
                    })?;
                prior.upsert(ResourceState {
                    address: to.clone(),
                    mode: StateMode::Managed,
                    type_name: to.type_name.clone(),
                    id: live.get("id").to_plain_string().unwrap_or_else(|| id.clone()),
                    attributes: live.to_json(),
                    dependencies: vec![],
                    provider,
                    create_before_destroy: res.lifecycle.create_before_destroy,
                    deposed: vec![],
                    tainted: false,
                });
                out.push((to, id));
            }
        }
        Ok(out)
    }
}

/// The (address, id) pairs one import block stands for: one, or one per `for_each` element.
fn targets(ctx: &Context, block: &Import) -> DResult<Vec<(Address, String)>> {
    let bindings: Vec<Bindings> = match &block.for_each {
        None => vec![Bindings::default()],
        Some(fe) => match ctx.expand_meta(&[], None, Some(fe))? {
            Expansion::Known(list) => list.into_iter().map(|(_, b)| b).collect(),
            Expansion::Unknown => {
                return Err(Diag::new("Invalid for_each argument")
                    .detail("The for_each of an import block must be known when planning.")
                    .at(fe.loc()))
            }
        },
    };
    let mut out = Vec::new();
    for b in bindings {
        let to = target_address(ctx, &block.to, &b)?;
        let id = match ctx.eval(&[], &block.id, &b)? {
            Value::String(s) if !s.is_empty() => s,
            Value::Unknown => {
                return Err(Diag::new("Invalid import id argument")
                    .detail("The import ID cannot be known until apply; it must be known when planning.")
                    .at(block.id.loc()))
            }
            other => {
                return Err(Diag::new("Invalid import id argument")
                    .detail(format!(
                        "The import ID must be a non-empty string, not {}.",
                        other.render()
                    ))
                    .at(block.id.loc()))
            }
        };
        out.push((to, id));
    }
    Ok(out)
}

/// `aws_s3_bucket.b[each.key]` as an address, its index expressions evaluated.
fn target_address(ctx: &Context, to: &Expr, b: &Bindings) -> DResult<Address> {
    let bad = |detail: &str| {
        Diag::new("Invalid import address")
            .detail(detail.to_string())
            .at(to.loc())
    };
    let Expression::Traversal(t) = &to.ast else {
        return Err(bad(
            "\"to\" must be a resource address such as aws_vpc.main or module.net.aws_vpc.this[0].",
        ));
    };
    let Expression::Variable(root) = &t.expr else {
        return Err(bad("\"to\" must start with a resource type or module."));
    };
    let mut text = root.as_str().to_string();
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(id) => {
                text.push('.');
                text.push_str(id.as_str());
            }
            TraversalOperator::LegacyIndex(n) => text.push_str(&format!("[{}]", n.value())),
            TraversalOperator::Index(e) => {
                let key = ctx.eval(&[], &Expr::new(e.clone(), &to.file), b)?;
                match key {
                    Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => text.push_str(&format!("[{n}]")),
                    Value::String(s) => text.push_str(&format!("[{}]", serde_json::Value::String(s))),
                    other => {
                        return Err(bad(&format!(
                            "An instance key must be a whole number or a string, not {}.",
                            other.render()
                        )))
                    }
                }
            }
            _ => return Err(bad("Splat expressions are not addresses.")),
        }
    }
    Address::parse(&text)
        .filter(|a| a.mode == Mode::Managed)
        .ok_or_else(|| bad(&format!("\"{text}\" is not a managed resource address.")))
}
