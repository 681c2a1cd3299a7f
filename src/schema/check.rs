//! What blueprint evaluation asks the schema before it accepts a value: is the argument
//! implemented (or left unset), does the value pass the provider's validators, do the block's
//! arguments satisfy its rules and item limits. The answers are diagnostics without a location;
//! the evaluator adds the file and line it knows.

use super::validators::is_set;
use super::{AttrSchema, BlockSchema, Schema, Support};
use crate::diag::Diag;
use crate::value::Value;
use indexmap::IndexMap;

fn dotted(schema: &Schema, name: &str) -> String {
    if schema.path.is_empty() {
        name.to_string()
    } else {
        format!("{}.{name}", schema.path)
    }
}

fn not_yet(schema: &Schema, name: &str) -> Diag {
    Diag::new(format!("`{}` is not supported by infractl yet", dotted(schema, name))).detail(
        "The AWS provider has this argument, but infractl does not implement it yet: it is accepted only when null or absent.",
    )
}

/// Checks one evaluated argument: implemented or unset, and valid.
pub fn attr(schema: &Schema, name: &str, a: &AttrSchema, v: &Value) -> Result<(), Diag> {
    if a.support == Support::NotYet && is_set(v) && *v != Value::Unknown {
        return Err(not_yet(schema, name));
    }
    for validator in &a.validators {
        validator.check(v).map_err(|m| {
            Diag::new(format!("Invalid value for \"{name}\"")).detail(format!("{}: {m}.", dotted(schema, name)))
        })?;
    }
    Ok(())
}

/// Checks that `count` blocks of a nested block type may be written.
pub fn block(schema: &Schema, name: &str, b: &BlockSchema, count: usize) -> Result<(), Diag> {
    if b.support == Support::NotYet && count > 0 {
        return Err(not_yet(schema, name));
    }
    Ok(())
}

/// Turns the value of an "attributes as blocks" argument written as an attribute
/// (`ingress = [...]`) into the blocks it stands for, checked as blocks would be.
pub fn attribute_as_blocks(schema: &Schema, name: &str, b: &BlockSchema, v: Value) -> Result<Value, Diag> {
    let ty = b.as_attribute.as_ref().unwrap_or(&super::Type::Any);
    let v = ty
        .convert(v)
        .map_err(|m| Diag::new(format!("Incorrect attribute value type for \"{name}\"")).detail(m))?;
    let items = match &v {
        Value::List(items) => items,
        // Null is no blocks; unknown stays unknown until apply.
        _ => return Ok(v),
    };
    block(schema, name, b, items.len())?;
    for item in items {
        for (field, a) in &b.schema.attrs {
            let fv = item.get(field);
            if a.required && fv.is_null() {
                return Err(Diag::new(format!("Missing required argument \"{field}\""))
                    .detail(format!("Each element of \"{name}\" needs \"{field}\".")));
            }
            attr(&b.schema, field, a, fv)?;
        }
    }
    Ok(v)
}

/// Checks an evaluated block as a whole: rules between its arguments and the fewest nested
/// blocks each type needs.
pub fn object(schema: &Schema, obj: &IndexMap<String, Value>) -> Result<(), Diag> {
    for rule in &schema.rules {
        rule.check(obj).map_err(|m| {
            let place = if schema.path.is_empty() {
                "this block".to_string()
            } else {
                format!("`{}`", schema.path)
            };
            Diag::new("Invalid combination of arguments").detail(format!("In {place}, {m}."))
        })?;
    }
    for (name, b) in &schema.blocks {
        if b.min_items == 0 {
            continue;
        }
        let n = match obj.get(*name) {
            Some(Value::List(items)) => items.len(),
            Some(Value::Unknown) => continue,
            _ => 0,
        };
        if n < b.min_items {
            return Err(Diag::new(format!("Insufficient {name} blocks")).detail(format!(
                "At least {} \"{name}\" block{} required.",
                b.min_items,
                if b.min_items == 1 { " is" } else { "s are" }
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::validators::{one_of, Rule};
    use crate::schema::{Nesting, Type};

    fn schema() -> Schema {
        let mut s = Schema::new()
            .optional("tenancy", Type::String)
            .optional("ipam", Type::String)
            .block("logs", Nesting::List, Schema::new());
        s.path = "aws_thing".into();
        s.attrs
            .get_mut("tenancy")
            .unwrap()
            .validators
            .push(one_of(&["default"]));
        s.attrs.get_mut("ipam").unwrap().support = Support::NotYet;
        s.blocks.get_mut("logs").unwrap().support = Support::NotYet;
        s.rules.push(Rule::Conflicts(&["tenancy", "ipam"]));
        s
    }

    #[test]
    fn unimplemented_arguments_pass_only_unset() {
        let s = schema();
        let a = &s.attrs["ipam"];
        assert!(attr(&s, "ipam", a, &Value::Null).is_ok());
        assert!(attr(&s, "ipam", a, &Value::Unknown).is_ok());
        let e = attr(&s, "ipam", a, &Value::str("pool-1")).unwrap_err();
        assert_eq!(e.summary, "`aws_thing.ipam` is not supported by infractl yet");
        assert!(block(&s, "logs", &s.blocks["logs"], 0).is_ok());
        assert!(block(&s, "logs", &s.blocks["logs"], 1).is_err());
    }

    #[test]
    fn validators_and_rules_name_the_argument() {
        let s = schema();
        let e = attr(&s, "tenancy", &s.attrs["tenancy"], &Value::str("x")).unwrap_err();
        assert_eq!(e.summary, "Invalid value for \"tenancy\"");
        assert!(e
            .detail
            .unwrap()
            .contains("aws_thing.tenancy: expected one of \"default\""));
        let obj: IndexMap<String, Value> = [
            ("tenancy".to_string(), Value::str("default")),
            ("ipam".to_string(), Value::str("p")),
        ]
        .into();
        assert!(object(&s, &obj).is_err());
    }
}
