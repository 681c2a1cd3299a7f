//! The AWS provider's published schema (hashicorp/aws 5.100.0), shipped as a fixture beside this
//! file and read lazily: every resource and data source type with its arguments, attributes and
//! nested blocks, as `terraform providers schema -json` gives them.
//!
//! `aws-5.100.0.schema.gz` is made by `extract.py` in this folder (re-runnable, offline from the
//! provider mirror): `src/provider/aws/schema/extract.py --version 5.100.0 --mirror /opt/tf-plugins`.
//!
//! Each resource type starts its schema with [`resource`] (or [`data_source`]) and declares on
//! top of it what the JSON does not carry; `validate` knows every other type of the provider too,
//! so that blocks of types infractl does not implement yet pass validation.

use crate::schema::declare::Decl;
use crate::schema::provider_schema::{Catalog, Kind};
use crate::schema::Schema;
use std::sync::{Arc, OnceLock};

/// The fixture, compressed (350 KB; 9.7 MB of text).
static FIXTURE: &[u8] = include_bytes!("aws-5.100.0.schema.gz");

/// The provider's schema, decompressed and indexed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_gzip(FIXTURE).unwrap_or_else(|e| {
            // The fixture is part of the binary; a damaged one is a build problem, not input.
            tracing::error!("{e}");
            Catalog::from_text("").unwrap_or_else(|_| unreachable!("an empty catalog parses"))
        })
    })
}

fn published(kind: Kind, name: &str) -> Arc<Schema> {
    catalog().get(kind, name).unwrap_or_else(|| {
        tracing::error!("{name} is not in the AWS provider's schema");
        Arc::new(Schema::new())
    })
}

/// Starts the declaration of a resource type from the provider's schema for it.
pub fn resource(name: &str) -> Decl {
    Decl::new(name, &published(Kind::Resource, name))
}

/// Starts the declaration of a data source from the provider's schema for it.
pub fn data_source(name: &str) -> Decl {
    Decl::new(name, &published(Kind::Data, name))
}

/// Starts the declaration of an ephemeral resource type from the provider's schema for it.
pub fn ephemeral(name: &str) -> Decl {
    Decl::new(name, &published(Kind::Ephemeral, name))
}

