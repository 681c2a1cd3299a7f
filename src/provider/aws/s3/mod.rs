//! S3 resources: the bucket and its companion configuration resources.

pub mod bucket;
pub mod encryption;
pub mod lifecycle;
pub mod policy;
pub mod public_access_block;
pub mod versioning;
