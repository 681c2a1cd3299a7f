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

/// The provider's schema of a type infractl does not implement, for `validate`: names and types
/// are checked, every argument is accepted.
pub fn unimplemented(kind: Kind, name: &str) -> Option<Arc<Schema>> {
    catalog().get(kind, name)
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
    }
}
