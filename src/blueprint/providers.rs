//! Which provider configuration manages each resource: `provider` blocks with `alias`, the
//! `provider = aws.east` meta-argument, and module calls handing configurations down with
//! `providers = { aws = aws.east }`, resolved as Terraform resolves them.
//!
//! A module uses its own `provider` block when it has one; otherwise the default (unaliased)
//! configuration is inherited from its caller, and an aliased one must be passed explicitly in
//! the call's `providers` map. Resolution is static (module calls, not their instances), so
//! every reference is checked before any AWS call.

use super::config::{Module, ProviderRef, Resource};
use super::source::Loc;
use crate::diag::{DResult, Diag};
use std::fmt;

/// A provider configuration: the module whose `provider` block defines it (the root for the
/// implicit default configuration), the provider's local name and its alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigAddr {
    /// Static module path of the defining `provider` block (empty: root).
    pub module: Vec<String>,
    /// Provider local name (`aws`).
    pub name: String,
    /// Alias, for a configuration other than the default one.
    pub alias: Option<String>,
}

impl ConfigAddr {
    /// The root module's default configuration of a provider.
    pub fn root_default(name: &str) -> ConfigAddr {
        ConfigAddr {
            module: vec![],
            name: name.to_string(),
            alias: None,
        }
    }

    /// True for the root module's default configuration (what a blueprint without aliases uses).
    pub fn is_root_default(&self) -> bool {
        self.module.is_empty() && self.alias.is_none()
    }
}

/// `aws`, `aws.east`, `module.net.aws`: the key a configuration is known by in state and plans.
impl fmt::Display for ConfigAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        f.write_str(&self.name)?;
        if let Some(a) = &self.alias {
            write!(f, ".{a}")?;
        }
        Ok(())
    }
}

