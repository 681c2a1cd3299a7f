//! Registry, git and archive module sources: `infractl init` installs them and writes
//! Terraform's `modules.json`; validate and plan then load them with the network gone.
//!
//! Everything is on loopback: a small module registry (a Rust thread on 127.0.0.1) publishes
//! modules as tar.gz and zip archives, a CLI configuration written by each test maps the registry
//! host name to it (as Terraform's `host` blocks do), and git sources come from a bare repository
//! the test creates. No AWS call is made (the endpoint given is unreachable).

use super::support::{expect_code, text, Stack, Terraform};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// An endpoint nothing listens on: these tests must never call AWS.
const NO_AWS: &str = "http://127.0.0.1:9";
const HOST: &str = "registry.test.local";

#[derive(Default)]
struct Published {
    /// `ns/name/system` → (version, download location as the registry answers it).
    modules: BTreeMap<String, Vec<(String, String)>>,
    /// Path → body.
    files: BTreeMap<String, Vec<u8>>,
    /// Request lines and headers seen.
    requests: Vec<String>,
}

/// A module registry (and file server) on 127.0.0.1, stopped when dropped.
struct Registry {
    port: u16,
    published: Arc<Mutex<Published>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Registry {
    fn start() -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let published = Arc::new(Mutex::new(Published::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (published.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    let _ = answer(stream, &p);
                }
            }
        });
        Registry {
            port,
            published,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Publishes `version` of `package` (`ns/name/system`), downloadable from `location`.
    fn publish(&self, package: &str, version: &str, location: &str) {
        let mut p = self.published.lock().unwrap();
        p.modules
            .entry(package.into())
            .or_default()
            .push((version.into(), location.into()));
    }

    fn serve_file(&self, path: &str, body: Vec<u8>) {
        self.published.lock().unwrap().files.insert(path.into(), body);
    }

    fn requests(&self) -> Vec<String> {
        self.published.lock().unwrap().requests.clone()
    }

    /// Closes the port: later connections are refused.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer(stream: std::net::TcpStream, published: &Mutex<Published>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    let mut p = published.lock().unwrap();
    p.requests.push(head);
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (status, headers, body): (&str, Vec<(String, String)>, Vec<u8>) = match parts.as_slice() {
        ["v1", "modules", ns, name, sys, "versions"] => match p.modules.get(&format!("{ns}/{name}/{sys}")) {
            Some(vs) => {
                let list: Vec<String> = vs.iter().map(|(v, _)| format!("{{\"version\":\"{v}\"}}")).collect();
                let json = format!(
                    "{{\"modules\":[{{\"source\":\"{ns}/{name}/{sys}\",\"versions\":[{}]}}]}}",
                    list.join(",")
                );
                (
                    "200 OK",
                    vec![("Content-Type".into(), "application/json".into())],
                    json.into_bytes(),
                )
            }
            None => ("404 Not Found", vec![], b"{\"errors\":[\"Not Found\"]}".to_vec()),
        },
        ["v1", "modules", ns, name, sys, version, "download"] => {
            let found = p
                .modules
                .get(&format!("{ns}/{name}/{sys}"))
                .and_then(|vs| vs.iter().find(|(v, _)| v == version))
                .map(|(_, l)| l.clone());
            match found {
                Some(location) => ("204 No Content", vec![("X-Terraform-Get".into(), location)], vec![]),
                None => ("404 Not Found", vec![], vec![]),
            }
        }
        _ => match p.files.get(&path) {
            Some(body) => ("200 OK", vec![], body.clone()),
            None => ("404 Not Found", vec![], vec![]),
        },
    };
    drop(p);
    let mut out = stream;
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    out.write_all(response.as_bytes())?;
    out.write_all(&body)?;
    out.flush()
}

fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
        let mut b = tar::Builder::new(gz);
        for (name, text) in files {
            let mut h = tar::Header::new_ustar();
            h.set_size(text.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, text.as_bytes()).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap();
    }
    out
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut out));
        for (name, text) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    out
}

