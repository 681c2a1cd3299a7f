//! `aws_opensearchserverless_security_policy`: an encryption policy (which KMS key, or an
//! AWS-owned one, protects matching collections) or a network policy (public or VPC access).
//! Policy and description change in place; the id is the name, import takes `NAME/TYPE`.

use super::policy::{checked_policy, policy_detail, policy_resource};
use super::{document_json, name_and_type};
use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_opensearchserverless::types::SecurityPolicyType;
use std::sync::Arc;

policy_resource!(
    /// The `aws_opensearchserverless_security_policy` resource type.
    SecurityPolicy,
    "aws_opensearchserverless_security_policy",
    "security policy",
    SecurityPolicyType,
    &["encryption", "network"],
    create_security_policy,
    [get get_security_policy security_policy_detail],
    update_security_policy,
    delete_security_policy
);
