//! `aws_opensearchserverless_access_policy`: a data access policy (type `data`): which
//! principals may do what on which collections and indexes. Policy and description change in
//! place; the id is the name, import takes `NAME/TYPE`.

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
use aws_sdk_opensearchserverless::types::AccessPolicyType;
use std::sync::Arc;

policy_resource!(
    /// The `aws_opensearchserverless_access_policy` resource type.
    AccessPolicy,
    "aws_opensearchserverless_access_policy",
    "access policy",
    AccessPolicyType,
    &["data"],
    create_access_policy,
    [get get_access_policy access_policy_detail],
    update_access_policy,
    delete_access_policy
);
