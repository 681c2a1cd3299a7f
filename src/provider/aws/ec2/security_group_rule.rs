//! `aws_security_group_rule`: one rule added to a security group managed elsewhere (the
//! older style; every argument but `description` forces replacement, as in the AWS provider).
//!
//! Rules have no id in this API, so the id is derived from the rule itself, and a rule is found
//! again by matching the group's permissions.

use super::security_group::{normalize_protocol, permission, rules_from};
use crate::plan::diff::same;
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, opt_bool, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_cidr_network, ipv6_cidr_network, len_between, one_of};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The `aws_security_group_rule` resource type.
pub struct SecurityGroupRule {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecurityGroupRule {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecurityGroupRule {
        let schema = resource("aws_security_group_rule")
            .arg("type")
            .force_new()
            .arg("security_group_id")
            .force_new()
            .arg("from_port")
            .force_new()
            .arg("to_port")
            .force_new()
            .arg("protocol")
            .force_new()
            .arg("cidr_blocks")
            .force_new()
            .arg("ipv6_cidr_blocks")
            .force_new()
            .arg("prefix_list_ids")
            .force_new()
            .arg("source_security_group_id")
            .force_new()
            .arg("self")
            .force_new()
            .default(false)
            .args(&["description"])
            .arg("type")
            .check(one_of(&["egress", "ingress"]))
            .arg("cidr_blocks")
            .check(ipv4_cidr_network())
            .arg("ipv6_cidr_blocks")
            .check(ipv6_cidr_network())
            .arg("description")
            .check(len_between(0, 255))
            .check(super::security_group::rule_description())
            .timeouts(5, 0, 0)
            .build();
        SecurityGroupRule { c, schema }
    }

    fn egress(v: &Value) -> PResult<bool> {
        match opt_str(v, "type").as_deref() {
            Some("ingress") => Ok(false),
            Some("egress") => Ok(true),
            other => Err(ProviderError::msg(format!(
                "type must be ingress or egress, not {other:?}"
            ))),
        }
    }
}

/// The rule as an inline `ingress`/`egress` block value, so the group's helpers apply.
fn as_block(v: &Value) -> Value {
    let groups: Vec<String> = opt_str(v, "source_security_group_id").into_iter().collect();
    Value::object([
        ("from_port", v.get("from_port").clone()),
        ("to_port", v.get("to_port").clone()),
        (
            "protocol",
            Value::str(normalize_protocol(
                &opt_str(v, "protocol").unwrap_or_else(|| "-1".into()),
            )),
        ),
        ("cidr_blocks", list_value(str_list(v, "cidr_blocks"))),
        ("ipv6_cidr_blocks", list_value(str_list(v, "ipv6_cidr_blocks"))),
        ("prefix_list_ids", list_value(str_list(v, "prefix_list_ids"))),
        ("security_groups", list_value(groups)),
        ("self", Value::Bool(opt_bool(v, "self").unwrap_or(false))),
        ("description", v.get("description").clone()),
    ])
}

/// An id derived from what the rule is, in the provider's `sgrule-` form.
fn rule_id(v: &Value) -> String {
    let b = as_block(v);
    let key = format!(
        "{}|{}|{}",
        opt_str(v, "security_group_id").unwrap_or_default(),
        opt_str(v, "type").unwrap_or_default(),
        Value::object(
            b.as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "description")
        )
        .to_json()
    );
    format!("sgrule-{}", &hex::encode(Sha256::digest(key.as_bytes()))[..20])
}