/// A module with the outputs every published version has.
fn simple_module(version: &str) -> String {
    format!(
        "variable \"name\" {{\n  type = string\n}}\noutput \"version\" {{\n  value = \"{version}\"\n}}\noutput \"label\" {{\n  value = \"none\"\n}}\noutput \"sub\" {{\n  value = 0\n}}\n"
    )
}

/// net 1.2.0 calls a registry module and a module of its own package.
const NET_1_2_0: &str = r#"variable "name" {
  type = string
}

module "labels" {
  source  = "registry.test.local/acme/labels/aws"
  version = "~> 0.1.0"
  prefix  = var.name
}

module "sub" {
  source = "./modules/sub"
}

output "version" {
  value = "1.2.0"
}
output "label" {
  value = module.labels.label
}
output "sub" {
  value = module.sub.answer
}
"#;

const ROOT: &str = r#"module "net" {
  source  = "registry.test.local/acme/net/aws"
  version = "~> 1.0"
  name    = "demo"
}

output "version" {
  value = module.net.version
}
output "label" {
  value = module.net.label
}
output "sub" {
  value = module.net.sub
}
"#;

/// Publishes acme/net/aws 1.0.0, 1.2.0, 1.3.0-beta1, 2.0.0 and acme/labels/aws 0.1.0, 0.1.1,
/// 0.2.0, with tar.gz archives and (2.0.0) a zip behind `?archive=zip`.
fn publish_all(reg: &Registry) {
    reg.serve_file(
        "/archives/net-1.0.0.tar.gz",
        tar_gz(&[("main.tf", &simple_module("1.0.0"))]),
    );
    reg.serve_file(
        "/archives/net-1.2.0.tar.gz",
        tar_gz(&[
            ("main.tf", NET_1_2_0),
            ("modules/sub/main.tf", "output \"answer\" {\n  value = 42\n}\n"),
        ]),
    );
    reg.serve_file("/archives/net-2.0.0", zip_of(&[("main.tf", &simple_module("2.0.0"))]));
    for v in ["0.1.0", "0.1.1", "0.2.0"] {
        reg.serve_file(
            &format!("/archives/labels-{v}.tgz"),
            tar_gz(&[(
                "main.tf",
                &format!("variable \"prefix\" {{\n  type = string\n}}\noutput \"label\" {{\n  value = \"${{var.prefix}}-{v}\"\n}}\n"),
            )]),
        );
        reg.publish("acme/labels/aws", v, &format!("/archives/labels-{v}.tgz"));
    }
    reg.publish("acme/net/aws", "1.0.0", "/archives/net-1.0.0.tar.gz");
    reg.publish("acme/net/aws", "1.2.0", "/archives/net-1.2.0.tar.gz");
    reg.publish("acme/net/aws", "1.3.0-beta1", "/archives/missing.tar.gz");
    reg.publish("acme/net/aws", "2.0.0", &reg.url("/archives/net-2.0.0?archive=zip"));
}

/// A CLI configuration mapping the registry host to `reg` (with a token), written beside the
/// stack. The provider mirror line is what a Terraform run needs; infractl ignores it.
/// The CLI configuration blocks that point the registry host at the test server.
fn registry_host(port: u16) -> String {
    format!(
        r#"host "{HOST}" {{
  services = {{
    "modules.v1" = "http://127.0.0.1:{port}/v1/modules/"
  }}
}}
credentials "{HOST}" {{
  token = "test-token"
}}
"#
    )
}

fn cli_config(dir: &Path, port: u16) -> PathBuf {
    let path = dir.join("test.tfrc");
    std::fs::write(&path, registry_host(port)).unwrap();
    path
}

fn run(stack: &Stack, args: &[&str], config: &Path) -> std::process::Output {
    stack.run_with_env(args, NO_AWS, &[("TF_CLI_CONFIG_FILE", config.to_str().unwrap())])
}

