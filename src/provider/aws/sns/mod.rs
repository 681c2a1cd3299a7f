//! SNS resources: topics for alarm actions and their subscriptions.

pub mod topic;
pub mod topic_data_protection_policy;
pub mod topic_policy;
pub mod topic_subscription;
