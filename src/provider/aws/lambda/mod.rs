//! Lambda: functions (`aws_lambda_function`) and the permissions other services and accounts
//! get to invoke them (`aws_lambda_permission`), with what they share: the "not found" code,
//! the retry the provider wraps function writes in (IAM roles and KMS grants take a while to be
//! usable by Lambda), the waits for a function's `State` and `LastUpdateStatus`, invoke ARNs,
//! and the provider's name and qualifier rules.

pub mod alias;
pub mod alias_data;
pub mod event_invoke_config;
pub mod event_source_mapping;
pub mod function;
pub mod function_data;
pub mod function_url;
pub mod layer_version;
pub mod permission;

use crate::provider::aws::common::{
    absent_on, aws_err, opt_str, retry_while_matching, sync_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::validators::{matches, Validator};
use crate::value::Value;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use std::future::Future;
use std::time::Duration;

/// The code Lambda answers for a function, version or policy statement that does not exist.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// How long the provider retries writes that fail while IAM and KMS changes propagate
/// (`lambdaPropagationTimeout`).
pub const PROPAGATION: Duration = Duration::from_secs(5 * 60);

/// A function name, partial ARN or full ARN, as CreateFunction and the provider's
/// `validFunctionName` take it (1 to 140 characters).
pub fn function_name() -> Validator {
    matches(
        r"^(arn:[\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\d{1}:)?(\d{12}:)?(function:)?([0-9A-Za-z_-]{1,140})(:(\$LATEST|[0-9A-Za-z_-]+))?$",
        "a function name (letters, digits, hyphens, underscores) or a function ARN",
    )
}

/// A version or alias name (`$LATEST`, `1`, `live`), as the provider's `validQualifier`.
pub fn qualifier() -> Validator {
    matches(
        r"^[0-9A-Za-z$_-]{1,128}$",
        "1 to 128 letters, digits, $, hyphens or underscores",
    )
}

/// True for the errors a function write meets while the role or key it names is not yet usable
/// by Lambda, or while another update of the function is in progress: the provider's
/// `retryFunctionOp` retries them.
fn settling(e: &ProviderError) -> bool {
    let m = e.message.as_str();
    match e.code.as_deref() {
        Some("InvalidParameterValueException") => [
            "The role defined for the function cannot be assumed by Lambda",
            "The provided execution role does not have permissions",
            "Your request has been throttled by EC2",
            "Lambda was unable to configure access to your environment variables because the KMS key is invalid",
            "Lambda was not able to create an ENI in the VPC of the Lambda function because the limit for Network Interfaces has been reached",
        ]
        .iter()
        .any(|s| m.contains(s)),
        Some("ResourceConflictException") => m.contains("in progress"),
        _ => false,
    }
}

/// Runs a function write, retrying it while IAM, KMS or a previous update settle.
pub async fn retry_function_op<T, F, Fut>(op: F) -> PResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = PResult<T>>,
{
    retry_while_matching(settling, PROPAGATION, op).await
}

/// Serialises reading zip files into memory, as the provider does (one archive held at a time
/// however many functions and layers are created at once).
static ZIP_READ: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The zip at `path` (relative to the working folder, as Terraform reads it), read whole, one
/// at a time.
pub async fn read_zip(path: &str) -> PResult<Vec<u8>> {
    let _one = ZIP_READ.lock().await;
    tokio::fs::read(path)
        .await
        .map_err(|e| ProviderError::msg(format!("reading ZIP file ({path}): {e}")))
}

/// GetFunction of `name` (a name or ARN, optionally qualified); `None` when it does not exist.
pub async fn get_function(c: &Clients, name: &str, qualifier: Option<&str>) -> PResult<Option<GetFunctionOutput>> {
    let r = c
        .lambda
        .get_function()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_string))
        .send()
        .await
        .map_err(aws_err);
    absent_on(r, NOT_FOUND)
}

/// Waits for a new function to leave `Pending` for `Active` (the provider's
/// `waitFunctionCreated`); `Failed` ends the wait with Lambda's reason.
pub async fn wait_active(c: &Clients, name: &str, timeout: Duration) -> PResult<()> {
    wait_for(Wait::new(name, "Active", timeout), || async {
        let Some(out) = get_function(c, name, None).await? else {
            return Ok(Poll::pending("not found yet"));
        };
        let conf = out.configuration();
        match conf.and_then(|f| f.state()) {
            None | Some(State::Active) => Ok(Poll::Ready(())),
            Some(State::Failed) => Err(ProviderError::msg(format!(
                "Lambda function {name} failed to become active: {} {}",
                conf.and_then(|f| f.state_reason_code())
                    .map(|c| c.as_str())
                    .unwrap_or(""),
                conf.and_then(|f| f.state_reason()).unwrap_or("")
            ))),
            Some(s) => Ok(Poll::pending(s.as_str())),
        }
    })
    .await
}

