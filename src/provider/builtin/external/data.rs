//! `data "external"`: runs `program` (a list: the executable and its arguments) in
//! `working_dir`, writes `query` to its standard input as a JSON object, and reads a JSON
//! object of strings from its standard output into `result`. A program that fails, or
//! answers anything else, is an error showing what it wrote to standard error.

use crate::provider::builtin::util::{str_arg, str_list};
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use std::io::Write;
use std::process::{Command, Stdio};

/// The `external` data source type.
pub struct External {
    schema: Schema,
}

impl External {
    /// The type with its schema.
    pub fn new() -> External {
        External {
            schema: Schema::new()
                .required("program", Type::list_of_strings())
                .optional("query", Type::map_of_strings())
                .optional("working_dir", Type::String)
                .computed("result", Type::map_of_strings()),
        }
    }
}

impl Default for External {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs the program with `input` on standard input; returns its standard output, or an error
/// with its standard error.
fn run(program: &[String], dir: Option<&str>, input: &str) -> Result<String, String> {
    let shown = program.join(" ");
    let mut cmd = Command::new(&program[0]);
    cmd.args(&program[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir.filter(|d| !d.is_empty()) {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().map_err(|e| format!("failed to execute \"{shown}\": {e}"))?;
    // Written from a thread, so a program that answers before reading all its input (or
    // writes a lot) cannot deadlock against us.
    let mut stdin = child.stdin.take().ok_or("no standard input for the program")?;
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        // A program that exits without reading its input closes the pipe: not an error.
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child
        .wait_with_output()
        .map_err(|e| format!("failed to run \"{shown}\": {e}"))?;
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    if !out.status.success() {
        let state = match out.status.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        };
        return Err(format!(
            "The data source received an unexpected error while attempting to execute the program.\n\nProgram: {shown}\nError Message: {}\nState: {state}",
            if stderr.is_empty() { "(nothing on standard error)" } else { &stderr }
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("program \"{shown}\" wrote output that is not UTF-8"))
}

/// The program's answer as a map of strings.
fn parse_result(text: &str, program: &str) -> Result<Value, String> {
    let bad = |why: String| {
        format!(
            "Unexpected External Program Results: the program \"{program}\" must write a JSON object of string keys and string values to standard output ({why})."
        )
    };
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(format!("got {e}")))?;
    let map = doc
        .as_object()
        .ok_or_else(|| bad("got something other than an object".into()))?;
    let mut out = indexmap::IndexMap::new();
    for (k, v) in map {
        let s = v.as_str().ok_or_else(|| bad(format!("\"{k}\" is not a string")))?;
        out.insert(k.clone(), Value::str(s));
    }
    Ok(Value::Object(out))
}

#[async_trait]
impl DataSourceType for External {
    fn type_name(&self) -> &'static str {
        "external"
    }

    fn reads_have_effects(&self) -> bool {
        // Its program may do anything: it runs where the plan walk reaches it, once.
        true
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("program") {
            Value::List(l) if l.is_empty() => Err("program must name the executable to run".into()),
            _ => Ok(()),
        }
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let program = str_list(config, "program");
        if program.is_empty() {
            return Err(ProviderError::msg("program must name the executable to run"));
        }
        let query = match config.get("query") {
            Value::Null => serde_json::json!({}),
            v => v.to_json(),
        };
        let dir = str_arg(config, "working_dir");
        let shown = program.join(" ");
        let stdout = tokio::task::spawn_blocking(move || run(&program, dir.as_deref(), &query.to_string()))
            .await
            .map_err(|e| ProviderError::msg(format!("running the program failed: {e}")))?
            .map_err(ProviderError::msg)?;
        let result = parse_result(&stdout, &shown).map_err(ProviderError::msg)?;
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            m.insert("result".into(), result);
            m.insert("id".into(), Value::str("-"));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Value {
        Value::object([(
            "program",
            Value::List(vec![Value::str("sh"), Value::str("-c"), Value::str(script)]),
        )])
    }

    #[tokio::test]
    async fn the_query_goes_in_and_the_result_comes_out() {
        let mut cfg =
            sh(r#"read q; printf '{"got": %s}' "$(printf '%s' "$q" | sed 's/.*"name":"\([^"]*\)".*/"\1"/')""#);
        crate::provider::builtin::util::set(&mut cfg, "query", Value::object([("name", Value::str("web"))]));
        let v = External::new().read(&cfg).await.unwrap();
        assert_eq!(v.get("result").get("got"), &Value::str("web"));
    }

    #[tokio::test]
    async fn failures_show_standard_error() {
        let err = External::new()
            .read(&sh("echo 'no credentials for the vault' >&2; exit 3"))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no credentials for the vault") && err.contains("exit status 3"),
            "{err}"
        );
        let err = External::new()
            .read(&sh("echo '{\"n\": 1}'"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"n\" is not a string"), "{err}");
    }
}
