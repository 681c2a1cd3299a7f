//! `aws_iam_service_linked_role`: the role an AWS service (Auto Scaling, OpenSearch, ECS, ...)
//! assumes in the account, which IAM creates for it on request. AWS names it
//! (`AWSServiceRoleForAutoScaling`, with `_SUFFIX` for a custom suffix) and files it under
//! `/aws-service-role/SERVICE/`; only the description and tags change in place. Deleting one
//! is a task IAM runs (refused while the service still uses the role), waited out as the
//! provider does. The id is the ARN, which `import` takes; service, name and suffix are read
//! from it as the provider reads them.

use super::{iam_tags, sync_iam_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_str, owns, required, user_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::matches;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_iam::types::{DeletionTaskStatusType, Role};
use std::sync::Arc;
use std::time::Duration;

/// IAM's code for a missing role.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// How long the provider waits for a deletion task (it has no `timeouts` block).
const DELETION_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The `aws_iam_service_linked_role` resource type.
pub struct ServiceLinkedRole {
    c: Arc<Clients>,
    schema: Schema,
}

/// What a service-linked role's ARN says: `arn:PARTITION:iam::ACCOUNT:role/aws-service-role/SERVICE/NAME`.
#[derive(Debug, PartialEq)]
struct Parts<'a> {
    service: &'a str,
    name: &'a str,
    /// The part of the name after its one `_`, as the provider decodes it ("" without one).
    suffix: &'a str,
}

/// Splits a service-linked role's ARN as the provider's DecodeServiceLinkedRoleID does.
fn parts(arn: &str) -> PResult<Parts<'_>> {
    let resource = arn.splitn(6, ':').nth(5).filter(|_| arn.starts_with("arn:"));
    let segments: Vec<&str> = resource.map(|r| r.split('/').collect()).unwrap_or_default();
    let [_, _, service, name] = segments[..] else {
        return Err(ProviderError::msg(format!(
            "expected IAM Service Role ARN (arn:PARTITION:iam::ACCOUNTID:role/aws-service-role/SERVICENAME/ROLENAME), received: {arn}"
        )));
    };
    let halves: Vec<&str> = name.split('_').collect();
    let suffix = if halves.len() == 2 { halves[1] } else { "" };
    Ok(Parts { service, name, suffix })
}

impl ServiceLinkedRole {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ServiceLinkedRole {
        let schema = resource("aws_iam_service_linked_role")
            .arg("aws_service_name")
            .force_new()
            .check(matches(
                r"\.",
                "a full service hostname e.g. elasticbeanstalk.amazonaws.com",
            ))
            .arg("custom_suffix")
            .force_new()
            .args(&["description", "tags"])
            .build();
        ServiceLinkedRole { c, schema }
    }

    /// GetRole by name; `None` when IAM has no such role.
    async fn get(&self, name: &str) -> PResult<Option<Role>> {
        let r = self.c.iam.get_role().role_name(name).send().await.map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.role))
    }

    /// The service's deletion task: done, still running, or failed with IAM's reason and the
    /// resources (per region) that still use the role.
    async fn deletion_status(&self, task: &str) -> PResult<Poll<()>> {
        let r = self
            .c
            .iam
            .get_service_linked_role_deletion_status()
            .deletion_task_id(task)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(Poll::Ready(()));
        };
        match out.status() {
            DeletionTaskStatusType::Succeeded => Ok(Poll::Ready(())),
            DeletionTaskStatusType::Failed => {
                let reason = out.reason();
                let mut message = reason
                    .and_then(|r| r.reason())
                    .unwrap_or("the deletion task failed")
                    .to_string();
                for usage in reason.map(|r| r.role_usage_list()).unwrap_or_default() {
                    message.push_str(&format!(
                        "\n{}: {}",
                        usage.region().unwrap_or_default(),
                        usage.resources().join(", ")
                    ));
                }
                Err(ProviderError::msg(message))
            }
            other => Ok(Poll::pending(other.as_str())),
        }
    }
}

