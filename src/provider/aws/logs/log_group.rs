//! `aws_cloudwatch_log_group`: a log group with retention, KMS key and tags.

use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, opt_bool, opt_str,
    read_beside, tag_changes, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{int_in, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_log_group` resource type.
pub struct LogGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// What log group names may hold.
pub const LOG_GROUP_NAME: &str = r"^[\.\-_/#A-Za-z0-9]+$";

impl LogGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LogGroup {
        let schema = resource("aws_cloudwatch_log_group")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("retention_in_days")
            .default(0)
            .arg("log_group_class")
            .force_new()
            .arg("skip_destroy")
            .default(false)
            .args(&["kms_key_id", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(len_between(1, 512))
            .check(matches(LOG_GROUP_NAME, "letters, digits, and _ - / . # only"))
            .arg("name_prefix")
            .check(len_between(1, 483))
            .check(matches(LOG_GROUP_NAME, "letters, digits, and _ - / . # only"))
            .arg("retention_in_days")
            .check(int_in(&[
                0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
                3653,
            ]))
            .arg("log_group_class")
            .check(one_of(&["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]))
            .build();
        LogGroup { c, schema }
    }

    async fn set_retention(&self, name: &str, days: i32) -> PResult<()> {
        if days > 0 {
            self.c
                .logs
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .map_err(aws_err)?;
        } else {
            let r = self
                .c
                .logs
                .delete_retention_policy()
                .log_group_name(name)
                .send()
                .await
                .map_err(aws_err);
            absent_on(r, &["ResourceNotFoundException"])?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for LogGroup {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        self.c
            .logs
            .create_log_group()
            .log_group_name(&name)
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_log_group_class(opt_str(planned, "log_group_class").map(|c| c.as_str().into()))
            .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
            .send()
            .await
            .map_err(aws_err)?;
        let days = planned.get("retention_in_days").as_number().unwrap_or(0.0) as i32;
        if days > 0 {
            self.set_retention(&name, days).await?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "log group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let describe = async {
            let out = self
                .c
                .logs
                .describe_log_groups()
                .log_group_name_prefix(id)
                .send()
                .await
                .map_err(aws_err)?;
            PResult::Ok(
                out.log_groups()
                    .iter()
                    .find(|g| g.log_group_name() == Some(id))
                    .cloned(),
            )
        };
        let tags_of = |arn: String| async move {
            self.c
                .logs
                .list_tags_for_resource()
                .resource_arn(arn)
                .send()
                .await
                .map_err(aws_err)
        };
        // A log group's ARN follows from its name, region and account, so with the one state
        // holds (a refresh) the tags are read beside the group; right after a create they wait
        // for the ARN the group's description gives.
        let known_arn = opt_str(prior, "arn").filter(|a| a.ends_with(&format!(":log-group:{id}")));
        let (g, tags) = match known_arn {
            Some(arn) => match read_beside(describe, tags_of(arn)).await? {
                Some(both) => both,
                None => return Ok(None),
            },
            None => {
                let Some(g) = describe.await? else {
                    return Ok(None);
                };
                let arn = g.arn().unwrap_or_default().trim_end_matches(":*").to_string();
                let tags = tags_of(arn).await?;
                (g, tags)
            }
        };
        let arn = g.arn().unwrap_or_default().trim_end_matches(":*").to_string();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("name_prefix", name_prefix_read(prior, Some(id), "")),
            (
                "retention_in_days",
                Value::Number(g.retention_in_days().unwrap_or(0) as f64),
            ),
            ("kms_key_id", Value::from(g.kms_key_id())),
            (
                "log_group_class",
                Value::from(g.log_group_class().map(|c| c.as_str().to_string())),
            ),
            (
                "skip_destroy",
                Value::Bool(opt_bool(prior, "skip_destroy").unwrap_or(false)),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags.tags().cloned().unwrap_or_default())),
            ("arn", Value::str(arn)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("retention_in_days") != planned.get("retention_in_days") {
            self.set_retention(id, planned.get("retention_in_days").as_number().unwrap_or(0.0) as i32)
                .await?;
        }
        if prior.get("kms_key_id") != planned.get("kms_key_id") {
            match opt_str(planned, "kms_key_id") {
                Some(k) => {
                    self.c
                        .logs
                        .associate_kms_key()
                        .log_group_name(id)
                        .kms_key_id(k)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
                None => {
                    self.c
                        .logs
                        .disassociate_kms_key()
                        .log_group_name(id)
                        .send()
                        .await
                        .map_err(aws_err)?;
                }
            }
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !remove.is_empty() {
            self.c
                .logs
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(remove))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !add.is_empty() {
            self.c
                .logs
                .tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(add.into_iter().collect()))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let mut v = must_exist(self.read(ctx, id, planned).await?, "log group", id)?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "skip_destroy".into(),
                Value::Bool(opt_bool(planned, "skip_destroy").unwrap_or(false)),
            );
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let r = self
            .c
            .logs
            .delete_log_group()
            .log_group_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(found) = self.read(ctx, &name, planned).await? else {
            return Ok(None);
        };
        let arn = opt_str(&found, "arn").unwrap_or_default();
        let tags = self
            .c
            .logs
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .map_err(aws_err)?;
        let t = tags.tags().cloned().unwrap_or_default();
        let ours = t.get(crate::provider::STACK_TAG) == Some(&ctx.stack)
            && t.get(crate::provider::ADDRESS_TAG) == Some(&ctx.address);
        Ok(ours.then_some(name))
    }
}
