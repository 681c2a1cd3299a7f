//! infractl's ownership tags (`infractl:stack`, `infractl:address`) as each stack's keeper
//! sees them. On a stack infractl keeps they are its own bookkeeping: every read leaves them
//! out, so they never show in state or plans. On a stack Terraform keeps they are tags like any
//! other (Terraform would plan to remove them from an object that carries them, as after an
//! infractl stack is handed to Terraform), so they are read as they are and infractl plans what
//! Terraform plans. Doing it here, around every type, keeps the types' own reads simple: they
//! return every tag AWS holds, and `tags` as `{}` when the blueprint sets none, which is how the
//! provider's older SDK records it; a type of its newer framework records null there, so that
//! is done here too.

use crate::provider::{CallCtx, PResult, Registry, ResourceType, ADDRESS_TAG, STACK_TAG};
use crate::schema::Schema;
use crate::state::Keeper;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The attributes that hold an object's tags as a map.
const TAG_ATTRIBUTES: [&str; 2] = ["tags", "tags_all"];

/// `v` as the stack's state records it: without infractl's ownership tags on a stack
/// infractl keeps, and with `tags` null where the blueprint (`configured`) leaves it null on a
/// type of the provider's framework.
pub fn recorded(ctx: &CallCtx, schema: &Schema, configured: &Value, mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        let unset = configured.get("tags").is_null();
        if unset
            && !schema.is_legacy_sdk()
            && m.get("tags")
                .is_some_and(|t| t.as_object().is_some_and(|t| t.is_empty()))
        {
            m.insert("tags".to_string(), Value::Null);
        }
    }
    if ctx.keeper != Keeper::Infractl {
        return v;
    }
    strip(&mut v);
    v
}

/// Removes the ownership tags from every tag map of `v`: its own, the `volume_tags` an
/// instance reads from its volumes, and those of nested blocks (an instance's block devices
/// read the tags of volumes other stacks' objects may have made, `aws_ebs_volume`s attached
/// to it).
fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (name, field) in m.iter_mut() {
                match field {
                    Value::Object(tags) if TAG_ATTRIBUTES.contains(&name.as_str()) || name == "volume_tags" => {
                        tags.shift_remove(STACK_TAG);
                        tags.shift_remove(ADDRESS_TAG);
                    }
                    Value::List(items) => items.iter_mut().for_each(strip),
                    _ => {}
                }
            }
        }
        Value::List(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Wraps every resource type of `r` in [`KeeperView`].
pub fn wrap(r: &mut Registry) {
    for name in r.resource_names() {
        if let Some(inner) = r.resource(name).cloned() {
            r.add_resource(Arc::new(KeeperView(inner)));
        }
    }
}

/// A resource type whose reads, creates and updates answer as [`recorded`] says.
struct KeeperView(Arc<dyn ResourceType>);

#[async_trait]
impl ResourceType for KeeperView {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> &Schema {
        self.0.schema()
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        Ok(recorded(
            ctx,
            self.schema(),
            planned,
            self.0.create(ctx, planned).await?,
        ))
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self
            .0
            .read(ctx, id, prior)
            .await?
            .map(|v| recorded(ctx, self.schema(), prior, v)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(recorded(
            ctx,
            self.schema(),
            planned,
            self.0.update(ctx, id, prior, planned).await?,
        ))
    }

    async fn delete(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        self.0.delete(ctx, id, prior).await
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        self.0.lint(config)
    }

    fn bulk_read_limit(&self) -> usize {
        self.0.bulk_read_limit()
    }

    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        Ok(self
            .0
            .read_many(ctx, items)
            .await?
            .into_iter()
            .zip(items)
            .map(|(v, (_, prior))| v.map(|v| recorded(ctx, self.schema(), prior, v)))
            .collect())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        self.0.find_adoptable(ctx, planned).await
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        self.0.conflict_codes()
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        self.0.adoptable_known_early(planned)
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        self.0.check_config(config)
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        self.0.refine_plan(prior, config, planned)
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.0.reveal(state).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.0.seal(state).await
    }

    fn with_secrets(&self, secrets: &Arc<crate::provider::secrets::Secrets>) -> Option<Arc<dyn ResourceType>> {
        self.0
            .with_secrets(secrets)
            .map(|i| Arc::new(KeeperView(i)) as Arc<dyn ResourceType>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_tags_leave_every_tag_map_nested_ones_included() {
        let owned = || {
            Value::object([
                (STACK_TAG, Value::str("s")),
                (ADDRESS_TAG, Value::str("a")),
                ("Name", Value::str("n")),
            ])
        };
        let mut v = Value::object([
            ("tags_all", owned()),
            ("volume_tags", owned()),
            (
                "ebs_block_device",
                Value::List(vec![Value::object([("tags", owned()), ("tags_all", owned())])]),
            ),
            ("labels", owned()),
        ]);
        strip(&mut v);
        let just_name = Value::object([("Name", Value::str("n"))]);
        assert_eq!(v.get("tags_all"), &just_name);
        assert_eq!(v.get("volume_tags"), &just_name);
        let block = &v.get("ebs_block_device").as_list().unwrap()[0];
        assert_eq!(block.get("tags"), &just_name);
        assert_eq!(block.get("tags_all"), &just_name);
        assert_eq!(v.get("labels"), &owned(), "a map that is not tags is left as it is");
    }
}
