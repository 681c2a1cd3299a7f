//! Per-service limits on AWS calls in flight.
//!
//! `-parallelism` bounds how many graph steps run at once, but AWS throttles per service (and
//! per account): fifty steps of one stack that all touch EC2 would all call EC2 together. Each
//! service client therefore gets its own gate in front of the HTTP connection: one request
//! attempt holds a permit from its service's semaphore until its response arrives (a retry
//! waits for a permit again, after its backoff), so no service ever sees more calls in flight
//! than its limit, whatever the parallelism, while other services go on at full speed. Adaptive
//! retry (set on the shared config) then slows a service down further when it throttles.
//!
//! The gate sits at the HTTP connector, so it covers every operation of every resource type
//! without any of them knowing. Limits: [`DEFAULT_LIMIT`] for each service but those AWS
//! documents as taking far more ([`DOCUMENTED_LIMITS`]), or what
//! `INFRACTL_SERVICE_CONCURRENCY` says (`ec2=4,iam=2` or `*=4,s3=16`).

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use indexmap::IndexMap;
use std::fmt;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Calls in flight per service when nothing else is said: Terraform's default parallelism, so
/// that however high `-parallelism` goes, no service is sent more at once than a default
/// Terraform run would send it.
pub const DEFAULT_LIMIT: usize = 10;

/// Services whose documented request rates are far above what [`DEFAULT_LIMIT`] calls in
/// flight can reach, with the limit they get instead.
///
/// S3: "at least 3,500 PUT/COPY/POST/DELETE or 5,500 GET/HEAD requests per second per
/// partitioned prefix" (S3 user guide, "Best practices design patterns: optimizing Amazon S3
/// performance"); a bucket's refresh alone is some fifteen GETs of its settings, so ten in
/// flight made three buckets queue behind each other (foundation's no-change plan with 150 ms
/// per call: 1.30 s with 10, 0.94 s with 60). Fifty in flight at even 10 ms a call is 5,000
/// requests per second, still within one prefix's documented rate.
///
/// EC2: requests are counted "on a per-API basis", each API with its own token bucket, the
/// smallest of which holds 50 tokens (non-mutating actions such as the Describe calls hold 100
/// and refill 20 per second; "Request throttling for the Amazon EC2 API", EC2 developer
/// guide). Fifty in flight can therefore never empty a full bucket within one round trip, and
/// a longer burst of one API is throttled at the bucket's refill rate whatever the limit (ten
/// calls in flight at 150 ms each are 66 a second, already past it), which adaptive retry then
/// follows. With ten, a no-change plan of the `network` stack (eleven EC2 reads over five
/// APIs) paid a second round trip: its refresh took 0.42-0.45 s with 150 ms per call, 0.29-0.32 s
/// with fifty.
pub const DOCUMENTED_LIMITS: &[(&str, usize)] = &[("s3", 50), ("ec2", 50)];

/// The environment variable holding the limits.
pub const LIMITS_VAR: &str = "INFRACTL_SERVICE_CONCURRENCY";

/// The services infractl calls, by the names the provider block's `endpoints` uses for them.
pub const SERVICES: &[&str] = &[
    "acm",
    "apigateway",
    "apigatewayv2",
    "applicationautoscaling",
    "autoscaling",
    "cloudfront",
    "cloudwatch",
    "codedeploy",
    "cognitoidp",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "elasticache",
    "elbv2",
    "events",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "opensearchserverless",
    "organizations",
    "rds",
    "redshift",
    "route53",
    "s3",
    "s3control",
    "secretsmanager",
    "servicediscovery",
    "sfn",
    "signer",
    "sns",
    "sqs",
    "ssm",
    "sts",
];

/// How many calls each service may have in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLimits {
    /// What `*` said, for every service not named.
    every: Option<usize>,
    per_service: IndexMap<String, usize>,
}

impl Default for ServiceLimits {
    fn default() -> Self {
        ServiceLimits {
            every: None,
            per_service: IndexMap::new(),
        }
    }
}

impl ServiceLimits {
    /// Parses `ec2=4,iam=2,*=8` (`*` sets every service not named). Names are those of
    /// [`SERVICES`]; a limit is a whole number of at least 1.
    pub fn parse(text: &str) -> Result<ServiceLimits, String> {
        let mut limits = ServiceLimits::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((name, number)) = item.split_once('=') else {
                return Err(format!("\"{item}\" is not service=limit"));
            };
            let (name, number) = (name.trim(), number.trim());
            let limit: usize = match number.parse() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(format!(
                        "the limit for {name} must be a whole number of at least 1, not \"{number}\""
                    ))
                }
            };
            if name == "*" {
                limits.every = Some(limit);
            } else if SERVICES.contains(&name) {
                limits.per_service.insert(name.to_string(), limit);
            } else {
                return Err(format!("unknown service \"{name}\"; known: {}", SERVICES.join(", ")));
            }
        }
        Ok(limits)
    }

    /// The limits from [`LIMITS_VAR`], or the defaults when it is unset.
    pub fn from_env() -> Result<ServiceLimits, String> {
        match std::env::var(LIMITS_VAR) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{LIMITS_VAR}: {e}")),
            Err(_) => Ok(ServiceLimits::default()),
        }
    }

    /// The limit for one service: what was said for it, else what `*` said, else its
    /// documented limit or [`DEFAULT_LIMIT`].
    pub fn limit(&self, service: &str) -> usize {
        if let Some(limit) = self.per_service.get(service) {
            return *limit;
        }
        if let Some(limit) = self.every {
            return limit;
        }
        DOCUMENTED_LIMITS
            .iter()
            .find(|(name, _)| *name == service)
            .map_or(DEFAULT_LIMIT, |(_, limit)| *limit)
    }
}

