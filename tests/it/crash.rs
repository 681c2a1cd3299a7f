//! Crash recovery: applies (and destroys) killed with SIGKILL at random moments, again and
//! again, leave a state from which the next apply converges to the blueprint, with no orphan and
//! no duplicate on the emulator. Each kill can land anywhere: during a create call, between a
//! create and its tagging call, while a journal line is written, while the lock is held. A run
//! that finishes before its kill hands over to the other command (apply, then destroy, ...), so
//! kills keep landing in work under way.
//!
//! It runs twice: with the local backend (state journaled line by line) and with the S3 backend
//! (whole snapshots, the intent to create written before each create call; no lock, so that
//! each killed run does not leave a lock to force-unlock).
//!
//! Size: `INFRACTL_CRASH_ROUNDS` runs (default 8 in CI); `INFRACTL_CRASH_SEED` replays a run
//! (the seed is printed). Larger: `INFRACTL_CRASH_ROUNDS=40 cargo test --test it crash -- --nocapture`.

use crate::support::{endpoint, expect_code, sdk_config, Stack};
use aws_sdk_ec2::types::Filter;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BLUEPRINT: &str = r#"
variable "prefix" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_subnet" "app" {
  count      = 4
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "app" {
  count          = 4
  subnet_id      = aws_subnet.app[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "app" {
  name   = "${var.prefix}-app"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }
}

resource "aws_s3_bucket" "data" {
  bucket        = "${var.prefix}-data"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/${var.prefix}/app"
  retention_in_days = 14
}

resource "aws_iam_role" "task" {
  name = "${var.prefix}-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_dynamodb_table" "sessions" {
  name         = "${var.prefix}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sns_topic" "alarms" {
  name = "${var.prefix}-alarms"
}

resource "aws_ssm_parameter" "mode" {
  name  = "/${var.prefix}/mode"
  type  = "String"
  value = "crash-test"
}
"#;

/// Objects the blueprint makes.
const OBJECTS: usize = 20;

/// xorshift64*: reproducible kill times from a printed seed, without a dependency for it.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn applies_killed_at_random_moments_converge_without_orphans_or_duplicates() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    kill_converge_and_count(&stack).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_s3_backend_killed_applies_converge_without_orphans_or_duplicates() {
    let conf = sdk_config("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let bucket = format!("crash-state-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let backend = format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key    = \"crash/terraform.tfstate\"\n    region = \"us-east-1\"\n  }}\n}}\n"
    );
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT), ("backend.tf", &backend)]);
    expect_code(&stack.run(&["init"]), 0);
    kill_converge_and_count(&stack).await;
    assert!(
        !stack.state_file().exists(),
        "the state lives in S3, not in a local file"
    );
}

/// The state as `state pull` shows it, whichever backend holds it.
fn pulled_state(stack: &Stack) -> serde_json::Value {
    let out = stack.run(&["state", "pull"]);
    expect_code(&out, 0);
    crate::support::flat_state(&String::from_utf8_lossy(&out.stdout))
}

