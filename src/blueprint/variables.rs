//! Root module input variables: defaults, `TF_VAR_*`, `terraform.tfvars`, `*.auto.tfvars`,
//! `-var-file` and `-var`, in Terraform's order of precedence, converted to their declared types
//! and checked by their `validation` blocks.

use super::config::{parse_file, Module, Variable};
use super::eval::{self, Bindings, Resolver};
use super::source::{Expr, Loc, SourceFile};
use super::types::TypeConstraint;
use crate::diag::{DResult, Diag};
use crate::value::Value;
use hcl_edit::structure::Structure;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// One `-var` or `-var-file` argument, in command-line order.
#[derive(Debug, Clone)]
pub enum VarArg {
    /// `-var NAME=VALUE`.
    Var(String),
    /// `-var-file PATH`.
    File(PathBuf),
}

/// A raw input before conversion: either text (from `-var` or the environment) or a parsed value.
enum Raw {
    Text(String, String),
    Value(Value, Loc),
}

/// Collects and converts the values of the root module's variables.
pub fn collect(root: &Module, args: &[VarArg], warnings: &mut Vec<String>) -> DResult<IndexMap<String, Value>> {
    collect_with(root, args, &IndexMap::new(), warnings)
}

/// The root variables as `validate` evaluates them: unknown, as Terraform's validate does,
/// except those given with `-var` on the command line.
pub fn validation_inputs(
    root: &Module,
    args: &[VarArg],
    warnings: &mut Vec<String>,
) -> DResult<IndexMap<String, Value>> {
    let given: Vec<&str> = args
        .iter()
        .filter_map(|a| match a {
            VarArg::Var(text) => text.split_once('=').map(|(n, _)| n.trim()),
            VarArg::File(_) => None,
        })
        .collect();
    let unknown: IndexMap<String, Value> = root
        .variables
        .keys()
        .filter(|n| !given.contains(&n.as_str()))
        .map(|n| (n.clone(), Value::Unknown))
        .collect();
    collect_with(root, args, &unknown, warnings)
}

/// [`collect`], with values already decided (a saved plan's) taking precedence over every
/// other source.
pub fn collect_with(
    root: &Module,
    args: &[VarArg],
    preset: &IndexMap<String, Value>,
    warnings: &mut Vec<String>,
) -> DResult<IndexMap<String, Value>> {
    let mut raw: IndexMap<String, Raw> = IndexMap::new();
    for (name, _) in &root.variables {
        if let Ok(text) = std::env::var(format!("TF_VAR_{name}")) {
            raw.insert(
                name.clone(),
                Raw::Text(text, format!("environment variable TF_VAR_{name}")),
            );
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let tfvars = root.dir.join("terraform.tfvars");
    if tfvars.is_file() {
        files.push(tfvars);
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(&root.dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".auto.tfvars"))
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    for f in &files {
        read_tfvars(f, root, &mut raw, warnings)?;
    }
    for a in args {
        match a {
            VarArg::File(p) => read_tfvars(p, root, &mut raw, warnings)?,
            VarArg::Var(text) => {
                let (name, value) = text.split_once('=').ok_or_else(|| {
                    Diag::new(format!("Invalid -var option \"{text}\"")).detail("Write it as -var NAME=VALUE.")
                })?;
                let name = name.trim();
                if !root.variables.contains_key(name) {
                    return Err(Diag::new("Value for undeclared variable").detail(format!(
                        "A variable named \"{name}\" was assigned on the command line, but the root module does not declare it."
                    )));
                }
                raw.insert(name.to_string(), Raw::Text(value.to_string(), format!("-var {name}")));
            }
        }
    }
    let mut out = IndexMap::new();
    for (name, decl) in &root.variables {
        if let Some(v) = preset.get(name) {
            out.insert(name.clone(), v.clone());
            continue;
        }
        let tc = decl.type_expr.as_ref().map(TypeConstraint::parse).transpose()?;
        let value = match raw.shift_remove(name) {
            Some(Raw::Text(text, origin)) => {
                let v = if tc.as_ref().is_none_or(TypeConstraint::is_primitive) {
                    Value::String(text)
                } else {
                    parse_value_text(&text, &origin)?
                };
                convert(decl, tc.as_ref(), v, &origin)?
            }
            Some(Raw::Value(v, loc)) => convert(decl, tc.as_ref(), v, &loc.to_string())?,
            None => match &decl.default {
                Some(d) => {
                    let v = eval::eval_constant(d)?;
                    convert(decl, tc.as_ref(), v, &d.loc().to_string())?
                }
                None => {
                    return Err(Diag::new(format!("No value for required variable \"{name}\""))
                        .detail(format!(
                            "The root module variable \"{name}\" is not set and has no default. Set it with -var {name}=..., a tfvars file, or TF_VAR_{name}."
                        ))
                        .at(&decl.loc))
                }
            },
        };
        if value.is_null() && !decl.nullable {
            return Err(Diag::new(format!("Variable \"{name}\" must not be null")).at(&decl.loc));
        }
        validate(decl, &value)?;
        out.insert(name.clone(), value);
    }
    Ok(out)
}

fn convert(decl: &Variable, tc: Option<&TypeConstraint>, v: Value, origin: &str) -> DResult<Value> {
    match tc {
        None => Ok(v),
        Some(t) => t.convert(v).map_err(|m| {
            Diag::new(format!("Invalid value for variable \"{}\"", decl.name))
                .detail(format!("The value given in {origin} is not suitable: {m}."))
                .at(&decl.loc)
        }),
    }
}

fn parse_value_text(text: &str, origin: &str) -> DResult<Value> {
    let file = SourceFile::new(origin, text.to_string());
    let ast = hcl_edit::parser::parse_expr(text)
        .map_err(|e| Diag::new(format!("Invalid expression for {origin}: {}", e.message())))?;
    eval::eval_constant(&Expr::new(ast, &file))
}

fn read_tfvars(path: &Path, root: &Module, raw: &mut IndexMap<String, Raw>, warnings: &mut Vec<String>) -> DResult<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diag::new(format!("Failed to read variables file {}", path.display())).detail(e.to_string()))?;
    let (file, body) = parse_file(&SourceFile::new(path, text))?;
    for s in body.iter() {
        let Structure::Attribute(attr) = s else {
            return Err(
                Diag::new("Blocks are not allowed in a variables file").at(Loc::new(&file, hcl_edit::Span::span(s)))
            );
        };
        let name = attr.key.as_str();
        let loc = Loc::new(&file, hcl_edit::Span::span(attr));
        if !root.variables.contains_key(name) {
            let msg = format!("{loc}: value for undeclared variable \"{name}\" is ignored");
            warnings.push(msg);
            continue;
        }
        let v = eval::eval_constant(&Expr::new(attr.value.clone(), &file))?;
        raw.insert(name.to_string(), Raw::Value(v, loc));
    }
    Ok(())
}

