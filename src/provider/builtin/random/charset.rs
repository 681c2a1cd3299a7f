//! The string generator `random_string` and `random_password` share, with their common
//! schema: `length` characters from the enabled classes (upper, lower, numeric, special, the
//! last replaceable with `override_special`), at least `min_*` of each class, in random order.
//!
//! As in Terraform's provider, a `min_*` count draws from its class even when the class is
//! disabled for the rest (`upper = false, min_upper = 2` gives exactly two capitals), and
//! `min_special` draws from `override_special` when that is set.

use super::{shuffle, Rng};
use crate::provider::PResult;
use crate::schema::{Schema, Type};
use crate::value::Value;

/// The special characters used unless `override_special` replaces them.
pub const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";
const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Characters in the result.
    pub length: usize,
    /// Use upper-case letters.
    pub upper: bool,
    /// Use lower-case letters.
    pub lower: bool,
    /// Use digits.
    pub numeric: bool,
    /// Use special characters.
    pub special: bool,
    /// At least this many upper-case letters.
    pub min_upper: usize,
    /// At least this many lower-case letters.
    pub min_lower: usize,
    /// At least this many digits.
    pub min_numeric: usize,
    /// At least this many special characters.
    pub min_special: usize,
    /// The special characters to use instead of [`DEFAULT_SPECIAL`].
    pub override_special: Option<String>,
}

/// The arguments both types take; `result` (and the password's hash) are added by each.
pub fn schema() -> Schema {
    Schema::new()
        .required("length", Type::Number)
        .force_new()
        .optional("keepers", Type::map_of_strings())
        .force_new()
        .optional("special", Type::Bool)
        .default(true)
        .force_new()
        .optional("upper", Type::Bool)
        .default(true)
        .force_new()
        .optional("lower", Type::Bool)
        .default(true)
        .force_new()
        // `number` is the deprecated spelling of `numeric`; setting either sets both.
        .optional_computed("number", Type::Bool)
        .force_new()
        .optional_computed("numeric", Type::Bool)
        .force_new()
        .optional("min_numeric", Type::Number)
        .default(0)
        .force_new()
        .optional("min_upper", Type::Number)
        .default(0)
        .force_new()
        .optional("min_lower", Type::Number)
        .default(0)
        .force_new()
        .optional("min_special", Type::Number)
        .default(0)
        .force_new()
        .optional("override_special", Type::String)
        .force_new()
}

/// Reads the parameters from a configuration or planned value (defaults for nulls).
pub fn params(v: &Value) -> Result<Params, String> {
    let count = |k: &str| -> Result<usize, String> {
        match v.get(k).as_number() {
            None => Ok(0),
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            Some(n) => Err(format!("{k} must be a whole number of at least 0, not {n}")),
        }
    };
    let flag = |k: &str| v.get(k).as_bool().unwrap_or(true);
    let length = match v.get("length").as_number() {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
        Some(n) => return Err(format!("length must be a whole number of at least 1, not {n}")),
        None => return Err("length is required".into()),
    };
    Ok(Params {
        length,
        upper: flag("upper"),
        lower: flag("lower"),
        // Either spelling set to false turns digits off.
        numeric: flag("numeric") && flag("number"),
        special: flag("special"),
        min_upper: count("min_upper")?,
        min_lower: count("min_lower")?,
        min_numeric: count("min_numeric")?,
        min_special: count("min_special")?,
        override_special: v.get("override_special").as_str().map(str::to_string),
    })
}

/// The checks Terraform's schema validators make, on whatever is known.
pub fn check(config: &Value) -> Result<(), String> {
    let known = ["length", "min_upper", "min_lower", "min_numeric", "min_special"]
        .iter()
        .all(|k| !config.get(k).has_unknown());
    if !known || config.get("length").is_null() {
        return Ok(());
    }
    let p = params(config)?;
    let mins = p.min_upper + p.min_lower + p.min_numeric + p.min_special;
    if p.length < mins {
        return Err(format!(
            "length ({}) must be at least the sum of min_upper, min_lower, min_numeric and min_special ({mins})",
            p.length
        ));
    }
    Ok(())
}

/// Fills `number` and `numeric` in a planned create: setting either sets both, as the
/// provider's plan modifier does; unset, both are true.
pub fn refine(planned: &mut Value, config: &Value) {
    let number = config.get("number").as_bool();
    let numeric = config.get("numeric").as_bool();
    let both = match (number, numeric) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a, a),
        (None, Some(b)) => (b, b),
        (None, None) => (true, true),
    };
    if let Value::Object(m) = planned {
        if !config.get("number").has_unknown() && m.get("number").is_none_or(|v| matches!(v, Value::Unknown)) {
            m.insert("number".into(), Value::Bool(both.0));
        }
        if !config.get("numeric").has_unknown() && m.get("numeric").is_none_or(|v| matches!(v, Value::Unknown)) {
            m.insert("numeric".into(), Value::Bool(both.1));
        }
    }
}

/// The arguments as state records them after a create: defaults filled in.
pub fn settled(planned: &Value, p: &Params) -> Value {
    let mut v = planned.clone();
    if let Value::Object(m) = &mut v {
        m.insert("number".into(), Value::Bool(p.numeric));
        m.insert("numeric".into(), Value::Bool(p.numeric));
    }
    v
}

