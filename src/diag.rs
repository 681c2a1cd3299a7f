//! Diagnostics: the one error shape users see.
//!
//! Every failure a user can cause (bad blueprint, bad variable, AWS refusing a call) ends up here, so
//! messages always carry the same parts: what went wrong, where in the blueprint (file:line), which
//! resource address, and the provider's own error code and message when there is one.

use std::fmt;

/// A user-facing error with its location and resource address.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    /// One-line statement of the problem.
    pub summary: String,
    /// Longer explanation, hints, or the provider's answer.
    pub detail: Option<String>,
    /// `file:line:column` in the blueprint, when the problem has a place.
    pub location: Option<String>,
    /// The resource address (`module.vpc.aws_subnet.public[0]`) the problem belongs to.
    pub address: Option<String>,
    /// A warning rather than an error: reported, and the run goes on (check assertions,
    /// provisioners allowed to fail).
    pub warning: bool,
    /// Further errors found in the same pass, so one run reports every problem it can (as
    /// `terraform validate` lists every bad value of a file, not just the first).
    /// (A boxed slice: it keeps every `Result<_, Diag>` small.)
    pub more: Box<[Diag]>,
}

impl Diag {
    /// Starts a diagnostic with just a summary.
    pub fn new(summary: impl Into<String>) -> Diag {
        Diag {
            summary: summary.into(),
            detail: None,
            location: None,
            address: None,
            warning: false,
            more: Box::default(),
        }
    }

    /// Starts a warning with just a summary.
    pub fn warning(summary: impl Into<String>) -> Diag {
        Diag {
            warning: true,
            ..Diag::new(summary)
        }
    }

    /// The same diagnostic as a warning: what `validate` found that does not stop a run is
    /// printed as "Warning: …", never as "Warning: Error: …".
    pub fn as_warning(self) -> Diag {
        Diag { warning: true, ..self }
    }

    /// Adds an explanation.
    pub fn detail(mut self, detail: impl Into<String>) -> Diag {
        self.detail = Some(detail.into());
        self
    }

    /// Adds the blueprint location, keeping a more precise one that is already set.
    pub fn at(mut self, location: impl fmt::Display) -> Diag {
        if self.location.is_none() {
            self.location = Some(location.to_string());
        }
        self
    }

    /// One error standing for all of `found` (the first, with the rest in [`Diag::more`]), or
    /// `None` when nothing was found.
    pub fn all(found: Vec<Diag>) -> Option<Diag> {
        let mut unique: Vec<Diag> = Vec::new();
        for d in found.into_iter().flat_map(Diag::into_each) {
            if !unique.contains(&d) {
                unique.push(d);
            }
        }
        let mut iter = unique.into_iter();
        let mut first = iter.next()?;
        first.more = iter.collect();
        Some(first)
    }

    /// Every error this one stands for, itself first.
    pub fn each(&self) -> impl Iterator<Item = &Diag> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// Every error this one stands for, each on its own (for outputs that count and list
    /// them, such as `validate -json`).
    pub fn into_each(mut self) -> Vec<Diag> {
        let more = std::mem::take(&mut self.more);
        std::iter::once(self)
            .chain(more.into_vec().into_iter().flat_map(Diag::into_each))
            .collect()
    }

    /// Adds the resource address, keeping one that is already set, to this error and to
    /// every further one it carries (found in the same resource).
    pub fn address(mut self, address: impl fmt::Display) -> Diag {
        let address = address.to_string();
        if self.address.is_none() {
            self.address = Some(address.clone());
        }
        self.more = std::mem::take(&mut self.more)
            .into_vec()
            .into_iter()
            .map(|d| d.address(&address))
            .collect();
        self
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.warning { "Warning" } else { "Error" };
        write!(f, "{severity}: {}", self.summary)?;
        if let Some(location) = &self.location {
            write!(f, "\n\n  on {location}")?;
        }
        if let Some(address) = &self.address {
            write!(f, "\n  in {address}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "\n\n{detail}")?;
        }
        for d in &self.more {
            write!(f, "\n\n{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diag {}

/// Shorthand for results that fail with a diagnostic.
pub type DResult<T> = Result<T, Diag>;

/// Several diagnostics collected before stopping, so one run reports every problem it found.
#[derive(Debug, Clone, Default)]
pub struct Diags(pub Vec<Diag>);

impl fmt::Display for Diags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diags {}

impl From<Diag> for Diags {
    fn from(d: Diag) -> Self {
        Diags(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_location_and_address() {
        let d = Diag::new("bad thing")
            .at("main.tf:3:5")
            .address("aws_vpc.main")
            .detail("why");
        let text = d.to_string();
        assert!(text.contains("Error: bad thing"));
        assert!(text.contains("on main.tf:3:5"));
        assert!(text.contains("in aws_vpc.main"));
        assert!(text.ends_with("why"));
    }

    #[test]
    fn a_warning_is_labelled_once() {
        let text = Diag::new("wide policy").at("main.tf:1:1").as_warning().to_string();
        assert!(text.starts_with("Warning: wide policy"), "{text}");
        assert!(!text.contains("Error"), "{text}");
    }
}
