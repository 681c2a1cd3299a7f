//! The module registry protocol, as Terraform's registry client speaks it.
//!
//! 1. Service discovery: the `modules.v1` URL of a host comes from a `host` block of the CLI
//!    configuration, else from `https://HOST/.well-known/terraform.json` (relative URLs resolve
//!    against that document's URL).
//! 2. `GET <modules.v1>/<namespace>/<name>/<system>/versions` lists versions (404: no such
//!    module).
//! 3. `GET <modules.v1>/<namespace>/<name>/<system>/<version>/download` answers 204 (or 200)
//!    with the package address in `X-Terraform-Get`, or 200 with a JSON `location`. An address
//!    starting with `/`, `./` or `../` is relative to the download URL.
//!
//! A host's token (CLI config `credentials`, `TF_TOKEN_...`) goes with every API request as a
//! bearer token. As in Terraform, an API request that fails on the network or with a 5xx is
//! tried once more after a second, and each request has 10 seconds
//! (`TF_REGISTRY_CLIENT_TIMEOUT`, `TF_REGISTRY_DISCOVERY_RETRY` change both).

use super::cliconfig::CliConfig;
use super::http::{shown, Http, Response};
use super::source::RegistrySource;
use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;
use url::Url;

/// The service id of the module registry protocol.
pub const MODULES_SERVICE: &str = "modules.v1";

/// Why a registry request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryError {
    /// The registry does not know the module (404 on its versions).
    NotFound,
    /// Anything else, as a sentence.
    Failed(String),
}

/// A registry client for one installation run (discovery results are kept for the run).
pub struct Registry<'a> {
    http: &'a Http,
    config: &'a CliConfig,
    bases: RefCell<HashMap<String, Result<Url, String>>>,
    timeout: Duration,
    retries: usize,
}

impl<'a> Registry<'a> {
    /// A client using `http` and the CLI configuration's hosts and credentials.
    pub fn new(http: &'a Http, config: &'a CliConfig) -> Registry<'a> {
        let env_number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        Registry {
            http,
            config,
            bases: RefCell::new(HashMap::new()),
            timeout: Duration::from_secs(env_number("TF_REGISTRY_CLIENT_TIMEOUT", 10)),
            retries: env_number("TF_REGISTRY_DISCOVERY_RETRY", 1) as usize,
        }
    }

    /// The `modules.v1` base URL of `host` (ending in `/`).
    pub fn base(&self, host: &str) -> Result<Url, String> {
        if let Some(cached) = self.bases.borrow().get(host) {
            return cached.clone();
        }
        let found = self.discover(host);
        self.bases.borrow_mut().insert(host.to_string(), found.clone());
        found
    }

    fn discover(&self, host: &str) -> Result<Url, String> {
        let disco_url = Url::parse(&format!("https://{host}/.well-known/terraform.json"))
            .map_err(|e| format!("invalid registry host \"{host}\": {e}"))?;
        let services: HashMap<String, String> = match self.config.services(host) {
            Some(forced) => forced.clone().into_iter().collect(),
            None => {
                let resp = self
                    .http
                    .get(&disco_url, &[], Some(self.timeout), 3)
                    .map_err(|e| format!("failed to request discovery document: {e}"))?;
                match resp.status {
                    200 => parse_discovery(&resp)?,
                    404 => HashMap::new(),
                    s => {
                        return Err(format!(
                            "failed to request discovery document: {} returned {s}",
                            disco_url
                        ))
                    }
                }
            }
        };
        let Some(raw) = services.get(MODULES_SERVICE) else {
            return Err(format!("host {host} does not provide a module registry"));
        };
        let mut base = disco_url
            .join(raw)
            .map_err(|e| format!("host {host} gave an invalid {MODULES_SERVICE} URL \"{raw}\": {e}"))?;
        if base.scheme() != "https" && base.scheme() != "http" {
            return Err(format!(
                "host {host}: unsupported scheme {} for {MODULES_SERVICE}",
                base.scheme()
            ));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(format!(
                "host {host}: embedded username/password information is not permitted"
            ));
        }
        base.set_fragment(None);
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        Ok(base)
    }

    fn api_get(&self, host: &str, url: &Url) -> Result<Response, String> {
        let mut headers = Vec::new();
        if let Some(token) = self.config.token(host) {
            headers.push(("authorization", format!("Bearer {token}")));
        }
        let attempts = self.retries + 1;
        let mut last = String::new();
        for attempt in 1..=attempts {
            if attempt > 1 {
                std::thread::sleep(Duration::from_secs(1));
            }
            match self.http.get(url, &headers, Some(self.timeout), 10) {
                Ok(r) if (r.status >= 500 && r.status != 501) || r.status == 429 => {
                    last = format!("{} {} returned from {}", r.status, reason(r.status), shown(url));
                }
                Ok(r) => return Ok(r),
                Err(e) => last = e,
            }
        }
        if attempts > 1 {
            Err(format!(
                "the request failed after {attempts} attempts, please try again later: {last}"
            ))
        } else {
            Err(format!("the request failed, please try again later: {last}"))
        }
    }

    /// The versions the registry lists for a module, as written there.
    pub fn versions(&self, m: &RegistrySource) -> Result<Vec<String>, RegistryError> {
        let base = self.base(&m.host).map_err(RegistryError::Failed)?;
        let url = base
            .join(&format!("{}/{}/{}/versions", m.namespace, m.name, m.system))
            .map_err(|e| RegistryError::Failed(e.to_string()))?;
        let resp = self.api_get(&m.host, &url).map_err(RegistryError::Failed)?;
        match resp.status {
            200 => {}
            404 => return Err(RegistryError::NotFound),
            s => {
                return Err(RegistryError::Failed(format!(
                    "error looking up module versions: {s} {}",
                    reason(s)
                )))
            }
        }
        let doc: serde_json::Value = serde_json::from_slice(&resp.body)
            .map_err(|e| RegistryError::Failed(format!("the versions response of {} is not JSON: {e}", shown(&url))))?;
        let Some(first) = doc["modules"].as_array().and_then(|m| m.first()) else {
            return Err(RegistryError::Failed(format!(
                "the registry at {} returned an invalid response (no modules) for {}",
                m.host,
                m.package()
            )));
        };
        Ok(first["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["version"].as_str().map(str::to_string))
            .collect())
    }

    /// Where to download one version from: a package address in go-getter syntax.
    pub fn location(&self, m: &RegistrySource, version: &str) -> Result<String, String> {
        let base = self.base(&m.host)?;
        let download = base
            .join(&format!("{}/{}/{}/{version}/download", m.namespace, m.name, m.system))
            .map_err(|e| e.to_string())?;
        let resp = self.api_get(&m.host, &download)?;
        let body = String::from_utf8_lossy(&resp.body);
        match resp.status {
            200 | 204 => {}
            404 => return Err(format!("module \"{}\" version \"{version}\" not found", m.package())),
            s => {
                return Err(format!(
                    "error getting download location for \"{}\": {s} {} resp:{body}",
                    m.package(),
                    reason(s)
                ))
            }
        }
        let location = resp.header("x-terraform-get").map(str::to_string).or_else(|| {
            serde_json::from_slice::<serde_json::Value>(&resp.body)
                .ok()
                .and_then(|v| v["location"].as_str().map(str::to_string))
        });
        let Some(location) = location.filter(|l| !l.is_empty()) else {
            return Err(format!(
                "failed to get download URL for \"{}\": {} resp:{body}",
                m.package(),
                resp.status
            ));
        };
        if location.starts_with('/') || location.starts_with("./") || location.starts_with("../") {
            return download
                .join(&location)
                .map(|u| u.to_string())
                .map_err(|e| format!("invalid relative URL for \"{}\": {e}", m.package()));
        }
        Ok(location)
    }
}

