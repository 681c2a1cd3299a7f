//! S3 resources.

pub mod bucket;
