//! S3 resources: the bucket, its companion configuration resources, objects, and the
//! account-wide public access block.

pub mod accelerate;
pub mod account_public_access_block;
pub mod acl;
pub mod analytics;
pub mod bucket;
pub mod canonical_user_id;
pub mod companion;
pub mod control;
pub mod cors;
pub mod encryption;
pub mod filter;
pub mod inline;
pub mod intelligent_tiering;
pub mod inventory;
pub mod lifecycle;
pub mod logging;
pub mod metric;
pub mod notification;
pub mod object;
pub mod object_lock;
pub mod ownership_controls;
pub mod policy;
pub mod public_access_block;
pub mod purge;
pub mod replication;
pub mod request_payment;
pub mod versioning;
pub mod website;
