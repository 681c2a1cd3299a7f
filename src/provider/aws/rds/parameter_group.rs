//! `aws_db_parameter_group` and `aws_rds_cluster_parameter_group`: engine settings for DB
//! instances and for Aurora clusters, the same type on two sets of RDS calls. The id is the
//! name; family and description are fixed at creation; `parameter` blocks are set with
//! Modify(DB|DBCluster)ParameterGroup and removed ones reset to the engine default, 20 per call
//! as RDS allows. Only parameters the user set (source `user`) are read back, so the engine's
//! hundreds of defaults never show as drift.

use super::{kept, list_tags, owned, read_tags, tags_for_create, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, ok_on, opt_bool, opt_str,
    required, retry_while,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::{ApplyMethod, Parameter};
use std::sync::Arc;
use std::time::Duration;

/// Which objects a parameter group configures.
#[derive(Clone, Copy, PartialEq)]
pub enum Scope {
    /// DB instances (`aws_db_parameter_group`).
    Instance,
    /// Aurora clusters (`aws_rds_cluster_parameter_group`).
    Cluster,
}

/// The `aws_db_parameter_group` or `aws_rds_cluster_parameter_group` resource type.
pub struct ParameterGroup {
    c: Arc<Clients>,
    scope: Scope,
    schema: Schema,
}

/// What describing a group gives, whichever its scope.
struct Group {
    name: String,
    family: Option<String>,
    description: Option<String>,
    arn: String,
}

/// Parameters per ModifyDBParameterGroup or ResetDBParameterGroup call (RDS's limit).
const PER_CALL: usize = 20;

/// What parameter group names may hold (the provider's check).
const NAME: &str = r"^[a-z][0-9a-z-]*$";

/// One `parameter` block: name, value, apply method.
type Setting = (String, String, String);

fn settings(v: &Value) -> Vec<Setting> {
    v.get("parameter")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            Some((
                p.get("name").to_plain_string()?,
                p.get("value").to_plain_string()?,
                p.get("apply_method")
                    .to_plain_string()
                    .unwrap_or_else(|| "immediate".into()),
            ))
        })
        .collect()
}

