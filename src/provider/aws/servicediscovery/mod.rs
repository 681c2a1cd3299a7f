//! AWS Cloud Map: namespaces (private DNS in a VPC, public DNS, HTTP) and the services ECS
//! registers tasks in, with what they share: waiting for Cloud Map's asynchronous operations,
//! tags by ARN, and finding a namespace a killed run created.
//!
//! Creates pass the run's idempotency token as `CreatorRequestId`, so a create repeated after a
//! lost answer or a killed run gets the same operation back instead of a second object.

pub mod namespace;
pub mod service;

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::common::{absent_on, aws_err, owns, wait_for, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError};
use crate::value::Value;
use aws_sdk_servicediscovery::types::{OperationStatus, OperationTargetType, Tag};
use std::time::Duration;

/// How long the provider waits for a Cloud Map operation (its types have no `timeouts` block).
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Waits for an operation to succeed and returns the id of its target of `kind` (the namespace
/// a create made). A failed operation is an error with Cloud Map's reason.
pub async fn wait_operation(c: &Clients, operation: &str, kind: OperationTargetType) -> PResult<Option<String>> {
    wait_for(Wait::new(operation, "SUCCESS", OPERATION_TIMEOUT), || async {
        let out = c
            .servicediscovery
            .get_operation()
            .operation_id(operation)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(op) = out.operation() else {
            return Ok(Poll::pending("not found yet"));
        };
        match op.status() {
            Some(OperationStatus::Success) => Ok(Poll::Ready(op.targets().and_then(|t| t.get(&kind)).cloned())),
            Some(OperationStatus::Fail) => Err(ProviderError {
                code: op.error_code().map(str::to_string),
                message: format!(
                    "Cloud Map operation {operation} failed: {}",
                    op.error_message().unwrap_or("no reason given")
                ),
            }),
            Some(s) => Ok(Poll::pending(s.as_str())),
            None => Ok(Poll::pending("unknown")),
        }
    })
    .await
}

/// The tags on a namespace or service; `None` when it no longer exists.
pub async fn tags(c: &Clients, arn: &str) -> PResult<Option<Vec<(String, String)>>> {
    let r = c
        .servicediscovery
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, &["ResourceNotFoundException"])?.map(|out| {
        out.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()
    }))
}

/// True when the object at `arn` carries this stack's tags for this address.
pub async fn is_ours(c: &Clients, ctx: &CallCtx, arn: &str) -> PResult<bool> {
    let tags = tags(c, arn).await?.unwrap_or_default();
    Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx))
}

/// Tags as Cloud Map takes them.
pub fn sd_tags(pairs: impl IntoIterator<Item = (String, String)>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs)
}

/// Brings the tags on `arn` from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let sd = &c.servicediscovery;
    sync_tags_by_arn!(sd, arn, prior, planned, add => sd_tags(add)?)
}
