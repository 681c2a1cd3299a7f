//! `-trace=FILE`: a timeline of a run in the Chrome trace event format (opens in Perfetto or
//! chrome://tracing), so the time between AWS calls can be seen and shortened.
//!
//! Each phase of a command (load, lock, state read, refresh, plan, render, apply, unlock) is a
//! span; each resource's step and each refresh read is a root span of its own, so it gets its
//! own track, with the AWS calls it makes nested under it: the SDK's own operation spans
//! (`EC2.DescribeVpcs`, with `rpc.service` and `rpc.method`) and one `try_attempt` span per
//! attempt, so retries show. Everything else the SDK traces is left out. The `tracing-chrome`
//! crate writes the file; this module only chooses what goes in.

use crate::diag::Diag;
use std::path::Path;
use tracing_chrome::{ChromeLayerBuilder, FlushGuard, TraceStyle};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

/// Keeps the trace being written; dropping it finishes the file. Hold it for the whole run
/// (the process exits without running destructors after the run returns).
pub struct Trace {
    _guard: FlushGuard,
}

/// Starts writing the trace of this process's run to `path`.
pub fn start(path: &Path) -> Result<Trace, Diag> {
    let file = std::fs::File::create(path)
        .map_err(|e| Diag::new(format!("Cannot write the trace file {}: {e}", path.display())))?;
    let (layer, guard) = ChromeLayerBuilder::new()
        .writer(std::io::BufWriter::new(file))
        .include_args(true)
        .trace_style(TraceStyle::Async)
        .build();
    let recorded = filter_fn(|meta| meta.is_span() && is_recorded(meta.target(), meta.name()));
    tracing_subscriber::registry()
        .with(layer.with_filter(recorded))
        .try_init()
        .map_err(|e| Diag::new(format!("Cannot start tracing: {e}")))?;
    Ok(Trace { _guard: guard })
}

/// infractl's own spans, the SDK's span per operation (target `aws_sdk_<service>::…`) and its
/// span per attempt.
fn is_recorded(target: &str, name: &str) -> bool {
    target.starts_with("infractl") || target.starts_with("aws_sdk_") || name == "try_attempt"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_phases_operations_and_attempts_only() {
        assert!(is_recorded("infractl::apply", "step"));
        assert!(is_recorded("aws_sdk_ec2::operation::describe_vpcs", "EC2.DescribeVpcs"));
        assert!(is_recorded("aws_smithy_runtime::client::orchestrator", "try_attempt"));
        assert!(!is_recorded(
            "aws_smithy_runtime::client::orchestrator",
            "serialization"
        ));
        assert!(!is_recorded("hyper_util::client", "connect"));
    }
}
