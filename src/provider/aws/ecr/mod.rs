//! ECR resources.

pub mod lifecycle_policy;
pub mod repository;
pub mod repository_data;