/// Waits for an update of a function (code or configuration) to finish: `LastUpdateStatus`
/// from `InProgress` to `Successful` (the provider's `waitFunctionUpdated`).
pub async fn wait_updated(c: &Clients, name: &str, timeout: Duration) -> PResult<()> {
    wait_for(Wait::new(name, "updated", timeout), || async {
        let Some(out) = get_function(c, name, None).await? else {
            return Err(ProviderError::msg(format!(
                "Lambda function {name} vanished during its update"
            )));
        };
        let conf = out.configuration();
        match conf.and_then(|f| f.last_update_status()) {
            None | Some(LastUpdateStatus::Successful) => Ok(Poll::Ready(())),
            Some(LastUpdateStatus::Failed) => Err(ProviderError::msg(format!(
                "Lambda function {name} update failed: {} {}",
                conf.and_then(|f| f.last_update_status_reason_code())
                    .map(|c| c.as_str())
                    .unwrap_or(""),
                conf.and_then(|f| f.last_update_status_reason()).unwrap_or("")
            ))),
            Some(s) => Ok(Poll::pending(s.as_str())),
        }
    })
    .await
}

/// True when `a` and `b` name the same function, one by its name and the other by its ARN
/// (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`), as the provider's
/// `suppressEquivalentFunctionNameOrARN` compares them.
pub fn same_function(a: &str, b: &str) -> bool {
    let name_in = |arn: &str| match arn.split(':').collect::<Vec<_>>()[..] {
        ["arn", _, "lambda", _, _, "function", name] => Some(name.to_string()),
        _ => None,
    };
    a == b || name_in(a).as_deref() == Some(b) || name_in(b).as_deref() == Some(a)
}

/// Keeps the recorded `function_name` in a plan when the planned one names the same function
/// by its name where the recorded one has its ARN (or the other way round): no change, as the
/// provider's `suppressEquivalentFunctionNameOrARN` (aliases and event source mappings).
pub fn keep_equivalent_function(prior: Option<&Value>, planned: &mut Value) {
    let (Some(old), Some(new)) = (
        prior.and_then(|p| opt_str(p, "function_name")),
        opt_str(planned, "function_name"),
    ) else {
        return;
    };
    if old != new && same_function(&old, &new) {
        if let Value::Object(m) = planned {
            m.insert("function_name".into(), Value::str(old));
        }
    }
}

/// Brings a Lambda object's tags (a function's, an event source mapping's) from `prior`'s
/// `tags_all` to `planned`'s with TagResource and UntagResource on its ARN (Lambda names the
/// ARN `Resource`, which the shared `sync_tags_by_arn!` cannot spell).
pub async fn sync_lambda_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let lambda = &c.lambda;
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = lambda
                .untag_resource()
                .resource(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let r = lambda
                .tag_resource()
                .resource(arn)
                .set_tags(Some(add.into_iter().collect()))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}

/// The ARN API Gateway invokes a function (or a qualified version) through, as the provider
/// builds `invoke_arn`.
pub fn invoke_arn(region: &str, function_arn: &str) -> String {
    let partition = function_arn.split(':').nth(1).unwrap_or("aws");
    format!("arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_follow_the_providers_rules() {
        let ok = |s: &str| function_name().check(&Value::str(s)).is_ok();
        assert!(ok("hello_world-1"));
        assert!(ok("arn:aws:lambda:us-east-1:123456789012:function:hello"));
        assert!(ok("123456789012:function:hello:live"));
        assert!(!ok("hello world"));
        assert!(!ok(&"a".repeat(141)));
        let q = |s: &str| qualifier().check(&Value::str(s)).is_ok();
        assert!(q("$LATEST") && q("live") && !q("a.b"));
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello";
        assert!(same_function(arn, "hello") && same_function("hello", arn));
        assert!(!same_function(arn, "other") && !same_function(&format!("{arn}:live"), "hello"));
        assert_eq!(
            invoke_arn("eu-west-1", "arn:aws:lambda:eu-west-1:123456789012:function:f"),
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f/invocations"
        );
    }
}
