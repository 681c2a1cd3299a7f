//! The providers every Terraform configuration leans on and infractl runs itself, knowing
//! nothing of AWS: `terraform` (`terraform_data`, `terraform_remote_state`), hashicorp/random,
//! null, time, archive, local, external and tls, with the schemas and behaviour their
//! documentation gives. Each type is one file under its provider's folder and one line in
//! [`register`].
//!
//! Paths (`filename`, `source_dir`, `output_path`, ...) are taken relative to the working
//! folder, as Terraform takes them (`-chdir` switches to the blueprint folder first).

pub mod archive;
pub mod external;
pub mod local;
pub mod null;
pub mod random;
pub mod terraform;
pub mod time;
pub mod tls;
mod util;

use crate::provider::Registry;
use std::sync::Arc;

/// Local names of the built-in providers (besides `aws`), for provider blocks and the
/// `provider` meta-argument.
pub const PROVIDERS: &[&str] = &[
    "terraform",
    "random",
    "null",
    "time",
    "archive",
    "local",
    "external",
    "tls",
];

/// Adds every built-in type to a registry. The registry's secrets must be in place first:
/// `random_password` seals its results with them.
pub fn register(r: &mut Registry) {
    let secrets = r.secrets().clone();
    r.add_resource(Arc::new(terraform::data::TerraformData::new()));
    r.add_data_source(Arc::new(terraform::remote_state::RemoteState::new()));
    r.add_resource(Arc::new(random::id::RandomId::new()));
    r.add_resource(Arc::new(random::string::RandomString::new()));
    r.add_resource(Arc::new(random::password::RandomPassword::new(secrets.clone())));
    r.add_resource(Arc::new(random::pet::RandomPet::new()));
    r.add_resource(Arc::new(random::integer::RandomInteger::new()));
    r.add_resource(Arc::new(random::uuid::RandomUuid::new()));
    r.add_resource(Arc::new(random::shuffle::RandomShuffle::new()));
    r.add_resource(Arc::new(null::resource::NullResource::new()));
    r.add_data_source(Arc::new(null::data_source::NullDataSource::new()));
    r.add_resource(Arc::new(time::static_time::TimeStatic::new()));
    r.add_resource(Arc::new(time::sleep::TimeSleep::new()));
    r.add_resource(Arc::new(time::offset::TimeOffset::new()));
    r.add_resource(Arc::new(time::rotating::TimeRotating::new()));
    r.add_resource(Arc::new(archive::file::ArchiveFile::new()));
    r.add_data_source(Arc::new(archive::file_data::ArchiveFileData::new()));
    r.add_resource(Arc::new(local::file::LocalFile::new(false)));
    r.add_resource(Arc::new(local::file::LocalFile::new(true)));
    r.add_data_source(Arc::new(local::file_data::LocalFileData::new(false)));
    r.add_data_source(Arc::new(local::file_data::LocalFileData::new(true)));
    r.add_data_source(Arc::new(external::data::External::new()));
    r.add_resource(Arc::new(tls::private_key::TlsPrivateKey::new(secrets)));
    r.add_resource(Arc::new(tls::self_signed_cert::TlsSelfSignedCert::new()));
    r.add_resource(Arc::new(tls::cert_request::TlsCertRequest::new()));
    r.add_resource(Arc::new(tls::locally_signed_cert::TlsLocallySignedCert::new()));
    r.add_data_source(Arc::new(tls::public_key_data::TlsPublicKey::new()));
    r.add_data_source(Arc::new(tls::certificate_data::TlsCertificate::new()));
}
