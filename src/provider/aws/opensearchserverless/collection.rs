//! `aws_opensearchserverless_collection`: a serverless OpenSearch collection (search, time
//! series or vector search). It needs an encryption policy covering its name before it can be
//! created, and becomes ACTIVE after a while: create waits for it, delete waits for it to go.
//! The description changes in place; the id is the collection id.

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_str, owns, required, tags_to_write, user_tags,
    wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_opensearchserverless::types::{CollectionDetail, CollectionStatus, CollectionType, StandbyReplicas, Tag};
use std::sync::Arc;
use std::time::Duration;

/// How long AWS may take to make a collection ACTIVE or delete it (Terraform waits 20 minutes).
const TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The `aws_opensearchserverless_collection` resource type.
pub struct Collection {
    c: Arc<Clients>,
    schema: Schema,
}

impl Collection {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Collection {
        let schema = resource("aws_opensearchserverless_collection")
            .arg("name")
            .force_new()
            .arg("type")
            .force_new()
            .default("SEARCH")
            .arg("standby_replicas")
            .force_new()
            .args(&["description", "tags"])
            .arg("name")
            .check(len_between(3, 32))
            .arg("type")
            .check(one_of(&["SEARCH", "TIMESERIES", "VECTORSEARCH"]))
            .arg("standby_replicas")
            .check(one_of(&["ENABLED", "DISABLED"]))
            .timeouts(20, 0, 20)
            .build();
        Collection { c, schema }
    }

    async fn get(&self, id: Option<&str>, name: Option<&str>) -> PResult<Option<CollectionDetail>> {
        let out = self
            .c
            .opensearchserverless
            .batch_get_collection()
            .set_ids(id.map(|i| vec![i.to_string()]))
            .set_names(name.map(|n| vec![n.to_string()]))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .collection_details()
            .iter()
            .find(|c| c.status() != Some(&CollectionStatus::Deleting))
            .cloned())
    }

    async fn tags(&self, arn: &str) -> PResult<Vec<(String, String)>> {
        let out = self
            .c
            .opensearchserverless
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect())
    }
}

fn aoss_tags(pairs: indexmap::IndexMap<String, String>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs)
}

#[async_trait]
impl ResourceType for Collection {
    fn type_name(&self) -> &'static str {
        "aws_opensearchserverless_collection"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let out = self
            .c
            .opensearchserverless
            .create_collection()
            .name(&name)
            .set_type(opt_str(planned, "type").map(|t| CollectionType::from(t.as_str())))
            .set_description(opt_str(planned, "description"))
            .set_standby_replicas(opt_str(planned, "standby_replicas").map(|s| StandbyReplicas::from(s.as_str())))
            .set_tags(Some(aoss_tags(tags_to_write(ctx, planned))?))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .create_collection_detail()
            .and_then(|d| d.id())
            .ok_or_else(|| ProviderError::msg("CreateCollection returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_for(Wait::new(&id, "ACTIVE", timeout), || async {
            match self.get(Some(&id), None).await?.map(|c| c.status().cloned()) {
                Some(Some(CollectionStatus::Active)) => Ok(Poll::Ready(())),
                Some(Some(CollectionStatus::Failed)) => Err(ProviderError::msg("collection creation FAILED")),
                Some(Some(status)) => Ok(Poll::pending(status.as_str())),
                _ => Ok(Poll::pending("not found yet")),
            }
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "collection", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(c) = self.get(Some(id), None).await? else {
            return Ok(None);
        };
        let arn = c.arn().unwrap_or_default().to_string();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(c.name())),
            ("type", Value::from(c.r#type().map(|t| t.as_str().to_string()))),
            ("description", Value::from(c.description().filter(|d| !d.is_empty()))),
            (
                "standby_replicas",
                Value::from(c.standby_replicas().map(|s| s.as_str().to_string())),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(self.tags(&arn).await?)),
            ("arn", Value::str(&arn)),
            ("collection_endpoint", Value::from(c.collection_endpoint())),
            ("dashboard_endpoint", Value::from(c.dashboard_endpoint())),
            ("kms_key_arn", Value::from(c.kms_key_arn())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("description") != planned.get("description") {
            self.c
                .opensearchserverless
                .update_collection()
                .id(id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .client_token(uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .map_err(aws_err)?;
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        let (client, arn) = (&self.c.opensearchserverless, arn.as_str());
        sync_tags_by_arn!(client, arn, prior, planned, add => aoss_tags(add)?)?;
        must_exist(self.read(ctx, id, planned).await?, "collection", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .opensearchserverless
            .delete_collection()
            .id(id)
            .client_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"])?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.get(Some(id), None).await? {
                None => Poll::Ready(()),
                Some(c) => Poll::pending(c.status().map(|s| s.as_str()).unwrap_or("present")),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(c) = self.get(None, Some(&name)).await? else {
            return Ok(None);
        };
        let tags = self.tags(c.arn().unwrap_or_default()).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
            .then(|| c.id().unwrap_or_default().to_string()))
    }
}
