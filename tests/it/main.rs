//! Integration tests: run the `infractl` binary against the local emulator and check, with SDK
//! describe calls, what the emulator really holds. One test binary (the SDK links once).
//!
//! The emulator endpoint comes from `AWS_ENDPOINT_URL` (default http://127.0.0.1:4566), so the
//! same tests run against moto (what `localstack/start` runs) or a real LocalStack.

mod adoption;
mod api;
mod api_domains;
mod bad_input;
mod bucket_settings;
mod builtins;
mod bulk_refresh;
mod capacity;
mod circle_of_trust;
mod cognito;
mod compat;
mod containers;
mod crash;
mod databases;
mod default_vpc;
mod discovery;
mod dns;
mod ec2_data;
mod faults;
mod foundation;
mod handover;
mod hostile;
mod http_api;
mod iam_identities;
mod identity;
mod interop;
mod interrupt;
mod json_syntax;
mod killed_creates;
mod kms;
mod language_e2e;
mod lifecycle;
mod load_balancing;
mod log_extras;
mod lookups;
mod module_sources;
mod network;
mod network_extras;
mod observability;
mod oidc;
mod policy_tools;
mod provider_schema;
mod providers;
mod queues;
mod regions;
mod remote_state;
mod replacement;
mod search;
mod secrets;
mod service_limits;
mod state_pull;
mod storage;
mod subnet_groups;
mod support;
mod table_streams;
mod timeouts;
mod trace_file;
mod validation;
mod vpc_family;
mod vpc_module;