fn parse_discovery(resp: &Response) -> Result<HashMap<String, String>, String> {
    let ctype = resp.header("content-type").unwrap_or("");
    let media = ctype.split(';').next().unwrap_or("").trim();
    if media != "application/json" {
        return Err(format!(
            "discovery URL {} returned an unsupported Content-Type \"{ctype}\"",
            shown(&resp.url)
        ));
    }
    let doc: serde_json::Value = serde_json::from_slice(&resp.body)
        .map_err(|e| format!("failed to decode discovery document from {}: {e}", shown(&resp.url)))?;
    Ok(doc
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect())
}

fn reason(status: u16) -> &'static str {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// Answers every request by path from a fixed table; records request heads.
    fn serve(routes: Vec<(&'static str, String)>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut s) = conn else { break };
                let mut buf = [0u8; 8192];
                let n = s.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(head);
                let resp = routes
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, r)| r.clone())
                    .unwrap_or_else(|| {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
                    });
                let _ = s.write_all(resp.as_bytes());
            }
        });
        (base, seen)
    }

    fn json(body: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn module() -> RegistrySource {
        RegistrySource {
            host: "registry.test.example".into(),
            namespace: "acme".into(),
            name: "net".into(),
            system: "aws".into(),
            subdir: String::new(),
        }
    }

    #[test]
    fn lists_versions_and_resolves_relative_download_locations() {
        let (base, seen) = serve(vec![
            (
                "/v1/modules/acme/net/aws/versions",
                json(r#"{"modules":[{"versions":[{"version":"1.0.0"},{"version":"1.2.0"}]}]}"#),
            ),
            (
                "/v1/modules/acme/net/aws/1.2.0/download",
                "HTTP/1.1 204 No Content\r\nX-Terraform-Get: ../../archives/net-1.2.0.tar.gz\r\nConnection: close\r\n\r\n".into(),
            ),
            (
                "/v1/modules/acme/net/aws/1.0.0/download",
                json(r#"{"location":"git::https://example.com/net.git?ref=v1.0.0"}"#),
            ),
        ]);
        let config = CliConfig::parse(
            &format!(
                "host \"registry.test.example\" {{\n services = {{ \"modules.v1\" = \"{base}/v1/modules\" }}\n}}\ncredentials \"registry.test.example\" {{ token = \"tok\" }}\n"
            ),
            false,
        )
        .unwrap();
        let http = Http::new().unwrap();
        let reg = Registry::new(&http, &config);
        assert_eq!(reg.versions(&module()).unwrap(), vec!["1.0.0", "1.2.0"]);
        assert_eq!(
            reg.location(&module(), "1.2.0").unwrap(),
            format!("{base}/v1/modules/acme/net/archives/net-1.2.0.tar.gz")
        );
        assert_eq!(
            reg.location(&module(), "1.0.0").unwrap(),
            "git::https://example.com/net.git?ref=v1.0.0"
        );
        let mut unknown = module();
        unknown.name = "nope".into();
        assert_eq!(reg.versions(&unknown), Err(RegistryError::NotFound));
        let heads = seen.lock().unwrap();
        assert!(
            heads[0].to_lowercase().contains("authorization: bearer tok"),
            "{}",
            heads[0]
        );
    }

    #[test]
    fn a_host_without_the_service_is_refused() {
        let config = CliConfig::parse(
            "host \"r.example\" {\n services = { \"providers.v1\" = \"/p/\" }\n}\n",
            false,
        )
        .unwrap();
        let http = Http::new().unwrap();
        let err = Registry::new(&http, &config).base("r.example").unwrap_err();
        assert!(err.contains("does not provide a module registry"), "{err}");
    }
}