/// The provider a resource type belongs to by its name (`aws_vpc` → `aws`, `random_id` →
/// `random`), as Terraform implies it when a resource names none.
pub fn implied_provider(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// The configuration that manages a resource block in module `path`.
pub fn resolve_resource(root: &Module, path: &[String], res: &Resource) -> DResult<ConfigAddr> {
    match &res.provider {
        Some(p) => resolve(root, path, &p.name, p.alias.as_deref(), &p.loc),
        None => resolve(root, path, implied_provider(&res.type_name), None, &res.loc),
    }
}

/// Resolves provider `name` (with `alias`) as seen from the module at `path`.
pub fn resolve(root: &Module, path: &[String], name: &str, alias: Option<&str>, loc: &Loc) -> DResult<ConfigAddr> {
    let module = root.descend(path).expect("paths come from the loaded tree");
    if module
        .providers
        .iter()
        .any(|p| p.name == name && p.alias.as_deref() == alias)
    {
        return Ok(ConfigAddr {
            module: path.to_vec(),
            name: name.to_string(),
            alias: alias.map(str::to_string),
        });
    }
    let key = match alias {
        Some(a) => format!("{name}.{a}"),
        None => name.to_string(),
    };
    let Some((call_name, parent)) = path.split_last() else {
        return match alias {
            None => Ok(ConfigAddr::root_default(name)),
            Some(_) => Err(
                Diag::new(format!("Reference to undeclared provider configuration {key}"))
                    .detail(format!(
                        "There is no provider \"{name}\" block with alias = \"{}\" in the root module.",
                        alias.unwrap_or_default()
                    ))
                    .at(loc),
            ),
        };
    };
    let call = &root.descend(parent).expect("parent exists").calls[call_name];
    if let Some(target) = call.providers.get(&key) {
        return resolve(root, parent, &target.name, target.alias.as_deref(), &target.loc);
    }
    match alias {
        // The default configuration is inherited from the caller.
        None => resolve(root, parent, name, None, loc),
        Some(_) => Err(Diag::new(format!(
            "Provider configuration {key} is not passed to module \"{call_name}\""
        ))
        .detail(format!(
            "The module refers to {key}; the call must pass it, as in providers = {{ {key} = {name}.SOME_ALIAS }}."
        ))
        .at(loc)),
    }
}

/// Checks every provider reference of the blueprint before anything runs: resources' and data
/// sources' `provider`, module calls' `providers` maps (each side must exist), and that no
/// module with its own provider blocks is instanced by `count`/`for_each`, as Terraform refuses.
pub fn check(root: &Module) -> DResult<()> {
    for (path, module) in root.walk() {
        for res in module.resources.values() {
            resolve_resource(root, &path, res)?;
        }
        for call in module.calls.values() {
            for (child_key, target) in &call.providers {
                resolve(root, &path, &target.name, target.alias.as_deref(), &target.loc)?;
                let (name, alias) = match child_key.split_once('.') {
                    Some((n, a)) => (n, Some(a)),
                    None => (child_key.as_str(), None),
                };
                if call
                    .module
                    .providers
                    .iter()
                    .any(|p| p.name == name && p.alias.as_deref() == alias)
                {
                    return Err(Diag::new(format!(
                        "Module \"{}\" has its own provider {child_key} block and is also passed one",
                        call.name
                    ))
                    .at(&target.loc));
                }
            }
            if call.count.is_some() || call.for_each.is_some() {
                if let Some(p) = call.module.walk().iter().find_map(|(_, m)| m.providers.first()) {
                    return Err(Diag::new(format!(
                        "Module \"{}\" cannot use count or for_each: it contains provider configurations",
                        call.name
                    ))
                    .detail(format!(
                        "Its provider \"{}\" block would be one configuration for many module instances; configure the provider in the caller and pass it with providers = {{ ... }}.",
                        p.name
                    ))
                    .at(&call.loc));
                }
            }
        }
    }
    Ok(())
}

/// The configuration a provider reference written in the root module means (`aws.east`).
pub fn root_ref(r: &ProviderRef) -> ConfigAddr {
    ConfigAddr {
        module: vec![],
        name: r.name.clone(),
        alias: r.alias.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::load;

    fn tree(root: &str, child: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), root).unwrap();
        std::fs::create_dir_all(dir.path().join("child")).unwrap();
        std::fs::write(dir.path().join("child/main.tf"), child).unwrap();
        dir
    }

    #[test]
    fn aliases_pass_down_and_defaults_are_inherited() {
        let dir = tree(
            r#"
provider "aws" { region = "us-east-1" }
provider "aws" {
  alias  = "east"
  region = "us-east-2"
}
resource "aws_vpc" "a" {
  provider   = aws.east
  cidr_block = "10.0.0.0/16"
}
module "m" {
  source    = "./child"
  providers = { aws = aws.east, aws.other = aws }
}
module "plain" {
  source    = "./child"
  providers = { aws.other = aws.east }
}
"#,
            r#"
terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.other]
    }
  }
}
resource "aws_vpc" "here" { cidr_block = "10.1.0.0/16" }
resource "aws_vpc" "there" {
  provider   = aws.other
  cidr_block = "10.2.0.0/16"
}
"#,
        );
        let root = load(dir.path()).unwrap();
        check(&root).unwrap();
        let at = |path: &[&str], key: &str| {
            let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
            let res = &root.descend(&path).unwrap().resources[key];
            resolve_resource(&root, &path, res).unwrap().to_string()
        };
        assert_eq!(at(&[], "aws_vpc.a"), "aws.east");
        assert_eq!(at(&["m"], "aws_vpc.here"), "aws.east");
        assert_eq!(at(&["m"], "aws_vpc.there"), "aws");
        assert_eq!(at(&["plain"], "aws_vpc.here"), "aws");
        assert_eq!(at(&["plain"], "aws_vpc.there"), "aws.east");
    }

    #[test]
    fn an_alias_not_passed_to_a_module_is_an_error_at_its_use() {
        let dir = tree(
            "provider \"aws\" {\n  alias = \"east\"\n}\nmodule \"m\" {\n  source = \"./child\"\n}\n",
            "resource \"aws_vpc\" \"v\" {\n  provider   = aws.east\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        );
        let err = load(dir.path()).unwrap_err();
        assert!(err.summary.contains("aws.east is not passed to module \"m\""), "{err}");
        assert!(err.location.unwrap().contains("child/main.tf:2"));
    }

    #[test]
    fn an_undeclared_alias_is_an_error() {
        let dir = tree(
            "resource \"aws_vpc\" \"v\" {\n  provider   = aws.nowhere\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            "",
        );
        let err = load(dir.path()).unwrap_err();
        assert!(
            err.summary.contains("undeclared provider configuration aws.nowhere"),
            "{err}"
        );
        assert!(err.location.unwrap().contains("main.tf:2:"));
    }
}