/// Reads Terraform's import id for a rule,
/// `SGID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE...]`, where each source is a CIDR block,
/// a security group id (optionally `ACCOUNT/sg-...`), a prefix list id or `self`.
fn parse_import_id(id: &str) -> Result<Value, String> {
    let usage = || {
        format!(
            "invalid import id {id:?}: expected SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*, \
             e.g. sg-123_ingress_tcp_443_443_10.0.0.0/16"
        )
    };
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() < 6 || !parts[0].starts_with("sg-") || !matches!(parts[1], "ingress" | "egress") {
        return Err(usage());
    }
    let port = |s: &str| s.parse::<i64>().map_err(|_| usage());
    let (mut v4, mut v6, mut lists, mut own, mut group) = (vec![], vec![], vec![], false, None);
    for source in &parts[5..] {
        match *source {
            "self" => own = true,
            s if s.starts_with("pl-") => lists.push(s.to_string()),
            s if s.contains("sg-") => group = Some(s.rsplit('/').next().unwrap_or(s).to_string()),
            s if s.contains(':') => v6.push(s.to_string()),
            s if s.contains('/') => v4.push(s.to_string()),
            _ => return Err(usage()),
        }
    }
    Ok(Value::object([
        ("type", Value::str(parts[1])),
        ("security_group_id", Value::str(parts[0])),
        ("protocol", Value::str(normalize_protocol(parts[2]))),
        ("from_port", Value::from(port(parts[3])?)),
        ("to_port", Value::from(port(parts[4])?)),
        ("cidr_blocks", list_value(v4)),
        ("ipv6_cidr_blocks", list_value(v6)),
        ("prefix_list_ids", list_value(lists)),
        ("source_security_group_id", Value::from(group)),
        ("self", Value::Bool(own)),
        ("description", Value::Null),
    ]))
}

/// Spells a rule out as Terraform's import id (the inverse of [`parse_import_id`]), so a rule
/// found again without state is read back the way an import reads it: from what it is.
fn import_id(v: &Value) -> String {
    let b = as_block(v);
    let mut parts = vec![
        opt_str(v, "security_group_id").unwrap_or_default(),
        opt_str(v, "type").unwrap_or_default(),
        opt_str(&b, "protocol").unwrap_or_default(),
        b.get("from_port").to_plain_string().unwrap_or_default(),
        b.get("to_port").to_plain_string().unwrap_or_default(),
    ];
    for k in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"] {
        parts.extend(str_list(&b, k));
    }
    if opt_bool(&b, "self") == Some(true) {
        parts.push("self".into());
    }
    parts.join("_")
}

/// True when `have` (a flattened rule of the group) includes every source of `want`.
fn covers(have: &Value, want: &Value) -> bool {
    let eq = |k: &str| same(&Type::Any, want.get(k), have.get(k));
    // A rule of every protocol has no ports: EC2 answers none whatever was written (modules
    // write -1 or 0), and the provider matches a missing port as any.
    let every_protocol = want.get("protocol").as_str() == Some("-1");
    if !(eq("protocol") && (every_protocol || (eq("from_port") && eq("to_port")))) {
        return false;
    }
    ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"]
        .iter()
        .all(|k| {
            let theirs = have.get(k).as_list().unwrap_or(&[]);
            want.get(k).as_list().unwrap_or(&[]).iter().all(|x| theirs.contains(x))
        })
        && (want.get("self").as_bool() != Some(true) || have.get("self").as_bool() == Some(true))
}