#[async_trait]
impl ResourceType for ServiceLinkedRole {
    fn type_name(&self) -> &'static str {
        "aws_iam_service_linked_role"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let service = required(planned, "aws_service_name")?;
        let out = self
            .c
            .iam
            .create_service_linked_role()
            .aws_service_name(&service)
            .set_custom_suffix(opt_str(planned, "custom_suffix").filter(|s| !s.is_empty()))
            .set_description(opt_str(planned, "description").filter(|s| !s.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .role()
            .map(|r| r.arn().to_string())
            .ok_or_else(|| ProviderError::msg("CreateServiceLinkedRole returned no role"))?;
        // CreateServiceLinkedRole takes no tags: they follow, as in the provider.
        let name = parts(&arn)?.name.to_string();
        let tags = iam_tags(ctx, planned)?;
        if !tags.is_empty() {
            let r = self.c.iam.tag_role().role_name(&name).set_tags(Some(tags)).send().await;
            r.map_err(aws_err)?;
        }
        must_exist(self.read(ctx, &arn, planned).await?, "service-linked role", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let p = parts(id)?;
        let Some(role) = self.get(p.name).await? else {
            return Ok(None);
        };
        let tags = role.tags().iter().map(|t| (t.key().to_string(), t.value().to_string()));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(role.arn())),
            ("aws_service_name", Value::str(p.service)),
            ("create_date", Value::str(rfc3339(role.create_date()))),
            ("custom_suffix", Value::str(p.suffix)),
            ("description", Value::from(role.description())),
            ("name", Value::str(role.role_name())),
            ("path", Value::str(role.path())),
            ("unique_id", Value::str(role.role_id())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags.collect::<Vec<_>>())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let name = parts(id)?.name;
        let iam = &self.c.iam;
        if prior.get("description") != planned.get("description") {
            iam.update_role()
                .role_name(name)
                .description(opt_str(planned, "description").unwrap_or_default())
                .send()
                .await
                .map_err(aws_err)?;
        }
        sync_iam_tags!(*iam, untag_role, tag_role, role_name, name, prior, planned)?;
        must_exist(self.read(ctx, id, planned).await?, "service-linked role", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let name = parts(id)?.name;
        let r = self.c.iam.delete_service_linked_role().role_name(name).send().await;
        let Some(out) = absent_on(r.map_err(aws_err), ABSENT)? else {
            return Ok(());
        };
        let task = out.deletion_task_id();
        if task.is_empty() {
            return Ok(());
        }
        let wait = Wait::new(format!("the deletion of {name}"), "SUCCEEDED", DELETION_TIMEOUT);
        wait_for(wait, || self.deletion_status(task)).await
    }

    /// AWS names the role from the service and suffix, so a role under the service's path with
    /// that suffix that carries this stack's tags is the one a killed run created (tags follow
    /// the create in a second call: a run killed between the two leaves a role only an
    /// `import` can take).
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(service) = opt_str(planned, "aws_service_name") else {
            return Ok(None);
        };
        let suffix = opt_str(planned, "custom_suffix").unwrap_or_default();
        let prefix = format!("/aws-service-role/{service}/");
        let mut pages = self.c.iam.list_roles().path_prefix(prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            for listed in page.map_err(aws_err)?.roles() {
                if !parts(listed.arn()).is_ok_and(|p| p.suffix == suffix) {
                    continue;
                }
                // ListRoles leaves tags out; GetRole has them.
                let Some(role) = self.get(listed.role_name()).await? else {
                    continue;
                };
                if owns(role.tags().iter().map(|t| (t.key(), t.value())), ctx) {
                    return Ok(Some(role.arn().to_string()));
                }
            }
        }
        Ok(None)
    }

    /// The provider suppresses an unset `custom_suffix` for Application Auto Scaling's roles,
    /// whose names always carry one (`AWSServiceRoleForApplicationAutoScaling_DynamoDBTable`).
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let unset = opt_str(config, "custom_suffix").unwrap_or_default().is_empty();
        let app_scaling = opt_str(config, "aws_service_name").is_some_and(|s| s.contains(".application-autoscaling."));
        if let (Some(prior), true, true, Value::Object(m)) = (prior, unset, app_scaling, planned) {
            m.insert("custom_suffix".into(), prior.get("custom_suffix").clone());
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_and_suffix_come_from_the_arn() {
        let p = parts("arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web");
        assert_eq!(
            p.unwrap(),
            Parts {
                service: "autoscaling.amazonaws.com",
                name: "AWSServiceRoleForAutoScaling_web",
                suffix: "web"
            }
        );
        let plain =
            parts("arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS").unwrap();
        assert_eq!(plain.suffix, "");
        // Two underscores are no suffix to the provider either.
        let odd = parts("arn:aws:iam::1:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX_a_b").unwrap();
        assert_eq!(odd.suffix, "");
    }

    #[test]
    fn an_ordinary_role_arn_is_refused_with_the_expected_shape() {
        let e = parts("arn:aws:iam::123456789012:role/app").unwrap_err();
        assert!(e.message.contains("expected IAM Service Role ARN"), "{}", e.message);
        assert!(parts("AWSServiceRoleForECS").is_err());
    }
}
