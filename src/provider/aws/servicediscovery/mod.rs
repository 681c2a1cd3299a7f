//! Cloud Map.
