//! A small blocking HTTP(S) GET client for module installation, built on the hyper and rustls
//! that the AWS SDK already links (so installing modules adds no HTTP stack of its own).
//!
//! Blocking because installation is a sequential walk that also runs `git` and unpacks
//! archives; `infractl init` runs it on a blocking thread and this client drives its requests
//! on the surrounding tokio runtime (or on a private one when there is none, as in unit tests).
//! Redirects are followed, a URL's `user:password@` becomes basic authentication, and every
//! failure is a sentence that includes the underlying cause (`connection refused`).

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;
use url::Url;

/// Largest body read (a module archive): 512 MiB.
const MAX_BODY: usize = 512 * 1024 * 1024;

/// A response with its whole body.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: hyper::HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The URL finally answered (after redirects), against which relative links resolve.
    pub url: Url,
}

impl Response {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The client.
pub struct Http {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
    own_runtime: OnceLock<Result<tokio::runtime::Runtime, String>>,
}

impl Http {
    /// A client trusting the system's root certificates.
    pub fn new() -> Result<Http, String> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| format!("cannot load the system's root certificates: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Http {
            client: Client::builder(TokioExecutor::new()).build(https),
            own_runtime: OnceLock::new(),
        })
    }

    fn block_on<F: Future>(&self, f: F) -> Result<F::Output, String> {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            return Ok(handle.block_on(f));
        }
        let rt = self.own_runtime.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        });
        match rt {
            Ok(rt) => Ok(rt.block_on(f)),
            Err(e) => Err(format!("cannot start an HTTP runtime: {e}")),
        }
    }

    /// GETs `url`, following up to `max_redirects` redirects, within `timeout` if given.
    pub fn get(
        &self,
        url: &Url,
        headers: &[(&str, String)],
        timeout: Option<Duration>,
        max_redirects: usize,
    ) -> Result<Response, String> {
        let work = async {
            let mut current = url.clone();
            let mut hops = 0;
            loop {
                let resp = self.get_once(&current, headers).await?;
                let is_redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
                let location = resp.header("location").map(str::to_string);
                match (is_redirect, location) {
                    (true, Some(loc)) => {
                        hops += 1;
                        if hops > max_redirects {
                            return Err(format!("{current}: stopped after {max_redirects} redirects"));
                        }
                        current = current
                            .join(&loc)
                            .map_err(|e| format!("{current}: bad redirect location \"{loc}\": {e}"))?;
                    }
                    _ => return Ok(resp),
                }
            }
        };
        let timed = async {
            match timeout {
                Some(t) => tokio::time::timeout(t, work)
                    .await
                    .unwrap_or_else(|_| Err(format!("{url}: no answer within {} s", t.as_secs()))),
                None => work.await,
            }
        };
        self.block_on(timed)?
    }

    async fn get_once(&self, url: &Url, headers: &[(&str, String)]) -> Result<Response, String> {
        let mut bare = url.clone();
        bare.set_fragment(None);
        let auth = (!url.username().is_empty()).then(|| {
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            let pair = format!("{}:{}", decode(url.username()), decode(url.password().unwrap_or("")));
            format!(
                "Basic {}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pair)
            )
        });
        let _ = bare.set_username("");
        let _ = bare.set_password(None);
        let mut req =
            hyper::Request::get(bare.as_str()).header("user-agent", concat!("infractl/", env!("CARGO_PKG_VERSION")));
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let req = req
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("{url}: cannot build the request: {e}"))?;
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("{}: {}", shown(url), chain(&e)))?;
        let status = resp.status().as_u16();
        let (parts, body) = resp.into_parts();
        let body = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| format!("{}: reading the response failed: {e}", shown(url)))?
            .to_bytes()
            .to_vec();
        Ok(Response {
            status,
            headers: parts.headers,
            body,
            url: url.clone(),
        })
    }
}

/// A URL for messages, without any password in it.
pub fn shown(url: &Url) -> String {
    let mut u = url.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    }
    u.to_string()
}

/// An error and its causes, joined: hyper's own message ("client error (Connect)") says little
/// without the OS error underneath.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A one-shot server: answers each connection with the next canned response.
    fn serve(responses: Vec<String>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for r in responses {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap();
                seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                s.write_all(r.as_bytes()).unwrap();
            }
            seen
        });
        (base, handle)
    }

    #[test]
    fn follows_redirects_and_sends_basic_auth() {
        let (base, server) = serve(vec![
            "HTTP/1.1 302 Found\r\nLocation: /final\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Terraform-Get: ./x.zip\r\nConnection: close\r\n\r\nhello".into(),
        ]);
        let http = Http::new().unwrap();
        let url = Url::parse(&base.replace("http://", "http://me:pw@"))
            .unwrap()
            .join("/start")
            .unwrap();
        let resp = http
            .get(&url, &[("x-test", "1".into())], Some(Duration::from_secs(10)), 5)
            .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"hello");
        assert_eq!(resp.header("x-terraform-get"), Some("./x.zip"));
        assert_eq!(resp.url.path(), "/final");
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("GET /start HTTP/1.1"), "{}", seen[0]);
        assert!(
            seen[0].to_lowercase().contains("authorization: basic bwu6chc="),
            "{}",
            seen[0]
        );
        assert!(seen[0].to_lowercase().contains("x-test: 1"));
        assert!(seen[1].starts_with("GET /final "));
    }

    #[test]
    fn connection_refused_names_the_cause() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = Url::parse(&format!("http://127.0.0.1:{port}/x")).unwrap();
        let err = Http::new().unwrap().get(&url, &[], None, 0).unwrap_err();
        assert!(err.to_lowercase().contains("refused"), "{err}");
    }
}