impl ParameterGroup {
    /// Creates the type for one scope with its clients.
    pub fn new(c: Arc<Clients>, scope: Scope) -> ParameterGroup {
        let type_name = match scope {
            Scope::Instance => "aws_db_parameter_group",
            Scope::Cluster => "aws_rds_cluster_parameter_group",
        };
        let mut decl = resource(type_name)
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
            .arg("family")
            .force_new()
            .arg("description")
            .force_new()
            .default("Managed by Terraform")
            .arg("parameter")
            .arg("parameter.apply_method")
            .default("immediate")
            .check(one_of(&["immediate", "pending-reboot"]))
            .args(&["tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]));
        if scope == Scope::Instance {
            decl = decl.arg("skip_destroy").default(false);
        }
        ParameterGroup {
            c,
            scope,
            schema: decl.build(),
        }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Group>> {
        let rds = &self.c.rds;
        let group = match self.scope {
            Scope::Instance => {
                let r = rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(name)
                    .send()
                    .await
                    .map_err(aws_err);
                absent_on(r, &["DBParameterGroupNotFound"])?
                    .and_then(|o| o.db_parameter_groups().first().cloned())
                    .map(|g| Group {
                        name: g.db_parameter_group_name().unwrap_or(name).to_string(),
                        family: g.db_parameter_group_family().map(str::to_string),
                        description: g.description().map(str::to_string),
                        arn: g.db_parameter_group_arn().unwrap_or_default().to_string(),
                    })
            }
            Scope::Cluster => {
                let r = rds
                    .describe_db_cluster_parameter_groups()
                    .db_cluster_parameter_group_name(name)
                    .send()
                    .await
                    .map_err(aws_err);
                absent_on(r, &["DBParameterGroupNotFound"])?
                    .and_then(|o| o.db_cluster_parameter_groups().first().cloned())
                    .map(|g| Group {
                        name: g.db_cluster_parameter_group_name().unwrap_or(name).to_string(),
                        family: g.db_parameter_group_family().map(str::to_string),
                        description: g.description().map(str::to_string),
                        arn: g.db_cluster_parameter_group_arn().unwrap_or_default().to_string(),
                    })
            }
        };
        Ok(group)
    }

    /// Every group's name and ARN (to find one whose name was generated).
    async fn list(&self) -> PResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        match self.scope {
            Scope::Instance => {
                let mut pages = self.c.rds.describe_db_parameter_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    for g in page.map_err(aws_err)?.db_parameter_groups() {
                        if let (Some(n), Some(a)) = (g.db_parameter_group_name(), g.db_parameter_group_arn()) {
                            out.push((n.to_string(), a.to_string()));
                        }
                    }
                }
            }
            Scope::Cluster => {
                let mut pages = self
                    .c
                    .rds
                    .describe_db_cluster_parameter_groups()
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    for g in page.map_err(aws_err)?.db_cluster_parameter_groups() {
                        if let (Some(n), Some(a)) =
                            (g.db_cluster_parameter_group_name(), g.db_cluster_parameter_group_arn())
                        {
                            out.push((n.to_string(), a.to_string()));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// The parameters set on the group (not the engine's defaults).
    async fn user_parameters(&self, name: &str) -> PResult<Vec<Parameter>> {
        let mut out = Vec::new();
        match self.scope {
            Scope::Instance => {
                let mut pages = self
                    .c
                    .rds
                    .describe_db_parameters()
                    .db_parameter_group_name(name)
                    .source("user")
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    out.extend(page.map_err(aws_err)?.parameters().iter().cloned());
                }
            }
            Scope::Cluster => {
                let mut pages = self
                    .c
                    .rds
                    .describe_db_cluster_parameters()
                    .db_cluster_parameter_group_name(name)
                    .source("user")
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    out.extend(page.map_err(aws_err)?.parameters().iter().cloned());
                }
            }
        }
        Ok(out)
    }

    async fn set(&self, name: &str, settings: &[Setting]) -> PResult<()> {
        for chunk in settings.chunks(PER_CALL) {
            let params = chunk
                .iter()
                .map(|(n, v, m)| {
                    Parameter::builder()
                        .parameter_name(n)
                        .parameter_value(v)
                        .apply_method(ApplyMethod::from(m.as_str()))
                        .build()
                })
                .collect();
            let rds = &self.c.rds;
            match self.scope {
                Scope::Instance => rds
                    .modify_db_parameter_group()
                    .db_parameter_group_name(name)
                    .set_parameters(Some(params))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                Scope::Cluster => rds
                    .modify_db_cluster_parameter_group()
                    .db_cluster_parameter_group_name(name)
                    .set_parameters(Some(params))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
            }?;
        }
        Ok(())
    }

    async fn reset(&self, name: &str, settings: &[Setting]) -> PResult<()> {
        for chunk in settings.chunks(PER_CALL) {
            let params = chunk
                .iter()
                .map(|(n, _, m)| {
                    Parameter::builder()
                        .parameter_name(n)
                        .apply_method(ApplyMethod::from(m.as_str()))
                        .build()
                })
                .collect();
            let rds = &self.c.rds;
            match self.scope {
                Scope::Instance => rds
                    .reset_db_parameter_group()
                    .db_parameter_group_name(name)
                    .set_parameters(Some(params))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                Scope::Cluster => rds
                    .reset_db_cluster_parameter_group()
                    .db_cluster_parameter_group_name(name)
                    .set_parameters(Some(params))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
            }?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for ParameterGroup {
    fn type_name(&self) -> &'static str {
        match self.scope {
            Scope::Instance => "aws_db_parameter_group",
            Scope::Cluster => "aws_rds_cluster_parameter_group",
        }
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let family = required(planned, "family")?;
        let description = opt_str(planned, "description").unwrap_or_default();
        let tags = Some(tags_for_create(ctx, planned));
        let rds = &self.c.rds;
        match self.scope {
            Scope::Instance => rds
                .create_db_parameter_group()
                .db_parameter_group_name(&name)
                .db_parameter_group_family(family)
                .description(description)
                .set_tags(tags)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Scope::Cluster => rds
                .create_db_cluster_parameter_group()
                .db_cluster_parameter_group_name(&name)
                .db_parameter_group_family(family)
                .description(description)
                .set_tags(tags)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        }?;
        self.set(&name, &settings(planned)).await?;
        must_exist(self.read(ctx, &name, planned).await?, "DB parameter group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let configured = settings(prior);
        let parameters = self
            .user_parameters(id)
            .await?
            .iter()
            .filter_map(|p| {
                let name = p.parameter_name()?;
                // AWS reports static parameters as pending-reboot whatever was asked; the
                // method configured for a parameter is kept, as the provider does.
                let method = configured
                    .iter()
                    .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, _, m)| m.clone())
                    .or_else(|| p.apply_method().map(|m| m.as_str().to_string()))
                    .unwrap_or_else(|| "immediate".into());
                Some(Value::object([
                    ("name", Value::str(name)),
                    ("value", Value::from(p.parameter_value())),
                    ("apply_method", Value::str(method)),
                ]))
            })
            .collect();
        let tags = list_tags(&self.c.rds, &g.arn).await?;
        let mut v = Value::object([
            ("id", Value::str(id)),
            ("name_prefix", name_prefix_read(prior, Some(&g.name), "")),
            ("name", Value::str(g.name)),
            ("family", Value::from(g.family)),
            ("description", Value::from(g.description)),
            ("parameter", Value::List(parameters)),
            ("arn", Value::str(g.arn)),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(&tags)),
        ]);
        if let (Scope::Instance, Value::Object(m)) = (self.scope, &mut v) {
            m.insert("skip_destroy".into(), kept(prior, "skip_destroy", Value::Bool(false)));
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let old = settings(prior);
        let new = settings(planned);
        let removed: Vec<Setting> = old
            .iter()
            .filter(|(n, _, _)| !new.iter().any(|(m, _, _)| m == n))
            .cloned()
            .collect();
        let changed: Vec<Setting> = new.iter().filter(|s| !old.contains(s)).cloned().collect();
        self.reset(id, &removed).await?;
        self.set(id, &changed).await?;
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DB parameter group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        // A DB instance deleted a moment ago may still hold the group for a while.
        let r = retry_while(&["InvalidDBParameterGroupState"], Duration::from_secs(180), || async {
            let rds = &self.c.rds;
            match self.scope {
                Scope::Instance => rds
                    .delete_db_parameter_group()
                    .db_parameter_group_name(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
                Scope::Cluster => rds
                    .delete_db_cluster_parameter_group()
                    .db_cluster_parameter_group_name(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err),
            }
        })
        .await;
        ok_on(r, &["DBParameterGroupNotFound"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            // A generated name: look among the groups with the prefix for this address's tags.
            let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            for (n, arn) in self.list().await? {
                if n.starts_with(&prefix) && owned(&list_tags(&self.c.rds, &arn).await?, ctx) {
                    return Ok(Some(n));
                }
            }
            return Ok(None);
        };
        let Some(g) = self.describe(&name).await? else {
            return Ok(None);
        };
        let tags = list_tags(&self.c.rds, &g.arn).await?;
        Ok(owned(&tags, ctx).then_some(name))
    }
}
