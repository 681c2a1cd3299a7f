//! AWS Signer: signing profiles (`aws_signer_signing_profile`), the trust anchor Lambda code
//! signing configurations name.

pub mod signing_profile;
