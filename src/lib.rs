//! infractl: provisions AWS stacks from Terraform-syntax blueprints by calling the AWS SDK
//! directly. Data flows blueprint → graph → plan (steps) → engine → provider.

pub mod address;
pub mod apply;
pub mod blueprint;
pub mod cli;
pub mod diag;
pub mod duration;
pub mod engine;
pub mod gojson;
pub mod graph;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod module_instance_tests;
pub mod pki;
pub mod plan;
pub mod provider;
pub mod provision;
#[cfg(test)]
mod refactoring_tests;
pub mod schema;
pub mod state;
#[cfg(test)]
mod testkit;
pub mod trace;
pub mod value;
