//! CloudFront (a global service): policies, functions and distributions.

pub mod cache_policy;
pub mod cache_policy_data;
pub mod origin_request_policy;
pub mod origin_request_policy_data;
pub mod policies;
