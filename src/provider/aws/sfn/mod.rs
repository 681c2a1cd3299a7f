//! Step Functions: state machines (`aws_sfn_state_machine`), their aliases (`aws_sfn_alias`)
//! and activities (`aws_sfn_activity`), with what they share: the "not found" codes, tag reads and writes on
//! their ARNs, and the `encryption_configuration` block both carry.

pub mod activity;
pub mod alias;
pub mod state_machine;

use crate::provider::aws::common::{aws_err, build_err, first, opt_i32, opt_str};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{int_between, one_of};
use crate::value::Value;
use aws_sdk_sfn::types::{EncryptionConfiguration, EncryptionType, Tag};

/// Codes Step Functions answers for a state machine, alias or activity that is not there (a
/// malformed ARN cannot name one either).
pub const NOT_FOUND: &[&str] = &[
    "StateMachineDoesNotExist",
    "ActivityDoesNotExist",
    "ResourceNotFound",
    "InvalidArn",
];

/// The provider's checks on `encryption_configuration`, which both types carry, and the block
/// itself: AWS answers its own (AWS-owned key) when the blueprint has none.
pub fn encryption_decl(d: Decl) -> Decl {
    d.arg("encryption_configuration")
        .arg("encryption_configuration.type")
        .check(one_of(EncryptionType::values()))
        .arg("encryption_configuration.kms_data_key_reuse_period_seconds")
        .check(int_between(60, 900))
        .computed_blocks(&["encryption_configuration"])
}

/// The `encryption_configuration` block as Step Functions takes it; `None` when the blueprint
/// has no block (AWS then uses its own key).
pub fn encryption_request(planned: &Value) -> PResult<Option<EncryptionConfiguration>> {
    let Some(e) = first(planned, "encryption_configuration") else {
        return Ok(None);
    };
    EncryptionConfiguration::builder()
        .set_kms_key_id(opt_str(e, "kms_key_id"))
        .set_kms_data_key_reuse_period_seconds(opt_i32(e, "kms_data_key_reuse_period_seconds"))
        .r#type(EncryptionType::from(opt_str(e, "type").unwrap_or_default().as_str()))
        .build()
        .map(Some)
        .map_err(build_err)
}

/// The `encryption_configuration` block as state holds it (the provider's
/// `flattenEncryptionConfiguration`); no block when AWS answers none.
pub fn encryption_state(e: Option<&EncryptionConfiguration>) -> Value {
    Value::List(
        e.map(|e| {
            Value::object([
                ("type", Value::str(e.r#type().as_str())),
                ("kms_key_id", Value::from(e.kms_key_id())),
                (
                    "kms_data_key_reuse_period_seconds",
                    Value::from(e.kms_data_key_reuse_period_seconds().map(i64::from)),
                ),
            ])
        })
        .into_iter()
        .collect(),
    )
}

/// The tags Step Functions holds for a state machine's or activity's ARN.
pub async fn tags_of(c: &Clients, arn: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .sfn
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
        .collect())
}

/// Tags as Step Functions takes them (its `Tag` builder checks nothing, so no `sdk_tags!`).
pub fn sdk_tags(tags: impl IntoIterator<Item = (String, String)>) -> Vec<Tag> {
    tags.into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Brings an object's tags from `prior`'s `tags_all` to `planned`'s on its ARN.
pub async fn sync_sfn_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    crate::provider::aws::common::sync_tags_by_arn!(c.sfn, arn, prior, planned, add => sdk_tags(add))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_goes_and_comes_back_as_the_provider_writes_it() {
        let planned = Value::object([(
            "encryption_configuration",
            Value::List(vec![Value::object([
                ("type", Value::str("CUSTOMER_MANAGED_KMS_KEY")),
                ("kms_key_id", Value::str("alias/app")),
                ("kms_data_key_reuse_period_seconds", Value::from(300i64)),
            ])]),
        )]);
        let sent = encryption_request(&planned).unwrap().unwrap();
        assert_eq!(sent.r#type(), &EncryptionType::CustomerManagedKmsKey);
        assert_eq!(sent.kms_data_key_reuse_period_seconds(), Some(300));
        assert_eq!(
            encryption_state(Some(&sent)),
            planned.get("encryption_configuration").clone()
        );
        assert_eq!(encryption_request(&Value::object::<&str>([])).unwrap(), None);
        assert_eq!(encryption_state(None), Value::List(vec![]));
    }
}
