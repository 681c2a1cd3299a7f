//! SSM resources: parameters (plain, list, or encrypted secrets), and the ephemeral form that
//! reads one without storing it.

pub mod parameter;
pub mod parameter_data;
pub mod parameter_ephemeral;
mod tags;
