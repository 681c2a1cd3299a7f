//! `aws_iam_policy`: a customer managed policy; a changed document becomes a new default
//! version (the oldest non-default version is removed when IAM's limit of five is reached).

use super::{check_document, decode_document, iam_tags, to_iam_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, opt_str, owns, tag_changes,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{iam_policy, len_between, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// Length of the unique suffix of a generated policy name.
const UNIQUE_SUFFIX: usize = 26;

/// The `aws_iam_policy` resource type.
pub struct Policy {
    c: Arc<Clients>,
    schema: Schema,
}

impl Policy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Policy {
        let schema = resource("aws_iam_policy")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("path")
            .force_new()
            .default("/")
            .arg("description")
            .force_new()
            .arg("policy")
            .check(iam_policy())
            .args(&["tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(len_between(1, 128))
            .check(matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only"))
            .build();
        Policy { c, schema }
    }

    async fn versions(&self, arn: &str) -> PResult<Vec<aws_sdk_iam::types::PolicyVersion>> {
        let out = self
            .c
            .iam
            .list_policy_versions()
            .policy_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.versions().to_vec())
    }
}

#[async_trait]
impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        super::lint::json_policy(config.get("policy"))
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", UNIQUE_SUFFIX);
        let out = self
            .c
            .iam
            .create_policy()
            .policy_name(&name)
            .path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .set_description(opt_str(planned, "description"))
            .policy_document(check_document("policy", planned)?)
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .policy()
            .and_then(|p| p.arn())
            .ok_or_else(|| ProviderError::msg("CreatePolicy returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "policy", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = absent_on(
            self.c.iam.get_policy().policy_arn(id).send().await.map_err(aws_err),
            &["NoSuchEntity"],
        )?;
        let Some(p) = out.as_ref().and_then(|o| o.policy()) else {
            return Ok(None);
        };
        let version = p.default_version_id().unwrap_or("v1");
        let doc = self
            .c
            .iam
            .get_policy_version()
            .policy_arn(id)
            .version_id(version)
            .send()
            .await
            .map_err(aws_err)?;
        let document = doc.policy_version().and_then(|v| v.document()).map(decode_document);
        let tags = self
            .c
            .iam
            .list_policy_tags()
            .policy_arn(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(p.policy_name())),
            ("name_prefix", name_prefix_read(prior, p.policy_name(), "")),
            ("path", Value::from(p.path())),
            ("description", Value::from(p.description())),
            ("policy", Value::from(document)),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(tags.tags().iter().map(|t| (t.key().to_string(), t.value().to_string()))),
            ),
            ("arn", Value::str(id)),
            ("policy_id", Value::from(p.policy_id())),
            (
                "attachment_count",
                Value::Number(p.attachment_count().unwrap_or(0) as f64),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("policy") != planned.get("policy") {
            let versions = self.versions(id).await?;
            if versions.len() >= 5 {
                if let Some(oldest) = versions
                    .iter()
                    .filter(|v| !v.is_default_version())
                    .min_by_key(|v| v.create_date().map(|d| d.secs()).unwrap_or(0))
                {
                    if let Some(vid) = oldest.version_id() {
                        self.c
                            .iam
                            .delete_policy_version()
                            .policy_arn(id)
                            .version_id(vid)
                            .send()
                            .await
                            .map_err(aws_err)?;
                    }
                }
            }
            self.c
                .iam
                .create_policy_version()
                .policy_arn(id)
                .policy_document(check_document("policy", planned)?)
                .set_as_default(true)
                .send()
                .await
                .map_err(aws_err)?;
        }
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !remove.is_empty() {
            self.c
                .iam
                .untag_policy()
                .policy_arn(id)
                .set_tag_keys(Some(remove))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !add.is_empty() {
            let tags = to_iam_tags(add)?;
            self.c
                .iam
                .tag_policy()
                .policy_arn(id)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "policy", id)
    }

    /// Policies have no tag filter in IAM: the account's own policies on the configured path
    /// are listed, and the one whose name fits (the name, or its prefix: the configured one,
    /// else `terraform-`) and whose tags say this stack made it for this address is adopted.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let path = opt_str(planned, "path").unwrap_or_else(|| "/".into());
        let exact = opt_str(planned, "name");
        let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
        let mut pages = self
            .c
            .iam
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .path_prefix(&path)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for p in page.map_err(aws_err)?.policies() {
                let name = p.policy_name().unwrap_or_default();
                let fits = match &exact {
                    Some(n) => name == n,
                    None => name.starts_with(&prefix),
                };
                let Some(arn) = p.arn().filter(|_| fits && p.path() == Some(path.as_str())) else {
                    continue;
                };
                let tags = self
                    .c
                    .iam
                    .list_policy_tags()
                    .policy_arn(arn)
                    .send()
                    .await
                    .map_err(aws_err);
                // Deleted by someone else since it was listed: not ours to adopt.
                let Some(tags) = absent_on(tags, &["NoSuchEntity"])? else {
                    continue;
                };
                if owns(tags.tags().iter().map(|t| (t.key(), t.value())), ctx) {
                    return Ok(Some(arn.to_string()));
                }
            }
        }
        Ok(None)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let versions = match absent_on(self.versions(id).await, &["NoSuchEntity"])? {
            Some(v) => v,
            None => return Ok(()),
        };
        for v in versions.iter().filter(|v| !v.is_default_version()) {
            if let Some(vid) = v.version_id() {
                self.c
                    .iam
                    .delete_policy_version()
                    .policy_arn(id)
                    .version_id(vid)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        absent_on(
            self.c.iam.delete_policy().policy_arn(id).send().await.map_err(aws_err),
            &["NoSuchEntity"],
        )
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::aws::common::name_prefix_from_name;

    #[test]
    fn a_generated_name_gives_its_prefix_back() {
        let made = "vpc-flow-log-to-cloudwatch-0123456789abcdef0123456789";
        assert_eq!(
            name_prefix_from_name(made, "").as_deref(),
            Some("vpc-flow-log-to-cloudwatch-")
        );
        assert_eq!(
            name_prefix_from_name("terraform-20261130110000000000000001", "").as_deref(),
            Some("terraform-")
        );
        assert_eq!(
            name_prefix_from_name("my-policy", ""),
            None,
            "too short to hold a suffix"
        );
        assert_eq!(
            name_prefix_from_name("a-policy-named-by-hand-not-generated-at-all", ""),
            None
        );
        assert_eq!(
            name_prefix_from_name("0123456789abcdef0123456789", ""),
            None,
            "no prefix at all"
        );
    }
}
