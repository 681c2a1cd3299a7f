//! `aws_kms_external_key`: a KMS key whose key material the user brings (Origin EXTERNAL).
//! KMS makes the key without material (`PendingImport`); with `key_material_base64` the
//! material is wrapped under the public key KMS hands out and imported, to expire at
//! `valid_to` or never, and a new `valid_to` imports it again. As in the provider, a key given
//! material is disabled after the import unless `enabled = true`. Destroying schedules the
//! key's deletion after `deletion_window_in_days` (7 to 30, 30 by default).

use super::managed_key::{key_decl, Making, ManagedKey};
use crate::provider::aws::Clients;
use crate::schema::validators::{len_between, rfc3339};
use std::sync::Arc;

/// The `aws_kms_external_key` resource type.
pub fn new(c: Arc<Clients>) -> ManagedKey {
    let schema = key_decl("aws_kms_external_key")
        .arg("key_material_base64")
        .force_new()
        .arg("multi_region")
        .force_new()
        .arg("policy")
        .check(len_between(0, 32768))
        .arg("valid_to")
        .check(rfc3339())
        .build();
    ManagedKey::new(c, "aws_kms_external_key", Making::Imported, schema)
}
