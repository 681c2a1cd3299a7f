//! The checks a provider runs on configured values before calling AWS (its `ValidateFunc`s and
//! `ConflictsWith`/`ExactlyOneOf` rules), as a small declarative vocabulary that resource types
//! attach to their arguments: `cidr()`, `one_of(&[..])`, `int_between(a, b)`, ...
//!
//! Declarative rather than closures so that every check can say what it allows in its message
//! ("expected one of ...") and so a type's declaration reads like the provider's schema.
//! Unknown values pass: they are checked again once known (at apply, before the call).

use crate::value::Value;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Mutex;

/// One check of a configured value. On a list, set or map it checks each element, as the
/// provider's element validators do.
#[derive(Debug, Clone, PartialEq)]
pub enum Validator {
    /// An IPv4 or IPv6 CIDR block (`10.0.0.0/16`, `2001:db8::/32`).
    Cidr,
    /// An IPv4 CIDR block whose address is its network address.
    Ipv4CidrNetwork,
    /// An IPv6 CIDR block whose address is its network address.
    Ipv6CidrNetwork,
    /// A CIDR block with no host bits set and a prefix length in this range.
    CidrPrefixBetween(u8, u8),
    /// An IPv4 address.
    Ipv4Address,
    /// An IPv6 address (the provider's `validation.IsIPv6Address`).
    Ipv6Address,
    /// One of these strings, exactly.
    OneOf(&'static [&'static str]),
    /// A whole number in this range, inclusive.
    IntBetween(i64, i64),
    /// A number (fractions allowed) in this range, inclusive (the SDK's `FloatBetween`).
    FloatBetween(f64, f64),
    /// A whole number at least this.
    IntAtLeast(i64),
    /// A whole number at most this.
    IntAtMost(i64),
    /// One of these whole numbers.
    IntIn(&'static [i64]),
    /// A string whose length (in characters) is in this range, inclusive.
    LenBetween(usize, usize),
    /// A string matching this regular expression (anchor it), described in words for messages.
    Matches(&'static str, &'static str),
    /// A string that does not match this regular expression, described in words for messages.
    NotMatches(&'static str, &'static str),
    /// A JSON document.
    Json,
    /// A JSON array (container definitions).
    JsonArray,
    /// An IAM policy document: a JSON object.
    IamPolicy,
    /// An ARN (`arn:partition:service:region:account:resource`).
    Arn,
    /// A duration as Go writes them (`30s`, `10m`, `1h30m`).
    Duration,
    /// A time in RFC 3339 (`2026-11-21T23:20:50Z`), the provider's `IsRFC3339Time`.
    Rfc3339,
    /// Any one of these checks passes.
    AnyOf(Vec<Validator>),
    /// A list or set of at most this many elements (the provider's `MaxItems` on an attribute,
    /// as on `alarm_actions`); checked on the collection, not on each element.
    ItemsAtMost(usize),
    /// A list or set of at least this many elements (the provider's `MinItems` on an
    /// attribute, as on `applied_for`); checked on the collection when it is set.
    ItemsAtLeast(usize),
}

