//! SSM resources: parameters (plain, list, or encrypted secrets).

pub mod parameter;
