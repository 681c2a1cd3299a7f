//! Terraform's function signatures and the conversion of arguments to parameter types.
//!
//! The signatures come from `terraform metadata functions -json` (kept in `signatures.json`), so
//! the number of arguments, which ones may be null, and what each is converted to are Terraform's
//! own, not restated here by hand.

use super::convert::{to_bool, to_number, to_string, unify};
use super::{arity_error, FnError};
use crate::value::Value;
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A parameter type as the metadata spells it: `"string"`, `["list", "string"]`, ...
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ParamType {
    /// `string`, `number`, `bool` or `dynamic` (any type, not converted).
    Primitive(String),
    /// `["list", T]`, `["set", T]` or `["map", T]`.
    Collection(String, Box<ParamType>),
}

/// One parameter.
#[derive(Debug, Clone, Deserialize)]
pub struct Param {
    /// Its name, used in error messages.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// Whether null is accepted.
    #[serde(default)]
    pub is_nullable: bool,
}

/// One function's signature.
#[derive(Debug, Clone, Deserialize)]
pub struct Signature {
    /// Fixed parameters.
    #[serde(default)]
    pub parameters: Vec<Param>,
    /// The parameter that takes any number of further arguments, if any.
    #[serde(default)]
    pub variadic_parameter: Option<Param>,
    /// What it returns (`dynamic` where that depends on the arguments).
    #[serde(default)]
    pub return_type: Option<ParamType>,
}

static SIGNATURES: OnceLock<HashMap<String, Signature>> = OnceLock::new();

/// The signature of a function of Terraform's library.
pub fn get(name: &str) -> Option<&'static Signature> {
    SIGNATURES
        .get_or_init(|| {
            serde_json::from_str(include_str!("signatures.json")).expect("signatures.json is valid (generated)")
        })
        .get(name)
}

/// Every function name of the library.
#[cfg(test)]
pub fn names() -> Vec<&'static str> {
    get("upper");
    SIGNATURES
        .get()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

impl Signature {
    /// The parameter that receives argument `i`.
    fn param(&self, i: usize) -> Option<&Param> {
        self.parameters.get(i).or(self.variadic_parameter.as_ref())
    }

    /// The name of the parameter that receives argument `i`.
    pub fn param_name(&self, i: usize) -> &str {
        self.param(i).map(|p| p.name.as_str()).unwrap_or("?")
    }

    /// Checks the number of arguments and converts each to its parameter's type.
    pub(super) fn check(&self, name: &str, args: Vec<Value>) -> Result<Vec<Value>, FnError> {
        if args.len() < self.parameters.len()
            || (self.variadic_parameter.is_none() && args.len() > self.parameters.len())
        {
            return Err(arity_error(name, self, args.len()));
        }
        args.into_iter()
            .enumerate()
            .map(|(i, v)| {
                let p = self.param(i).expect("arity checked above");
                if v.is_null() {
                    return if p.is_nullable {
                        Ok(v)
                    } else {
                        Err(FnError::Arg(i, "argument must not be null".into()))
                    };
                }
                convert(v, &p.ty).map_err(|m| FnError::Arg(i, m))
            })
            .collect()
    }
}

/// Converts a value to a parameter type, as Terraform converts function arguments. Unknown parts
/// stay unknown.
pub fn convert(v: Value, ty: &ParamType) -> Result<Value, String> {
    if v == Value::Unknown {
        return Ok(v);
    }
    match ty {
        ParamType::Primitive(p) => match p.as_str() {
            "string" => to_string(&v).map(Value::String),
            "number" => to_number(&v).map(Value::Number),
            "bool" => to_bool(&v).map(Value::Bool),
            _ => Ok(v),
        },
        ParamType::Collection(kind, elem) => match (kind.as_str(), v) {
            ("list" | "set", Value::List(items)) => {
                let items = match &**elem {
                    ParamType::Primitive(d) if d == "dynamic" => unify(items)?,
                    elem => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| {
                            if x.is_null() {
                                Ok(x)
                            } else {
                                convert(x, elem).map_err(|m| format!("element {i}: {m}"))
                            }
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                };
                Ok(Value::List(if kind == "set" {
                    super::convert::set_of(items)
                } else {
                    items
                }))
            }
            ("map", Value::Object(map)) => {
                let converted: IndexMap<String, Value> = map
                    .into_iter()
                    .map(|(k, x)| {
                        if x.is_null() {
                            Ok((k, x))
                        } else {
                            convert(x, elem)
                                .map(|x| (k.clone(), x))
                                .map_err(|m| format!("element \"{k}\": {m}"))
                        }
                    })
                    .collect::<Result<_, String>>()?;
                Ok(Value::Object(converted))
            }
            ("list", other) => Err(format!(
                "list of {} required, not {}",
                describe(elem),
                other.type_name()
            )),
            ("set", other) => Err(format!("set of {} required, not {}", describe(elem), other.type_name())),
            (_, other) => Err(format!("map of {} required, not {}", describe(elem), other.type_name())),
        },
    }
}

fn describe(ty: &ParamType) -> String {
    match ty {
        ParamType::Primitive(p) if p == "dynamic" => "any type".into(),
        ParamType::Primitive(p) => p.clone(),
        ParamType::Collection(k, e) => format!("{k} of {}", describe(e)),
    }
}