/// An IPv4 or IPv6 CIDR block.
pub fn cidr() -> Validator {
    Validator::Cidr
}
/// An IPv4 CIDR block with no host bits set.
pub fn ipv4_cidr_network() -> Validator {
    Validator::Ipv4CidrNetwork
}
/// An IPv6 CIDR block with no host bits set.
pub fn ipv6_cidr_network() -> Validator {
    Validator::Ipv6CidrNetwork
}
/// A CIDR block with no host bits set and a prefix length from `a` to `b`.
pub fn cidr_prefix_between(a: u8, b: u8) -> Validator {
    Validator::CidrPrefixBetween(a, b)
}
/// An IPv4 address.
pub fn ipv4_address() -> Validator {
    Validator::Ipv4Address
}
/// An IPv6 address.
pub fn ipv6_address() -> Validator {
    Validator::Ipv6Address
}
/// Any one of these checks passes (the provider's `validation.Any`).
pub fn any_of(checks: Vec<Validator>) -> Validator {
    Validator::AnyOf(checks)
}
/// One of these strings.
pub fn one_of(allowed: &'static [&'static str]) -> Validator {
    Validator::OneOf(allowed)
}
/// A whole number between `a` and `b`, inclusive.
pub fn int_between(a: i64, b: i64) -> Validator {
    Validator::IntBetween(a, b)
}
/// A number between `a` and `b`, inclusive, fractions allowed.
pub fn float_between(a: f64, b: f64) -> Validator {
    Validator::FloatBetween(a, b)
}
/// A whole number at least `a`.
pub fn int_at_least(a: i64) -> Validator {
    Validator::IntAtLeast(a)
}
/// A whole number at most `a` (the provider's `IntAtMost`).
pub fn int_at_most(a: i64) -> Validator {
    Validator::IntAtMost(a)
}
/// One of these whole numbers.
pub fn int_in(allowed: &'static [i64]) -> Validator {
    Validator::IntIn(allowed)
}
/// A string of `a` to `b` characters.
pub fn len_between(a: usize, b: usize) -> Validator {
    Validator::LenBetween(a, b)
}
/// A string matching `pattern`; `what` says it in words.
pub fn matches(pattern: &'static str, what: &'static str) -> Validator {
    Validator::Matches(pattern, what)
}
/// A string with at least one character: the provider's StringIsNotEmpty, for names the
/// document or API needs that may otherwise hold anything.
pub fn not_empty() -> Validator {
    Validator::Matches(r"(?s).", "a value that is not empty")
}
/// A string not matching `pattern`; `what` says what is refused.
pub fn not_matches(pattern: &'static str, what: &'static str) -> Validator {
    Validator::NotMatches(pattern, what)
}
/// A JSON document.
pub fn json() -> Validator {
    Validator::Json
}
/// A JSON array.
pub fn json_array() -> Validator {
    Validator::JsonArray
}
/// An IAM policy document.
pub fn iam_policy() -> Validator {
    Validator::IamPolicy
}
/// An ARN.
pub fn arn() -> Validator {
    Validator::Arn
}
/// A Go duration.
pub fn duration() -> Validator {
    Validator::Duration
}
/// An RFC 3339 time.
pub fn rfc3339() -> Validator {
    Validator::Rfc3339
}
/// A list or set of at most `n` elements.
pub fn items_at_most(n: usize) -> Validator {
    Validator::ItemsAtMost(n)
}
/// A list or set of at least `n` elements.
pub fn items_at_least(n: usize) -> Validator {
    Validator::ItemsAtLeast(n)
}

impl Validator {
    /// True for the checks that make a string a JSON document (compared by meaning in plans).
    pub fn is_json(&self) -> bool {
        matches!(self, Validator::Json | Validator::JsonArray | Validator::IamPolicy)
    }

    /// Checks a value; the message says what was expected and what was given.
    pub fn check(&self, v: &Value) -> Result<(), String> {
        match (self, v) {
            (_, Value::Null | Value::Unknown) => Ok(()),
            (Validator::ItemsAtMost(n), Value::List(items)) if items.len() > *n => {
                Err(format!("expected at most {n} items, got {}", items.len()))
            }
            (Validator::ItemsAtMost(_), _) => Ok(()),
            (Validator::ItemsAtLeast(n), Value::List(items)) if items.len() < *n => {
                Err(format!("expected at least {n} items, got {}", items.len()))
            }
            (Validator::ItemsAtLeast(_), _) => Ok(()),
            (_, Value::List(items)) => items.iter().try_for_each(|i| self.check(i)),
            (_, Value::Object(map)) => map.values().try_for_each(|i| self.check(i)),
            _ => self.check_one(v),
        }
    }

