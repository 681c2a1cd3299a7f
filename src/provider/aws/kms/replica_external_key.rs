//! `aws_kms_replica_external_key`: a replica, in this provider's Region, of a multi-Region
//! primary key with imported material. The replica is made by ReplicateKey in the primary's
//! Region and waits for its material like the primary: `key_material_base64` must be the
//! primary's (KMS refuses other material). As with `aws_kms_external_key`, a replica given
//! material is disabled after the import unless `enabled = true`.

use super::managed_key::{key_decl, Making, ManagedKey};
use crate::provider::aws::Clients;
use crate::schema::validators::{arn, rfc3339};
use std::sync::Arc;

/// The `aws_kms_replica_external_key` resource type.
pub fn new(c: Arc<Clients>) -> ManagedKey {
    let schema = key_decl("aws_kms_replica_external_key")
        .arg("key_material_base64")
        .force_new()
        .arg("primary_key_arn")
        .force_new()
        .check(arn())
        .arg("valid_to")
        .check(rfc3339())
        .build();
    ManagedKey::new(c, "aws_kms_replica_external_key", Making::ImportedReplica, schema)
}