/// The provider's schema of a type infractl does not implement, for `validate`: names and types
/// are checked, every argument is accepted (the v6 `region` extension included).
pub fn unimplemented(kind: Kind, name: &str) -> Option<Arc<Schema>> {
    catalog()
        .get(kind, name)
        .map(|s| Arc::new(super::region::with_region(name, &s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Nesting, Type};

    #[test]
    fn the_fixture_holds_every_type_of_the_provider() {
        let start = std::time::Instant::now();
        let c = catalog();
        println!("fixture decompressed and indexed in {:?}", start.elapsed());
        assert!(c.origin.starts_with("hashicorp/aws 5.100.0"));
        assert_eq!(c.names(Kind::Resource).count(), 1526);
        assert_eq!(c.names(Kind::Data).count(), 608);
        assert_eq!(c.names(Kind::Ephemeral).count(), 7);
        let wo = c.get(Kind::Resource, "aws_secretsmanager_secret_version").unwrap();
        assert!(wo.attrs["secret_string_wo"].write_only && !wo.attrs["secret_string"].write_only);
        let param = c.get(Kind::Ephemeral, "aws_ssm_parameter").unwrap();
        assert!(param.attrs["arn"].required && param.attrs["value"].sensitive);
        let vpc = c.get(Kind::Resource, "aws_vpc").unwrap();
        let cidr = &vpc.attrs["cidr_block"];
        assert_eq!(cidr.ty, Type::String);
        assert!(cidr.optional && cidr.computed && !cidr.required);
        let lb = c.get(Kind::Resource, "aws_lb").unwrap();
        assert_eq!(lb.blocks["access_logs"].nesting, Nesting::List);
        assert_eq!(lb.blocks["access_logs"].max_items, 1);
        assert!(lb.blocks["timeouts"].schema.attrs.contains_key("create"));
        let param = c.get(Kind::Resource, "aws_ssm_parameter").unwrap();
        assert!(param.attrs["value"].sensitive);
        assert!(c.has(Kind::Data, "aws_vpc") && !c.has(Kind::Resource, "aws_nonsense"));
        // Schema versions are kept: state records them beside each object.
        assert_eq!(vpc.version, 1);
        assert_eq!(c.get(Kind::Resource, "aws_s3_bucket").unwrap().version, 0);
        assert_eq!(c.get(Kind::Resource, "aws_security_group").unwrap().version, 1);
    }
}

/// Counts of one type's arguments (settable attributes and nested blocks, `id` left out as the
/// provider never reads it): implemented and all, at the top level and at every depth.
#[cfg(test)]
fn argument_counts(s: &Schema) -> ((usize, usize), (usize, usize)) {
    use crate::schema::Support;
    let mut top = (0, 0);
    let mut all = (0, 0);
    for (name, a) in &s.attrs {
        if a.is_argument() && *name != "id" {
            let yes = (a.support == Support::Yes) as usize;
            top = (top.0 + yes, top.1 + 1);
            all = (all.0 + yes, all.1 + 1);
        }
    }
    for b in s.blocks.values() {
        let yes = (b.support == Support::Yes) as usize;
        top = (top.0 + yes, top.1 + 1);
        let (_, inner) = argument_counts(&b.schema);
        let inner_yes = if b.support == Support::Yes { inner.0 } else { 0 };
        all = (all.0 + yes + inner_yes, all.1 + 1 + inner.1);
    }
    (top, all)
}

#[cfg(test)]
mod parity {
    use super::*;
    use crate::schema::provider_schema::differences;

    const START: &str = "<!-- schema-coverage:start (generated by `cargo test --lib readme_coverage`; INFRACTL_UPDATE_README=1 rewrites it) -->";
    const END: &str = "<!-- schema-coverage:end -->";

    fn types() -> Vec<(Kind, &'static str, Schema)> {
        let r = crate::provider::aws::schemas_registry();
        let mut out: Vec<(Kind, &'static str, Schema)> = r
            .resource_names()
            .into_iter()
            .filter_map(|n| r.resource(n).map(|t| (Kind::Resource, n, t.schema().clone())))
            .collect();
        out.extend(
            r.data_source_names()
                .into_iter()
                .filter_map(|n| r.data_source(n).map(|t| (Kind::Data, n, t.schema().clone()))),
        );
        out.extend(
            r.ephemeral_names()
                .into_iter()
                .filter_map(|n| r.ephemeral(n).map(|t| (Kind::Ephemeral, n, t.schema().clone()))),
        );
        out
    }

    /// The patterns of a schema's validators, through its blocks.
    fn patterns(schema: &Schema, out: &mut Vec<(String, &'static str)>) {
        use crate::schema::validators::Validator;
        fn of(v: &Validator, at: &str, out: &mut Vec<(String, &'static str)>) {
            match v {
                Validator::Matches(p, _) | Validator::NotMatches(p, _) => out.push((at.to_string(), p)),
                Validator::AnyOf(all) => all.iter().for_each(|v| of(v, at, out)),
                _ => {}
            }
        }
        for (name, a) in &schema.attrs {
            for v in &a.validators {
                of(v, &format!("{}.{name}", schema.path), out);
            }
        }
        for b in schema.blocks.values() {
            patterns(&b.schema, out);
        }
    }

    /// A pattern that does not compile would let every value through: each must compile.
    #[test]
    fn every_validator_pattern_compiles() {
        let mut all = Vec::new();
        for (_, _, schema) in types() {
            patterns(&schema, &mut all);
        }
        assert!(all.len() > 100, "patterns found: {}", all.len());
        let broken: Vec<String> = all
            .iter()
            .filter_map(|(at, p)| crate::schema::validators::pattern_error(p).map(|e| format!("{at}: {p}: {e}")))
            .collect();
        assert!(
            broken.is_empty(),
            "patterns that do not compile:\n{}",
            broken.join("\n")
        );
    }

    #[test]
    fn every_implemented_type_has_the_providers_schema() {
        let types = types();
        // Every registered type is checked below; the registry must hold the foundation's at least.
        assert!(types.len() >= 60, "implemented types: {}", types.len());
        let mut wrong = Vec::new();
        for (kind, name, schema) in &types {
            let published = catalog()
                .get(*kind, name)
                .expect("an implemented type is in the provider's schema");
            // `region` is infractl's documented extension over 5.100 (v6's argument), on
            // resource types and data sources: ephemeral types are not wrapped by it yet.
            let published = match kind {
                Kind::Ephemeral => (*published).clone(),
                _ => crate::provider::aws::region::with_region(name, &published),
            };
            for d in differences(schema, &published) {
                wrong.push(format!("{name}.{d}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "schemas differing from the provider's:\n{}",
            wrong.join("\n")
        );
    }

    fn table() -> String {
        let mut rows = Vec::new();
        let (mut top_sum, mut all_sum) = ((0, 0), (0, 0));
        let mut types = types();
        types.sort_by_key(|(k, n, _)| (*k as usize, *n));
        for (kind, name, schema) in &types {
            // Counted against 5.100, without the v6 `region` extension.
            let mut schema = schema.clone();
            match catalog().get(*kind, name).and_then(|p| p.attrs.get("region").cloned()) {
                Some(published) => {
                    schema.attrs.insert("region", published);
                }
                None => {
                    schema.attrs.shift_remove("region");
                }
            }
            let (top, all) = argument_counts(&schema);
            top_sum = (top_sum.0 + top.0, top_sum.1 + top.1);
            all_sum = (all_sum.0 + all.0, all_sum.1 + all.1);
            let label = match kind {
                Kind::Resource => format!("`{name}`"),
                Kind::Data => format!("data `{name}`"),
                Kind::Ephemeral => format!("ephemeral `{name}`"),
            };
            rows.push(format!("| {label} | {}/{} | {}/{} |", top.0, top.1, all.0, all.1));
        }
        let pct = |(a, b): (usize, usize)| (a * 100).checked_div(b).unwrap_or(100);
        format!(
            "| type | arguments implemented / provider's | with nested blocks' arguments |\n|---|---|---|\n{}\n| **all {} types** | **{}/{} ({}%)** | **{}/{} ({}%)** |\n",
            rows.join("\n"),
            types.len(),
            top_sum.0,
            top_sum.1,
            pct(top_sum),
            all_sum.0,
            all_sum.1,
            pct(all_sum)
        )
    }

    #[test]
    fn readme_coverage_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        let table = table();
        let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
            panic!("README.md lacks the coverage markers; the table is:\n{table}");
        };
        let current = &readme[a + START.len()..b];
        let wanted = format!("\n{table}");
        if current != wanted {
            if std::env::var("INFRACTL_UPDATE_README").is_ok() {
                let updated = format!("{}{START}{wanted}{}", &readme[..a], &readme[b..]);
                std::fs::write(path, updated).expect("README.md written");
            } else {
                panic!("README.md's coverage table is out of date; INFRACTL_UPDATE_README=1 rewrites it:\n{table}");
            }
        }
    }
}