fn modules_json(stack: &Stack) -> String {
    std::fs::read_to_string(stack.path.join(".terraform/modules/modules.json")).unwrap()
}

const EXPECTED_1_2_0: &str = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"net","Source":"registry.test.local/acme/net/aws","Version":"1.2.0","Dir":".terraform/modules/net"},{"Key":"net.labels","Source":"registry.test.local/acme/labels/aws","Version":"0.1.1","Dir":".terraform/modules/net.labels"},{"Key":"net.sub","Source":"./modules/sub","Dir":".terraform/modules/net/modules/sub"}]}"#;

#[test]
fn registry_modules_install_by_constraint_and_load_with_the_registry_gone() {
    let mut reg = Registry::start();
    publish_all(&reg);
    let stack = Stack::from_files(&[("main.tf", ROOT)]);
    let config = cli_config(stack.path.parent().unwrap(), reg.port);

    let out = expect_code(&run(&stack, &["init"], &config), 0);
    assert!(
        out.contains("Downloading registry.test.local/acme/net/aws 1.2.0 for net..."),
        "{out}"
    );
    // ~> 1.0 picks the newest 1.x release (1.2.0, not the 1.3.0-beta1 pre-release, not 2.0.0);
    // the nested call (~> 0.1.0) gets 0.1.1; the package's own local module is recorded inside it.
    assert_eq!(modules_json(&stack), EXPECTED_1_2_0);
    assert!(stack.path.join(".terraform/modules/net/modules/sub/main.tf").is_file());
    let seen = reg.requests();
    assert!(
        seen.iter()
            .any(|r| r.starts_with("GET /v1/modules/acme/net/aws/versions")
                && r.to_lowercase().contains("authorization: bearer test-token")),
        "the credentials block's token goes to the registry: {seen:?}"
    );

    // No network from here on: the registry is gone, validate and plan still load every module.
    reg.stop();
    expect_code(&run(&stack, &["validate"], &config), 0);
    let plan = expect_code(&run(&stack, &["plan"], &config), 0);
    for want in ["version = \"1.2.0\"", "label = \"demo-0.1.1\"", "sub = 42"] {
        assert!(plan.contains(want), "plan lacks {want}:\n{plan}");
    }

    // A constraint the installed version no longer meets: loading says to run init...
    stack.edit("main.tf", "~> 1.0", "~> 2.0");
    let err = expect_code(&run(&stack, &["validate"], &config), 1);
    assert!(
        err.contains("Module version requirements have changed: run infractl init"),
        "{err}"
    );
    assert!(err.contains("main.tf:1"), "{err}");
    // ...and init, with the registry down, names the call, the host and the cause.
    let err = expect_code(&run(&stack, &["init"], &config), 1);
    assert!(err.contains("Error accessing remote module registry"), "{err}");
    assert!(
        err.contains("module \"net\"")
            && err.contains("main.tf:1")
            && err.contains("source \"registry.test.local/acme/net/aws\"")
            && err.contains(HOST),
        "{err}"
    );
    assert!(err.to_lowercase().contains("refused"), "{err}");

    // A registry again (on another port): 2.0.0 comes as a zip behind ?archive=zip.
    let reg2 = Registry::start();
    publish_all(&reg2);
    let config2 = cli_config(stack.path.parent().unwrap(), reg2.port);
    expect_code(&run(&stack, &["init"], &config2), 0);
    assert_eq!(
        modules_json(&stack),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"net","Source":"registry.test.local/acme/net/aws","Version":"2.0.0","Dir":".terraform/modules/net"}]}"#
    );
    // A newer release is only picked up by init -upgrade.
    reg2.serve_file(
        "/archives/net-2.1.0.tar.gz",
        tar_gz(&[("main.tf", &simple_module("2.1.0"))]),
    );
    reg2.publish("acme/net/aws", "2.1.0", "/archives/net-2.1.0.tar.gz");
    expect_code(&run(&stack, &["init"], &config2), 0);
    assert!(modules_json(&stack).contains("\"Version\":\"2.0.0\""));
    expect_code(&run(&stack, &["init", "-upgrade"], &config2), 0);
    assert!(
        modules_json(&stack).contains("\"Version\":\"2.1.0\""),
        "{}",
        modules_json(&stack)
    );
    let plan = expect_code(&run(&stack, &["plan"], &config2), 0);
    assert!(plan.contains("version = \"2.1.0\""), "{plan}");
}

