//! API Gateway v2.
