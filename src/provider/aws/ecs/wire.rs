//! Sending and receiving ECS's own JSON through the SDK.
//!
//! `container_definitions` is ECS's wire JSON written by the user (Terraform passes it straight
//! to the API). The SDK for Rust has no serde for its types, and mapping the ~80 container
//! fields by hand would silently drop any we missed. Instead the SDK builds and signs the
//! request as usual, with its JSON body swapped for ours just before signing, and the raw
//! response body is kept beside the parsed output. Everything the API accepts reaches it, and
//! what ECS returns is what state records.

use crate::provider::{PResult, ProviderError};
use aws_sdk_ecs::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::body::SdkBody;
use std::sync::{Arc, Mutex};

/// Keeps the raw body of a response for the caller to read as JSON.
#[derive(Debug, Clone, Default)]
pub struct RawResponse(Arc<Mutex<Option<Vec<u8>>>>);

impl RawResponse {
    /// The response body as JSON (an error when the call kept none or it is not JSON).
    pub fn json(&self) -> PResult<serde_json::Value> {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let bytes = guard
            .as_ref()
            .ok_or_else(|| ProviderError::msg("ECS returned no response body"))?;
        serde_json::from_slice(bytes).map_err(|e| ProviderError::msg(format!("ECS returned invalid JSON: {e}")))
    }
}

impl Intercept for RawResponse {
    fn name(&self) -> &'static str {
        "infractl::RawResponse"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if let Some(bytes) = context.response().body().bytes() {
            *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// A request mutation that replaces the body the SDK serialised with `body` (run before
/// signing, so the signature covers it).
pub fn replace_body(
    body: &serde_json::Value,
) -> impl Fn(&mut aws_smithy_runtime_api::client::orchestrator::HttpRequest) + Send + Sync + 'static {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    move |req| {
        req.headers_mut().insert("content-length", bytes.len().to_string());
        *req.body_mut() = SdkBody::from(bytes.clone());
    }
}
