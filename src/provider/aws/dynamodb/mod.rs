//! DynamoDB resources.

pub mod replicas;
pub mod resource_policy;
pub mod table;
pub mod table_item;
