//! Variable type constraints (`string`, `list(string)`, `object({...})`, `optional(...)`) and the
//! conversion of input values to them.

use super::source::Expr;
use crate::diag::{DResult, Diag};
use crate::value::Value;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;
use indexmap::IndexMap;

/// A parsed type constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeConstraint {
    /// `any`.
    Any,
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `list(T)`.
    List(Box<TypeConstraint>),
    /// `set(T)`.
    Set(Box<TypeConstraint>),
    /// `map(T)`.
    Map(Box<TypeConstraint>),
    /// `tuple([...])`.
    Tuple(Vec<TypeConstraint>),
    /// `object({...})`: attribute types, whether optional, and optional defaults.
    Object(IndexMap<String, (TypeConstraint, bool, Option<Value>)>),
}

impl TypeConstraint {
    /// Parses a `type = ...` expression.
    pub fn parse(expr: &Expr) -> DResult<TypeConstraint> {
        parse_inner(expr, &expr.ast)
    }

    /// True for primitive types, whose `-var` values are taken as raw strings.
    pub fn is_primitive(&self) -> bool {
        matches!(
            self,
            TypeConstraint::String | TypeConstraint::Number | TypeConstraint::Bool
        )
    }

    /// Converts a value to this type, or explains why it cannot be.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        if matches!(v, Value::Null | Value::Unknown) {
            return Ok(v);
        }
        use TypeConstraint::*;
        match self {
            Any => Ok(v),
            String => v
                .to_plain_string()
                .map(Value::String)
                .ok_or_else(|| format!("string required, got {}", v.type_name())),
            Number => v
                .as_number()
                .map(Value::Number)
                .ok_or_else(|| format!("number required, got {}", v.type_name())),
            Bool => v
                .as_bool()
                .map(Value::Bool)
                .ok_or_else(|| format!("bool required, got {}", v.type_name())),
            List(t) | Set(t) => match v {
                Value::List(items) => {
                    let mut out = items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| t.convert(x).map_err(|e| format!("element {i}: {e}")))
                        .collect::<Result<Vec<_>, _>>()?;
                    if matches!(self, Set(_)) {
                        let mut seen = Vec::new();
                        out.retain(|x| {
                            let dup = seen.contains(x);
                            seen.push(x.clone());
                            !dup
                        });
                    }
                    Ok(Value::List(out))
                }
                other => Err(format!("list required, got {}", other.type_name())),
            },
            Tuple(ts) => match v {
                Value::List(items) if items.len() == ts.len() => items
                    .into_iter()
                    .zip(ts)
                    .map(|(x, t)| t.convert(x))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::List),
                other => Err(format!(
                    "tuple of {} elements required, got {}",
                    ts.len(),
                    other.type_name()
                )),
            },
            Map(t) => match v {
                Value::Object(m) => m
                    .into_iter()
                    .map(|(k, x)| {
                        t.convert(x)
                            .map(|x| (k.clone(), x))
                            .map_err(|e| format!("element \"{k}\": {e}"))
                    })
                    .collect::<Result<IndexMap<_, _>, _>>()
                    .map(Value::Object),
                other => Err(format!("map required, got {}", other.type_name())),
            },
            Object(fields) => match v {
                Value::Object(mut m) => {
                    let mut out = IndexMap::new();
                    for (name, (t, optional, default)) in fields {
                        match m.shift_remove(name) {
                            Some(x) if !x.is_null() => {
                                out.insert(
                                    name.clone(),
                                    t.convert(x).map_err(|e| format!("attribute \"{name}\": {e}"))?,
                                );
                            }
                            // A default is converted to the attribute's type like a given
                            // value, so the nested defaults of an `optional(object(...), {})`
                            // apply to it too (Terraform 1.3+).
                            _ if *optional => {
                                let value = match default {
                                    Some(d) => t
                                        .convert(d.clone())
                                        .map_err(|e| format!("attribute \"{name}\" default: {e}"))?,
                                    None => Value::Null,
                                };
                                out.insert(name.clone(), value);
                            }
                            _ => return Err(format!("attribute \"{name}\" is required")),
                        }
                    }
                    Ok(Value::Object(out))
                }
                other => Err(format!("object required, got {}", other.type_name())),
            },
        }
    }
}

