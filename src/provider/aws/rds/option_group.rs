//! `aws_db_option_group`: engine features (audit plugins, native backup, ...) for DB
//! instances. The id is the (lower-case) name; engine, major version and description are fixed
//! at creation; `option` blocks change in place through ModifyOptionGroup (options to include,
//! applied now, and options to remove). RDS reports every setting of an option: only those
//! configured or differing from their default are read back, and a setting RDS masks (`****`,
//! a password) keeps its configured value, as the provider does. AWS refuses to delete a group
//! an instance or snapshot still uses; the delete retries while it does, within `timeouts`.

use super::{kept, list_tags, owned, read_tags, tags_for_create, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, name_or_generated, name_prefix_from_name, ok_on,
    op_timeout, opt_bool, opt_str, retry_while, str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::{OptionConfiguration, OptionGroup as Group, OptionSetting};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_db_option_group` resource type.
pub struct OptionGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// What option group names may hold (the provider's check).
const NAME: &str = r"^[a-z][0-9a-z-]*$";

/// The `option` blocks of a value.
fn options(v: &Value) -> Vec<Value> {
    v.get("option").as_list().map(<[Value]>::to_vec).unwrap_or_default()
}

/// The name and value of each `option_settings` block of an option.
fn settings(option: &Value) -> Vec<(String, String)> {
    option
        .get("option_settings")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|s| Some((s.get("name").to_plain_string()?, s.get("value").to_plain_string()?)))
        .collect()
}

/// One `option` block as ModifyOptionGroup takes it.
fn configuration(option: &Value) -> OptionConfiguration {
    let some = |k: &str| Some(str_list(option, k)).filter(|l| !l.is_empty());
    OptionConfiguration::builder()
        .set_option_name(opt_str(option, "option_name"))
        .set_option_version(opt_str(option, "version"))
        .set_port(option.get("port").as_number().map(|p| p as i32).filter(|p| *p != 0))
        .set_db_security_group_memberships(some("db_security_group_memberships"))
        .set_vpc_security_group_memberships(some("vpc_security_group_memberships"))
        .set_option_settings(Some(
            settings(option)
                .into_iter()
                .map(|(n, v)| OptionSetting::builder().name(n).value(v).build())
                .collect(),
        ))
        .build()
}

impl OptionGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OptionGroup {
        let schema = resource("aws_db_option_group")
            .arg("name")
            .force_new()
            .check(len_between(1, 255))
            .check(matches(
                NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--|-$", "no two consecutive hyphens nor a final hyphen"))
            .arg("name_prefix")
            .force_new()
            .check(len_between(1, 229))
            .check(matches(
                NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--", "no two consecutive hyphens"))
            .arg("engine_name")
            .force_new()
            .arg("major_engine_version")
            .force_new()
            .arg("option_group_description")
            .force_new()
            .default("Managed by Terraform")
            .arg("skip_destroy")
            .default(false)
            .args(&["option", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .timeouts(0, 0, 15)
            .build();
        OptionGroup { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Group>> {
        let r = self
            .c
            .rds
            .describe_option_groups()
            .option_group_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["OptionGroupNotFoundFault"])?.and_then(|o| o.option_groups_list().first().cloned()))
    }

    /// The options as state records them, given what the blueprint configured.
    fn read_options(g: &Group, configured: &[Value]) -> Value {
        let list = g
            .options()
            .iter()
            .filter_map(|o| {
                let name = o.option_name()?;
                let mine = configured.iter().find(|c| c.get("option_name").as_str() == Some(name));
                let mine_settings = mine.map(settings).unwrap_or_default();
                let option_settings = o
                    .option_settings()
                    .iter()
                    .filter_map(|s| {
                        let n = s.name()?;
                        let value = s.value().unwrap_or_default();
                        let set = mine_settings.iter().find(|(m, _)| m == n);
                        if set.is_none() && Some(value) == s.default_value() {
                            return None;
                        }
                        let value = match set {
                            Some((_, v)) if value == "****" => v.clone(),
                            _ => value.to_string(),
                        };
                        Some(Value::object([("name", Value::str(n)), ("value", Value::str(value))]))
                    })
                    .collect();
                let configured_has = |k: &str| mine.is_some_and(|m| !matches!(m.get(k), Value::Null));
                Some(Value::object([
                    ("option_name", Value::str(name)),
                    ("option_settings", Value::List(option_settings)),
                    (
                        "version",
                        if configured_has("version") {
                            Value::from(o.option_version())
                        } else {
                            Value::Null
                        },
                    ),
                    (
                        "port",
                        if configured_has("port") {
                            Value::from(o.port().map(i64::from))
                        } else {
                            Value::Null
                        },
                    ),
                    (
                        "db_security_group_memberships",
                        list_value(
                            o.db_security_group_memberships()
                                .iter()
                                .filter_map(|m| m.db_security_group_name().map(str::to_string)),
                        ),
                    ),
                    (
                        "vpc_security_group_memberships",
                        list_value(
                            o.vpc_security_group_memberships()
                                .iter()
                                .filter_map(|m| m.vpc_security_group_id().map(str::to_string)),
                        ),
                    ),
                ]))
            })
            .collect();
        Value::List(list)
    }

    /// Brings the group's options from `old` to `new`: changed and new ones included (applied
    /// now), ones no longer configured removed.
    async fn apply_options(&self, name: &str, old: &[Value], new: &[Value]) -> PResult<()> {
        let include: Vec<&Value> = new.iter().filter(|o| !old.contains(o)).collect();
        let included = |n: &str| include.iter().any(|o| o.get("option_name").as_str() == Some(n));
        let remove: Vec<String> = old
            .iter()
            .filter(|o| !new.contains(o))
            .filter_map(|o| o.get("option_name").as_str().map(str::to_string))
            .filter(|n| !included(n))
            .collect();
        if include.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let include: Vec<OptionConfiguration> = include.into_iter().map(configuration).collect();
        self.c
            .rds
            .modify_option_group()
            .option_group_name(name)
            .apply_immediately(true)
            .set_options_to_include(Some(include).filter(|l| !l.is_empty()))
            .set_options_to_remove(Some(remove).filter(|l| !l.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for OptionGroup {
    fn type_name(&self) -> &'static str {
        "aws_db_option_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26).to_ascii_lowercase();
        self.c
            .rds
            .create_option_group()
            .option_group_name(&name)
            .set_engine_name(opt_str(planned, "engine_name"))
            .set_major_engine_version(opt_str(planned, "major_engine_version"))
            .option_group_description(opt_str(planned, "option_group_description").unwrap_or_default())
            .set_tags(Some(tags_for_create(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        self.apply_options(&name, &[], &options(planned)).await?;
        must_exist(self.read(ctx, &name, planned).await?, "DB option group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let name = g.option_group_name().unwrap_or(id).to_string();
        let arn = g.option_group_arn().unwrap_or_default().to_string();
        let tags = list_tags(&self.c.rds, &arn).await?;
        let prefix = match prior.get("name_prefix") {
            Value::String(p) => Value::str(p),
            _ => Value::from(name_prefix_from_name(&name, "")),
        };
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("name", Value::str(&name)),
            ("name_prefix", prefix),
            ("arn", Value::str(arn)),
            ("engine_name", Value::from(g.engine_name())),
            ("major_engine_version", Value::from(g.major_engine_version())),
            ("option_group_description", Value::from(g.option_group_description())),
            ("option", Self::read_options(&g, &options(prior))),
            ("skip_destroy", kept(prior, "skip_destroy", Value::Bool(false))),
            ("timeouts", prior.get("timeouts").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(&tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        self.apply_options(id, &options(prior), &options(planned)).await?;
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DB option group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(900));
        // An instance deleted a moment ago may still hold the group for a while.
        let r = retry_while(&["InvalidOptionGroupStateFault"], timeout, || async {
            self.c
                .rds
                .delete_option_group()
                .option_group_name(id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["OptionGroupNotFoundFault"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let candidates: Vec<(String, String)> = match opt_str(planned, "name") {
            Some(name) => self
                .describe(&name.to_ascii_lowercase())
                .await?
                .and_then(|g| Some((g.option_group_name()?.to_string(), g.option_group_arn()?.to_string())))
                .into_iter()
                .collect(),
            None => {
                // A generated name: look among the groups with the prefix for this address's tags.
                let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
                let mut found = Vec::new();
                let mut pages = self.c.rds.describe_option_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    for g in page.map_err(aws_err)?.option_groups_list() {
                        if let (Some(n), Some(a)) = (g.option_group_name(), g.option_group_arn()) {
                            if n.starts_with(&prefix) {
                                found.push((n.to_string(), a.to_string()));
                            }
                        }
                    }
                }
                found
            }
        };
        for (name, arn) in candidates {
            if owned(&list_tags(&self.c.rds, &arn).await?, ctx) {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }
}