#[test]
fn registry_errors_name_the_module_call_and_exit_1() {
    let reg = Registry::start();
    publish_all(&reg);
    let cases = [
        (
            "registry.test.local/acme/net/aws",
            "~> 7.0",
            "Unresolvable module version constraint",
            "The newest available version is 2.0.0",
        ),
        (
            "registry.test.local/acme/nope/aws",
            "1.0.0",
            "Module not found",
            "cannot be found in the module registry",
        ),
    ];
    for (source, version, summary, detail) in cases {
        let stack = Stack::from_files(&[(
            "main.tf",
            &format!(
                "\n\nmodule \"x\" {{\n  source  = \"{source}\"\n  version = \"{version}\"\n  name    = \"n\"\n}}\n"
            ),
        )]);
        let config = cli_config(stack.path.parent().unwrap(), reg.port);
        let err = expect_code(&run(&stack, &["init"], &config), 1);
        assert!(
            err.contains(summary) && err.contains(detail),
            "{source} {version}:\n{err}"
        );
        assert!(err.contains("main.tf:3") && err.contains(source), "{err}");
    }
}

#[test]
fn http_archive_sources_with_subdirs() {
    let reg = Registry::start();
    reg.serve_file(
        "/files/bundle.zip",
        zip_of(&[
            ("modules/x/main.tf", "output \"from\" {\n  value = \"zip\"\n}\n"),
            ("README.md", "bundle\n"),
        ]),
    );
    reg.serve_file(
        "/files/plain.tar.gz",
        tar_gz(&[("main.tf", "output \"from\" {\n  value = \"tgz\"\n}\n")]),
    );
    let root = format!(
        "module \"z\" {{\n  source = \"{}\"\n}}\nmodule \"t\" {{\n  source = \"{}\"\n}}\noutput \"z\" {{\n  value = module.z.from\n}}\noutput \"t\" {{\n  value = module.t.from\n}}\n",
        reg.url("/files/bundle.zip//modules/x"),
        reg.url("/files/plain.tar.gz")
    );
    let stack = Stack::from_files(&[("main.tf", &root)]);
    let config = cli_config(stack.path.parent().unwrap(), reg.port);
    expect_code(&run(&stack, &["init"], &config), 0);
    assert_eq!(
        modules_json(&stack),
        format!(
            r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"t","Source":"{}","Dir":".terraform/modules/t"}},{{"Key":"z","Source":"{}","Dir":".terraform/modules/z/modules/x"}}]}}"#,
            reg.url("/files/plain.tar.gz"),
            reg.url("/files/bundle.zip//modules/x")
        )
    );
    drop(reg);
    let plan = expect_code(&run(&stack, &["plan"], &config), 0);
    assert!(plan.contains("t = \"tgz\"") && plan.contains("z = \"zip\""), "{plan}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=infractl-test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A bare repository whose `modules/x` outputs `which` = the tag (`v1`, then `v2`).
fn make_repo(scratch: &Path) -> PathBuf {
    let work = scratch.join("work");
    std::fs::create_dir_all(work.join("modules/x")).unwrap();
    git(&work, &["init", "-q"]);
    for tag in ["v1", "v2"] {
        std::fs::write(
            work.join("modules/x/main.tf"),
            format!("output \"which\" {{\n  value = \"{tag}\"\n}}\n"),
        )
        .unwrap();
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-qm", tag]);
        git(&work, &["tag", tag]);
    }
    git(scratch, &["clone", "-q", "--bare", "work", "repo.git"]);
    scratch.join("repo.git")
}

#[test]
fn git_sources_with_ref_depth_and_subdir() {
    if !have_git() {
        println!("skipped: git is not on PATH");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let repo = make_repo(scratch.path());
    let old = format!("git::file://{}//modules/x?ref=v1", repo.display());
    let new = format!("git::file://{}//modules/x?ref=v2&depth=1", repo.display());
    let root = format!(
        "module \"old\" {{\n  source = \"{old}\"\n}}\nmodule \"new\" {{\n  source = \"{new}\"\n}}\noutput \"old\" {{\n  value = module.old.which\n}}\noutput \"new\" {{\n  value = module.new.which\n}}\n"
    );
    let stack = Stack::from_files(&[("main.tf", &root)]);
    let config = cli_config(stack.path.parent().unwrap(), 9);
    expect_code(&run(&stack, &["init"], &config), 0);
    assert_eq!(
        modules_json(&stack),
        format!(
            r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"new","Source":"{}","Dir":".terraform/modules/new/modules/x"}},{{"Key":"old","Source":"{old}","Dir":".terraform/modules/old/modules/x"}}]}}"#,
            new.replace('&', "\\u0026")
        )
    );
    // The repository may go away: plan reads the checked-out copies.
    std::fs::remove_dir_all(&repo).unwrap();
    let plan = expect_code(&run(&stack, &["plan"], &config), 0);
    assert!(plan.contains("old = \"v1\"") && plan.contains("new = \"v2\""), "{plan}");

    // A ref that does not exist: git's own message, the call and the source.
    git(scratch.path(), &["clone", "-q", "--bare", "work", "repo2.git"]);
    let bad = format!("git::file://{}?ref=nope", scratch.path().join("repo2.git").display());
    let stack = Stack::from_files(&[("main.tf", &format!("module \"g\" {{\n  source = \"{bad}\"\n}}\n"))]);
    let err = expect_code(&run(&stack, &["init"], &config), 1);
    assert!(
        err.contains("Failed to download module") && err.contains("main.tf:1"),
        "{err}"
    );
    assert!(
        err.contains(&bad) && err.contains("nope") && err.contains("git checkout"),
        "{err}"
    );
}

