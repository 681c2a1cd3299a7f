//! `aws_dynamodb_table_item`: one item of a table, written as DynamoDB JSON (`{"pk": {"S":
//! "a"}, "n": {"N": "1"}}`), for the few rows a stack seeds (settings, feature flags). As the
//! AWS provider does: the create is a conditional PutItem that fails when an item with that key
//! exists (infractl did not make it); a read gets the item by the key in state and keeps the
//! written text while what DynamoDB holds means the same (so spacing and key order are no
//! change), else records DynamoDB's item; a change is an UpdateItem that puts every attribute
//! but the keys and deletes the ones no longer written, and a new key value makes the item
//! under the new key and then deletes the old one; the id is the provider's
//! `TABLE|HASH_KEY|B|S|N[|RANGE_KEY|B|S|N]`. The provider 5.100 cannot import an item; neither
//! can infractl.

use crate::provider::aws::common::{aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeAction, AttributeValue, AttributeValueUpdate};
use base64::Engine as _;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_dynamodb_table_item` resource type.
pub struct TableItem {
    c: Arc<Clients>,
    schema: Schema,
}

/// An item's attributes by name.
type Item = HashMap<String, AttributeValue>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// An item from its DynamoDB JSON. Refused as the provider's parser (Go's JSON decoder into
/// the SDK's AttributeValue) refuses it: text that is not a JSON object of objects, or a known
/// field of the wrong JSON type (`"N": 1`, binary that is not base64). Field names match
/// whatever their case and unknown fields are ignored, as that decoder does, so a value with
/// no known field passes `validate` as in Terraform; `strict` (before a call) refuses it, as
/// DynamoDB would.
fn parse(text: &str, strict: bool) -> Result<Item, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let Json::Object(fields) = json else {
        return Err("the item must be a JSON object of attribute values".into());
    };
    fields
        .iter()
        .map(|(name, v)| Ok((name.clone(), attribute(v, strict).map_err(|e| format!("{name}: {e}"))?)))
        .collect()
}

/// One attribute value from its DynamoDB JSON (see [`parse`] for `strict`).
fn attribute(v: &Json, strict: bool) -> Result<AttributeValue, String> {
    let Json::Object(fields) = v else {
        return Err(format!("expected an attribute value object, got {v}"));
    };
    let text = |v: &Json| {
        v.as_str()
            .map(str::to_string)
            .ok_or(format!("expected a string, got {v}"))
    };
    let bytes = |v: &Json| {
        B64.decode(text(v)?)
            .map(Blob::new)
            .map_err(|e| format!("binary value is not base64: {e}"))
    };
    let list = |v: &Json| v.as_array().cloned().ok_or(format!("expected a list, got {v}"));
    let mut value = None;
    for (key, v) in fields {
        let parsed = match key.to_ascii_uppercase().as_str() {
            "S" => AttributeValue::S(text(v)?),
            "N" => AttributeValue::N(text(v)?),
            "B" => AttributeValue::B(bytes(v)?),
            "BOOL" => AttributeValue::Bool(v.as_bool().ok_or(format!("expected a bool, got {v}"))?),
            "NULL" => AttributeValue::Null(v.as_bool().ok_or(format!("expected a bool, got {v}"))?),
            "SS" => AttributeValue::Ss(list(v)?.iter().map(text).collect::<Result<_, _>>()?),
            "NS" => AttributeValue::Ns(list(v)?.iter().map(text).collect::<Result<_, _>>()?),
            "BS" => AttributeValue::Bs(list(v)?.iter().map(bytes).collect::<Result<_, _>>()?),
            "L" => AttributeValue::L(
                list(v)?
                    .iter()
                    .map(|v| attribute(v, strict))
                    .collect::<Result<_, _>>()?,
            ),
            "M" => {
                let Json::Object(m) = v else {
                    return Err(format!("expected an object, got {v}"));
                };
                AttributeValue::M(
                    m.iter()
                        .map(|(k, v)| Ok((k.clone(), attribute(v, strict)?)))
                        .collect::<Result<_, String>>()?,
                )
            }
            _ => continue,
        };
        value = Some(parsed);
    }
    match value {
        Some(v) => Ok(v),
        None if strict => Err(format!(
            "{v} holds no value of a type DynamoDB knows (S, N, B, BOOL, NULL, M, L, SS, NS, BS)"
        )),
        // Only checked, never sent.
        None => Ok(AttributeValue::Null(true)),
    }
}

/// An item as DynamoDB JSON, keys sorted, compact (how the provider records an item that
/// changed outside it).
fn to_json(item: &Item) -> String {
    let sorted: std::collections::BTreeMap<&String, Json> = item.iter().map(|(k, v)| (k, json_of(v))).collect();
    serde_json::to_string(&sorted).unwrap_or_default()
}

fn json_of(v: &AttributeValue) -> Json {
    let one = |key: &str, v: Json| Json::Object(Map::from_iter([(key.to_string(), v)]));
    let strings = |l: &[String]| Json::Array(l.iter().cloned().map(Json::String).collect());
    match v {
        AttributeValue::S(s) => one("S", Json::String(s.clone())),
        AttributeValue::N(n) => one("N", Json::String(n.clone())),
        AttributeValue::B(b) => one("B", Json::String(B64.encode(b.as_ref()))),
        AttributeValue::Bool(b) => one("BOOL", Json::Bool(*b)),
        AttributeValue::Null(b) => one("NULL", Json::Bool(*b)),
        AttributeValue::Ss(l) => one("SS", strings(l)),
        AttributeValue::Ns(l) => one("NS", strings(l)),
        AttributeValue::Bs(l) => one(
            "BS",
            Json::Array(l.iter().map(|b| Json::String(B64.encode(b.as_ref()))).collect()),
        ),
        AttributeValue::L(l) => one("L", Json::Array(l.iter().map(json_of).collect())),
        AttributeValue::M(m) => {
            let sorted: std::collections::BTreeMap<&String, Json> = m.iter().map(|(k, v)| (k, json_of(v))).collect();
            one("M", serde_json::to_value(sorted).unwrap_or(Json::Null))
        }
        _ => Json::Null,
    }
}

/// The planned item's attributes, for a call.
fn to_item(planned: &Value) -> PResult<Item> {
    parse(&required(planned, "item")?, true).map_err(ProviderError::msg)
}

/// The item's key: its hash (and range) attributes.
fn key_of(item: &Item, hash: &str, range: Option<&str>) -> PResult<Item> {
    let mut key = Item::new();
    for name in std::iter::once(hash).chain(range) {
        let value = item
            .get(name)
            .ok_or_else(|| ProviderError::msg(format!("the item has no value for its key attribute {name:?}")))?;
        key.insert(name.to_string(), value.clone());
    }
    Ok(key)
}

/// The provider's id: the table, then each key's name and its binary, string and number forms.
fn id_of(table: &str, hash: &str, range: Option<&str>, item: &Item) -> String {
    let mut id = vec![table.to_string(), hash.to_string()];
    let forms = |v: &AttributeValue| {
        [
            v.as_b().map(|b| B64.encode(b.as_ref())).unwrap_or_default(),
            v.as_s().cloned().unwrap_or_default(),
            v.as_n().cloned().unwrap_or_default(),
        ]
    };
    if let Some(v) = item.get(hash) {
        id.extend(forms(v));
    }
    if let Some((name, v)) = range.and_then(|r| item.get(r).map(|v| (r, v))) {
        id.push(name.to_string());
        id.extend(forms(v));
    }
    id.join("|")
}

impl TableItem {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TableItem {
        let schema = resource("aws_dynamodb_table_item")
            .arg("table_name")
            .force_new()
            .arg("hash_key")
            .force_new()
            .arg("range_key")
            .force_new()
            .arg("item")
            .compare_json()
            .build();
        TableItem { c, schema }
    }

    /// The item DynamoDB holds under `key`, or none (the table gone counts as none).
    async fn get(&self, table: &str, key: Item) -> PResult<Option<Item>> {
        let out = self
            .c
            .ddb
            .get_item()
            .table_name(table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws_err);
        match out {
            Ok(o) => Ok(o.item().cloned()),
            Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// State after a read: the written text kept while DynamoDB's item means the same.
    async fn read_item(&self, prior: &Value) -> PResult<Option<Value>> {
        let table = required(prior, "table_name")?;
        let hash = required(prior, "hash_key")?;
        let range = opt_str(prior, "range_key");
        let written = to_item(prior)?;
        let Some(held) = self.get(&table, key_of(&written, &hash, range.as_deref())?).await? else {
            return Ok(None);
        };
        let item = if held == written {
            prior.get("item").clone()
        } else {
            Value::str(to_json(&held))
        };
        Ok(Some(Value::object([
            ("id", Value::str(id_of(&table, &hash, range.as_deref(), &held))),
            ("table_name", Value::str(&table)),
            ("hash_key", Value::str(&hash)),
            ("range_key", prior.get("range_key").clone()),
            ("item", item),
        ])))
    }
}

#[async_trait]
impl ResourceType for TableItem {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_table_item"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("item") {
            Value::String(text) => parse(text, false)
                .map(|_| ())
                .map_err(|e| format!("Invalid format of \"item\": {e}")),
            _ => Ok(()),
        }
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let table = required(planned, "table_name")?;
        let hash = required(planned, "hash_key")?;
        self.c
            .ddb
            .put_item()
            .table_name(&table)
            .set_item(Some(to_item(planned)?))
            // An item already there under this key is not ours to take over.
            .condition_expression("attribute_not_exists(#hk)")
            .expression_attribute_names("#hk", &hash)
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read_item(planned).await?, "DynamoDB Table Item", &table)
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_item(prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let table = required(planned, "table_name")?;
        let hash = required(planned, "hash_key")?;
        let range = opt_str(planned, "range_key");
        let (old, new) = (to_item(prior)?, to_item(planned)?);
        let is_key = |k: &str| k == hash || Some(k) == range.as_deref();
        let mut updates: HashMap<String, AttributeValueUpdate> = new
            .iter()
            .filter(|(k, _)| !is_key(k))
            .map(|(k, v)| {
                let put = AttributeValueUpdate::builder()
                    .action(AttributeAction::Put)
                    .value(v.clone())
                    .build();
                (k.clone(), put)
            })
            .collect();
        for k in old.keys().filter(|k| !is_key(k) && !new.contains_key(*k)) {
            let delete = AttributeValueUpdate::builder().action(AttributeAction::Delete).build();
            updates.insert(k.clone(), delete);
        }
        let (old_key, new_key) = (
            key_of(&old, &hash, range.as_deref())?,
            key_of(&new, &hash, range.as_deref())?,
        );
        self.c
            .ddb
            .update_item()
            .table_name(&table)
            .set_key(Some(new_key.clone()))
            .set_attribute_updates(Some(updates).filter(|u| !u.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        // A new key value made a new item: the old one goes.
        if old_key != new_key {
            self.c
                .ddb
                .delete_item()
                .table_name(&table)
                .set_key(Some(old_key))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read_item(planned).await?, "DynamoDB Table Item", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let table = required(prior, "table_name")?;
        let hash = required(prior, "hash_key")?;
        let key = key_of(&to_item(prior)?, &hash, opt_str(prior, "range_key").as_deref())?;
        let out = self
            .c
            .ddb
            .delete_item()
            .table_name(&table)
            .set_key(Some(key))
            .send()
            .await
            .map_err(aws_err);
        match out {
            Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_parse_as_the_providers_decoder_reads_them() {
        let item = parse(
            r#"{"pk": {"S": "a"}, "n": {"n": "1.5"}, "b": {"B": "aGk="}, "m": {"M": {"x": {"BOOL": true}}},
                "l": {"L": [{"NULL": true}, {"SS": ["p", "q"]}]}, "odd": {"X": "ignored", "N": "2"}}"#,
            true,
        )
        .unwrap();
        assert_eq!(item["pk"], AttributeValue::S("a".into()));
        assert_eq!(
            item["n"],
            AttributeValue::N("1.5".into()),
            "field names match in any case"
        );
        assert_eq!(item["b"], AttributeValue::B(Blob::new("hi")));
        assert_eq!(item["odd"], AttributeValue::N("2".into()), "unknown fields are ignored");
        assert_eq!(
            to_json(&item),
            r#"{"b":{"B":"aGk="},"l":{"L":[{"NULL":true},{"SS":["p","q"]}]},"m":{"M":{"x":{"BOOL":true}}},"n":{"N":"1.5"},"odd":{"N":"2"},"pk":{"S":"a"}}"#
        );
        for bad in [
            "not json",
            "[1]",
            r#"{"a": "s"}"#,
            r#"{"a": {"N": 1}}"#,
            r#"{"a": {"B": "%%"}}"#,
            r#"{"a": {"L": {}}}"#,
        ] {
            assert!(parse(bad, false).is_err(), "{bad}");
        }
        let empty = r#"{"a": {"X": "1"}}"#;
        assert!(parse(empty, false).is_ok(), "validate accepts it, as Terraform's does");
        assert!(parse(empty, true)
            .unwrap_err()
            .contains("no value of a type DynamoDB knows"));
    }

    #[test]
    fn the_id_names_the_table_and_each_keys_forms() {
        let item = parse(r#"{"pk": {"S": "a"}, "sk": {"N": "7"}, "v": {"S": "x"}}"#, true).unwrap();
        assert_eq!(id_of("t", "pk", Some("sk"), &item), "t|pk||a||sk|||7");
        assert_eq!(id_of("t", "pk", None, &item), "t|pk||a|");
    }
}
