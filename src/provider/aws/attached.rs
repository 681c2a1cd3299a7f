//! What every "document of an object, managed apart from it" type shares
//! (`aws_sns_topic_policy`, `aws_ecr_repository_policy`, `aws_dynamodb_resource_policy`,
//! `aws_secretsmanager_secret_policy`, ...): one argument names the object it is attached to,
//! and that name is the resource's id and its import id; a put writes the document and, with
//! the same call, changes it in place; a read finds it gone when the object or the document is;
//! a delete removes it (or puts back the service's default). A put replaces the whole
//! document, so a create a killed run began is simply made again.
//!
//! A document supplies its schema and its three calls; [`Attached`] makes the resource type of
//! it, so each such type is the part that differs: the service's calls and attribute names.

use crate::provider::aws::common::{json_as_configured, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::sync::Arc;

/// The names a [`Document`] type is known by, one table per type.
pub struct DocNames {
    /// The Terraform type name.
    pub type_name: &'static str,
    /// What the document is called in messages ("policy of SNS topic").
    pub what: &'static str,
    /// The argument naming the object the document is attached to (`arn`, `repository`,
    /// `resource_arn`, ...): it is the id, and a new value replaces the resource.
    pub key: &'static str,
}

/// One document attached to an object: written by a put, read by a get, removed by a delete.
#[async_trait]
pub trait Document: Send + Sync {
    /// The names the document type is known by.
    const NAMES: DocNames;

    /// Declares the arguments besides the key; `d` is at the key (declared, forcing
    /// replacement), so a validator for it can be chained first.
    fn declare(&self, d: Decl) -> Decl;

    /// Writes the planned document, for a create and an update alike.
    async fn put(&self, c: &Clients, key: &str, planned: &Value) -> PResult<()>;

    /// The document's attributes as the service holds them (besides id and the key); `None`
    /// when the object or its document is gone.
    async fn get(&self, c: &Clients, key: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>>;

    /// Removes the document; succeeds when it, or its object, is already gone.
    async fn remove(&self, c: &Clients, key: &str, prior: &Value) -> PResult<()>;

    /// As [`ResourceType::refine_plan`], for documents with attributes each put changes.
    fn refine_plan(&self, _prior: Option<&Value>, _planned: &mut Value) {}

    /// Whether an update must put: false when only arguments the service never sees changed
    /// (how to apply, not what), so the update records them without a call that has effects.
    fn put_needed(&self, _prior: &Value, _planned: &Value) -> bool {
        true
    }
}

/// The resource type of an attached document.
pub struct Attached<D: Document> {
    c: Arc<Clients>,
    doc: D,
    schema: Schema,
}

impl<D: Document + 'static> Attached<D> {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>, doc: D) -> Attached<D> {
        let d = resource(D::NAMES.type_name).arg(D::NAMES.key).force_new();
        let schema = doc.declare(d).build();
        Attached { c, doc, schema }
    }

    async fn put_and_read(&self, ctx: &CallCtx, key: &str, planned: &Value) -> PResult<Value> {
        self.doc.put(&self.c, key, planned).await?;
        must_exist(self.read(ctx, key, planned).await?, D::NAMES.what, key)
    }
}

#[async_trait]
impl<D: Document + 'static> ResourceType for Attached<D> {
    fn type_name(&self) -> &'static str {
        D::NAMES.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        self.doc.refine_plan(prior, planned);
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key = required(planned, D::NAMES.key)?;
        self.put_and_read(ctx, &key, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(attrs) = self.doc.get(&self.c, id, prior).await? else {
            return Ok(None);
        };
        let mut m = IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert(D::NAMES.key.to_string(), Value::str(id));
        m.extend(attrs);
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if !self.doc.put_needed(prior, planned) {
            return must_exist(self.read(ctx, id, planned).await?, D::NAMES.what, id);
        }
        self.put_and_read(ctx, id, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        self.doc.remove(&self.c, id, prior).await
    }
}

/// The `policy` attribute as state records it: the blueprint's text where the service's copy
/// means the same document, so a service that reformats JSON plans no change.
pub fn policy_attr(prior: &Value, live: Option<&str>) -> (String, Value) {
    (
        "policy".to_string(),
        json_as_configured(prior.get("policy"), live.map(str::to_string)),
    )
}
