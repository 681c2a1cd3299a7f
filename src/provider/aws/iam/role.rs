//! `aws_iam_role`: a role with its trust policy, session settings, inline policies and tags.

use super::{check_document, decode_document, iam_tags, to_iam_tags};
use crate::plan::diff::blocks_match;
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, opt_bool, opt_str, owns,
    read_beside, tag_changes, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, iam_policy, int_between, len_between, matches, Rule};
use crate::schema::{Nesting, Schema};
use crate::value::Value;
use async_trait::async_trait;
use futures::future::try_join_all;
use std::sync::Arc;

/// The `aws_iam_role` resource type.
pub struct Role {
    c: Arc<Clients>,
    schema: Schema,
}

impl Role {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Role {
        let schema = resource("aws_iam_role")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("path")
            .force_new()
            .default("/")
            .arg("assume_role_policy")
            .check(iam_policy())
            .arg("max_session_duration")
            .default(3600)
            .arg("force_detach_policies")
            .default(false)
            .arg("inline_policy")
            .live_if_unset()
            .arg("inline_policy.policy")
            .check(iam_policy())
            .args(&["description", "permissions_boundary", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(len_between(1, 64))
            .check(matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only"))
            .arg("name_prefix")
            .check(len_between(1, 38))
            .check(matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only"))
            .arg("description")
            .check(len_between(0, 1000))
            .arg("max_session_duration")
            .check(int_between(3600, 43200))
            .arg("permissions_boundary")
            .check(arn())
            .build();
        Role { c, schema }
    }

    async fn inline_policies(&self, name: &str) -> PResult<Vec<Value>> {
        let names = self
            .c
            .iam
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .map_err(aws_err)?;
        // Each policy's document is its own call; they go out together.
        try_join_all(names.policy_names().iter().map(|policy_name| async move {
            let p = self
                .c
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(policy_name)
                .send()
                .await
                .map_err(aws_err)?;
            Ok::<_, ProviderError>(Value::object([
                ("name", Value::str(policy_name)),
                ("policy", Value::str(decode_document(p.policy_document()))),
            ]))
        }))
        .await
    }

    async fn put_inline(&self, role: &str, p: &Value) -> PResult<()> {
        let name = opt_str(p, "name").ok_or_else(|| ProviderError::msg("inline_policy needs a name"))?;
        let doc = check_document("policy", p)?;
        self.c
            .iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for Role {
    fn type_name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        config
            .get("inline_policy")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .flat_map(|p| super::lint::json_policy(p.get("policy")))
            .collect()
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let trust = check_document("assume_role_policy", planned)?;
        self.c
            .iam
            .create_role()
            .role_name(&name)
            .path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .assume_role_policy_document(trust)
            .set_description(opt_str(planned, "description"))
            .set_max_session_duration(planned.get("max_session_duration").as_number().map(|n| n as i32))
            .set_permissions_boundary(opt_str(planned, "permissions_boundary"))
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        for p in planned.get("inline_policy").as_list().unwrap_or(&[]) {
            self.put_inline(&name, p).await?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "role", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let role = async {
            absent_on(
                self.c.iam.get_role().role_name(id).send().await.map_err(aws_err),
                &["NoSuchEntity"],
            )
        };
        // The inline policies are listed beside the role: the list needs only its name.
        let Some((out, inline)) = read_beside(role, self.inline_policies(id)).await? else {
            return Ok(None);
        };
        let Some(r) = out.role() else { return Ok(None) };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(r.role_name())),
            ("name_prefix", name_prefix_read(prior, Some(r.role_name()), "")),
            ("path", Value::str(r.path())),
            (
                "assume_role_policy",
                Value::from(r.assume_role_policy_document().map(decode_document)),
            ),
            ("description", Value::from(r.description())),
            (
                "max_session_duration",
                Value::Number(r.max_session_duration().unwrap_or(3600) as f64),
            ),
            (
                "permissions_boundary",
                Value::from(
                    r.permissions_boundary()
                        .and_then(|b| b.permissions_boundary_arn())
                        .map(str::to_string),
                ),
            ),
            (
                "force_detach_policies",
                Value::Bool(opt_bool(prior, "force_detach_policies").unwrap_or(false)),
            ),
            ("inline_policy", Value::List(inline)),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(r.tags().iter().map(|t| (t.key().to_string(), t.value().to_string()))),
            ),
            ("arn", Value::str(r.arn())),
            ("unique_id", Value::str(r.role_id())),
            ("create_date", Value::str(r.create_date().to_string())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("assume_role_policy") {
            let trust = check_document("assume_role_policy", planned)?;
            self.c
                .iam
                .update_assume_role_policy()
                .role_name(id)
                .policy_document(trust)
                .send()
                .await
                .map_err(aws_err)?;
        }
        if changed("description") || changed("max_session_duration") {
            self.c
                .iam
                .update_role()
                .role_name(id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .set_max_session_duration(planned.get("max_session_duration").as_number().map(|n| n as i32))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if changed("permissions_boundary") {
            match opt_str(planned, "permissions_boundary") {
                Some(b) => {
                    self.c
                        .iam
                        .put_role_permissions_boundary()
                        .role_name(id)
                        .permissions_boundary(b)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
                None => {
                    self.c
                        .iam
                        .delete_role_permissions_boundary()
                        .role_name(id)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
            }
        }
        if let Some(new) = planned.get("inline_policy").as_list() {
            let old = prior.get("inline_policy").as_list().unwrap_or(&[]);
            let schema = self
                .schema
                .blocks
                .get("inline_policy")
                .map(|b| b.schema.clone())
                .unwrap_or_default();
            let same = |a: &Value, b: &Value| {
                blocks_match(
                    &schema,
                    Nesting::List,
                    &Value::List(vec![a.clone()]),
                    &Value::List(vec![b.clone()]),
                )
            };
            for o in old
                .iter()
                .filter(|o| !new.iter().any(|n| n.get("name") == o.get("name")))
            {
                if let Some(name) = opt_str(o, "name") {
                    self.c
                        .iam
                        .delete_role_policy()
                        .role_name(id)
                        .policy_name(name)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
            }
            for n in new.iter().filter(|n| !old.iter().any(|o| same(n, o))) {
                self.put_inline(id, n).await?;
            }
        }
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !remove.is_empty() {
            self.c
                .iam
                .untag_role()
                .role_name(id)
                .set_tag_keys(Some(remove))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !add.is_empty() {
            let tags = to_iam_tags(add)?;
            self.c
                .iam
                .tag_role()
                .role_name(id)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let mut v = must_exist(self.read(ctx, id, planned).await?, "role", id)?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "force_detach_policies".into(),
                Value::Bool(opt_bool(planned, "force_detach_policies").unwrap_or(false)),
            );
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // Inline policies written in the role's own block go with it; with force_detach_policies,
        // so do managed attachments and inline policies written elsewhere.
        let force = opt_bool(prior, "force_detach_policies") == Some(true);
        let listed = absent_on(
            self.c
                .iam
                .list_role_policies()
                .role_name(id)
                .send()
                .await
                .map_err(aws_err),
            &["NoSuchEntity"],
        )?;
        let Some(listed) = listed else { return Ok(()) };
        let own: Vec<String> = prior
            .get("inline_policy")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| opt_str(p, "name"))
            .collect();
        for name in listed.policy_names() {
            if force || own.iter().any(|o| o == name) {
                self.c
                    .iam
                    .delete_role_policy()
                    .role_name(id)
                    .policy_name(name)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        if force {
            let attached = self
                .c
                .iam
                .list_attached_role_policies()
                .role_name(id)
                .send()
                .await
                .map_err(aws_err)?;
            for p in attached.attached_policies() {
                if let Some(arn) = p.policy_arn() {
                    self.c
                        .iam
                        .detach_role_policy()
                        .role_name(id)
                        .policy_arn(arn)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
            }
        }
        let profiles = self
            .c
            .iam
            .list_instance_profiles_for_role()
            .role_name(id)
            .send()
            .await
            .map_err(aws_err)?;
        for p in profiles.instance_profiles() {
            self.c
                .iam
                .remove_role_from_instance_profile()
                .role_name(id)
                .instance_profile_name(p.instance_profile_name())
                .send()
                .await
                .map_err(aws_err)?;
        }
        absent_on(
            self.c.iam.delete_role().role_name(id).send().await.map_err(aws_err),
            &["NoSuchEntity"],
        )
        .map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let out = absent_on(
            self.c.iam.get_role().role_name(&name).send().await.map_err(aws_err),
            &["NoSuchEntity"],
        )?;
        let tags: Vec<(String, String)> = out
            .as_ref()
            .and_then(|o| o.role())
            .map(|r| {
                r.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}
