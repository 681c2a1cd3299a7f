//! Data source `aws_iam_policy`: one managed policy, by ARN, or by name and/or path prefix
//! (customer managed and AWS managed alike, as ListPolicies' default scope gives them).

use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::ec2::data::exactly_one;
use crate::provider::aws::lookup::{project, read_as_resource};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::validators::{arn, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_policy` data source.
pub struct PolicyData {
    c: Arc<Clients>,
    policy: super::policy::Policy,
    schema: Schema,
}

impl PolicyData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PolicyData {
        let schema = data_source("aws_iam_policy")
            .args(&["name", "path_prefix", "tags"])
            .arg("arn")
            .check(arn())
            .rule(Rule::Conflicts(&["arn", "name"]))
            .rule(Rule::Conflicts(&["arn", "path_prefix"]))
            .build();
        PolicyData {
            policy: super::policy::Policy::new(c.clone()),
            c,
            schema,
        }
    }

    /// The ARN of the one policy with this name (any name when `None`) under the path prefix.
    async fn find(&self, name: Option<&str>, path_prefix: Option<&str>) -> PResult<String> {
        let mut found = Vec::new();
        let mut pages = self
            .c
            .iam
            .list_policies()
            .set_path_prefix(path_prefix.map(str::to_string))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for p in page.map_err(aws_err)?.policies() {
                if name.is_none_or(|n| p.policy_name() == Some(n)) {
                    found.push(p.arn().unwrap_or_default().to_string());
                }
            }
        }
        exactly_one(found, "IAM Policy", "IAM Policies")
    }
}

#[async_trait]
impl DataSourceType for PolicyData {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let arn = match opt_str(config, "arn").filter(|a| !a.is_empty()) {
            Some(arn) => arn,
            None => {
                let name = opt_str(config, "name").filter(|n| !n.is_empty());
                let prefix = opt_str(config, "path_prefix").filter(|p| !p.is_empty());
                self.find(name.as_deref(), prefix.as_deref()).await?
            }
        };
        let read = read_as_resource(&self.policy, &arn, "IAM Policy").await?;
        Ok(project(&read, &self.schema, config))
    }
}