#[async_trait]
impl ResourceType for SecurityGroupRule {
    fn type_name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let group = required(planned, "security_group_id")?;
        let perm = permission(&group, &as_block(planned));
        if Self::egress(planned)? {
            self.c
                .ec2
                .authorize_security_group_egress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map_err(aws_err)?;
        } else {
            self.c
                .ec2
                .authorize_security_group_ingress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map_err(aws_err)?;
        }
        let id = rule_id(planned);
        must_exist(self.read(ctx, &id, planned).await?, "security group rule", &id)
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(group) = opt_str(prior, "security_group_id") else {
            // An import: the id spells the rule out, as Terraform's import ids do.
            let rule = parse_import_id(id).map_err(ProviderError::msg)?;
            let id = rule_id(&rule);
            return Box::pin(self.read(ctx, &id, &rule)).await;
        };
        let out = self
            .c
            .ec2
            .describe_security_groups()
            .group_ids(&group)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidGroup.NotFound"])? else {
            return Ok(None);
        };
        let Some(g) = out.security_groups().first() else {
            return Ok(None);
        };
        let egress = Self::egress(prior)?;
        let perms = if egress {
            g.ip_permissions_egress()
        } else {
            g.ip_permissions()
        };
        let want = as_block(prior);
        let rules = rules_from(&group, perms);
        let Some(found) = rules.iter().find(|r| covers(r, &want)) else {
            return Ok(None);
        };
        let mut v = prior.clone();
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), Value::str(id));
            m.insert("description".into(), found.get("description").clone());
            m.insert("security_group_rule_id".into(), Value::Null);
            m.insert("self".into(), Value::Bool(opt_bool(prior, "self").unwrap_or(false)));
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Only the description changes in place.
        let group = opt_str(planned, "security_group_id").unwrap_or_default();
        let perm = permission(&group, &as_block(planned));
        if Self::egress(planned)? {
            self.c
                .ec2
                .update_security_group_rule_descriptions_egress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map_err(aws_err)?;
        } else {
            self.c
                .ec2
                .update_security_group_rule_descriptions_ingress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "security group rule", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let group = opt_str(prior, "security_group_id").unwrap_or_default();
        let perm = permission(&group, &as_block(prior));
        let r = if Self::egress(prior)? {
            self.c
                .ec2
                .revoke_security_group_egress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        } else {
            self.c
                .ec2
                .revoke_security_group_ingress()
                .group_id(&group)
                .ip_permissions(perm)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        };
        absent_on(r, &["InvalidPermission.NotFound", "InvalidGroup.NotFound"]).map(|_| ())
    }

    /// A rule of every protocol that state records with ports 0 (how the provider reads one
    /// back, EC2 answering none) is the rule the blueprint writes with any ports: no change, as
    /// the provider's `from_port`/`to_port` DiffSuppressFunc says ("existing configurations that
    /// have non-zero from_port and to_port defined with all protocols").
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let every_protocol = opt_str(planned, "protocol").is_some_and(|p| normalize_protocol(&p) == "-1");
        if let (true, Some(prior), Value::Object(m)) = (every_protocol, prior, &mut *planned) {
            for port in ["from_port", "to_port"] {
                if prior.get(port).as_number() == Some(0.0) {
                    m.insert(port.into(), Value::from(0));
                }
            }
        }
        Ok(None)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // The `sgrule-` id is only a hash, and the engine reads an adopted object with no prior
        // value: answer the import id, which says which rule to look for (the read gives the
        // object its `sgrule-` id back).
        let id = rule_id(planned);
        Ok(self.read(ctx, &id, planned).await?.map(|_| import_id(planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_of_every_protocol_matches_whatever_ports_it_was_written_with() {
        let perm = permission("sg-1", &as_block(&module_rule_of_every_protocol(-1)));
        let read = rules_from("sg-1", &[perm]);
        for written in [-1, 0] {
            assert!(
                covers(&read[0], &as_block(&module_rule_of_every_protocol(written))),
                "{written}"
            );
        }
        let mut tcp = module_rule();
        if let Value::Object(m) = &mut tcp {
            m.insert("to_port".into(), Value::from(444));
        }
        let read = rules_from("sg-1", &[permission("sg-1", &as_block(&module_rule()))]);
        assert!(!covers(&read[0], &as_block(&tcp)), "ports still count for tcp");
    }

    fn module_rule_of_every_protocol(port: i64) -> Value {
        Value::object([
            ("type", Value::str("egress")),
            ("security_group_id", Value::str("sg-1")),
            ("from_port", Value::from(port)),
            ("to_port", Value::from(port)),
            ("protocol", Value::str("-1")),
            ("cidr_blocks", Value::List(vec![Value::str("0.0.0.0/0")])),
            ("ipv6_cidr_blocks", Value::List(vec![Value::str("::/0")])),
        ])
    }

    #[test]
    fn ports_zero_in_state_are_any_ports_for_a_rule_of_every_protocol() {
        let rt = SecurityGroupRule::new(Arc::new(crate::provider::aws::offline_clients()));
        let config = module_rule_of_every_protocol(-1);
        let prior = module_rule_of_every_protocol(0);
        let mut planned = config.clone();
        rt.refine_plan(Some(&prior), &config, &mut planned).unwrap();
        assert_eq!(planned.get("from_port"), &Value::from(0));
        assert_eq!(planned.get("to_port"), &Value::from(0));
        // Ports still count for a protocol that has them.
        let mut tcp = module_rule();
        let mut prior = tcp.clone();
        if let Value::Object(m) = &mut prior {
            m.insert("from_port".into(), Value::from(0));
        }
        rt.refine_plan(Some(&prior), &module_rule(), &mut tcp).unwrap();
        assert_eq!(tcp.get("from_port"), &Value::from(443));
    }

    #[test]
    fn terraform_import_ids_spell_out_the_rule() {
        let r = parse_import_id("sg-123_ingress_tcp_443_443_10.0.0.0/16_10.1.0.0/16").unwrap();
        assert_eq!(r.get("type"), &Value::str("ingress"));
        assert_eq!(r.get("from_port"), &Value::from(443));
        assert_eq!(r.get("cidr_blocks").as_list().unwrap().len(), 2);
        let r = parse_import_id("sg-123_egress_all_0_0_123456789012/sg-456").unwrap();
        assert_eq!(r.get("protocol"), &Value::str("-1"));
        assert_eq!(r.get("source_security_group_id"), &Value::str("sg-456"));
        let r = parse_import_id("sg-123_ingress_-1_0_0_self").unwrap();
        assert_eq!(r.get("self"), &Value::Bool(true));
        assert!(parse_import_id("sg-123_sideways_tcp_1_1_self").is_err());
        assert!(parse_import_id("sgrule-abc")
            .unwrap_err()
            .contains("SECURITYGROUPID_TYPE"));
    }

    /// terraform-aws-vpc's vpc-endpoints rule: optional sources given as null, one CIDR block.
    fn module_rule() -> Value {
        Value::object([
            ("security_group_id", Value::str("sg-0abc")),
            ("type", Value::str("ingress")),
            ("protocol", Value::str("tcp")),
            ("from_port", Value::from(443)),
            ("to_port", Value::from(443)),
            ("description", Value::str("HTTPS from VPC")),
            ("cidr_blocks", list_value(["10.0.0.0/16".to_string()])),
            ("ipv6_cidr_blocks", Value::Null),
            ("prefix_list_ids", Value::Null),
            ("self", Value::Null),
            ("source_security_group_id", Value::Null),
        ])
    }

    #[test]
    fn a_rule_spelled_as_an_import_id_reads_back_as_the_same_rule() {
        let rule = module_rule();
        let id = import_id(&rule);
        assert_eq!(id, "sg-0abc_ingress_tcp_443_443_10.0.0.0/16");
        let parsed = parse_import_id(&id).unwrap();
        assert_eq!(rule_id(&parsed), rule_id(&rule), "the same derived sgrule- id");

        let mut many = rule.clone();
        if let Value::Object(m) = &mut many {
            m.insert("protocol".into(), Value::str("all"));
            m.insert("from_port".into(), Value::from(0));
            m.insert("to_port".into(), Value::from(0));
            m.insert("type".into(), Value::str("egress"));
            m.insert("ipv6_cidr_blocks".into(), list_value(["::/0".to_string()]));
            m.insert("prefix_list_ids".into(), list_value(["pl-1".to_string()]));
            m.insert("self".into(), Value::Bool(true));
        }
        let id = import_id(&many);
        assert_eq!(id, "sg-0abc_egress_-1_0_0_10.0.0.0/16_::/0_pl-1_self");
        assert_eq!(rule_id(&parse_import_id(&id).unwrap()), rule_id(&many));

        let mut grouped = rule;
        if let Value::Object(m) = &mut grouped {
            m.insert("cidr_blocks".into(), Value::Null);
            m.insert("source_security_group_id".into(), Value::str("sg-0def"));
        }
        let id = import_id(&grouped);
        assert_eq!(id, "sg-0abc_ingress_tcp_443_443_sg-0def");
        assert_eq!(rule_id(&parse_import_id(&id).unwrap()), rule_id(&grouped));
    }
}
