//! DynamoDB resources.

pub mod table;
