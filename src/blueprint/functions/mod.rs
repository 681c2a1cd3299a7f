//! Terraform's built-in function library, checked against Terraform itself.
//!
//! `terraform metadata functions -json` defines the library: its signatures are kept in
//! `signatures.json` (written by `tests/fixtures/functions/generate.py`), and every call is
//! checked against them first, as Terraform does: the number of arguments, null where null is not
//! allowed, and the conversion of each argument to its parameter's type (`upper(1)` is "1",
//! `abs("-3")` is 3, `join(",", [1, true])` joins strings). The functions themselves live in one
//! submodule per family; `try`, `can`, `templatefile` and `templatestring` need to evaluate
//! expressions and are handled by the evaluator, which uses [`template_vars`] and [`read_file`].
//!
//! Unknown values ("known after apply"): a function called with a wholly unknown argument returns
//! unknown. Arguments that are only partly unknown (a list with one unknown element) also make the
//! result unknown, except for the functions in [`HANDLES_PARTLY_UNKNOWN`], which look inside and
//! give a known answer where Terraform does (`length` of such a list is known).
//!
//! Terraform numbers are 512-bit floats; infractl's are 64-bit (`Value::Number(f64)`), so results
//! that need more precision differ in their last digits (the function table records these).

mod collection;
mod convert;
mod crypto;
mod encoding;
mod filesystem;
#[cfg(test)]
mod fixture;
mod format;
mod ipnet;
mod numeric;
mod re2;
mod signature;
mod string;
pub(crate) mod time;
mod yaml;

pub use filesystem::read_file;
pub use signature::ParamType;
pub use time::Clock;

/// Decodes a YAML document as `yamldecode` does (an OpenAPI body may be YAML as well as JSON).
pub fn yaml_decode(src: &str) -> Result<Value, String> {
    yaml::decode(src)
}

use super::source::Loc;
use crate::diag::{DResult, Diag};
use crate::value::Value;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// What a function call may depend on besides its arguments.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Directory that relative paths of the file functions resolve against. `None` is the
    /// process's working directory, as in Terraform (blueprints use `path.module` to be exact).
    pub base_dir: Option<PathBuf>,
    /// Home directory for `pathexpand`; `None` reads `$HOME`.
    pub home: Option<String>,
    /// What `timestamp()` and `plantimestamp()` return in this phase.
    pub clock: Clock,
}

impl Environment {
    /// A path as the file functions see it: relative paths under [`Environment::base_dir`].
    pub fn resolve(&self, path: &str) -> PathBuf {
        match &self.base_dir {
            Some(base) if !Path::new(path).is_absolute() => base.join(path),
            _ => PathBuf::from(path),
        }
    }
}

/// Functions whose implementation looks inside partly unknown arguments, so that a list with an
/// unknown element still has a known length, keys, or first element.
const HANDLES_PARTLY_UNKNOWN: &[&str] = &[
    "alltrue",
    "anytrue",
    "formatlist",
    "coalesce",
    "coalescelist",
    "concat",
    "contains",
    "element",
    "flatten",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "tolist",
    "tomap",
    "values",
    "zipmap",
    "chunklist",
];

/// Functions that see wholly unknown arguments themselves rather than returning unknown at once.
const HANDLES_UNKNOWN: &[&str] = &["coalesce", "lookup"];

/// The families, each with the names it implements.
const FAMILIES: &[&[&str]] = &[
    string::NAMES,
    format::NAMES,
    collection::NAMES,
    convert::NAMES,
    numeric::NAMES,
    encoding::NAMES,
    yaml::NAMES,
    filesystem::NAMES,
    time::NAMES,
    crypto::NAMES,
    ipnet::NAMES,
    MARKS,
];

/// True when `name` is a function of Terraform's library that infractl implements.
pub fn exists(name: &str) -> bool {
    signature::get(name).is_some() && FAMILIES.iter().any(|f| f.contains(&name))
}

/// What a function of the library returns, as Terraform's metadata declares it: what typing an
/// expression needs of a call.
pub fn return_type(name: &str) -> Option<&'static ParamType> {
    signature::get(name)?.return_type.as_ref()
}

/// Calls a built-in function by name (without a `core::` prefix).
pub fn call(name: &str, args: Vec<Value>, env: &Environment, loc: &Loc) -> DResult<Value> {
    let Some(sig) = signature::get(name).filter(|_| exists(name)) else {
        return Err(unknown_function(name, loc));
    };
    let args = sig.check(name, args).map_err(|e| e.into_diag(name, sig, loc))?;
    let lenient = HANDLES_PARTLY_UNKNOWN.contains(&name);
    let sees_unknown = HANDLES_UNKNOWN.contains(&name);
    let unknown = args.iter().any(|a| {
        if sees_unknown {
            false
        } else if lenient {
            *a == Value::Unknown
        } else {
            a.has_unknown()
        }
    });
    if unknown {
        return Ok(Value::Unknown);
    }
    let mut a = Args { vals: args, env };
    match dispatch(name, &mut a) {
        Some(result) => result.map_err(|e| e.into_diag(name, sig, loc)),
        None => Err(unknown_function(name, loc)),
    }
}

