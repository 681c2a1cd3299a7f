//! Data sources `aws_efs_file_system` (by id, creation token and/or tags: exactly one must
//! match) and `aws_efs_access_point` (by id): objects someone else manages, read as the
//! provider's data sources read them, with the attributes the resources' reads give.

use super::{access_point, file_system, tag_pairs, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, opt_str, required, user_tags};
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{FileSystemDescription, Tag};
use std::sync::Arc;

/// Tags as a data source shows them: all of them but those AWS itself sets (`aws:…`), as the
/// provider's IgnoreAWS leaves them out.
fn shown_tags(tags: &[Tag]) -> Value {
    user_tags(tag_pairs(tags).into_iter().filter(|(k, _)| !k.starts_with("aws:")))
}

/// Whether `tags` hold every pair of the configured filter.
fn has_all(tags: &[Tag], wanted: &Value) -> bool {
    wanted.as_object().is_none_or(|w| {
        w.iter().all(|(k, v)| {
            tags.iter()
                .any(|t| t.key() == k && v.to_plain_string().is_some_and(|v| t.value() == v))
        })
    })
}

/// Keeps of `v` only the attributes `schema` has.
fn only_schema(v: Value, schema: &Schema) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| schema.attrs.contains_key(k.as_str()) || schema.blocks.contains_key(k.as_str()))
                .collect(),
        ),
        other => other,
    }
}

/// The `aws_efs_file_system` data source.
pub struct FileSystemData {
    c: Arc<Clients>,
    schema: Schema,
}

impl FileSystemData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> FileSystemData {
        let schema = data_source("aws_efs_file_system")
            .args(&["file_system_id", "creation_token", "tags"])
            .build();
        FileSystemData { c, schema }
    }

    /// Every file system the id or token names (all of them when neither is set).
    async fn candidates(&self, config: &Value) -> PResult<Vec<FileSystemDescription>> {
        let mut pages = self
            .c
            .efs
            .describe_file_systems()
            .set_file_system_id(opt_str(config, "file_system_id"))
            .set_creation_token(opt_str(config, "creation_token"))
            .into_paginator()
            .send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let Some(page) = absent_on(page.map_err(aws_err), NOT_FOUND)? else {
                break;
            };
            found.extend(page.file_systems().iter().cloned());
        }
        Ok(found)
    }
}

#[async_trait]
impl DataSourceType for FileSystemData {
    fn type_name(&self) -> &'static str {
        "aws_efs_file_system"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let wanted = config.get("tags");
        let mut matched: Vec<FileSystemDescription> = self
            .candidates(config)
            .await?
            .into_iter()
            .filter(|fs| has_all(fs.tags(), wanted))
            .collect();
        let fs = match matched.len() {
            1 => matched.remove(0),
            0 => {
                return Err(ProviderError::msg(
                    "reading EFS file system: no matching EFS file system found",
                ))
            }
            _ => {
                return Err(ProviderError::msg(
                    "reading EFS file system: multiple EFS file systems matched; use additional constraints \
                     to reduce matches to a single EFS file system",
                ))
            }
        };
        let id = fs.file_system_id().to_string();
        let policies = file_system::lifecycle_policies(&self.c, &id).await?;
        let mut v = only_schema(
            file_system::to_state(&fs, &policies, &self.c.region, &Value::Null),
            &self.schema,
        );
        if let Value::Object(m) = &mut v {
            m.insert("file_system_id".into(), Value::str(&id));
            m.insert(
                "size_in_bytes".into(),
                Value::from(fs.size_in_bytes().map(|s| s.value())),
            );
            m.insert("tags".into(), shown_tags(fs.tags()));
        }
        Ok(with_results(config, v))
    }
}

/// The `aws_efs_access_point` data source.
pub struct AccessPointData {
    c: Arc<Clients>,
    schema: Schema,
}

impl AccessPointData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AccessPointData {
        let schema = data_source("aws_efs_access_point")
            .args(&["access_point_id", "tags"])
            .build();
        AccessPointData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for AccessPointData {
    fn type_name(&self) -> &'static str {
        "aws_efs_access_point"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let id = required(config, "access_point_id")?;
        let r = self
            .c
            .efs
            .describe_access_points()
            .access_point_id(&id)
            .send()
            .await
            .map_err(aws_err);
        let ap = absent_on(r, NOT_FOUND)?
            .and_then(|out| out.access_points().first().cloned())
            .ok_or_else(|| ProviderError::msg(format!("reading EFS Access Point ({id}): couldn't find resource")))?;
        let mut v = only_schema(access_point::to_state(&ap, &self.c.region, &Value::Null), &self.schema);
        if let Value::Object(m) = &mut v {
            m.insert("tags".into(), shown_tags(ap.tags()));
        }
        Ok(with_results(config, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_filter_wants_every_pair_and_aws_tags_are_not_shown() {
        let tags = vec![
            Tag::builder().key("Team").value("storage").build().unwrap(),
            Tag::builder().key("aws:backup:source").value("x").build().unwrap(),
        ];
        assert!(has_all(&tags, &Value::Null));
        assert!(has_all(&tags, &Value::object([("Team", Value::str("storage"))])));
        assert!(!has_all(
            &tags,
            &Value::object([("Team", Value::str("storage")), ("Env", Value::str("prod"))])
        ));
        assert_eq!(shown_tags(&tags), Value::object([("Team", Value::str("storage"))]));
    }
}
