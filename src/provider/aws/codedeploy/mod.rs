//! CodeDeploy: applications (`aws_codedeploy_app`) and their deployment groups
//! (`aws_codedeploy_deployment_group`), with what both share: the "not found" codes, the ARNs
//! the provider builds for them (AWS's answers carry none) and tags read and written on them.

pub mod app;
pub mod deployment_group;

use crate::provider::aws::common::{aws_err, sync_tags_by_arn};
use crate::provider::aws::meta::partition::of_region;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_codedeploy::types::Tag;
use indexmap::IndexMap;

/// Codes CodeDeploy answers for an application or deployment group that is not there.
pub const NOT_FOUND: &[&str] = &[
    "ApplicationDoesNotExistException",
    "DeploymentGroupDoesNotExistException",
];

/// The ARN of an application (`application:NAME`) or group (`deploymentgroup:APP/GROUP`), as
/// the provider builds it from the partition, region and account.
async fn arn(c: &Clients, resource: &str) -> PResult<String> {
    let account = c.account_id().await?;
    let partition = of_region(&c.region).0;
    Ok(format!("arn:{partition}:codedeploy:{}:{account}:{resource}", c.region))
}

/// Tags as CodeDeploy takes them (its tag builder checks nothing, so this cannot fail).
fn to_sdk(pairs: IndexMap<String, String>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The tags on an ARN, as key/value pairs.
async fn tags_of(c: &Clients, arn: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .codedeploy
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// Brings the tags on `arn` from `prior`'s `tags_all` to `planned`'s.
async fn sync_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags_by_arn!(c.codedeploy, arn, prior, planned, add => to_sdk(add))
}
