//! Running provisioners: `local-exec` runs its command here, with its output streamed line by
//! line under the address prefix Terraform prints (`aws_x.y (local-exec): ...`); `remote-exec`
//! and `file` need a host to connect to, which infractl never manages, so they are refused when
//! they would run.
//!
//! The command runs as an async child process, so a long provisioner holds only its own step:
//! the engine keeps starting every other ready step meanwhile.

use crate::blueprint::marks::{Mark, Marks};
use crate::blueprint::provisioners::Provisioner;
use crate::diag::Diag;
use crate::value::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// How much of a failed command's output its error message quotes (the end of it), as
/// Terraform keeps the last 8 KiB.
const KEPT_OUTPUT: usize = 8 * 1024;

/// The message for a provisioner that cannot run because it needs a host.
pub fn needs_a_host(kind: &str) -> String {
    format!(
        "The \"{kind}\" provisioner connects to a host over SSH or WinRM, and infractl manages no hosts to connect to: it provisions AWS through its APIs only. Use local-exec, or a resource that configures the object (user data, SSM documents) instead."
    )
}

/// Runs one provisioner of `address` with its evaluated configuration (`marks` are the
/// configuration's: sensitive or ephemeral values suppress the output, as in Terraform).
/// Returns the error Terraform would give when it fails.
pub async fn run(p: &Provisioner, address: &str, config: &Value, marks: &Marks) -> Result<(), Diag> {
    eprintln!("{address}: Provisioning with '{}'...", p.kind);
    if p.kind != "local-exec" {
        return Err(Diag::new(format!("{} provisioner error", p.kind))
            .detail(needs_a_host(&p.kind))
            .at(&p.loc));
    }
    local_exec(p, address, config, marks).await
}

async fn local_exec(p: &Provisioner, address: &str, config: &Value, marks: &Marks) -> Result<(), Diag> {
    let fail = |detail: String| {
        Diag::new("local-exec provisioner error")
            .detail(detail)
            .at(&p.loc)
            .address(address)
    };
    let command = config.get("command").as_str().unwrap_or_default().to_string();
    if command.is_empty() {
        return Err(Diag::new("Invalid local-exec provisioner command")
            .detail("The command must be a non-empty string.")
            .at(&p.loc)
            .address(address));
    }
    let mut argv: Vec<String> = config
        .get("interpreter")
        .as_list()
        .map(|l| l.iter().filter_map(Value::to_plain_string).collect())
        .unwrap_or_default();
    if argv.is_empty() {
        argv = vec!["/bin/sh".into(), "-c".into()];
    }
    argv.push(command.clone());
    let all = marks.all();
    let suppressed = match (all.has(Mark::SENSITIVE), all.has(Mark::EPHEMERAL)) {
        (true, true) => Some("(output suppressed due to sensitive, ephemeral value in config)"),
        (true, false) => Some("(output suppressed due to sensitive value in config)"),
        (false, true) => Some("(output suppressed due to ephemeral value in config)"),
        (false, false) => None,
    };
    let say = |line: &str| eprintln!("{address} (local-exec): {}", suppressed.unwrap_or(line));
    if config.get("quiet").as_bool() == Some(true) {
        say("local-exec: Executing: Suppressed by quiet=true");
    } else {
        let quoted: Vec<String> = argv.iter().map(|a| go_quote(a)).collect();
        say(&format!("Executing: [{}]", quoted.join(" ")));
    }
    // One pipe for both streams, so their lines keep the order the command wrote them in.
    let (reader, writer) = std::io::pipe().map_err(|e| fail(format!("Failed to initialize pipe for output: {e}")))?;
    let writer_err = writer
        .try_clone()
        .map_err(|e| fail(format!("Failed to initialize pipe for output: {e}")))?;
    let mut cmd = tokio::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(writer_err)
        .kill_on_drop(false);
    if let Value::Object(env) = config.get("environment") {
        for (k, v) in env {
            if let Some(v) = v.to_plain_string() {
                cmd.env(k, v);
            }
        }
    }
    if let Some(dir) = config.get("working_dir").as_str().filter(|d| !d.is_empty()) {
        cmd.current_dir(dir);
    }
    let spawned = cmd.spawn();
    // The parent's copies of the pipe's write end go with `cmd`: the reader then ends when
    // the command (and whatever it started that kept the pipe) is done.
    drop(cmd);
    let mut child = spawned.map_err(|e| fail(format!("Error running command '{command}': {e}. Output: ")))?;
    let reader = tokio::fs::File::from_std(std::fs::File::from(std::os::fd::OwnedFd::from(reader)));
    let mut lines = BufReader::new(reader).lines();
    let mut kept = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        say(&line);
        kept.push_str(&line);
        kept.push('\n');
        if kept.len() > 2 * KEPT_OUTPUT {
            let cut = kept.len() - KEPT_OUTPUT;
            let cut = (cut..kept.len()).find(|i| kept.is_char_boundary(*i)).unwrap_or(cut);
            kept.drain(..cut);
        }
    }
    let status = child
        .wait()
        .await
        .map_err(|e| fail(format!("Error running command '{command}': {e}. Output: {kept}")))?;
    if status.success() {
        return Ok(());
    }
    let why = match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "signal: terminated".to_string(),
    };
    let shown = if suppressed.is_some() { String::new() } else { kept };
    Err(fail(format!(
        "Error running command '{command}': {why}. Output: {shown}"
    )))
}