fn validate(decl: &Variable, value: &Value) -> DResult<()> {
    struct OnlyThisVar<'a>(&'a str, &'a Value);
    impl Resolver for OnlyThisVar<'_> {
        fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
            if root == "var" && names.first() == Some(&self.0) {
                return Ok((self.1.clone(), 1));
            }
            Err(Diag::new("Invalid reference in variable validation")
                .detail(format!("A validation condition may refer only to var.{}.", self.0))
                .at(loc))
        }
    }
    for (cond, msg) in &decl.validations {
        let scope = OnlyThisVar(&decl.name, value);
        let ok = eval::eval(cond, &scope, &Bindings::default())?;
        if ok.as_bool() == Some(false) {
            let text = eval::eval(msg, &scope, &Bindings::default())?
                .to_plain_string()
                .unwrap_or_default();
            return Err(Diag::new("Invalid value for variable")
                .detail(format!(
                    "{text}\n\nThis was checked by the validation rule at {}.",
                    cond.loc()
                ))
                .at(&decl.loc));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::load;

    #[test]
    fn precedence_and_conversion() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            r#"
variable "a" { default = "d" }
variable "n" { type = number }
variable "l" {
  type = list(string)
  validation {
    condition     = length(var.l) > 0
    error_message = "l must not be empty."
  }
}
"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "n = 1\nl = [\"x\"]\n").unwrap();
        std::fs::write(dir.path().join("b.auto.tfvars"), "n = 2\n").unwrap();
        let m = load(dir.path()).unwrap();
        let mut w = vec![];
        let v = collect(&m, &[VarArg::Var("a=cli".into())], &mut w).unwrap();
        assert_eq!(v["a"], Value::str("cli"));
        assert_eq!(v["n"], Value::Number(2.0));
        let err = collect(&m, &[VarArg::Var("l=[]".into())], &mut w).unwrap_err();
        assert!(err.detail.unwrap().contains("l must not be empty."));
        let err = collect(&m, &[VarArg::Var("n=abc".into())], &mut w).unwrap_err();
        assert!(err.summary.contains("Invalid value for variable \"n\""));
    }

    #[test]
    fn missing_required_variable_names_its_declaration() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), "\nvariable \"region\" {}\n").unwrap();
        let m = load(dir.path()).unwrap();
        let err = collect(&m, &[], &mut vec![]).unwrap_err();
        assert!(err.summary.contains("region"));
        assert!(err.location.unwrap().ends_with("main.tf:2:1"));
    }
}
