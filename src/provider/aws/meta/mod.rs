//! Data sources about the account and region, and ones rendered locally without any call.

pub mod caller_identity;
pub mod iam_policy_document;
pub mod partition;
pub mod region;
