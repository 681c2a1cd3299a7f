//! ECR resources.

pub mod lifecycle_policy;
pub mod repository;
