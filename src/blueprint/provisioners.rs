//! `provisioner` and `connection` blocks as written in a resource: read and checked against the
//! schemas of Terraform's built-in provisioners (`local-exec`, `remote-exec`, `file`) and of its
//! connection block, with Terraform's rules for destroy-time provisioners.
//!
//! Running them is the applier's business (`crate::provision`); this module only says what the
//! user wrote and whether Terraform would accept it.

use super::config::{Body, NestedBlock};
use super::refs;
use super::source::Loc;
use crate::diag::{DResult, Diag};
use crate::schema::{Schema, Type};

/// The provisioner types Terraform 1.11 ships.
pub const TYPES: &[&str] = &["local-exec", "remote-exec", "file"];

/// One `provisioner "TYPE" { ... }` block.
#[derive(Debug, Clone)]
pub struct Provisioner {
    /// `local-exec`, `remote-exec` or `file`.
    pub kind: String,
    /// Its arguments, without the meta-arguments (`when`, `on_failure`) and `connection`.
    pub body: Body,
    /// Its own `connection` block, laid over the resource's.
    pub connection: Option<Body>,
    /// `when = destroy`: runs before the object is destroyed instead of after it is created.
    pub when_destroy: bool,
    /// `on_failure = continue`: a failure is a warning and the object is not tainted.
    pub on_failure_continue: bool,
    /// Where the block starts.
    pub loc: Loc,
}

/// The arguments of a provisioner type, as Terraform's provisioner declares them.
pub fn schema(kind: &str) -> Option<Schema> {
    Some(match kind {
        "local-exec" => Schema::new()
            .required("command", Type::String)
            .optional("interpreter", Type::list_of_strings())
            .optional("working_dir", Type::String)
            .optional("environment", Type::map_of_strings())
            .optional("quiet", Type::Bool),
        "remote-exec" => Schema::new()
            .optional("inline", Type::list_of_strings())
            .optional("script", Type::String)
            .optional("scripts", Type::list_of_strings()),
        "file" => Schema::new()
            .optional("source", Type::String)
            .optional("content", Type::String)
            .required("destination", Type::String),
        _ => return None,
    })
}

/// The arguments of a `connection` block (Terraform's superset of the SSH and WinRM ones).
pub fn connection_schema() -> Schema {
    let strings = [
        "type",
        "user",
        "password",
        "timeout",
        "script_path",
        "target_platform",
        "private_key",
        "certificate",
        "host_key",
        "agent_identity",
        "proxy_scheme",
        "proxy_host",
        "proxy_user_name",
        "proxy_user_password",
        "bastion_host",
        "bastion_host_key",
        "bastion_user",
        "bastion_password",
        "bastion_private_key",
        "bastion_certificate",
        "cacert",
    ];
    let mut s = Schema::new().required("host", Type::String);
    for name in strings {
        s = s.optional(name, Type::String);
    }
    for name in ["port", "proxy_port", "bastion_port"] {
        s = s.optional(name, Type::Number);
    }
    for name in ["agent", "https", "insecure", "use_ntlm"] {
        s = s.optional(name, Type::Bool);
    }
    s
}

