//! Blueprints: folders of Terraform-syntax `*.tf` files, loaded, checked and evaluated.

pub mod config;
pub mod eval;
pub mod functions;
pub mod modules;
pub mod refs;
pub mod scope;
pub mod source;
pub mod types;
pub mod variables;
