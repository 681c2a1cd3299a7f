//! The parts of Terraform's CLI configuration that module installation honours, so a machine
//! set up for Terraform works for infractl unchanged.
//!
//! Read from `TF_CLI_CONFIG_FILE`, else `~/.terraformrc` (HCL, or JSON when the name ends in
//! `.json`):
//! - `host "NAME" { services = { "modules.v1" = "URL" } }` replaces service discovery for that
//!   host (how a registry host is pointed at a mirror, or at a test server);
//! - `credentials "NAME" { token = "..." }` is sent as a bearer token to that host's registry,
//!   as are `TF_TOKEN_<host>` variables and `~/.terraform.d/credentials.tfrc.json` (what
//!   `terraform login` writes).
//!
//! Everything else (`provider_installation`, `plugin_cache_dir`, ...) is ignored without
//! complaint. As in Terraform, a config file that cannot be read is a warning, not an error.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Structure;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Service URLs by service id (`modules.v1`), for one host.
pub type Services = BTreeMap<String, String>;

/// What the CLI configuration says about registry hosts.
#[derive(Debug, Clone, Default)]
pub struct CliConfig {
    hosts: BTreeMap<String, Services>,
    credentials: BTreeMap<String, String>,
    /// Problems met while reading (shown as warnings).
    pub warnings: Vec<String>,
}

impl CliConfig {
    /// Loads the configuration the environment points at.
    pub fn load() -> CliConfig {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let explicit = std::env::var_os("TF_CLI_CONFIG_FILE")
            .or_else(|| std::env::var_os("TERRAFORM_CONFIG"))
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        let mut config = CliConfig::default();
        let file = explicit
            .clone()
            .or_else(|| home.as_ref().map(|h| h.join(".terraformrc")));
        if let Some(file) = file {
            match std::fs::read_to_string(&file) {
                Ok(text) => match CliConfig::parse(&text, is_json(&file)) {
                    Ok(parsed) => config = parsed,
                    Err(e) => config
                        .warnings
                        .push(format!("Ignoring the CLI configuration {}: {e}", file.display())),
                },
                Err(e) if explicit.is_some() => config
                    .warnings
                    .push(format!("Cannot read the CLI configuration {}: {e}", file.display())),
                Err(_) => {}
            }
        }
        if let Some(home) = home {
            config.add_credentials_file(&home.join(".terraform.d").join("credentials.tfrc.json"));
        }
        config
    }

    /// Parses the text of a CLI configuration file.
    pub fn parse(text: &str, json: bool) -> Result<CliConfig, String> {
        if json {
            return parse_json(text);
        }
        let body = match hcl_edit::parser::parse_body(text) {
            Ok(body) => body,
            Err(e) => hcl_edit::parser::parse_body(&one_item_per_line(text)).map_err(|_| e.to_string())?,
        };
        let mut config = CliConfig::default();
        for structure in body.iter() {
            let Structure::Block(block) = structure else { continue };
            let label = block.labels.first().map(|l| l.as_str().to_lowercase());
            match (block.ident.as_str(), label) {
                ("host", Some(host)) => {
                    let mut services = Services::new();
                    for s in block.body.iter() {
                        let Structure::Attribute(a) = s else { continue };
                        if a.key.as_str() != "services" {
                            continue;
                        }
                        let Expression::Object(obj) = &a.value else {
                            return Err(format!("host \"{host}\": services must be an object"));
                        };
                        for (k, v) in obj.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                                _ => continue,
                            };
                            if let Expression::String(s) = v.expr() {
                                services.insert(key, s.value().clone());
                            }
                        }
                    }
                    config.hosts.insert(host, services);
                }
                ("credentials", Some(host)) => {
                    for s in block.body.iter() {
                        if let Structure::Attribute(a) = s {
                            if a.key.as_str() == "token" {
                                if let Expression::String(t) = &a.value {
                                    config.credentials.insert(host.clone(), t.value().clone());
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(config)
    }

    fn add_credentials_file(&mut self, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => {
                for (host, c) in v["credentials"].as_object().into_iter().flatten() {
                    if let Some(token) = c["token"].as_str() {
                        self.credentials
                            .entry(host.to_lowercase())
                            .or_insert_with(|| token.to_string());
                    }
                }
            }
            Err(e) => self.warnings.push(format!("Ignoring {}: {e}", path.display())),
        }
    }

    /// Services forced for `host` by a `host` block, if any.
    pub fn services(&self, host: &str) -> Option<&Services> {
        self.hosts.get(&host.to_lowercase())
    }

    /// The API token for `host`: a `TF_TOKEN_...` variable first, then the configuration.
    pub fn token(&self, host: &str) -> Option<String> {
        let host = host.to_lowercase();
        std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("TF_TOKEN_")?.to_string(), v)))
            .find(|(encoded, _)| decode_token_var(encoded) == host)
            .map(|(_, v)| v)
            .or_else(|| self.credentials.get(&host).cloned())
    }
}

/// The text with a line break after every `{` and before every `}` outside strings and
/// comments. CLI configuration files are HCL 1, where a block may hold a block on one line
/// (`provider_installation { filesystem_mirror { path = "/opt/tf-plugins" } }`, as Terraform's
/// own documentation writes it); HCL 2, the only syntax the hcl crates parse, allows one item
/// per line only. Spread out, the same file means the same thing in HCL 2. Written by hand: no
/// maintained crate parses HCL 1.
fn one_item_per_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' | '/' if c == '#' || chars.peek() == Some(&'/') => {
                out.push(c);
                while let Some(s) = chars.next_if(|&s| s != '\n') {
                    out.push(s);
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                out.push(c);
                out.extend(chars.next());
                let mut last = ' ';
                for s in chars.by_ref() {
                    out.push(s);
                    if last == '*' && s == '/' {
                        break;
                    }
                    last = s;
                }
            }
            '{' => out.push_str("{\n"),
            '}' => out.push_str("\n}"),
            _ => out.push(c),
        }
    }
    out
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// `TF_TOKEN_app_terraform_io` names `app.terraform.io`; `__` stands for `-`.
fn decode_token_var(encoded: &str) -> String {
    encoded
        .replace("__", "\u{0}")
        .replace('_', ".")
        .replace('\u{0}', "-")
        .to_lowercase()
}

