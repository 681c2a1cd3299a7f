//! Module versions and version constraints with Terraform's semantics for modules.
//!
//! Terraform checks module `version` constraints with hashicorp/go-version, so its rules are the
//! ones here: versions of any number of numeric segments (padded to three), an optional
//! pre-release and build metadata; constraints `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>` joined by
//! commas, all of which must hold. On top of that the module installer only considers a
//! pre-release version when a constraint names it exactly (`= 1.2.0-beta1`). The installer
//! picks the newest version that passes.

use std::cmp::Ordering;
use std::fmt;

/// A version as go-version parses it.
#[derive(Debug, Clone)]
pub struct Version {
    segments: Vec<u64>,
    /// How many segments were written (before padding): `~>` needs it.
    specified: usize,
    pre: String,
    meta: String,
}

impl Version {
    /// Parses `1.2.3`, `v1.2`, `1.0.0-beta.1+build`, `1.0beta` (go-version's loose form).
    pub fn parse(text: &str) -> Result<Version, String> {
        let bad = || format!("Malformed version: {text}");
        let s = text.strip_prefix('v').unwrap_or(text);
        let digits_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
        let (numbers, rest) = s.split_at(digits_end);
        // The numeric part may not end with a dot, and each segment needs digits.
        let segments: Vec<u64> = numbers
            .split('.')
            .map(|p| p.parse::<u64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let (rest, meta) = match rest.split_once('+') {
            Some((r, m)) if valid_ident_list(m) => (r, m.to_string()),
            Some(_) => return Err(bad()),
            None => (rest, String::new()),
        };
        let pre = if rest.is_empty() {
            String::new()
        } else if let Some(p) = rest.strip_prefix('-') {
            if !valid_ident_list(p) {
                return Err(bad());
            }
            p.to_string()
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '~') && valid_ident_list(rest) {
            rest.to_string()
        } else {
            return Err(bad());
        };
        let specified = segments.len();
        let mut segments = segments;
        while segments.len() < 3 {
            segments.push(0);
        }
        Ok(Version {
            segments,
            specified,
            pre,
            meta,
        })
    }

    /// The pre-release part (`beta.1`), empty for a release.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// go-version's comparison (build metadata ignored).
    fn compare(&self, other: &Version) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).copied().unwrap_or(0);
            let b = other.segments.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prereleases(&self.pre, &other.pre),
        }
    }

    fn same_segments(&self, other: &Version) -> bool {
        self.compare_segments(other) == Ordering::Equal
    }

    fn compare_segments(&self, other: &Version) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        (0..n)
            .map(|i| {
                self.segments
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .cmp(&other.segments.get(i).copied().unwrap_or(0))
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }
}

fn valid_ident_list(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '~'))
}

fn compare_prereleases(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (pa.get(i).copied().unwrap_or(""), pb.get(i).copied().unwrap_or(""));
        if x == y {
            continue;
        }
        let (nx, ny) = (x.parse::<u64>().ok(), y.parse::<u64>().ok());
        // A missing part sorts below a numeric one and above an alphanumeric one (go-version).
        return match (x.is_empty(), y.is_empty(), nx, ny) {
            (true, _, _, Some(_)) => Ordering::Less,
            (true, _, _, None) => Ordering::Greater,
            (_, true, Some(_), _) => Ordering::Greater,
            (_, true, None, _) => Ordering::Less,
            (_, _, Some(a), Some(b)) => a.cmp(&b),
            (_, _, Some(_), None) => Ordering::Less,
            (_, _, None, Some(_)) => Ordering::Greater,
            (_, _, None, None) => x.cmp(y),
        };
    }
    Ordering::Equal
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

impl fmt::Display for Version {
    /// go-version's canonical text: every segment (at least three), `-pre`, `+meta`. This is
    /// what `modules.json` records (`v5.1` is written `5.1.0`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nums: Vec<String> = self.segments.iter().map(u64::to_string).collect();
        f.write_str(&nums.join("."))?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.meta.is_empty() {
            write!(f, "+{}", self.meta)?;
        }
        Ok(())
    }
}

/// A comparison operator of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// One `OP VERSION` term.
#[derive(Debug, Clone)]
struct Term {
    op: Op,
    version: Version,
}

/// A comma-joined list of terms, all of which must hold. Empty accepts every release.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    terms: Vec<Term>,
    text: String,
}

impl Constraints {
    /// Parses `~> 5.0`, `>= 1.2, < 2.0.0`, `1.0.0-beta`, `!= 1.3.1`.
    pub fn parse(text: &str) -> Result<Constraints, String> {
        let mut terms = Vec::new();
        for part in text.split(',') {
            let p = part.trim();
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                ("=", Op::Eq),
                (">", Op::Gt),
                ("<", Op::Lt),
            ]
            .iter()
            .find_map(|(sym, op)| p.strip_prefix(sym).map(|r| (*op, r)))
            .unwrap_or((Op::Eq, p));
            let version = Version::parse(rest.trim()).map_err(|_| format!("Malformed constraint: {}", part.trim()))?;
            terms.push(Term { op, version });
        }
        Ok(Constraints {
            terms,
            text: text.to_string(),
        })
    }

    /// No constraint at all (a registry module without `version`).
    pub fn any() -> Constraints {
        Constraints::default()
    }

    /// go-version's `Check`: every term holds. This alone decides whether an installed
    /// version still fits (as Terraform decides whether to reinstall).
    pub fn check(&self, v: &Version) -> bool {
        self.terms.iter().all(|t| t.holds(v))
    }

    /// Whether the installer may pick `v`: [`Constraints::check`], and a pre-release only when
    /// a `=` term names exactly it.
    pub fn allows(&self, v: &Version) -> bool {
        if !v.prerelease().is_empty() {
            let named = self
                .terms
                .iter()
                .any(|t| t.op == Op::Eq && t.version == *v && t.version.pre == v.pre);
            if !named {
                return false;
            }
        }
        self.check(v)
    }

    /// The newest of `versions` that [`Constraints::allows`].
    pub fn newest<'a>(&self, versions: impl IntoIterator<Item = &'a Version>) -> Option<&'a Version> {
        versions.into_iter().filter(|v| self.allows(v)).max()
    }
}

impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// go-version: a constraint with a pre-release only matches pre-releases of the same
/// segments; one without a pre-release never matches a pre-release.
fn prerelease_check(v: &Version, c: &Version) -> bool {
    match (c.pre.is_empty(), v.pre.is_empty()) {
        (false, false) => c.same_segments(v),
        (true, false) => false,
        _ => true,
    }
}

impl Term {
    fn holds(&self, v: &Version) -> bool {
        let c = &self.version;
        match self.op {
            Op::Eq => v == c,
            Op::Ne => v != c,
            Op::Gt => prerelease_check(v, c) && v > c,
            Op::Ge => prerelease_check(v, c) && v >= c,
            Op::Lt => prerelease_check(v, c) && v < c,
            Op::Le => prerelease_check(v, c) && v <= c,
            Op::Pessimistic => {
                if !prerelease_check(v, c) || (!c.pre.is_empty() && v.pre.is_empty()) || v < c {
                    return false;
                }
                // Every written segment but the last must be equal: `~> 5.0` is 5.x, `~> 5.0.1`
                // is 5.0.x (with x >= 1), `~> 5` is >= 5.
                let fixed = c.specified.saturating_sub(1);
                (0..fixed).all(|i| v.segments.get(i) == c.segments.get(i))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_like_go_version() {
        for (text, shown) in [
            ("5.21.0", "5.21.0"),
            ("v1.2", "1.2.0"),
            ("1", "1.0.0"),
            ("1.2.3.4", "1.2.3.4"),
            ("1.0.0-beta.1+b7", "1.0.0-beta.1+b7"),
            ("1.0beta", "1.0.0-beta"),
        ] {
            assert_eq!(v(text).to_string(), shown, "{text}");
        }
        for bad in ["", "x", "1.", "1..2", "1.0.0-", "1.0.0+", "1.0.0 beta"] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn orders_like_go_version() {
        let ordered = [
            "0.9.9",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
        ];
        for w in ordered.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert_eq!(v("1.2"), v("1.2.0"));
    }

    #[test]
    fn constraint_table() {
        // (constraint, version, allowed)
        let table = [
            ("~> 5.0", "5.0.0", true),
            ("~> 5.0", "5.21.0", true),
            ("~> 5.0", "6.0.0", false),
            ("~> 5.0", "4.9.9", false),
            ("~> 5.1.0", "5.1.9", true),
            ("~> 5.1.0", "5.2.0", false),
            ("~> 5.1.2", "5.1.1", false),
            ("~> 5", "7.0.0", true),
            ("= 1.2.0", "1.2.0", true),
            ("1.2.0", "1.2.0", true),
            ("1.2.0", "1.2.1", false),
            ("!= 1.2.0", "1.2.0", false),
            ("!= 1.2.0", "1.2.1", true),
            ("> 1.2.0", "1.2.0", false),
            (">1.2.0", "1.2.1", true),
            (">= 1.2.0", "1.2.0", true),
            ("< 2.0.0", "1.99.0", true),
            ("< 2.0.0", "2.0.0", false),
            ("<= 2.0.0", "2.0.0", true),
            (">= 1.0, < 2.0", "1.5.0", true),
            (">= 1.0, < 2.0", "2.0.0", false),
            (">= 1.0,!= 1.5.0", "1.5.0", false),
            // Pre-releases: only when named exactly.
            (">= 1.0.0", "2.0.0-beta", false),
            ("~> 2.0", "2.1.0-rc.1", false),
            (">= 2.0.0-beta", "2.0.0-beta", false),
            ("= 2.0.0-beta", "2.0.0-beta", true),
            ("2.0.0-beta", "2.0.0-beta", true),
            ("= 2.0.0-beta", "2.0.0-rc1", false),
            // go-version: a release bound never matches a pre-release, even one named elsewhere.
            ("2.0.0-beta, < 3.0.0", "2.0.0-beta", false),
            ("2.0.0-beta, != 2.0.0-alpha", "2.0.0-beta", true),
            ("", "1.0.0", true),
        ];
        for (c, version, want) in table {
            let cs = if c.is_empty() {
                Constraints::any()
            } else {
                Constraints::parse(c).unwrap()
            };
            assert_eq!(cs.allows(&v(version)), want, "{c:?} allows {version}?");
        }
        // check() alone is go-version's: a prerelease constraint matches prereleases of the same
        // segments (used to decide whether an installed version still fits).
        assert!(Constraints::parse(">= 2.0.0-beta").unwrap().check(&v("2.0.0-rc1")));
        assert!(!Constraints::parse(">= 2.0.0-beta").unwrap().check(&v("2.0.1-rc1")));
    }

    #[test]
    fn malformed_constraints_are_errors() {
        for bad in ["", "~>", "> = 1", "1.0,", "abc", "=> 1.0"] {
            assert!(Constraints::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn newest_matching_wins() {
        let versions: Vec<Version> = ["4.9.0", "5.0.0", "5.21.0", "5.3.1", "6.0.0", "5.22.0-beta"]
            .iter()
            .map(|s| v(s))
            .collect();
        let c = Constraints::parse("~> 5.0").unwrap();
        assert_eq!(c.newest(&versions).unwrap().to_string(), "5.21.0");
        assert!(Constraints::parse("> 7").unwrap().newest(&versions).is_none());
    }
}