/// The HTTPS client every service client shares (one connection pool), built as the SDK builds
/// its default one: it is not reachable from outside the SDK, and wrapping it needs a handle.
pub fn base_https_client() -> SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    })
}

/// `base` behind a gate letting at most `limit` requests through at once.
pub fn gated(base: SharedHttpClient, limit: usize) -> SharedHttpClient {
    SharedHttpClient::new(GatedClient {
        inner: base,
        permits: Arc::new(Semaphore::new(limit.max(1))),
    })
}

/// An HTTP client whose connectors share one semaphore.
struct GatedClient {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl fmt::Debug for GatedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatedClient")
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

impl HttpClient for GatedClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(GatedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }
}

/// An HTTP client that refuses every request, for the SDK clients of schemas-only registries
/// (`validate`, the blueprint loader): they must never call AWS, and without a client of their
/// own the SDK would set up TLS with the machine's root certificates for each of the 35 service
/// clients, which measured as a third of a `validate` run.
pub fn offline_http_client() -> SharedHttpClient {
    SharedHttpClient::new(Offline)
}

/// The client and connector of [`offline_http_client`].
#[derive(Debug)]
struct Offline;

impl HttpClient for Offline {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(Offline)
    }
}

impl HttpConnector for Offline {
    fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Err(ConnectorError::other(
            "infractl made an AWS call from a registry meant for schemas only".into(),
            None,
        )))
    }
}

/// A connector that holds a permit for the whole of each request.
#[derive(Debug)]
struct GatedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for GatedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = permits.acquire_owned().await.ok();
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn offline_clients_refuse_every_call_without_connecting() {
        // Credentials added so the call reaches the connector, and a loopback port nothing
        // listens on (never AWS): the offline connector must answer before any connection.
        let clients = crate::provider::aws::offline_clients();
        let creds = aws_sdk_sts::config::Credentials::new("test", "test", None, None, "test");
        let conf = clients
            .sts
            .config()
            .to_builder()
            .credentials_provider(creds)
            .endpoint_url("http://127.0.0.1:9")
            .build();
        let err = aws_sdk_sts::Client::from_conf(conf)
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        let text = format!("{}", aws_smithy_types::error::display::DisplayErrorContext(&err));
        assert!(text.contains("registry meant for schemas only"), "{text}");
    }

    #[test]
    fn parses_limits_and_rejects_bad_ones() {
        let l = ServiceLimits::parse("ec2=4, iam=2,*=8").unwrap();
        assert_eq!((l.limit("ec2"), l.limit("iam"), l.limit("s3")), (4, 2, 8));
        assert_eq!(ServiceLimits::parse("").unwrap().limit("iam"), DEFAULT_LIMIT);
        assert_eq!(
            ServiceLimits::parse("").unwrap().limit("ec2"),
            50,
            "EC2's per-API buckets"
        );
        assert_eq!(
            ServiceLimits::parse("").unwrap().limit("s3"),
            50,
            "S3's documented rates"
        );
        assert_eq!(ServiceLimits::parse("s3=12").unwrap().limit("s3"), 12);
        assert_eq!(
            ServiceLimits::parse("*=10").unwrap().limit("s3"),
            10,
            "`*` names every service"
        );
        assert!(ServiceLimits::parse("ec2").unwrap_err().contains("service=limit"));
        assert!(ServiceLimits::parse("ec2=0").unwrap_err().contains("at least 1"));
        assert!(ServiceLimits::parse("ec2=x").unwrap_err().contains("\"x\""));
        assert!(ServiceLimits::parse("lambada=3")
            .unwrap_err()
            .contains("unknown service \"lambada\""));
    }

    /// A connector that answers after a delay and records the most requests it saw at once.
    #[derive(Debug, Default, Clone)]
    struct Slow {
        now: Arc<AtomicUsize>,
        peak: Arc<AtomicUsize>,
    }

    impl HttpConnector for Slow {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let me = self.clone();
            HttpConnectorFuture::new(async move {
                let n = me.now.fetch_add(1, Ordering::SeqCst) + 1;
                me.peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                me.now.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::new(200.try_into().unwrap(), SdkBody::empty()))
            })
        }
    }

    #[tokio::test]
    async fn no_more_requests_in_flight_than_the_limit() {
        let slow = Slow::default();
        let connector = GatedConnector {
            inner: SharedHttpConnector::new(slow.clone()),
            permits: Arc::new(Semaphore::new(3)),
        };
        let calls = (0..12).map(|_| connector.call(HttpRequest::empty()));
        let answers = futures::future::join_all(calls).await;
        assert!(answers.iter().all(|a| a.is_ok()));
        assert_eq!(
            slow.peak.load(Ordering::SeqCst),
            3,
            "12 concurrent calls through a gate of 3"
        );
    }
}
