//! `aws_opensearchserverless_lifecycle_policy`: a retention policy (how long indexes of matching
//! collections keep their data). Policy and description change in place; the id is the name,
//! import takes `NAME/TYPE`. AWS reads lifecycle policies only in batches of identifiers.

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
use aws_sdk_opensearchserverless::types::{LifecyclePolicyIdentifier, LifecyclePolicyType};
use std::sync::Arc;

policy_resource!(
    /// The `aws_opensearchserverless_lifecycle_policy` resource type.
    LifecyclePolicy,
    "aws_opensearchserverless_lifecycle_policy",
    "lifecycle policy",
    LifecyclePolicyType,
    &["retention"],
    create_lifecycle_policy,
    [batch batch_get_lifecycle_policy lifecycle_policy_details LifecyclePolicyIdentifier],
    update_lifecycle_policy,
    delete_lifecycle_policy
);
