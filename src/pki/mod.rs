//! Keys and their encodings, for the tls provider's types and Terraform's `rsadecrypt`:
//! aws-lc-rs does the cryptography, these modules the formats around it.

pub mod der;
pub mod key;
pub mod openssh;
pub mod pem;