/// Reads a `provisioner` block.
pub fn parse(block: NestedBlock) -> DResult<Provisioner> {
    let loc = block.body.loc.clone();
    let [kind] = block.labels.as_slice() else {
        return Err(Diag::new("A provisioner block needs 1 label(s): the provisioner type").at(&loc));
    };
    if matches!(kind.as_str(), "chef" | "habitat" | "puppet" | "salt-masterless") {
        return Err(Diag::new(format!("The \"{kind}\" provisioner has been removed"))
            .detail(format!("The \"{kind}\" provisioner was deprecated in Terraform 0.13.4 has been removed from Terraform. Visit https://learn.hashicorp.com/collections/terraform/provision for alternatives to using provisioners that are a better fit for the Terraform workflow."))
            .at(&loc));
    }
    let Some(schema) = schema(kind) else {
        return Err(Diag::new("Invalid provisioner type")
            .detail(format!(
                "Provisioner type \"{kind}\" is not available. Terraform's built-in provisioners are {}.",
                TYPES.join(", ")
            ))
            .at(&loc));
    };
    let mut body = block.body;
    let when_destroy = match body.attrs.shift_remove("when") {
        None => false,
        Some(a) => match a.expr.text().trim().trim_matches('"') {
            "create" => false,
            "destroy" => true,
            _ => {
                return Err(Diag::new("Invalid \"when\" keyword")
                    .detail("The \"when\" argument requires one of the following keywords: create or destroy.")
                    .at(&a.loc))
            }
        },
    };
    let on_failure_continue = match body.attrs.shift_remove("on_failure") {
        None => false,
        Some(a) => match a.expr.text().trim().trim_matches('"') {
            "continue" => true,
            "fail" => false,
            _ => {
                return Err(Diag::new("Invalid \"on_failure\" keyword")
                    .detail("The \"on_failure\" argument requires one of the following keywords: continue or fail.")
                    .at(&a.loc))
            }
        },
    };
    let mut connection = None;
    let mut escaped: Option<Body> = None;
    for nested in std::mem::take(&mut body.blocks) {
        match nested.kind.as_str() {
            "connection" if connection.is_some() => {
                return Err(Diag::new("Duplicate connection block")
                    .detail("This provisioner already has a connection block.")
                    .at(&nested.body.loc))
            }
            "connection" => {
                check_connection(&nested.body)?;
                connection = Some(nested.body);
            }
            // Arguments that would otherwise be meta-arguments, written for the provisioner.
            "_" if escaped.is_none() => escaped = Some(nested.body),
            "_" => {
                return Err(Diag::new("Duplicate escaping block")
                    .detail("Each provisioner block can have only one \"_\" block.")
                    .at(&nested.body.loc))
            }
            other => {
                return Err(Diag::new("Reserved block type name in provisioner block")
                    .detail(format!(
                        "The block type name \"{other}\" is reserved for use by Terraform in a future version."
                    ))
                    .at(&nested.body.loc))
            }
        }
    }
    if let Some(extra) = escaped {
        body.attrs.extend(extra.attrs);
    }
    check_names(&body, &schema, &format!("{kind} provisioner"))?;
    if when_destroy {
        only_self_references(&body)?;
        if let Some(c) = &connection {
            only_self_references(c)?;
        }
    }
    Ok(Provisioner {
        kind: kind.clone(),
        body,
        connection,
        when_destroy,
        on_failure_continue,
        loc,
    })
}

/// Checks the argument names of a `connection` block (values are checked when evaluated).
pub fn check_connection(body: &Body) -> DResult<()> {
    check_names(body, &connection_schema(), "connection")
}

fn check_names(body: &Body, schema: &Schema, what: &str) -> DResult<()> {
    if let Some(b) = body.blocks.first() {
        return Err(Diag::new("Unsupported block type")
            .detail(format!(
                "Blocks of type \"{}\" are not expected in a {what} block.",
                b.kind
            ))
            .at(&b.body.loc));
    }
    for (name, attr) in &body.attrs {
        if !schema.attrs.contains_key(name.as_str()) {
            return Err(Diag::new("Unsupported argument")
                .detail(format!(
                    "An argument named \"{name}\" is not expected in a {what} block."
                ))
                .at(&attr.loc));
        }
    }
    Ok(())
}

/// Destroy-time provisioners run when the rest of the stack may be gone: they may read only
/// the object itself, as Terraform requires.
fn only_self_references(body: &Body) -> DResult<()> {
    for attr in body.attrs.values() {
        for root in refs::roots(&attr.expr) {
            let first = root.attrs.first().map(String::as_str);
            let valid = match root.name.as_str() {
                "self" | "path" | "terraform" => true,
                "count" => first == Some("index"),
                "each" => first == Some("key"),
                _ => false,
            };
            if !valid {
                return Err(Diag::new("Invalid reference from destroy provisioner")
                    .detail("Destroy-time provisioners and their connection configurations may only reference attributes of the related resource, via 'self', 'count.index', or 'each.key'.\n\nReferences to other resources during the destroy phase can cause dependency cycles and interact poorly with create_before_destroy.")
                    .at(attr.expr.loc()));
            }
        }
    }
    Ok(())
}

/// Checks an evaluated provisioner configuration beyond its schema, as Terraform's
/// provisioners validate theirs (values not known yet pass).
pub fn check_config(p: &Provisioner, config: &crate::value::Value) -> DResult<()> {
    let set = |name: &str| !config.get(name).is_null();
    let invalid = |detail: &str| {
        Diag::new(format!("Invalid {} provisioner configuration", p.kind))
            .detail(detail.to_string())
            .at(&p.loc)
    };
    match p.kind.as_str() {
        "remote-exec" if ["inline", "script", "scripts"].iter().filter(|n| set(n)).count() != 1 => Err(invalid(
            "Only one of \"inline\", \"script\", or \"scripts\" must be set",
        )),
        "file" if set("source") && set("content") => Err(invalid("Cannot set both 'source' and 'content'")),
        "file" if !set("source") && !set("content") => Err(invalid("Must provide one of 'source' or 'content'")),
        _ => Ok(()),
    }
}
