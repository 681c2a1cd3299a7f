//! `aws_codedeploy_app`: a CodeDeploy application, the name deployment groups and deployments
//! hang off, for one compute platform (`Server`, `Lambda` or `ECS`). As the provider does, the
//! id is `APPLICATION_ID:NAME` (import takes the name too); a new name is given in place with
//! UpdateApplication, a new platform replaces the application. Names are unique in a region,
//! so a run killed after the create finds the application again by its name and this stack's
//! tags.

use super::{arn, sync_tags, tags_of, to_sdk, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_str, owns, read_beside, required, tags_to_write,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_codedeploy::types::{ApplicationInfo, ComputePlatform};
use std::sync::Arc;

/// The `aws_codedeploy_app` resource type.
pub struct App {
    c: Arc<Clients>,
    schema: Schema,
}

impl App {
    /// Creates the type with its clients; checks and defaults are the provider's.
    pub fn new(c: Arc<Clients>) -> App {
        let schema = resource("aws_codedeploy_app")
            .arg("name")
            .check(len_between(1, 100))
            .arg("compute_platform")
            .force_new()
            .default("Server")
            .check(one_of(&["Server", "Lambda", "ECS"]))
            .args(&["tags"])
            .build();
        App { c, schema }
    }

    async fn get(&self, name: &str) -> PResult<Option<ApplicationInfo>> {
        let r = self
            .c
            .codedeploy
            .get_application()
            .application_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.application().cloned()))
    }
}

/// The application's name from its id (`APPLICATION_ID:NAME`, or a bare name as import takes).
fn name_of_id(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, name)| name)
}

fn to_state(app: &ApplicationInfo, arn: String, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let name = app.application_name().unwrap_or_default();
    Value::object([
        (
            "id",
            Value::str(format!("{}:{name}", app.application_id().unwrap_or_default())),
        ),
        ("arn", Value::str(arn)),
        ("application_id", Value::from(app.application_id())),
        ("name", Value::str(name)),
        (
            "compute_platform",
            Value::from(app.compute_platform().map(|p| p.as_str())),
        ),
        ("github_account_name", Value::from(app.git_hub_account_name())),
        ("linked_to_github", Value::Bool(app.linked_to_git_hub())),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for App {
    fn type_name(&self) -> &'static str {
        "aws_codedeploy_app"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let tags = to_sdk(tags_to_write(ctx, planned));
        let out = self
            .c
            .codedeploy
            .create_application()
            .application_name(&name)
            .compute_platform(ComputePlatform::from(
                opt_str(planned, "compute_platform")
                    .unwrap_or_else(|| "Server".into())
                    .as_str(),
            ))
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating CodeDeploy Application ({name})")))?;
        let id = format!("{}:{name}", out.application_id().unwrap_or_default());
        must_exist(self.read(ctx, &id, planned).await?, "CodeDeploy application", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // The name in state wins over the id's: a rename made in place keeps reading.
        let name = opt_str(prior, "name").unwrap_or_else(|| name_of_id(id).to_string());
        let arn = arn(&self.c, &format!("application:{name}")).await?;
        let Some((app, tags)) = read_beside(self.get(&name), tags_of(&self.c, &arn)).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&app, arn, tags, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let old = required(prior, "name")?;
        let new = required(planned, "name")?;
        if old != new {
            self.c
                .codedeploy
                .update_application()
                .application_name(&old)
                .new_application_name(&new)
                .send()
                .await
                .map_err(|e| aws_err(e).context(format!("updating CodeDeploy Application ({id}) name")))?;
        }
        let arn = arn(&self.c, &format!("application:{new}")).await?;
        sync_tags(&self.c, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "CodeDeploy application", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let name = required(prior, "name")?;
        let r = self
            .c
            .codedeploy
            .delete_application()
            .application_name(&name)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(app) = self.get(&name).await? else {
            return Ok(None);
        };
        let tags = tags_of(&self.c, &arn(&self.c, &format!("application:{name}")).await?).await?;
        let mine = ctx.resumed || owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(mine.then(|| format!("{}:{name}", app.application_id().unwrap_or_default())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_id_or_is_the_import_id() {
        assert_eq!(name_of_id("6a1b2c3d-0000-4000-8000-000000000000:my-app"), "my-app");
        assert_eq!(name_of_id("my-app"), "my-app");
    }
}
