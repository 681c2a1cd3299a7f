//! Data source `aws_ecr_repository`: a repository by name (in `registry_id`'s registry, the
//! caller's by default), with the tags of its most recently pushed image.

use crate::provider::aws::common::{absent_on, aws_err, opt_str, required};
use crate::provider::aws::lookup::{project, read_as_resource};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ecr_repository` data source.
pub struct RepositoryData {
    c: Arc<Clients>,
    repository: super::repository::Repository,
    schema: Schema,
}

impl RepositoryData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RepositoryData {
        let schema = data_source("aws_ecr_repository")
            .args(&["name", "registry_id", "tags"])
            .build();
        RepositoryData {
            repository: super::repository::Repository::new(c.clone()),
            c,
            schema,
        }
    }

    /// The tags of the image pushed last (none for an empty repository).
    async fn most_recent_image_tags(&self, name: &str, registry: Option<String>) -> PResult<Value> {
        let mut newest: Option<aws_sdk_ecr::types::ImageDetail> = None;
        let mut pages = self
            .c
            .ecr
            .describe_images()
            .repository_name(name)
            .set_registry_id(registry)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for image in page.map_err(aws_err)?.image_details() {
                let later = newest
                    .as_ref()
                    .is_none_or(|n| image.image_pushed_at().map(|d| d.secs()) > n.image_pushed_at().map(|d| d.secs()));
                if later {
                    newest = Some(image.clone());
                }
            }
        }
        Ok(Value::List(
            newest
                .map(|n| n.image_tags().iter().map(Value::str).collect())
                .unwrap_or_default(),
        ))
    }
}

#[async_trait]
impl DataSourceType for RepositoryData {
    fn type_name(&self) -> &'static str {
        "aws_ecr_repository"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        const WHAT: &str = "ECR Repository";
        let name = required(config, "name")?;
        let registry = opt_str(config, "registry_id");
        // The registry asked for is checked first: the resource read looks in the caller's.
        if registry.is_some() {
            let found = self
                .c
                .ecr
                .describe_repositories()
                .repository_names(&name)
                .set_registry_id(registry.clone())
                .send()
                .await
                .map_err(aws_err);
            if absent_on(found, &["RepositoryNotFoundException"])?.is_none() {
                return Err(ProviderError::msg(format!("no matching {WHAT} found")));
            }
        }
        let read = read_as_resource(&self.repository, &name, WHAT).await?;
        let tags = self.most_recent_image_tags(&name, registry).await?;
        let mut v = project(&read, &self.schema, config);
        if let Value::Object(m) = &mut v {
            m.insert("most_recent_image_tags".into(), tags);
        }
        Ok(v)
    }
}
