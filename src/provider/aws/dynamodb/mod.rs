//! DynamoDB resources.

pub mod replicas;
pub mod resource_policy;
pub mod table;
