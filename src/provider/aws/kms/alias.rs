//! `aws_kms_alias`: a friendly name (`alias/...`) for a KMS key. The id is the alias name
//! (which imports take); pointing it at another key is an in-place UpdateAlias, renaming it
//! replaces it. A key id or key ARN in `target_key_id` names one key.

use super::{key_id_of, target_key_arn, ABSENT, ALIAS_NAME, RESERVED_ALIAS};
use crate::provider::aws::common::{
    aws_err, must_exist, name_or_generated, name_prefix_from_name, ok_on, opt_str, required, retry_while,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{matches, not_matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kms::types::AliasListEntry;
use std::sync::Arc;
use std::time::Duration;

/// How long a create retries while KMS does not know the new key yet (the provider's
/// `KeyRotationUpdatedTimeout`).
const KEY_PROPAGATION: Duration = Duration::from_secs(10 * 60);

/// The `aws_kms_alias` resource type.
pub struct Alias {
    c: Arc<Clients>,
    schema: Schema,
}

/// The alias entry named `name` (every page of ListAliases: KMS has no call for one alias).
pub async fn find_alias(c: &Clients, name: &str) -> PResult<Option<AliasListEntry>> {
    let mut marker = None;
    loop {
        let page = c.kms.list_aliases().set_marker(marker).send().await.map_err(aws_err)?;
        if let Some(a) = page.aliases().iter().find(|a| a.alias_name() == Some(name)) {
            return Ok(Some(a.clone()));
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

/// The attributes an alias entry gives (the target key's ARN derived from the alias ARN).
fn alias_attrs(a: &AliasListEntry) -> Vec<(&'static str, Value)> {
    let arn = a.alias_arn().unwrap_or_default();
    let target = a.target_key_id().unwrap_or_default();
    vec![
        ("id", Value::from(a.alias_name())),
        ("name", Value::from(a.alias_name())),
        ("arn", Value::str(arn)),
        ("target_key_id", Value::str(target)),
        ("target_key_arn", Value::from(target_key_arn(arn, target))),
    ]
}

impl Alias {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Alias {
        let schema = resource("aws_kms_alias")
            .arg("name")
            .force_new()
            .check(matches(ALIAS_NAME, "alias/ then letters, digits and : / _ - only"))
            .check(not_matches(RESERVED_ALIAS, "not the reserved AWS prefix alias/aws"))
            .arg("name_prefix")
            .force_new()
            .check(matches(ALIAS_NAME, "alias/ then letters, digits and : / _ - only"))
            .check(not_matches(RESERVED_ALIAS, "not the reserved AWS prefix alias/aws"))
            .arg("target_key_id")
            .normalized(key_id_of)
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .build();
        Alias { c, schema }
    }
}

#[async_trait]
impl ResourceType for Alias {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "alias/", 26);
        let target = required(planned, "target_key_id")?;
        // A key created a moment ago may not be known to KMS yet.
        retry_while(ABSENT, KEY_PROPAGATION, || async {
            self.c
                .kms
                .create_alias()
                .alias_name(&name)
                .target_key_id(&target)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        })
        .await?;
        must_exist(self.read(ctx, &name, planned).await?, "KMS alias", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let Some(a) = find_alias(&self.c, id).await? else {
            return Ok(None);
        };
        let mut attrs = alias_attrs(&a);
        attrs.push((
            "name_prefix",
            Value::from(a.alias_name().and_then(|n| name_prefix_from_name(n, ""))),
        ));
        Ok(Some(Value::object(attrs)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let target = opt_str(planned, "target_key_id").unwrap_or_default();
        if opt_str(prior, "target_key_id").map(|t| key_id_of(&t)) != Some(key_id_of(&target)) {
            self.c
                .kms
                .update_alias()
                .alias_name(id)
                .target_key_id(&target)
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "KMS alias", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.kms.delete_alias().alias_name(id).send().await.map_err(aws_err);
        ok_on(r, ABSENT)
    }

    /// Aliases carry no tags, but their names are unique: after a killed create, an alias of
    /// the planned name pointing at the planned key is the one that run made.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(name), Some(target)) = (opt_str(planned, "name"), opt_str(planned, "target_key_id")) else {
            return Ok(None);
        };
        if !ctx.resumed {
            return Ok(None);
        }
        Ok(find_alias(&self.c, &name)
            .await?
            .filter(|a| a.target_key_id().map(key_id_of) == Some(key_id_of(&target)))
            .map(|_| name))
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::aws::schemas_registry;
    use crate::value::Value;

    fn check(name: &str, v: &str) -> bool {
        let r = schemas_registry();
        let schema = r.resource("aws_kms_alias").unwrap().schema().clone();
        crate::schema::check::attr(&schema, name, &schema.attrs[name], &Value::str(v)).is_ok()
    }

    #[test]
    fn alias_names_start_with_alias_and_avoid_the_aws_prefix() {
        assert!(check("name", "alias/app-logs"));
        assert!(check("name", "alias/team/app_1:x"));
        assert!(!check("name", "app-logs"));
        assert!(!check("name", "alias/aws/s3"));
        assert!(!check("name", "alias/has space"));
        assert!(check("name_prefix", "alias/app-"));
        assert!(!check("name_prefix", "alias/aws"));
    }

    #[test]
    fn a_key_arn_and_its_id_plan_no_change() {
        let r = schemas_registry();
        let a = &r.resource("aws_kms_alias").unwrap().schema().attrs["target_key_id"];
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let arn = format!("arn:aws:kms:us-east-1:123456789012:key/{id}");
        assert!(crate::plan::diff::same_attr(a, &Value::str(arn), &Value::str(id)));
        assert!(!crate::plan::diff::same_attr(a, &Value::str("other"), &Value::str(id)));
    }
}
