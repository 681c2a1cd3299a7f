//! The whole foundation stack (`plans/foundation`, seed 000) end to end on the emulator: one
//! apply, a sample of what the emulator holds, a clean plan, one variable changed giving exactly
//! the expected update, and a destroy that leaves nothing behind.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "us-west-2";

#[tokio::test(flavor = "multi_thread")]
async fn foundation_applies_plans_clean_updates_and_destroys() {
    let stack = Stack::from_plan("foundation", "fd");
    // Short: the collection, load balancer and target group names all derive from it.
    let name = format!("f{}", &stack.name[3..11]);
    let base = [
        format!("name={name}"),
        "force_destroy_buckets=true".to_string(),
        "secret_recovery_window_days=0".to_string(),
    ];
    let run = |cmd: &[&str], extra: &[&str]| {
        let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        for v in base.iter().map(String::as_str).chain(extra.iter().copied()) {
            args.push("-var".into());
            args.push(v.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        stack.run(&args)
    };
    let out = expect_code(&run(&["apply", "-auto-approve"], &[]), 0);
    assert!(out.contains("Apply complete! Resources: 74 added"), "{out}");
    assert!(out.contains(".execute-api.us-west-2.amazonaws.com/prod"), "{out}");

    let conf = sdk_config(REGION).await;
    // The usage plan's throttle.
    let apigw = aws_sdk_apigateway::Client::new(&conf);
    let plans = apigw.get_usage_plans().send().await.unwrap();
    let plan = plans
        .items()
        .iter()
        .find(|p| p.name() == Some(format!("{name}-api-standard").as_str()))
        .unwrap();
    let throttle = plan.throttle().unwrap();
    assert_eq!((throttle.rate_limit(), throttle.burst_limit()), (100.0, 200));
    // The sessions table's point-in-time recovery.
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let pitr = ddb
        .describe_continuous_backups()
        .table_name(format!("{name}-sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pitr.continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str()),
        Some("ENABLED")
    );
    // The uploads bucket's public access block.
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let uploads = format!("{name}-uploads-123456789012");
    let pab = s3.get_public_access_block().bucket(&uploads).send().await.unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(pab.block_public_acls(), Some(true));
    assert_eq!(pab.restrict_public_buckets(), Some(true));
    // The collection is ACTIVE.
    let aoss = aws_sdk_opensearchserverless::Client::new(&conf);
    let collections = aoss
        .batch_get_collection()
        .names(format!("{name}-cache"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        collections.collection_details()[0].status().map(|s| s.as_str()),
        Some("ACTIVE")
    );
    // The p95 latency alarm's threshold.
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let alarm = |threshold_of: String| {
        let cw = cw.clone();
        async move {
            cw.describe_alarms()
                .alarm_names(threshold_of)
                .send()
                .await
                .unwrap()
                .metric_alarms()
                .first()
                .and_then(|a| a.threshold())
        }
    };
    assert_eq!(alarm(format!("{name}-api-latency-p95")).await, Some(1000.0));
    // The task role's policy names only the two tables, the named models and the bucket.
    let iam = aws_sdk_iam::Client::new(&conf);
    let doc = iam
        .get_role_policy()
        .role_name(format!("{name}-ecs-task"))
        .policy_name("least-privilege")
        .send()
        .await
        .unwrap();
    let doc = percent_encoding::percent_decode_str(doc.policy_document())
        .decode_utf8_lossy()
        .to_string();
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let resources: Vec<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Resource"] {
            serde_json::Value::Array(a) => a.iter().map(|r| r.as_str().unwrap().to_string()).collect(),
            r => vec![r.as_str().unwrap().to_string()],
        })
        .collect();
    assert!(resources.iter().all(|r| r != "*"), "{resources:?}");
    assert!(resources.contains(&format!(
        "arn:aws:dynamodb:us-west-2:123456789012:table/{name}-sessions"
    )));
    assert!(resources.contains(&format!("arn:aws:dynamodb:us-west-2:123456789012:table/{name}-budgets")));
    assert!(resources.iter().any(|r| r.contains("foundation-model/anthropic.")));

    expect_code(&run(&["plan", "-detailed-exitcode"], &[]), 0);

    // One variable: exactly the alarm changes, in place.
    let raised = ["latency_p95_threshold_ms=1500"];
    let out = expect_code(&run(&["plan", "-detailed-exitcode"], &raised), 2);
    assert!(out.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{out}");
    assert!(
        out.contains("module.observability.aws_cloudwatch_metric_alarm.latency_p95 will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"], &raised), 0);
    assert_eq!(alarm(format!("{name}-api-latency-p95")).await, Some(1500.0));
    expect_code(&run(&["plan", "-detailed-exitcode"], &raised), 0);

    // Destroy leaves nothing behind.
    let out = expect_code(&run(&["destroy", "-auto-approve"], &raised), 0);
    assert!(out.contains("74 destroyed"), "{out}");
    assert!(s3.head_bucket().bucket(&uploads).send().await.is_err());
    assert!(ddb
        .describe_table()
        .table_name(format!("{name}-sessions"))
        .send()
        .await
        .is_err());
    let collections = aoss
        .batch_get_collection()
        .names(format!("{name}-cache"))
        .send()
        .await
        .unwrap();
    assert!(collections.collection_details().is_empty());
    assert!(alarm(format!("{name}-api-latency-p95")).await.is_none());
    let apis = apigw.get_rest_apis().send().await.unwrap();
    assert!(!apis
        .items()
        .iter()
        .any(|a| a.name() == Some(format!("{name}-api").as_str())));
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state.contains("\"mode\": \"managed\""), "state still lists objects");
}