/// Generates a string.
pub fn generate(p: &Params, rng: &mut dyn Rng) -> PResult<Result<String, String>> {
    let special: Vec<char> = match p.override_special.as_deref() {
        Some(s) if !s.is_empty() => s.chars().collect(),
        _ => DEFAULT_SPECIAL.chars().collect(),
    };
    let class = |s: &str| s.chars().collect::<Vec<char>>();
    let (numeric, lower, upper) = (class(NUMERIC), class(LOWER), class(UPPER));
    let mut all: Vec<char> = Vec::new();
    for (on, chars) in [
        (p.upper, &upper),
        (p.lower, &lower),
        (p.numeric, &numeric),
        (p.special, &special),
    ] {
        if on {
            all.extend(chars.iter().copied());
        }
    }
    let mut out: Vec<char> = Vec::with_capacity(p.length);
    for (min, chars) in [
        (p.min_numeric, &numeric),
        (p.min_lower, &lower),
        (p.min_upper, &upper),
        (p.min_special, &special),
    ] {
        for _ in 0..min {
            out.push(chars[rng.below(chars.len() as u64)? as usize]);
        }
    }
    if out.len() > p.length {
        return Ok(Err(format!(
            "length ({}) must be at least the sum of the min_* counts ({})",
            p.length,
            out.len()
        )));
    }
    let rest = p.length - out.len();
    if rest > 0 && all.is_empty() {
        return Ok(Err(
            "no characters to choose from: at least one of upper, lower, numeric and special must be true".into(),
        ));
    }
    for _ in 0..rest {
        out.push(all[rng.below(all.len() as u64)? as usize]);
    }
    shuffle(rng, &mut out)?;
    Ok(Ok(out.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::super::SystemRng;
    use super::*;

    fn base(length: usize) -> Params {
        Params {
            length,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            min_upper: 0,
            min_lower: 0,
            min_numeric: 0,
            min_special: 0,
            override_special: None,
        }
    }

    fn gen(p: &Params) -> String {
        generate(p, &mut SystemRng).unwrap().unwrap()
    }

    #[test]
    fn length_and_classes_follow_the_settings() {
        for _ in 0..50 {
            let s = gen(&base(32));
            assert_eq!(s.chars().count(), 32);
            assert!(s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || DEFAULT_SPECIAL.contains(c)));
        }
        let only_lower = Params {
            upper: false,
            numeric: false,
            special: false,
            ..base(40)
        };
        assert!(gen(&only_lower).chars().all(|c| c.is_ascii_lowercase()));
        let no_special = Params {
            special: false,
            ..base(200)
        };
        assert!(gen(&no_special).chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn minimums_are_met_even_for_disabled_classes() {
        let p = Params {
            upper: false,
            min_upper: 3,
            min_numeric: 4,
            min_special: 2,
            min_lower: 1,
            ..base(12)
        };
        for _ in 0..50 {
            let s = gen(&p);
            assert_eq!(s.chars().filter(|c| c.is_ascii_uppercase()).count(), 3, "{s}");
            assert!(s.chars().filter(|c| c.is_ascii_digit()).count() >= 4, "{s}");
            assert!(s.chars().filter(|c| DEFAULT_SPECIAL.contains(*c)).count() >= 2, "{s}");
            assert!(s.chars().filter(|c| c.is_ascii_lowercase()).count() >= 1, "{s}");
        }
    }

    #[test]
    fn override_special_replaces_the_special_set() {
        let p = Params {
            upper: false,
            lower: false,
            numeric: false,
            min_special: 2,
            override_special: Some("_%".into()),
            ..base(30)
        };
        let s = gen(&p);
        assert!(s.chars().all(|c| c == '_' || c == '%'), "{s}");
        assert!(s.contains('_') && s.contains('%'), "30 draws from 2 characters: {s}");
    }

    #[test]
    fn impossible_settings_are_errors() {
        let none = Params {
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            ..base(5)
        };
        assert!(generate(&none, &mut SystemRng).unwrap().is_err());
        let too_many = Params {
            min_upper: 4,
            min_lower: 4,
            ..base(6)
        };
        assert!(generate(&too_many, &mut SystemRng).unwrap().is_err());
        let cfg = Value::object([("length", Value::from(3)), ("min_numeric", Value::from(5))]);
        assert!(check(&cfg).unwrap_err().contains("sum"));
        assert!(check(&Value::object([("length", Value::Unknown)])).is_ok());
    }

    #[test]
    fn numeric_and_its_old_spelling_agree() {
        let cfg = Value::object([("length", Value::from(8)), ("number", Value::Bool(false))]);
        let p = params(&cfg).unwrap();
        assert!(!p.numeric);
        let mut planned = Value::object([("number", Value::Bool(false)), ("numeric", Value::Unknown)]);
        refine(&mut planned, &cfg);
        assert_eq!(planned.get("numeric"), &Value::Bool(false));
        let mut planned = Value::object([("number", Value::Unknown), ("numeric", Value::Unknown)]);
        refine(&mut planned, &Value::object([("length", Value::from(8))]));
        assert_eq!(planned.get("number"), &Value::Bool(true));
    }
}