/// The error for a name that is not a function.
pub fn unknown_function(name: &str, loc: &Loc) -> Diag {
    Diag::new("Call to unknown function")
        .detail(format!("There is no function named \"{name}\"."))
        .at(loc)
}

/// Runs the implementation of `name`; `None` when no family has it.
fn dispatch(name: &str, a: &mut Args) -> Option<FResult> {
    string::call(name, a)
        .or_else(|| format::call(name, a))
        .or_else(|| collection::call(name, a))
        .or_else(|| convert::call(name, a))
        .or_else(|| numeric::call(name, a))
        .or_else(|| encoding::call(name, a))
        .or_else(|| yaml::call(name, a))
        .or_else(|| filesystem::call(name, a))
        .or_else(|| time::call(name, a))
        .or_else(|| crypto::call(name, a))
        .or_else(|| ipnet::call(name, a))
        .or_else(|| marks(name, a))
}

const MARKS: &[&str] = &["sensitive", "nonsensitive", "issensitive", "ephemeralasnull"];

/// The functions of value marks, as seen without marks: the evaluator checks their arguments
/// here and then reads or changes the marks itself (see `eval`), so these only pass the value
/// through (`issensitive` answers for an unmarked value).
fn marks(name: &str, a: &mut Args) -> Option<FResult> {
    match name {
        "sensitive" | "nonsensitive" | "ephemeralasnull" => Some(a.get(0).cloned()),
        "issensitive" => Some(Ok(Value::Bool(false))),
        _ => None,
    }
}

/// Why a call failed, in the two shapes Terraform reports.
#[derive(Debug)]
enum FnError {
    /// One argument is unacceptable: "Invalid value for "NAME" parameter: ...".
    Arg(usize, String),
    /// The call as a whole failed: "Call to function "NAME" failed: ...".
    Call(String),
    /// Too few or too many arguments.
    Arity(String, String),
}

impl FnError {
    fn into_diag(self, name: &str, sig: &signature::Signature, loc: &Loc) -> Diag {
        let diag = match self {
            FnError::Arg(i, msg) => Diag::new("Invalid function argument").detail(format!(
                "Invalid value for \"{}\" parameter: {}.",
                sig.param_name(i),
                msg.trim_end_matches('.')
            )),
            FnError::Call(msg) => Diag::new("Error in function call").detail(format!(
                "Call to function \"{name}\" failed: {}.",
                msg.trim_end_matches('.')
            )),
            FnError::Arity(summary, detail) => Diag::new(summary).detail(detail),
        };
        diag.at(loc)
    }
}

impl From<String> for FnError {
    fn from(s: String) -> Self {
        FnError::Call(s)
    }
}

impl From<&str> for FnError {
    fn from(s: &str) -> Self {
        FnError::Call(s.to_string())
    }
}

type FResult = Result<Value, FnError>;

/// The arguments of one call, already converted to their parameters' types.
struct Args<'a> {
    vals: Vec<Value>,
    env: &'a Environment,
}

impl Args<'_> {
    fn len(&self) -> usize {
        self.vals.len()
    }

    fn get(&self, i: usize) -> Result<&Value, FnError> {
        self.vals
            .get(i)
            .ok_or_else(|| FnError::Call(format!("missing argument {}", i + 1)))
    }

    fn str(&self, i: usize) -> Result<&str, FnError> {
        match self.get(i)? {
            Value::String(s) => Ok(s),
            other => Err(FnError::Arg(i, format!("string required, not {}", other.type_name()))),
        }
    }

    fn num(&self, i: usize) -> Result<f64, FnError> {
        match self.get(i)? {
            Value::Number(n) => Ok(*n),
            other => Err(FnError::Arg(i, format!("number required, not {}", other.type_name()))),
        }
    }

    /// A number that must be whole and fit in 64 bits, as Terraform's integer parameters.
    fn int(&self, i: usize) -> Result<i64, FnError> {
        whole(self.num(i)?).map_err(|m| FnError::Arg(i, m))
    }

    fn list(&self, i: usize) -> Result<&[Value], FnError> {
        match self.get(i)? {
            Value::List(items) => Ok(items),
            other => Err(FnError::Arg(i, format!("list required, not {}", other.type_name()))),
        }
    }

    fn map(&self, i: usize) -> Result<&IndexMap<String, Value>, FnError> {
        match self.get(i)? {
            Value::Object(m) => Ok(m),
            other => Err(FnError::Arg(i, format!("map required, not {}", other.type_name()))),
        }
    }
}

