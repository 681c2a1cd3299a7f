//! DynamoDB resources.

pub mod replicas;
pub mod table;
