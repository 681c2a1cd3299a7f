//! ECS resources.

pub mod cluster;