/// A number as a whole 64-bit integer, with Terraform's message when it is not one.
fn whole(n: f64) -> Result<i64, String> {
    if n.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) {
        Ok(n as i64)
    } else {
        Err("value must be a whole number, between -9223372036854775808 and 9223372036854775807".into())
    }
}

/// The variables a template (`templatefile`, `templatestring`) may use: a map or object whose keys
/// are valid names. Returns the pairs, or the message Terraform gives.
pub fn template_vars(vars: &Value) -> Result<Vec<(String, Value)>, String> {
    let map = match vars {
        Value::Object(map) => map,
        Value::Null => return Err("invalid vars value: must be a map".into()),
        _ => return Err("invalid vars value: must be a map".into()),
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let mut chars = k.chars();
        let valid = chars.next().is_some_and(|c| c.is_alphabetic())
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(format!(
                "invalid template variable name \"{k}\": must start with a letter, followed by zero or more letters, digits, and underscores"
            ));
        }
        out.push((k.clone(), v.clone()));
    }
    Ok(out)
}

/// The error for a call with too few or too many arguments, in Terraform's words.
fn arity_error(name: &str, sig: &signature::Signature, given: usize) -> FnError {
    let fixed = sig.parameters.len();
    if given < fixed {
        let missing = &sig.parameters[given].name;
        let expects = if sig.variadic_parameter.is_some() {
            format!("at least {fixed}")
        } else {
            fixed.to_string()
        };
        FnError::Arity(
            "Not enough function arguments".into(),
            format!("Function \"{name}\" expects {expects} argument(s). Missing value for \"{missing}\"."),
        )
    } else {
        FnError::Arity(
            "Too many function arguments".into(),
            format!("Function \"{name}\" expects only {fixed} argument(s)."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::source::SourceFile;

    fn c(name: &str, args: Vec<Value>) -> DResult<Value> {
        let f = SourceFile::new("f.tf", String::new());
        call(name, args, &Environment::default(), &Loc::new(&f, Some(0..0)))
    }

    #[test]
    fn arguments_are_checked_against_terraforms_signatures() {
        assert_eq!(c("upper", vec![Value::from(1)]).unwrap(), Value::str("1"));
        let e = c("upper", vec![Value::Null]).unwrap_err();
        assert_eq!(e.summary, "Invalid function argument");
        assert!(e
            .detail
            .unwrap()
            .contains("\"str\" parameter: argument must not be null"));
        let e = c("timestamp", vec![Value::from(1)]).unwrap_err();
        assert_eq!(e.summary, "Too many function arguments");
        let e = c("upper", vec![]).unwrap_err();
        assert_eq!(e.summary, "Not enough function arguments");
    }

    #[test]
    fn unknown_arguments_make_unknown_results_except_where_terraform_looks_inside() {
        assert_eq!(c("upper", vec![Value::Unknown]).unwrap(), Value::Unknown);
        let partly = Value::List(vec![Value::Unknown, Value::str("a")]);
        assert_eq!(c("length", vec![partly.clone()]).unwrap(), Value::from(2));
        assert_eq!(c("jsonencode", vec![partly.clone()]).unwrap(), Value::Unknown);
        assert_eq!(c("element", vec![partly, Value::from(1)]).unwrap(), Value::str("a"));
        // flatten: objects with unknown attributes are known elements; an unknown element
        // may be a list, so the result is unknown.
        let settings = Value::object([("arn", Value::Unknown), ("key", Value::str("r1"))]);
        let nested = Value::List(vec![Value::List(vec![settings.clone()]), Value::List(vec![])]);
        assert_eq!(c("flatten", vec![nested]).unwrap(), Value::List(vec![settings]));
        let unknown_inner = Value::List(vec![Value::List(vec![Value::Unknown]), Value::str("a")]);
        assert_eq!(c("flatten", vec![unknown_inner]).unwrap(), Value::Unknown);
    }

    #[test]
    fn sizes_that_would_exhaust_memory_are_errors() {
        assert!(c("format", vec![Value::str("%999999999d"), Value::from(1)]).is_err());
        assert!(c("indent", vec![Value::from(1_000_000_000), Value::str("a\nb\nc")]).is_err());
        let big = Value::List((0..1000).map(Value::from).collect());
        assert!(c("setproduct", vec![big.clone(), big.clone(), big]).is_err());
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(c("yamldecode", vec![Value::str(deep)]).is_err());
    }

    #[test]
    fn names_outside_the_library_are_unknown_functions() {
        let e = c("frobnicate", vec![]).unwrap_err();
        assert_eq!(e.summary, "Call to unknown function");
        assert!(e.detail.unwrap().contains("frobnicate"));
        assert!(!exists("type"), "type() is console-only in Terraform");
    }
}