fn parse_inner(file: &Expr, e: &Expression) -> DResult<TypeConstraint> {
    let bad = |what: &str| Diag::new(format!("Invalid type specification: {what}")).at(file.loc_of(e.span()));
    match e {
        Expression::Variable(v) => match v.as_str() {
            "any" => Ok(TypeConstraint::Any),
            "string" => Ok(TypeConstraint::String),
            "number" => Ok(TypeConstraint::Number),
            "bool" => Ok(TypeConstraint::Bool),
            "list" | "set" | "map" => Ok(wrap(v.as_str(), TypeConstraint::Any)),
            other => Err(bad(&format!("unknown type \"{other}\""))),
        },
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            match (name, args.as_slice()) {
                ("list" | "set" | "map", [inner]) => Ok(wrap(name, parse_inner(file, inner)?)),
                ("tuple", [Expression::Array(items)]) => Ok(TypeConstraint::Tuple(
                    items.iter().map(|i| parse_inner(file, i)).collect::<DResult<_>>()?,
                )),
                ("object", [Expression::Object(obj)]) => {
                    let mut fields = IndexMap::new();
                    for (k, v) in obj.iter() {
                        let key = match k {
                            ObjectKey::Ident(id) => id.as_str().to_string(),
                            ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                            _ => return Err(bad("object attribute names must be identifiers")),
                        };
                        fields.insert(key, parse_field(file, v.expr())?);
                    }
                    Ok(TypeConstraint::Object(fields))
                }
                _ => Err(bad(&format!("{name}(...) is not a type"))),
            }
        }
        _ => Err(bad("expected a type such as string or list(string)")),
    }
}

fn parse_field(file: &Expr, e: &Expression) -> DResult<(TypeConstraint, bool, Option<Value>)> {
    if let Expression::FuncCall(call) = e {
        if call.name.name.as_str() == "optional" {
            let args: Vec<&Expression> = call.args.iter().collect();
            let t = parse_inner(
                file,
                args.first()
                    .ok_or_else(|| Diag::new("optional() needs a type").at(file.loc()))?,
            )?;
            let default = match args.get(1) {
                Some(d) => Some(literal(file, d)?),
                None => None,
            };
            return Ok((t, true, default));
        }
    }
    Ok((parse_inner(file, e)?, false, None))
}

/// Defaults inside `optional()` must be constants; evaluate them without any scope.
fn literal(file: &Expr, e: &Expression) -> DResult<Value> {
    super::eval::eval_constant(&Expr::new(e.clone(), &file.file))
}

fn wrap(name: &str, inner: TypeConstraint) -> TypeConstraint {
    match name {
        "list" => TypeConstraint::List(Box::new(inner)),
        "set" => TypeConstraint::Set(Box::new(inner)),
        _ => TypeConstraint::Map(Box::new(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::source::SourceFile;

    fn tc(text: &str) -> TypeConstraint {
        let f = SourceFile::new("v.tf", text.to_string());
        TypeConstraint::parse(&Expr::new(hcl_edit::parser::parse_expr(text).unwrap(), &f)).unwrap()
    }

    #[test]
    fn parses_and_converts_nested_types() {
        let t = tc("object({ name = string, size = optional(number, 2), tags = map(string) })");
        let v = Value::object([
            ("name", Value::str("a")),
            ("tags", Value::object([("k", Value::from(1))])),
        ]);
        let out = t.convert(v).unwrap();
        assert_eq!(out.get("size"), &Value::Number(2.0));
        assert_eq!(out.get("tags").get("k"), &Value::str("1"));
        assert!(t.convert(Value::object([("size", Value::from(1))])).is_err());
        assert!(tc("list(string)").convert(Value::str("x")).is_err());
    }

    /// `terraform console` on a map of these (terraform-aws-apigateway-v2's `routes`) gives
    /// `create = false`, `key = "$default"`, `deep = { n = 3 }` and null `inner` and `models`
    /// whether `route_response` is absent, null or `{}`: the default `{}` gets the nested defaults.
    #[test]
    fn an_object_default_gets_its_nested_defaults() {
        let t = tc(r#"object({ route_response = optional(object({
            create = optional(bool, false)
            key    = optional(string, "$default")
            inner  = optional(object({ n = optional(number, 3) }))
            deep   = optional(object({ n = optional(number, 3) }), {})
            models = optional(map(string))
        }), {}) })"#);
        let expected = Value::object([
            ("create", Value::Bool(false)),
            ("key", Value::str("$default")),
            ("inner", Value::Null),
            ("deep", Value::object([("n", Value::Number(3.0))])),
            ("models", Value::Null),
        ]);
        for given in [
            Value::object(Vec::<(&str, Value)>::new()),
            Value::object([("route_response", Value::Null)]),
            Value::object([("route_response", Value::object(Vec::<(&str, Value)>::new()))]),
        ] {
            assert_eq!(t.convert(given).unwrap().get("route_response"), &expected);
        }
        let set = t
            .convert(Value::object([(
                "route_response",
                Value::object([("create", Value::Bool(true))]),
            )]))
            .unwrap();
        assert_eq!(set.get("route_response").get("create"), &Value::Bool(true));
        assert_eq!(set.get("route_response").get("deep"), expected.get("deep"));
    }
}
