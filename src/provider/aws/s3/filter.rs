//! The `filter { prefix, tags, access_point }` block that S3's analytics, metrics and
//! Intelligent-Tiering configurations share: S3 takes a single condition as itself and several
//! as an "and" of them, so the mapping decides which, both ways, in one place.

use super::companion::built;
use crate::provider::aws::common::opt_str;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_s3::types::Tag;

/// The conditions of a filter block.
#[derive(Debug, Default)]
pub struct Conditions {
    /// Objects under this key prefix.
    pub prefix: Option<String>,
    /// Objects with all these tags.
    pub tags: Vec<Tag>,
    /// Requests through this access point (metrics only).
    pub access_point: Option<String>,
}

impl Conditions {
    /// The conditions a filter block sets.
    pub fn of(block: &Value) -> PResult<Conditions> {
        let tags = tags(block.get("tags"))?;
        Ok(Conditions {
            prefix: opt_str(block, "prefix"),
            tags,
            access_point: opt_str(block, "access_point"),
        })
    }

    /// True when S3 needs them joined with "and" (more than one condition).
    pub fn joined(&self) -> bool {
        self.prefix.is_some() as usize + self.access_point.is_some() as usize + self.tags.len() > 1
    }

    /// The filter block as state records it; `with_access_point` for the schema that has one.
    pub fn value(&self, with_access_point: bool) -> Value {
        let tags = tags_value(&self.tags);
        let mut fields = vec![("prefix", Value::from(self.prefix.clone())), ("tags", tags)];
        if with_access_point {
            fields.push(("access_point", Value::from(self.access_point.clone())));
        }
        Value::object(fields)
    }
}

/// A `tags` map as S3's tag list (a filter's, or a replication rule's).
pub fn tags(map: &Value) -> PResult<Vec<Tag>> {
    map.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    built(
                        Tag::builder()
                            .key(k)
                            .value(v.to_plain_string().unwrap_or_default())
                            .build(),
                    )
                })
                .collect()
        })
        .unwrap_or(Ok(vec![]))
}

/// S3's tag list as the `tags` map state records (null when there are none).
pub fn tags_value(tags: &[Tag]) -> Value {
    if tags.is_empty() {
        return Value::Null;
    }
    Value::Object(
        tags.iter()
            .map(|t| (t.key().to_string(), Value::str(t.value())))
            .collect(),
    )
}