/// A folder Terraform initialised (modules.json and .terraform/modules written by it) loads
/// with no init and no registry; without them, loading says to run init.
#[test]
fn terraform_initialised_folders_load_without_init() {
    let root = "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"~> 5.0\"\n  name    = \"main\"\n}\noutput \"vpc_name\" {\n  value = module.vpc.name\n}\n";
    let stack = Stack::from_files(&[("main.tf", root)]);
    let no_config = stack.path.join("no-such.tfrc");
    let err = expect_code(&run(&stack, &["validate"], &no_config), 1);
    assert!(err.contains("Module not installed: run infractl init"), "{err}");
    assert!(err.contains("main.tf:1"), "{err}");

    let mods = stack.path.join(".terraform/modules");
    std::fs::create_dir_all(mods.join("vpc/modules/flow-log")).unwrap();
    std::fs::write(
        mods.join("vpc/main.tf"),
        "variable \"name\" {\n  type = string\n}\nmodule \"flow_log\" {\n  source = \"./modules/flow-log\"\n}\noutput \"name\" {\n  value = \"${var.name}-${module.flow_log.suffix}\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        mods.join("vpc/modules/flow-log/main.tf"),
        "output \"suffix\" {\n  value = \"fl\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        mods.join("modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.21.0","Dir":".terraform/modules/vpc"},{"Key":"vpc.flow_log","Source":"./modules/flow-log","Dir":".terraform/modules/vpc/modules/flow-log"}]}"#,
    )
    .unwrap();
    expect_code(&run(&stack, &["validate"], &no_config), 0);
    let plan = expect_code(&run(&stack, &["plan"], &no_config), 0);
    assert!(plan.contains("vpc_name = \"main-fl\""), "{plan}");
    // init finds it all installed: nothing to download, modules.json kept as Terraform wrote it.
    let out = expect_code(&run(&stack, &["init"], &no_config), 0);
    assert!(!out.contains("Downloading"), "{out}");
    assert!(std::fs::read_to_string(mods.join("modules.json"))
        .unwrap()
        .contains("\"Version\":\"5.21.0\""));

    // A changed source is stale too.
    stack.edit(
        "main.tf",
        "terraform-aws-modules/vpc/aws",
        "terraform-aws-modules/vpc/azurerm",
    );
    let err = expect_code(&run(&stack, &["plan"], &no_config), 1);
    assert!(err.contains("Module source has changed: run infractl init"), "{err}");
}

