//! The `terraform` provider Terraform itself builds in: `terraform_data` and
//! `data "terraform_remote_state"`.

pub mod data;
pub mod remote_state;
