//! Data sources about the account and region, and ones rendered locally without any call.

pub mod arn;
pub mod caller_identity;
pub mod default_tags;
pub mod elb_service_account;
pub mod iam_policy_document;
pub mod partition;
pub mod region;
