//! Shared test helpers: a private copy of a blueprint per test, running the binary, SDK clients.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The emulator endpoint the tests use.
pub fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// A blueprint copied into a temporary folder with a unique name (the stack name), with its
/// own state folder, so tests can run concurrently.
pub struct Stack {
    _dir: tempfile::TempDir,
    /// The blueprint folder.
    pub path: PathBuf,
    /// The stack name (the folder's name).
    pub name: String,
    state_dir: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

impl Stack {
    /// Copies `plans/<plan>` under a unique name.
    pub fn from_plan(plan: &str, prefix: &str) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let path = dir.path().join(&name);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans").join(plan), &path);
        let state_dir = dir.path().join("state");
        Stack {
            _dir: dir,
            path,
            name,
            state_dir,
        }
    }

    /// A stack made of the given files.
    pub fn from_files(files: &[(&str, &str)]) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("bad-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let path = dir.path().join(&name);
        std::fs::create_dir_all(&path).unwrap();
        for (f, text) in files {
            std::fs::write(path.join(f), text).unwrap();
        }
        let state_dir = dir.path().join("state");
        Stack {
            _dir: dir,
            path,
            name,
            state_dir,
        }
    }

    /// Runs infractl in this stack's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_endpoint(args, &endpoint())
    }

    /// Runs infractl with a given endpoint (an unreachable one proves no AWS call is made).
    pub fn run_with_endpoint(&self, args: &[&str], endpoint: &str) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_infractl"))
            .arg("-chdir")
            .arg(&self.path)
            .args(args)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("INFRACTL_STATE_DIR", &self.state_dir)
            .env_remove("AWS_PROFILE")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("infractl runs");
        out
    }

    /// The state file's path.
    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join(format!("{}.tfstate.json", self.name))
    }

    /// Replaces text in one of the blueprint's files.
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.path.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }
}

/// Output as text, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Asserts an exit code, printing the output when it differs.
pub fn expect_code(o: &Output, code: i32) -> String {
    let t = text(o);
    assert_eq!(o.status.code(), Some(code), "unexpected exit code; output:\n{t}");
    t
}

/// SDK configuration for the emulator.
pub async fn sdk_config(region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint())
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}
