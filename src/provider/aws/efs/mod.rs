//! Elastic File System: file systems (`aws_efs_file_system`), their mount targets
//! (`aws_efs_mount_target`), access points (`aws_efs_access_point`), resource policies
//! (`aws_efs_file_system_policy`), backup policies (`aws_efs_backup_policy`) and replication
//! (`aws_efs_replication_configuration`), and the file system and access point data sources,
//! with what they share:
//! the "not found" codes, tags (EFS tags file systems and access points by id and returns them
//! in their descriptions, so a read needs no tag call) and the names AWS derives from an id.

pub mod access_point;
pub mod backup_policy;
pub mod data;
pub mod file_system;
pub mod file_system_policy;
pub mod mount_target;
pub mod replication_configuration;

use crate::provider::aws::common::{sdk_tags, sync_tags_by_arn};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_efs::types::Tag;

/// Codes EFS answers for a file system, mount target or access point that is not there.
pub const NOT_FOUND: &[&str] = &["FileSystemNotFound", "MountTargetNotFound", "AccessPointNotFound"];

/// EFS's tags as key/value pairs, for [`crate::provider::aws::common::user_tags`].
pub fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// Key/value pairs as EFS's `Tag` list; `None` when there are none (EFS takes no empty list).
pub fn efs_tags(pairs: impl IntoIterator<Item = (String, String)>) -> PResult<Option<Vec<Tag>>> {
    let tags = sdk_tags!(Tag, pairs)?;
    Ok((!tags.is_empty()).then_some(tags))
}

/// Brings a file system's or access point's tags from `prior`'s `tags_all` to `planned`'s
/// (EFS's TagResource/UntagResource take the id, not an ARN).
pub async fn sync_efs_tags(c: &Clients, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags_by_arn!(c.efs, resource_id = id, prior, planned, add => sdk_tags!(Tag, add)?)
}

/// A file system's DNS name, as the provider derives it (`RegionalHostname(id + ".efs")`).
pub fn file_system_dns(file_system_id: &str, region: &str) -> String {
    format!("{file_system_id}.efs.{region}.amazonaws.com")
}

/// A file system's ARN, as the provider builds it for the objects that only carry its id.
pub fn file_system_arn(region: &str, account: &str, file_system_id: &str) -> String {
    format!("arn:aws:elasticfilesystem:{region}:{account}:file-system/{file_system_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derived_from_an_id_are_the_providers() {
        assert_eq!(
            file_system_dns("fs-12ab", "eu-west-1"),
            "fs-12ab.efs.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            file_system_arn("eu-west-1", "123456789012", "fs-12ab"),
            "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-12ab"
        );
        assert_eq!(efs_tags(Vec::new()).unwrap(), None);
        let pairs = vec![("Name".to_string(), "shared".to_string())];
        let tags = efs_tags(pairs.clone()).unwrap().unwrap();
        assert_eq!(tag_pairs(&tags), pairs);
    }
}