/// Terraform, pointed at the same registry by the same CLI configuration, writes the same
/// modules.json as infractl, for registry (with nested calls), http archive, git and local path
/// sources.
#[test]
fn terraform_init_writes_the_same_modules_json() {
    if !have_git() {
        println!("skipped: git is not on PATH");
        return;
    }
    let reg = Registry::start();
    publish_all(&reg);
    reg.serve_file(
        "/files/bundle.zip",
        zip_of(&[("modules/x/main.tf", "output \"from\" {\n  value = \"zip\"\n}\n")]),
    );
    let scratch = tempfile::tempdir().unwrap();
    let repo = make_repo(scratch.path());
    let pkg = scratch.path().join("pkg");
    std::fs::create_dir_all(pkg.join("net")).unwrap();
    std::fs::create_dir_all(pkg.join("shared")).unwrap();
    std::fs::write(
        pkg.join("net/main.tf"),
        "module \"inner\" {\n  source = \"../shared\"\n}\n",
    )
    .unwrap();
    std::fs::write(pkg.join("shared/main.tf"), "output \"x\" {\n  value = 1\n}\n").unwrap();
    let root = format!(
        "{ROOT}\nmodule \"zip\" {{\n  source = \"{}\"\n}}\nmodule \"git\" {{\n  source = \"git::file://{}//modules/x?ref=v2&depth=1\"\n}}\nmodule \"path\" {{\n  source = \"{}//net\"\n}}\n",
        reg.url("/files/bundle.zip//modules/x"),
        repo.display(),
        pkg.display()
    );
    let stack = Stack::from_files(&[("main.tf", &root)]);
    let config = cli_config(stack.path.parent().unwrap(), reg.port);
    let tf_dir = stack.path.parent().unwrap().join("tf");
    std::fs::create_dir_all(&tf_dir).unwrap();
    std::fs::write(tf_dir.join("main.tf"), &root).unwrap();
    let Some(tf) = Terraform::find_with("the modules.json comparison", &[], &registry_host(reg.port)) else {
        return;
    };
    let out = tf.run_in(&tf_dir, &["init", "-backend=false", "-input=false", "-no-color"]);
    let shown = text(&out);
    if !out.status.success() && shown.contains("https") {
        println!("skipped: terraform refused the plain-http registry on loopback:\n{shown}");
        return;
    }
    assert!(out.status.success(), "terraform init:\n{shown}");
    let terraform_wrote = std::fs::read_to_string(tf_dir.join(".terraform/modules/modules.json")).unwrap();
    expect_code(&run(&stack, &["init"], &config), 0);
    assert_eq!(modules_json(&stack), terraform_wrote);
    assert!(terraform_wrote.contains("\"Version\":\"1.2.0\""), "{terraform_wrote}");
    assert!(
        terraform_wrote.contains(&format!("\"Dir\":\"{}/shared\"", pkg.display())),
        "{terraform_wrote}"
    );
}
