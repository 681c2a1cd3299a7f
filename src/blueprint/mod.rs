//! Blueprints: folders of Terraform-syntax `*.tf` and `*.tf.json` files, loaded, checked and
//! evaluated.

pub mod conditions;
pub mod config;
pub mod eval;
pub mod functions;
pub mod json_syntax;
pub mod marks;
pub mod modules;
pub mod overrides;
pub mod providers;
pub mod provisioners;
pub mod refs;
pub mod repeated_keys;
pub mod scope;
pub mod source;
pub mod types;
pub mod typing;
pub mod variables;
