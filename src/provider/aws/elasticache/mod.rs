//! ElastiCache: the subnet group the VPC module makes for cache clusters.

pub mod subnet_group;