/// Kills applies and destroys of the stack at random moments, then checks that one apply
/// converges and that the emulator holds exactly what state records.
async fn kill_converge_and_count(stack: &Stack) {
    let prefix = format!("-var=prefix={}", stack.name);
    let rounds = env_number("INFRACTL_CRASH_ROUNDS").unwrap_or(8);
    let seed = env_number("INFRACTL_CRASH_SEED")
        .unwrap_or_else(|| u64::from_le_bytes(uuid::Uuid::new_v4().as_bytes()[..8].try_into().unwrap()) | 1);
    println!("crash test: {rounds} SIGKILLs, seed {seed} (INFRACTL_CRASH_SEED={seed} replays it)");
    let mut rng = Rng(seed);

    // Kills are drawn from how long the command took when it last ran to its end.
    let mut window_ms = [1500u64, 1500u64];
    let mut command = 0; // 0: apply, 1: destroy
    for round in 0..rounds {
        let verb = ["apply", "destroy"][command];
        let log = stack.path.join(format!("round-{}.log", round + 1));
        let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
            .args(["-chdir", stack.path.to_str().unwrap(), verb, "-auto-approve", &prefix])
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("INFRACTL_STATE_DIR", stack.state_file().parent().unwrap())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let delay = Duration::from_millis(rng.below(window_ms[command]));
        let started = Instant::now();
        let finished = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() >= delay {
                break None;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        match finished {
            Some(status) => {
                println!(
                    "round {}: {verb} ended by itself ({status}) after {} ms, before its kill at {} ms",
                    round + 1,
                    started.elapsed().as_millis(),
                    delay.as_millis()
                );
                assert!(
                    status.success(),
                    "{verb} failed after an earlier kill:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                window_ms[command] = (started.elapsed().as_millis() as u64).max(100);
                command = 1 - command;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                println!("round {}: {verb} got SIGKILL after {} ms", round + 1, delay.as_millis());
            }
        }
    }

    // The next apply converges, and then nothing is left to do.
    let out = stack.run(&["apply", "-auto-approve", &prefix]);
    expect_code(&out, 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &prefix]), 0);

    let state = pulled_state(stack);
    let resources = state["resources"].as_array().unwrap();
    let ids = |ty: &str| -> BTreeSet<String> {
        resources
            .iter()
            .filter(|r| r["type"] == ty)
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(resources.iter().filter(|r| r["mode"] == "managed").count(), OBJECTS);

    // What the emulator holds for this stack is exactly what state records.
    let conf = sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let by_stack = || Filter::builder().name("tag:infractl:stack").values(&stack.name).build();
    let live_vpcs: BTreeSet<String> = ec2
        .describe_vpcs()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect();
    assert_eq!(live_vpcs, ids("aws_vpc"), "VPCs of this stack on the emulator vs state");
    let live_subnets: BTreeSet<String> = ec2
        .describe_subnets()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect();
    assert_eq!(live_subnets, ids("aws_subnet"), "subnets vs state");
    let live_igws: BTreeSet<String> = ec2
        .describe_internet_gateways()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .internet_gateways()
        .iter()
        .filter_map(|g| g.internet_gateway_id().map(str::to_string))
        .collect();
    assert_eq!(live_igws, ids("aws_internet_gateway"), "internet gateways vs state");
    let live_rts: BTreeSet<String> = ec2
        .describe_route_tables()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .route_tables()
        .iter()
        .filter_map(|t| t.route_table_id().map(str::to_string))
        .collect();
    assert_eq!(live_rts, ids("aws_route_table"), "route tables vs state");
    let rt = ec2
        .describe_route_tables()
        .route_table_ids(ids("aws_route_table").into_iter().next().unwrap())
        .send()
        .await
        .unwrap();
    let associations = rt.route_tables()[0]
        .associations()
        .iter()
        .filter(|a| a.subnet_id().is_some())
        .count();
    assert_eq!(associations, 4, "subnet associations of the route table");
    let live_sgs: BTreeSet<String> = ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(ids("aws_vpc").into_iter().next().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()
        .iter()
        .filter(|g| g.group_name() != Some("default"))
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    assert_eq!(live_sgs, ids("aws_security_group"), "security groups vs state");

    let s3 = aws_sdk_s3::Client::new(&conf);
    let buckets: Vec<String> = s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .filter(|n| n.starts_with(&stack.name))
        .collect();
    assert_eq!(buckets, vec![format!("{}-data", stack.name)]);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/{}/", stack.name))
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups().len(), 1);
    let sns = aws_sdk_sns::Client::new(&conf);
    let topics = sns.list_topics().send().await.unwrap();
    let mine = topics
        .topics()
        .iter()
        .filter(|t| t.topic_arn().unwrap_or_default().contains(&stack.name))
        .count();
    assert_eq!(mine, 1);

    // And the whole stack goes away.
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
    let left = ec2.describe_vpcs().filters(by_stack()).send().await.unwrap();
    assert!(left.vpcs().is_empty());
    let left = s3.list_buckets().send().await.unwrap();
    assert!(!left
        .buckets()
        .iter()
        .any(|b| b.name().unwrap_or_default().starts_with(&stack.name)));
}
