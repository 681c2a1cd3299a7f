//! `aws_kms_replica_key`: a replica, in this provider's Region, of a multi-Region primary key
//! (`primary_key_arn`). ReplicateKey is called in the primary's Region with the replica's own
//! description, policy and tags; the replica shares the primary's key id, material and
//! rotation. Destroying schedules the replica's deletion after `deletion_window_in_days`.

use super::managed_key::{key_decl, Making, ManagedKey};
use crate::provider::aws::Clients;
use crate::schema::validators::arn;
use std::sync::Arc;

/// The `aws_kms_replica_key` resource type.
pub fn new(c: Arc<Clients>) -> ManagedKey {
    let schema = key_decl("aws_kms_replica_key")
        .arg("enabled")
        .default(true)
        .arg("primary_key_arn")
        .force_new()
        .check(arn())
        .build();
    ManagedKey::new(c, "aws_kms_replica_key", Making::Replica, schema)
}
