//! `aws_sfn_activity`: a Step Functions activity (a task that workers poll for), as the
//! provider's `resourceActivity` makes it. The id is the ARN (which `import` takes); the name
//! replaces it; tags change in place. Step Functions has no call that changes an activity's
//! encryption: where the provider plans such a change in place and then makes none (planning
//! it again each time), infractl stops with an error that says to replace the activity.

use super::{encryption_decl, encryption_request, encryption_state, sdk_tags, sync_sfn_tags, tags_of, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, read_beside, required, tags_to_write, user_tags,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_sfn::operation::describe_activity::DescribeActivityOutput;
use std::sync::Arc;

/// The `aws_sfn_activity` resource type.
pub struct Activity {
    c: Arc<Clients>,
    schema: Schema,
}

impl Activity {
    /// Creates the type with its clients; checks are the provider's.
    pub fn new(c: Arc<Clients>) -> Activity {
        let schema = encryption_decl(
            resource("aws_sfn_activity")
                .arg("name")
                .force_new()
                .check(len_between(0, 80))
                .args(&["tags"]),
        )
        .build();
        Activity { c, schema }
    }

    async fn describe(&self, arn: &str) -> PResult<Option<DescribeActivityOutput>> {
        let r = self
            .c
            .sfn
            .describe_activity()
            .activity_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }
}

/// The activity as state holds it (the provider's read).
fn to_state(out: &DescribeActivityOutput, tags: Vec<(String, String)>, prior: &Value) -> Value {
    Value::object([
        ("id", Value::str(out.activity_arn())),
        ("name", Value::str(out.name())),
        ("creation_date", Value::str(rfc3339(out.creation_date()))),
        (
            "encryption_configuration",
            encryption_state(out.encryption_configuration()),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for Activity {
    fn type_name(&self) -> &'static str {
        "aws_sfn_activity"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let tags = sdk_tags(tags_to_write(ctx, planned));
        let out = self
            .c
            .sfn
            .create_activity()
            .name(&name)
            .set_encryption_configuration(encryption_request(planned)?)
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating Step Functions Activity ({name})")))?;
        let arn = out.activity_arn().to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "Step Functions activity", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((out, tags)) = read_beside(self.describe(id), tags_of(&self.c, id)).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&out, tags, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("encryption_configuration") != planned.get("encryption_configuration") {
            return Err(ProviderError::msg(format!(
                "Step Functions cannot change the encryption of activity {id} in place: replace it \
                 (infractl apply -replace=ADDRESS) to apply the new encryption_configuration"
            )));
        }
        sync_sfn_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Step Functions activity", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .sfn
            .delete_activity()
            .activity_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }
}
