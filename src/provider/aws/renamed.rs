//! One resource type under a second name: the AWS provider registers some types twice with the
//! same schema and code (`aws_alb` for `aws_lb`, `aws_alb_listener` for `aws_lb_listener`, ...),
//! older names it keeps for blueprints written before the rename. State records the name the
//! blueprint used, so the alias is a type of its own that only changes the name.

use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// `inner` under the name `name`.
pub struct Renamed {
    name: &'static str,
    inner: Arc<dyn ResourceType>,
    schema: Schema,
}

impl Renamed {
    /// The type `inner` answering to `name` (its schema's paths, used in messages, follow).
    pub fn new(name: &'static str, inner: Arc<dyn ResourceType>) -> Renamed {
        let mut schema = inner.schema().clone();
        rename(&mut schema, inner.type_name(), name);
        Renamed { name, inner, schema }
    }
}

fn rename(schema: &mut Schema, from: &str, to: &str) {
    if let Some(rest) = schema.path.strip_prefix(from) {
        schema.path = format!("{to}{rest}");
    }
    for b in schema.blocks.values_mut() {
        rename(&mut b.schema, from, to);
    }
}

#[async_trait]
impl ResourceType for Renamed {
    fn type_name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.inner.create(ctx, planned).await
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.inner.read(ctx, id, prior).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        self.inner.update(ctx, id, prior, planned).await
    }

    async fn delete(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        self.inner.delete(ctx, id, prior).await
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        self.inner.lint(config)
    }

    fn bulk_read_limit(&self) -> usize {
        self.inner.bulk_read_limit()
    }

    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        self.inner.read_many(ctx, items).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        self.inner.find_adoptable(ctx, planned).await
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        self.inner.conflict_codes()
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        self.inner.adoptable_known_early(planned)
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        self.inner.check_config(config)
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        self.inner.refine_plan(prior, config, planned)
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.inner.reveal(state).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.inner.seal(state).await
    }

    fn with_secrets(&self, secrets: &Arc<crate::provider::secrets::Secrets>) -> Option<Arc<dyn ResourceType>> {
        let name = self.name;
        self.inner
            .with_secrets(secrets)
            .map(|i| Arc::new(Renamed::new(name, i)) as Arc<dyn ResourceType>)
    }
}