    fn check_one(&self, v: &Value) -> Result<(), String> {
        let text = v.to_plain_string().unwrap_or_default();
        let got = || format!("got {}", show(v));
        let number = || v.as_number().ok_or_else(|| format!("expected a number, {}", got()));
        let int = || {
            number().and_then(|n| {
                if n.fract() == 0.0 {
                    Ok(n as i64)
                } else {
                    Err(format!("expected a whole number, {}", got()))
                }
            })
        };
        match self {
            Validator::Cidr => parse_cidr(&text)
                .map(|_| ())
                .ok_or_else(|| format!("expected a CIDR block such as 10.0.0.0/16, {}", got())),
            Validator::Ipv4CidrNetwork => network(&text, Some(true), got),
            Validator::Ipv6CidrNetwork => network(&text, Some(false), got),
            Validator::CidrPrefixBetween(a, b) => {
                network(&text, None, got)?;
                let bits = parse_cidr(&text).map(|n| n.prefix_len()).unwrap_or_default();
                if (*a..=*b).contains(&bits) {
                    Ok(())
                } else {
                    Err(format!("expected a prefix length from /{a} to /{b}, got /{bits}"))
                }
            }
            Validator::Ipv4Address => text
                .parse::<std::net::Ipv4Addr>()
                .map(|_| ())
                .map_err(|_| format!("expected an IPv4 address, {}", got())),
            Validator::Ipv6Address => text
                .parse::<std::net::Ipv6Addr>()
                .map(|_| ())
                .map_err(|_| format!("expected an IPv6 address, {}", got())),
            Validator::AnyOf(checks) => {
                let mut why = Vec::new();
                for c in checks {
                    match c.check_one(v) {
                        Ok(()) => return Ok(()),
                        Err(m) => why.push(m),
                    }
                }
                Err(why.join("; or "))
            }
            // A count of a collection's items: one element alone has nothing to count.
            Validator::ItemsAtMost(_) | Validator::ItemsAtLeast(_) => Ok(()),
            Validator::OneOf(allowed) => {
                if allowed.contains(&text.as_str()) {
                    Ok(())
                } else {
                    Err(format!("expected one of {}; {}", list(allowed), got()))
                }
            }
            Validator::IntBetween(a, b) => {
                let n = int()?;
                if (*a..=*b).contains(&n) {
                    Ok(())
                } else {
                    Err(format!("expected a whole number from {a} to {b}, {}", got()))
                }
            }
            Validator::FloatBetween(a, b) => {
                let n = number()?;
                if (*a..=*b).contains(&n) {
                    Ok(())
                } else {
                    Err(format!("expected a number from {a} to {b}, {}", got()))
                }
            }
            Validator::IntAtLeast(a) => {
                let n = int()?;
                if n >= *a {
                    Ok(())
                } else {
                    Err(format!("expected a whole number of at least {a}, {}", got()))
                }
            }
            Validator::IntAtMost(a) => {
                let n = int()?;
                if n <= *a {
                    Ok(())
                } else {
                    Err(format!("expected a whole number of at most {a}, {}", got()))
                }
            }
            Validator::IntIn(allowed) => {
                let n = int()?;
                if allowed.contains(&n) {
                    Ok(())
                } else {
                    let shown: Vec<String> = allowed.iter().map(|x| x.to_string()).collect();
                    Err(format!("expected one of {}; {}", shown.join(", "), got()))
                }
            }
            Validator::LenBetween(a, b) => {
                let n = text.chars().count();
                if (*a..=*b).contains(&n) {
                    Ok(())
                } else {
                    Err(format!("expected {a} to {b} characters, got {n}: {}", show(v)))
                }
            }
            Validator::Matches(pattern, what) => {
                if regex_matches(pattern, &text) {
                    Ok(())
                } else {
                    Err(format!("expected {what}, {}", got()))
                }
            }
            Validator::NotMatches(pattern, what) => {
                if regex_matches(pattern, &text) {
                    Err(format!("{what} is not allowed, {}", got()))
                } else {
                    Ok(())
                }
            }
            // The provider's StringIsJSON lets an empty string through (NormalizeJsonString reads
            // "" as no document): modules pass "" for "no policy".
            Validator::Json if text.is_empty() => Ok(()),
            Validator::Json => serde_json::from_str::<serde_json::Value>(&text)
                .map(|_| ())
                .map_err(|e| format!("expected a JSON document: {e}")),
            Validator::JsonArray => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Array(_)) => Ok(()),
                Ok(_) => Err("expected a JSON array".into()),
                Err(e) => Err(format!("expected a JSON array: {e}")),
            },
            Validator::IamPolicy => {
                if !text.trim_start().starts_with('{') {
                    return Err("expected a JSON policy document (an object, starting with {)".into());
                }
                serde_json::from_str::<serde_json::Value>(&text)
                    .map(|_| ())
                    .map_err(|e| format!("expected a JSON policy document: {e}"))
            }
            // The provider's ValidARN lets an empty string through: modules pass "" for "none".
            Validator::Arn if text.is_empty() => Ok(()),
            Validator::Arn => valid_arn(&text).map_err(|why| format!("expected an ARN ({why}), {}", got())),
            Validator::Duration => crate::duration::parse_go_duration(&text)
                .map(|_| ())
                .ok_or_else(|| format!("expected a duration such as 30s, 10m or 1h30m, {}", got())),
            Validator::Rfc3339 => time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .map(|_| ())
                .map_err(|_| format!("expected an RFC 3339 time such as 2026-11-21T23:20:50Z, {}", got())),
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_plain_string().unwrap_or_else(|| other.type_name().to_string()),
    }
}

