//! The tls provider end to end: a CA, a server key and request, the server certificate it
//! signs, an ED25519 deploy key, and the public-key and certificate data sources; the server
//! certificate and key are imported into ACM on the emulator. What they make is checked by
//! OpenSSL and OpenSSH themselves (skipped with a message where they are absent), by ACM, and
//! against the state: private keys never appear in it in the clear, a second plan is clean,
//! `early_renewal_hours` changes in place and a certificate due for renewal is replaced.
//! `tls_certificate` also reads the chain of a TLS server on a loopback port.
//!
//! Terraform cannot cross-check this provider here: only the AWS provider is in the offline
//! provider mirror.

use crate::support::{expect_code, sdk_config, text, Stack};
use std::path::Path;
use std::process::Command;

const REGION: &str = "us-east-1";

const PKI: &str = r#"
terraform {
  required_providers {
    tls = { source = "hashicorp/tls", version = "~> 4.0" }
  }
}
provider "aws" { region = "us-east-1" }
variable "name" { type = string }

resource "tls_private_key" "ca" {
  algorithm = "RSA"
  rsa_bits  = 4096
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  validity_period_hours = 48
  early_renewal_hours   = 1
  is_ca_certificate     = true
  allowed_uses          = ["cert_signing", "crl_signing", "digital_signature"]
  subject {
    common_name  = "Example Root"
    organization = "infractl tests"
    country      = "IE"
  }
}

resource "tls_private_key" "server" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P384"
}

resource "tls_cert_request" "server" {
  private_key_pem = tls_private_key.server.private_key_pem
  dns_names       = ["api.example.test"]
  ip_addresses    = ["127.0.0.1"]
  subject {
    common_name  = "api.example.test"
    organization = "infractl tests"
  }
}

resource "tls_locally_signed_cert" "server" {
  cert_request_pem      = tls_cert_request.server.cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = 12
  set_subject_key_id    = true
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]
}

resource "tls_private_key" "deploy" {
  algorithm = "ED25519"
}

data "tls_public_key" "deploy" {
  private_key_openssh = tls_private_key.deploy.private_key_openssh
}

data "tls_certificate" "ca" {
  content = tls_self_signed_cert.ca.cert_pem
}

resource "aws_acm_certificate" "server" {
  private_key       = tls_private_key.server.private_key_pem
  certificate_body  = tls_locally_signed_cert.server.cert_pem
  certificate_chain = tls_self_signed_cert.ca.cert_pem
  tags              = { Name = var.name }
}

resource "local_sensitive_file" "out" {
  for_each = {
    "ca.pem"         = tls_self_signed_cert.ca.cert_pem
    "server.pem"     = tls_locally_signed_cert.server.cert_pem
    "server.key"     = tls_private_key.server.private_key_pem
    "server.csr"     = tls_cert_request.server.cert_request_pem
    "deploy"         = tls_private_key.deploy.private_key_openssh
    "ca_pkcs8.key"   = tls_private_key.ca.private_key_pem_pkcs8
  }
  filename        = "${path.module}/out/${each.key}"
  content         = each.value
  file_permission = "0600"
}

output "acm_arn" { value = aws_acm_certificate.server.arn }
output "deploy_public" { value = data.tls_public_key.deploy.public_key_openssh }
output "deploy_key" {
  value = {
    openssh = tls_private_key.deploy.public_key_openssh
    md5     = tls_private_key.deploy.public_key_fingerprint_md5
    sha256  = tls_private_key.deploy.public_key_fingerprint_sha256
    id      = tls_private_key.deploy.id
  }
}
output "server_public_pem" { value = tls_private_key.server.public_key_pem }
output "ca_data" { value = data.tls_certificate.ca.certificates[0] }
output "ca_id" { value = tls_self_signed_cert.ca.id }
output "key_algorithms" {
  value = [tls_self_signed_cert.ca.key_algorithm, tls_cert_request.server.key_algorithm, tls_locally_signed_cert.server.ca_key_algorithm]
}
"#;

/// Runs a tool, or says why a check is skipped when it is not installed.
fn tool(name: &str, args: &[&str], dir: &Path) -> Option<String> {
    match Command::new(name).args(args).current_dir(dir).output() {
        Ok(o) => {
            assert!(o.status.success(), "{name} {args:?}:\n{}", text(&o));
            Some(String::from_utf8_lossy(&o.stdout).to_string())
        }
        Err(e) => {
            eprintln!("skipping the {name} check: {e}");
            None
        }
    }
}

