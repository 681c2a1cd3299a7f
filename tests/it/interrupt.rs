//! Ctrl-C during an apply: operations in flight finish, nothing new starts, state records
//! exactly what exists, and the next apply completes the stack without duplicates.

use crate::support::{expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BLUEPRINT: &str = r#"
resource "aws_vpc" "this" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_subnet" "many" {
  count      = 12
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn interrupted_apply_saves_what_completed_and_resumes() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let conf = sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let by_stack = || Filter::builder().name("tag:infractl:stack").values(&stack.name).build();

    // Through a proxy adding 100 ms per call: on the emulator each subnet's create answers in
    // milliseconds, and the apply could finish its twelve before the interrupt arrived (seen once
    // in CI, on a loaded machine); with the delay the rest take a second at least.
    let proxy = CountingProxy::start_with(&["--latency-ms", "100"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
        .args([
            "-chdir",
            stack.path.to_str().unwrap(),
            "apply",
            "-auto-approve",
            "-parallelism=1",
        ])
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("INFRACTL_STATE_DIR", stack.state_file().parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    // Interrupt as soon as the third object is done: the VPC and two subnets.
    let mut done = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("Creation complete") {
            done += 1;
        }
        log.push(line);
        if done == 3 {
            let ok = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(ok.success());
            break;
        }
    }
    log.extend(lines.map_while(Result::ok));
    let status = child.wait().unwrap();
    let text = log.join("\n");
    assert_eq!(status.code(), Some(1), "an interrupted apply exits 1:\n{text}");
    assert!(text.contains("Interrupt received"), "{text}");

    let state = stack.flat_state();
    let in_state: Vec<String> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_subnet")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut live: Vec<String> = ec2
        .describe_subnets()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .map(|s| s.subnet_id().unwrap().to_string())
        .collect();
    let mut recorded = in_state.clone();
    recorded.sort();
    live.sort();
    assert_eq!(recorded, live, "state must record exactly the subnets that exist");
    assert!(
        live.len() < 12,
        "the interrupt must stop the run early (created {})",
        live.len()
    );

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let subnets = ec2.describe_subnets().filters(by_stack()).send().await.unwrap();
    assert_eq!(subnets.subnets().len(), 12);
    assert_eq!(
        ec2.describe_vpcs()
            .filters(by_stack())
            .send()
            .await
            .unwrap()
            .vpcs()
            .len(),
        1
    );
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
