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
        let tags = block
            .get("tags")
            .as_object()
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
                    .collect::<PResult<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
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
        let tags = if self.tags.is_empty() {
            Value::Null
        } else {
            Value::Object(
                self.tags
                    .iter()
                    .map(|t| (t.key().to_string(), Value::str(t.value())))
                    .collect(),
            )
        };
        let mut fields = vec![("prefix", Value::from(self.prefix.clone())), ("tags", tags)];
        if with_access_point {
            fields.push(("access_point", Value::from(self.access_point.clone())));
        }
        Value::object(fields)
    }
}