fn parse_json(text: &str) -> Result<CliConfig, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut config = CliConfig::default();
    for (host, h) in v["host"].as_object().into_iter().flatten() {
        let services = h["services"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, u)| Some((k.clone(), u.as_str()?.to_string())))
            .collect();
        config.hosts.insert(host.to_lowercase(), services);
    }
    for (host, c) in v["credentials"].as_object().into_iter().flatten() {
        if let Some(t) = c["token"].as_str() {
            config.credentials.insert(host.to_lowercase(), t.to_string());
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_and_credentials_blocks_and_ignores_the_rest() {
        let c = CliConfig::parse(
            r#"
provider_installation {
  filesystem_mirror { path = "/opt/tf-plugins" }
  direct { exclude = ["*/*"] }
}
plugin_cache_dir = "/tmp/cache"
host "Registry.Test.Local" {
  services = {
    "modules.v1" = "http://127.0.0.1:9999/v1/modules/"
    "providers.v1" = "http://127.0.0.1:9999/v1/providers/"
  }
}
credentials "registry.test.local" {
  token = "s3cr3t"
}
"#,
            false,
        )
        .unwrap();
        let s = c.services("registry.test.local").unwrap();
        assert_eq!(s["modules.v1"], "http://127.0.0.1:9999/v1/modules/");
        assert_eq!(s["providers.v1"], "http://127.0.0.1:9999/v1/providers/");
        assert_eq!(c.token("REGISTRY.test.local").as_deref(), Some("s3cr3t"));
        assert!(c.services("other.example").is_none());
    }

    #[test]
    fn reads_blocks_written_on_one_line_as_hcl_1_allows() {
        let c = CliConfig::parse(
            "provider_installation { filesystem_mirror { path = \"/opt/{x}\" } } # a { comment\n\
             host \"r.example\" { services = { \"modules.v1\" = \"http://127.0.0.1:1/v1/modules/\" } }\n\
             /* } */ credentials \"r.example\" { token = \"t{\\\"}\" }\n",
            false,
        )
        .unwrap();
        assert_eq!(
            c.services("r.example").unwrap()["modules.v1"],
            "http://127.0.0.1:1/v1/modules/"
        );
        assert_eq!(c.credentials["r.example"], "t{\"}");
        assert!(CliConfig::parse("host \"x\" {", false).is_err());
    }

    #[test]
    fn reads_json_form() {
        let c = CliConfig::parse(
            r#"{"host":{"r.example":{"services":{"modules.v1":"/m/"}}},"credentials":{"r.example":{"token":"t"}}}"#,
            true,
        )
        .unwrap();
        assert_eq!(c.services("r.example").unwrap()["modules.v1"], "/m/");
        assert_eq!(c.credentials["r.example"], "t");
    }

    #[test]
    fn token_variables_decode_dots_and_hyphens() {
        assert_eq!(decode_token_var("app_terraform_io"), "app.terraform.io");
        assert_eq!(decode_token_var("my__reg_example_com"), "my-reg.example.com");
    }
}
