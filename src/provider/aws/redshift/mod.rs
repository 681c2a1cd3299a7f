//! Redshift: the subnet group the VPC module makes for Redshift clusters.

pub mod subnet_group;