fn output_json(stack: &Stack) -> serde_json::Value {
    serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_requests_and_certificates_verify_with_openssl_and_openssh_and_import_into_acm() {
    let stack = Stack::from_files(&[("main.tf", PKI)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let second = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(second.contains("No changes"), "{second}");

    let out = stack.path.join("out");
    let outputs = output_json(&stack);
    let value = |k: &str| outputs[k]["value"].clone();

    // Private keys stay out of the state file, in every resource that was given one.
    let state_text = std::fs::read_to_string(stack.state_file()).unwrap();
    let server_key = std::fs::read_to_string(out.join("server.key")).unwrap();
    assert!(
        server_key.starts_with("-----BEGIN EC PRIVATE KEY-----\n"),
        "{server_key}"
    );
    for label in [
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "BEGIN PRIVATE KEY",
    ] {
        assert!(!state_text.contains(label), "state holds a {label} in the clear");
    }
    assert!(
        state_text.contains("infractl-sealed:v1:"),
        "the keys are sealed in state"
    );
    assert_eq!(value("key_algorithms"), serde_json::json!(["RSA", "ECDSA", "RSA"]));

    // OpenSSL: the chain verifies, the extensions are what the arguments asked for, and the
    // public key it derives from each private key is the one infractl gave.
    if let Some(verify) = tool("openssl", &["verify", "-CAfile", "ca.pem", "server.pem"], &out) {
        assert_eq!(verify.trim(), "server.pem: OK");
        let server = tool("openssl", &["x509", "-in", "server.pem", "-noout", "-text"], &out).unwrap();
        for want in [
            "DNS:api.example.test, IP Address:127.0.0.1",
            "TLS Web Server Authentication",
            "Digital Signature, Key Encipherment",
            "CA:FALSE",
            "Subject Key Identifier",
            "Authority Key Identifier",
            "Issuer: C = IE, O = infractl tests, CN = Example Root",
            "Subject: O = infractl tests, CN = api.example.test",
            "sha256WithRSAEncryption",
        ] {
            assert!(server.contains(want), "server certificate lacks {want:?}:\n{server}");
        }
        let ca = tool("openssl", &["x509", "-in", "ca.pem", "-noout", "-text"], &out).unwrap();
        for want in [
            "CA:TRUE",
            "Certificate Sign, CRL Sign",
            "sha256WithRSAEncryption",
            "Public-Key: (4096 bit)",
        ] {
            assert!(ca.contains(want), "CA certificate lacks {want:?}:\n{ca}");
        }
        let csr = tool(
            "openssl",
            &["req", "-in", "server.csr", "-noout", "-verify", "-text"],
            &out,
        )
        .unwrap();
        assert!(
            csr.contains("ecdsa-with-SHA384") && csr.contains("DNS:api.example.test"),
            "{csr}"
        );
        let public = tool("openssl", &["pkey", "-in", "server.key", "-pubout"], &out).unwrap();
        assert_eq!(public, value("server_public_pem").as_str().unwrap());
        tool("openssl", &["rsa", "-in", "ca_pkcs8.key", "-check", "-noout"], &out).unwrap();
        let fingerprint = tool(
            "openssl",
            &["x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha1"],
            &out,
        )
        .unwrap();
        let fingerprint = fingerprint
            .trim()
            .rsplit('=')
            .next()
            .unwrap()
            .replace(':', "")
            .to_lowercase();
        assert_eq!(value("ca_data")["sha1_fingerprint"], fingerprint.as_str());
        let serial = tool("openssl", &["x509", "-in", "ca.pem", "-noout", "-serial"], &out).unwrap();
        let serial = u128::from_str_radix(serial.trim().trim_start_matches("serial="), 16).unwrap();
        assert_eq!(value("ca_id"), serial.to_string().as_str());
        assert_eq!(value("ca_data")["serial_number"], serial.to_string().as_str());
    }
    let ca = value("ca_data");
    assert_eq!(ca["subject"], "CN=Example Root,O=infractl tests,C=IE");
    assert_eq!(ca["issuer"], ca["subject"]);
    assert_eq!(ca["is_ca"], true);
    assert_eq!(ca["signature_algorithm"], "SHA256-RSA");
    assert_eq!(ca["public_key_algorithm"], "RSA");
    assert_eq!(ca["version"], 3);

    // OpenSSH: the public key and fingerprints it derives from the OpenSSH private key.
    let deploy = value("deploy_key");
    assert_eq!(value("deploy_public"), deploy["openssh"]);
    if let Some(public) = tool("ssh-keygen", &["-y", "-f", "deploy"], &out) {
        assert_eq!(public.trim(), deploy["openssh"].as_str().unwrap().trim());
        std::fs::write(out.join("deploy.pub"), deploy["openssh"].as_str().unwrap()).unwrap();
        let sha = tool("ssh-keygen", &["-l", "-E", "sha256", "-f", "deploy.pub"], &out).unwrap();
        assert!(sha.contains(deploy["sha256"].as_str().unwrap()), "{sha} / {deploy}");
        let md5 = tool("ssh-keygen", &["-l", "-E", "md5", "-f", "deploy.pub"], &out).unwrap();
        assert!(
            md5.contains(&format!("MD5:{}", deploy["md5"].as_str().unwrap())),
            "{md5} / {deploy}"
        );
    }

    // ACM holds the certificate and chain infractl made.
    let acm = aws_sdk_acm::Client::new(&sdk_config(REGION).await);
    let arn = value("acm_arn").as_str().unwrap().to_string();
    let held = acm.get_certificate().certificate_arn(&arn).send().await.unwrap();
    let server_pem = std::fs::read_to_string(out.join("server.pem")).unwrap();
    let ca_pem = std::fs::read_to_string(out.join("ca.pem")).unwrap();
    assert_eq!(held.certificate().unwrap().trim(), server_pem.trim());
    // ACM answers the chain it was given, followed by its own root (moto does as AWS does).
    let chain = held.certificate_chain().unwrap();
    assert!(chain.starts_with(ca_pem.trim()), "{chain}");

    // early_renewal_hours changes in place; once it reaches into the validity, the
    // certificate is due and the next plan replaces it (and what was signed with it).
    stack.edit("main.tf", "early_renewal_hours   = 1", "early_renewal_hours   = 2");
    let plan = expect_code(&run(&["plan"]), 0);
    assert!(
        plan.contains("tls_self_signed_cert.ca will be updated in-place"),
        "{plan}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    stack.edit("main.tf", "early_renewal_hours   = 2", "early_renewal_hours   = 48");
    let plan = expect_code(&run(&["plan"]), 0);
    assert!(plan.contains("tls_self_signed_cert.ca must be replaced"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let renewed = std::fs::read_to_string(out.join("ca.pem")).unwrap();
    assert_ne!(renewed, ca_pem, "the CA certificate was renewed");

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let gone = acm.describe_certificate().certificate_arn(&arn).send().await;
    assert!(gone.is_err(), "the ACM certificate is deleted: {gone:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_certificate_reads_a_servers_chain_nearest_the_root_first() {
    use std::sync::Arc;
    // A CA and a server certificate for 127.0.0.1, served on a loopback port.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Loopback Root");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let mut leaf_params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "loopback");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    let chain = vec![leaf.der().clone(), ca.der().clone()];
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });

    let blueprint = format!(
        r#"
data "tls_certificate" "tls" {{
  url          = "tls://127.0.0.1:{port}"
  verify_chain = false
}}
data "tls_certificate" "https" {{
  url          = "https://127.0.0.1:{port}"
  verify_chain = false
}}
output "subjects" {{ value = data.tls_certificate.tls.certificates[*].subject }}
output "same" {{ value = data.tls_certificate.tls.certificates == data.tls_certificate.https.certificates }}
output "fingerprints" {{ value = data.tls_certificate.tls.certificates[*].sha1_fingerprint }}
"#
    );
    let stack = Stack::from_files(&[("main.tf", &blueprint)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let outputs = output_json(&stack);
    assert_eq!(
        outputs["subjects"]["value"],
        serde_json::json!(["CN=Loopback Root", "CN=loopback"])
    );
    assert_eq!(outputs["same"]["value"], true);
    use sha1::Digest;
    let expected: Vec<String> = [ca.der().to_vec(), leaf.der().to_vec()]
        .iter()
        .map(|d| hex::encode(sha1::Sha1::digest(d)))
        .collect();
    assert_eq!(outputs["fingerprints"]["value"], serde_json::json!(expected));

    // With the chain verified against the system's roots, the unknown CA is refused by name.
    stack.edit(
        "main.tf",
        "verify_chain = false\n}\ndata",
        "verify_chain = true\n}\ndata",
    );
    let refused = expect_code(&stack.run(&["plan"]), 1);
    assert!(
        refused.contains(&format!("127.0.0.1:{port}")) && refused.contains("data.tls_certificate.tls"),
        "{refused}"
    );
    server.abort();
}
