//! S3 resources: the bucket and its companion configuration resources.

pub mod bucket;
pub mod companion;
pub mod cors;
pub mod encryption;
pub mod lifecycle;
pub mod ownership_controls;
pub mod policy;
pub mod public_access_block;
pub mod versioning;
pub mod website;
