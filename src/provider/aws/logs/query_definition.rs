//! `aws_cloudwatch_query_definition`: a saved Logs Insights query. Its id is the query
//! definition id AWS assigns; PutQueryDefinition with that id updates it in place.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_query_definition` resource type.
pub struct QueryDefinition {
    c: Arc<Clients>,
    schema: Schema,
}

impl QueryDefinition {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> QueryDefinition {
        let schema = resource("aws_cloudwatch_query_definition")
            .arg("name")
            .check(len_between(1, 255))
            .arg("query_string")
            .check(len_between(1, 10000))
            .arg("log_group_names")
            .build();
        QueryDefinition { c, schema }
    }

    /// Creates (`id` None) or replaces the definition; returns its id.
    async fn put(&self, id: Option<&str>, planned: &Value) -> PResult<String> {
        let name = required(planned, "name")?;
        let query = required(planned, "query_string")?;
        let groups = str_list(planned, "log_group_names");
        let out = self
            .c
            .logs
            .put_query_definition()
            .name(name)
            .query_string(query)
            .set_log_group_names((!groups.is_empty()).then_some(groups))
            .set_query_definition_id(id.map(str::to_string))
            .send()
            .await
            .map_err(aws_err)?;
        out.query_definition_id()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::msg("PutQueryDefinition returned no id"))
    }
}

/// An import id: the definition's ARN (`arn:...:query-definition:ID`) or its bare id.
fn definition_id(id: &str) -> &str {
    id.rsplit_once(":query-definition:").map(|(_, d)| d).unwrap_or(id)
}

#[async_trait]
impl ResourceType for QueryDefinition {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_query_definition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = self.put(None, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "query definition", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let id = definition_id(id);
        let mut token = None;
        loop {
            let out = self
                .c
                .logs
                .describe_query_definitions()
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(d) = out
                .query_definitions()
                .iter()
                .find(|d| d.query_definition_id() == Some(id))
            {
                let groups = d.log_group_names();
                return Ok(Some(Value::object([
                    ("id", Value::str(id)),
                    ("query_definition_id", Value::str(id)),
                    ("name", Value::from(d.name())),
                    ("query_string", Value::from(d.query_string())),
                    (
                        "log_group_names",
                        if groups.is_empty() {
                            Value::Null
                        } else {
                            Value::List(groups.iter().map(Value::str).collect())
                        },
                    ),
                ])));
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(None);
            }
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(Some(id), planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "query definition", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .logs
            .delete_query_definition()
            .query_definition_id(definition_id(id))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_import_id_may_be_the_arn() {
        let arn = "arn:aws:logs:eu-west-1:123456789012:query-definition:0a1b";
        assert_eq!(super::definition_id(arn), "0a1b");
        assert_eq!(super::definition_id("0a1b"), "0a1b");
    }
}