fn list(items: &[&str]) -> String {
    items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

fn parse_cidr(text: &str) -> Option<ipnet::IpNet> {
    // ipnet accepts what Go's net.ParseCIDR accepts, except that it also reads a bare address;
    // a CIDR block always has its prefix length.
    if !text.contains('/') {
        return None;
    }
    text.parse().ok()
}

fn network(text: &str, v4: Option<bool>, got: impl Fn() -> String) -> Result<(), String> {
    let family = match v4 {
        Some(true) => "an IPv4 CIDR block such as 10.0.0.0/16",
        Some(false) => "an IPv6 CIDR block such as 2001:db8::/56",
        None => "a CIDR block such as 10.0.0.0/16",
    };
    let net = parse_cidr(text).ok_or_else(|| format!("expected {family}, {}", got()))?;
    if v4.is_some_and(|four| four != matches!(net, ipnet::IpNet::V4(_))) {
        return Err(format!("expected {family}, {}", got()));
    }
    if net.addr() != net.network() {
        return Err(format!(
            "expected a network address: {text} has host bits set (its network is {}/{})",
            net.network(),
            net.prefix_len()
        ));
    }
    Ok(())
}

/// The ARN checks of the provider (`verify.ValidARN`): partition, service and resource present,
/// region and account well formed when given.
fn valid_arn(text: &str) -> Result<(), &'static str> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return Err("arn:partition:service:region:account:resource");
    }
    let (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
    if !regex_matches(r"^aws(-[a-z]+)*$", partition) {
        return Err("the partition is not aws, aws-cn, aws-us-gov, ...");
    }
    if service.is_empty() {
        return Err("the service is missing");
    }
    if !region.is_empty() && !regex_matches(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", region) {
        return Err("the region is not like us-east-1");
    }
    if !account.is_empty() && !regex_matches(r"^(aws|aws-managed|third-party|\d{12}|cw.{10})$", account) {
        return Err("the account is not 12 digits");
    }
    if resource.is_empty() {
        return Err("the resource is missing");
    }
    Ok(())
}

/// A compiled pattern. Patterns are RE2 (the provider's Go): regex-lite, which the SDK crates
/// already build, reads them with RE2's ASCII-only `\w`, `\d` and `\s`; the few that use
/// Unicode classes (`\p{L}`), which regex-lite lacks, go to the full `regex` crate, which the
/// blueprint functions already build.
enum Pattern {
    Lite(regex_lite::Regex),
    Full(regex::Regex),
}

impl Pattern {
    fn new(pattern: &str) -> Result<Pattern, String> {
        regex_lite::Regex::new(pattern).map(Pattern::Lite).or_else(|lite| {
            regex::Regex::new(pattern)
                .map(Pattern::Full)
                .map_err(|full| format!("{lite}; {full}"))
        })
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Lite(re) => re.is_match(text),
            Pattern::Full(re) => re.is_match(text),
        }
    }
}

/// Why a validator's pattern cannot be used, if it cannot: a declaration's mistake, which
/// would otherwise let every value through (see `regex_matches`).
pub fn pattern_error(pattern: &str) -> Option<String> {
    Pattern::new(pattern).err()
}

fn regex_matches(pattern: &'static str, text: &str) -> bool {
    static CACHE: Mutex<Option<HashMap<&'static str, Pattern>>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    let map = cache.get_or_insert_with(HashMap::new);
    if !map.contains_key(pattern) {
        match Pattern::new(pattern) {
            Ok(re) => {
                map.insert(pattern, re);
            }
            Err(e) => {
                // A declaration's mistake, not the user's: let the value through (the schema
                // test `every_validator_pattern_compiles` keeps this from happening).
                tracing::error!("bad validator pattern {pattern}: {e}");
                return true;
            }
        }
    }
    map.get(pattern).is_some_and(|re| re.is_match(text))
}

