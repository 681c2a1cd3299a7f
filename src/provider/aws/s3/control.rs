//! The S3 Control client's endpoint. S3 Control addresses the account in the host name
//! (`123456789012.s3-control.us-east-1.amazonaws.com`), and the SDK puts the same prefix in
//! front of an endpoint override; in front of an IP address (`123456789012.127.0.0.1`, an
//! emulator or proxy on loopback) that is no host at all. For such an endpoint the calls go to
//! the address as given: the account still travels in the `x-amz-account-id` header that every
//! S3 Control call carries. Named endpoints, and AWS itself, keep the SDK's prefix.

use aws_sdk_s3control::config::endpoint::{DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint};

/// The SDK's resolver, without the account prefix in front of IP addresses.
#[derive(Debug, Default)]
pub struct Resolver(DefaultResolver);

/// `url` without `account.` in front of its host, when the override is an IP address.
fn unprefixed(params: &Params, url: &str) -> Option<String> {
    let account = params.account_id()?;
    let host = params.endpoint()?.split("://").nth(1)?.split(['/', ':']).next()?;
    let is_ip = host.parse::<std::net::Ipv4Addr>().is_ok() || host.starts_with('[');
    let prefixed = format!("://{account}.");
    (is_ip && url.contains(&prefixed)).then(|| url.replacen(&prefixed, "://", 1))
}

impl ResolveEndpoint for Resolver {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::new(async move {
            let e = ResolveEndpoint::resolve_endpoint(&self.0, params).await?;
            let Some(url) = unprefixed(params, e.url()) else {
                return Ok(e);
            };
            let mut b = Endpoint::builder().url(url);
            for (name, values) in e.headers() {
                for v in values {
                    b = b.header(name.to_string(), v.to_string());
                }
            }
            for (k, v) in e.properties() {
                b = b.property(k.clone(), v.clone());
            }
            Ok(b.build())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(endpoint: &str) -> Params {
        Params::builder()
            .region("us-east-1")
            .account_id("123456789012")
            .requires_account_id(true)
            .endpoint(endpoint)
            .use_fips(false)
            .use_dual_stack(false)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn the_account_prefix_stays_off_ip_addresses_only() {
        let r = Resolver::default();
        let e = r.resolve_endpoint(&params("http://127.0.0.1:4566")).await.unwrap();
        assert_eq!(e.url(), "http://127.0.0.1:4566");
        let e = r
            .resolve_endpoint(&params("https://control.example.com"))
            .await
            .unwrap();
        assert_eq!(e.url(), "https://123456789012.control.example.com");
        let aws = Params::builder()
            .region("us-east-1")
            .account_id("123456789012")
            .requires_account_id(true)
            .use_fips(false)
            .use_dual_stack(false)
            .build()
            .unwrap();
        let e = r.resolve_endpoint(&aws).await.unwrap();
        assert_eq!(e.url(), "https://123456789012.s3-control.us-east-1.amazonaws.com");
    }
}
