//! SSM resources: parameters (plain, list, or encrypted secrets), documents, and the ephemeral form that
//! reads one without storing it.

pub mod document;
pub mod maintenance_window;
pub mod maintenance_window_target;
pub mod parameter;
pub mod parameter_data;
pub mod parameter_ephemeral;
mod tags;