/// A rule between arguments of one block, as the provider's schema states them.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// At most one of these may be set (`ConflictsWith`).
    Conflicts(&'static [&'static str]),
    /// Exactly one of these must be set (`ExactlyOneOf`).
    ExactlyOne(&'static [&'static str]),
    /// At least one of these must be set (`AtLeastOneOf`).
    AtLeastOne(&'static [&'static str]),
    /// When the first is set, the others must be too (`RequiredWith`).
    RequiredWith(&'static str, &'static [&'static str]),
}

impl Rule {
    /// Checks an evaluated block (its arguments by name). Unknown values count as set; when the
    /// rule could only fail because of one, it passes for now.
    pub fn check(&self, obj: &IndexMap<String, Value>) -> Result<(), String> {
        let set = |n: &str| obj.get(n).is_some_and(is_set);
        let unknown = |n: &str| obj.get(n).is_some_and(|v| *v == Value::Unknown);
        match self {
            Rule::Conflicts(names) => {
                // Only known values conflict: an unknown one may well turn out null.
                let given: Vec<&str> = names.iter().copied().filter(|n| set(n) && !unknown(n)).collect();
                if given.len() > 1 {
                    return Err(format!(
                        "\"{}\" conflicts with \"{}\"",
                        given[0],
                        given[1..].join("\", \"")
                    ));
                }
                Ok(())
            }
            Rule::ExactlyOne(names) => {
                // Unknown values may turn out set or null: only known ones can break the rule.
                let given = names.iter().filter(|n| set(n) && !unknown(n)).count();
                let open = names.iter().any(|n| unknown(n));
                if given == 1 || (given == 0 && open) {
                    return Ok(());
                }
                Err(format!("exactly one of {} must be set, {given} are", list(names)))
            }
            Rule::AtLeastOne(names) => {
                if names.iter().any(|n| set(n) || unknown(n)) {
                    return Ok(());
                }
                Err(format!("at least one of {} must be set", list(names)))
            }
            Rule::RequiredWith(first, others) => {
                if !set(first) {
                    return Ok(());
                }
                match others.iter().find(|n| !set(n) && !unknown(n)) {
                    Some(missing) => Err(format!("\"{missing}\" must be set when \"{first}\" is")),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Set, as the provider's rules mean it: not null and not an empty collection (zero blocks).
pub fn is_set(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(l) => !l.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn cidrs_like_the_provider() {
        assert!(cidr().check(&s("10.0.0.0/16")).is_ok());
        assert!(cidr().check(&s("10.0.0.0/33")).is_err());
        assert!(cidr().check(&s("10.0.0.300/24")).is_err());
        assert!(cidr().check(&s("10.0.0.0")).is_err());
        assert!(ipv4_cidr_network()
            .check(&s("10.0.0.1/16"))
            .unwrap_err()
            .contains("10.0.0.0/16"));
        assert!(ipv4_cidr_network().check(&s("2001:db8::/32")).is_err());
        assert!(ipv6_cidr_network().check(&s("2001:db8::/32")).is_ok());
        assert!(ipv4_cidr_network()
            .check(&Value::List(vec![s("0.0.0.0/0"), s("10.0.0.0/8")]))
            .is_ok());
        assert!(ipv4_cidr_network()
            .check(&Value::List(vec![s("0.0.0.0/0"), s("1.2.3.4/8")]))
            .is_err());
        assert!(cidr().check(&Value::Unknown).is_ok());
        assert!(cidr_prefix_between(16, 28)
            .check(&s("10.0.0.0/8"))
            .unwrap_err()
            .contains("/16 to /28"));
        assert!(cidr_prefix_between(16, 28).check(&s("10.0.0.0/16")).is_ok());
        assert!(ipv4_address().check(&s("10.0.0.300")).is_err());
        assert!(ipv6_address().check(&s("2001:db8::1")).is_ok());
        assert!(ipv6_address().check(&s("10.0.0.1")).is_err());
    }

    #[test]
    fn times_are_rfc_3339_as_the_provider_reads_them() {
        assert!(rfc3339().check(&s("2023-11-21T23:20:50Z")).is_ok());
        assert!(rfc3339().check(&s("2023-11-21T23:20:50.5+02:00")).is_ok());
        assert!(rfc3339().check(&s("2023-11-21 23:20:50")).is_err());
        assert!(rfc3339().check(&s("2023-02-30T00:00:00Z")).is_err());
        assert!(rfc3339().check(&Value::Unknown).is_ok());
    }

    #[test]
    fn item_limits_count_the_collection_not_its_elements() {
        let five = Value::List((0..5).map(|i| s(&format!("a{i}"))).collect());
        let six = Value::List((0..6).map(|i| s(&format!("a{i}"))).collect());
        assert!(items_at_most(5).check(&five).is_ok());
        assert_eq!(
            items_at_most(5).check(&six).unwrap_err(),
            "expected at most 5 items, got 6"
        );
        assert!(items_at_most(5).check(&Value::Unknown).is_ok());
        assert!(items_at_most(5).check(&Value::List(vec![])).is_ok());
        assert_eq!(
            items_at_least(1).check(&Value::List(vec![])).unwrap_err(),
            "expected at least 1 items, got 0"
        );
        assert!(items_at_least(1).check(&five).is_ok());
        assert!(items_at_least(1).check(&Value::Unknown).is_ok());
    }

    #[test]
    fn enums_numbers_and_lengths_say_what_they_allow() {
        let e = one_of(&["default", "dedicated"]).check(&s("shared")).unwrap_err();
        assert_eq!(e, r#"expected one of "default", "dedicated"; got "shared""#);
        assert!(int_in(&[1, 3, 5])
            .check(&Value::Number(8.0))
            .unwrap_err()
            .contains("1, 3, 5"));
        assert!(int_in(&[1, 3, 5]).check(&Value::Number(3.0)).is_ok());
        assert!(int_between(1, 10).check(&Value::Number(11.0)).is_err());
        assert!(int_between(1, 10).check(&Value::Number(1.5)).is_err());
        assert!(int_at_least(1).check(&Value::Number(0.0)).is_err());
        assert!(int_at_most(256).check(&Value::Number(257.0)).is_err());
        assert!(int_at_most(256).check(&Value::Number(256.0)).is_ok());
        assert!(float_between(0.0, 100.0).check(&Value::Number(12.5)).is_ok());
        let e = float_between(0.0, 100.0).check(&Value::Number(100.5)).unwrap_err();
        assert!(e.contains("from 0 to 100"), "{e}");
        assert!(float_between(0.0, 100.0).check(&s("many")).is_err());
        assert!(len_between(1, 32).check(&s(&"a".repeat(33))).is_err());
        assert!(matches(r"^[a-z-]+$", "lowercase letters and hyphens")
            .check(&s("Abc"))
            .is_err());
        assert!(not_matches(r"^-", "a leading hyphen").check(&s("-abc")).is_err());
        let window = any_of(vec![int_between(7, 30), int_in(&[0])]);
        assert!(window.check(&Value::Number(0.0)).is_ok());
        assert!(window.check(&Value::Number(3.0)).unwrap_err().contains("or"));
    }

    #[test]
    fn documents_arns_and_durations() {
        assert!(json().check(&s(r#"{"a":1}"#)).is_ok());
        assert!(json().check(&s("{not json")).is_err());
        assert!(json_array().check(&s("{}")).is_err());
        assert!(json_array().check(&s("[]")).is_ok());
        assert!(iam_policy().check(&s(r#"["x"]"#)).is_err());
        assert!(arn().check(&s("arn:aws:iam::123456789012:role/x")).is_ok());
        assert!(arn().check(&s("arn:aws:s3:::bucket")).is_ok());
        assert!(arn().check(&s("not-an-arn")).is_err());
        assert!(arn().check(&s("arn:aws:iam::12345:role/x")).is_err());
        // The provider's ValidARN accepts "": modules pass it for "no permissions boundary".
        assert!(arn().check(&s("")).is_ok());
        assert!(duration().check(&s("5x")).is_err());
        assert!(duration().check(&s("1h30m")).is_ok());
    }

    #[test]
    fn rules_between_arguments() {
        let obj = |pairs: &[(&str, Value)]| -> IndexMap<String, Value> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
        };
        let r = Rule::Conflicts(&["name", "name_prefix"]);
        assert!(r.check(&obj(&[("name", s("a")), ("name_prefix", s("b"))])).is_err());
        assert!(r.check(&obj(&[("name", s("a")), ("name_prefix", Value::Null)])).is_ok());
        // Two conditionals that are each null on the other's branch (`x ? a : null`).
        assert!(r
            .check(&obj(&[("name", Value::Unknown), ("name_prefix", Value::Unknown)]))
            .is_ok());
        let r = Rule::ExactlyOne(&["a", "b"]);
        assert!(r.check(&obj(&[("a", Value::Null), ("b", Value::Null)])).is_err());
        assert!(r.check(&obj(&[("a", Value::Unknown), ("b", Value::Null)])).is_ok());
        assert!(r.check(&obj(&[("a", Value::Unknown), ("b", Value::Unknown)])).is_ok());
        assert!(r.check(&obj(&[("a", s("x")), ("b", Value::Unknown)])).is_ok());
        assert!(r.check(&obj(&[("a", s("x")), ("b", s("y"))])).is_err());
        let r = Rule::AtLeastOne(&["a", "b"]);
        assert!(r.check(&obj(&[("a", Value::List(vec![]))])).is_err());
        let r = Rule::RequiredWith("a", &["b"]);
        assert!(r.check(&obj(&[("a", s("x"))])).is_err());
    }
}