/// A string as Go's `%q` prints it (how Terraform shows the command it runs; the tls
/// provider hashes certificates printed this way for `data "tls_certificate"`'s id).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::Body;
    use crate::blueprint::source::{Loc, SourceFile};

    fn provisioner(kind: &str) -> Provisioner {
        let loc = Loc::new(&SourceFile::new("p.tf", String::new()), Some(0..0));
        Provisioner {
            kind: kind.into(),
            body: Body {
                attrs: Default::default(),
                blocks: vec![],
                loc: loc.clone(),
            },
            connection: None,
            when_destroy: false,
            on_failure_continue: false,
            loc,
        }
    }

    #[tokio::test]
    async fn local_exec_runs_with_environment_interpreter_and_folder() {
        let dir = tempfile::tempdir().unwrap();
        let config = Value::object([
            (
                "command",
                Value::str("printf '%s' \"$GREETING\" > out.txt; echo to-stderr >&2"),
            ),
            (
                "interpreter",
                Value::List(vec![Value::str("/bin/bash"), Value::str("-c")]),
            ),
            ("working_dir", Value::str(dir.path().to_str().unwrap())),
            ("environment", Value::object([("GREETING", Value::str("hello"))])),
        ]);
        run(&provisioner("local-exec"), "x.y", &config, &Marks::none())
            .await
            .unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("out.txt")).unwrap(), "hello");
    }

    #[tokio::test]
    async fn a_failing_command_reports_its_status_and_output() {
        let config = Value::object([("command", Value::str("echo partial; exit 3"))]);
        let e = run(&provisioner("local-exec"), "x.y", &config, &Marks::none())
            .await
            .unwrap_err();
        assert_eq!(e.summary, "local-exec provisioner error");
        assert_eq!(
            e.detail.unwrap(),
            "Error running command 'echo partial; exit 3': exit status 3. Output: partial\n"
        );
        let e = run(&provisioner("remote-exec"), "x.y", &Value::Null, &Marks::none())
            .await
            .unwrap_err();
        assert!(e.detail.unwrap().contains("manages no hosts"));
    }

    #[test]
    fn commands_are_shown_as_terraform_quotes_them() {
        assert_eq!(go_quote("echo \"a\"\tb"), "\"echo \\\"a\\\"\\tb\"");
    }
}
