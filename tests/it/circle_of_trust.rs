//! The circle of trust stack (`plans/circle-of-trust`, seed 001) end to end on the emulator:
//! `terraform validate` accepts it; one apply; the seed's promises checked on what the emulator
//! holds (queue redrive to the DLQ, the HTTP API reaching Cloud Map through the VPC link, Spot
//! workers with their weights, table and index autoscaling, queue-depth step scaling, the
//! website, OIDC trust limited to one repository and branch, endpoints instead of NAT); a clean
//! plan; changes in place (max receive count, desired counts); a destroy leaving nothing.

use crate::support::{copy_dir, expect_code, sdk_config, text, Stack, Terraform};
use std::path::Path;

const REPO: &str = "circle-org/circle-of-trust";
const BRANCH: &str = "release";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `terraform validate` on the plan, as Terraform itself sees it (skipped without Terraform).
fn terraform_validates() {
    let Some(tf) = Terraform::find("the circle-of-trust plan's validation") else {
        return;
    };
    let dir = tf.work();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/circle-of-trust"),
        &dir,
    );
    let init = tf.run(&["init", "-backend=false", "-input=false", "-no-color"]);
    assert!(init.status.success(), "terraform init:\n{}", text(&init));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform validate:\n{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn circle_of_trust_applies_keeps_its_promises_updates_and_destroys() {
    terraform_validates();
    let _oidc = crate::tap::github_oidc_turn().await;
    let stack = Stack::from_plan("circle-of-trust", "cot");
    // Least privilege as infractl's lint sees it (ECR's login takes no resource but "*").
    expect_code(&stack.run(&["validate", "-strict"]), 0);
    let name = format!("c{}", &stack.name[4..12]);
    let bucket = format!("{name}-frontend");
    let base = [
        format!("project_name={name}"),
        format!("s3_frontend_bucket={bucket}"),
        "domain_name=circle.example.com".to_string(),
        "force_destroy_buckets=true".to_string(),
        format!("github_repository={REPO}"),
        format!("github_branch={BRANCH}"),
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
    assert!(out.contains("Apply complete! Resources: 86 added"), "{out}");

    let conf = sdk_config("us-east-1").await;
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let queue_attrs = |queue: String| {
        let sqs = sqs.clone();
        async move {
            let url = sqs.get_queue_url().queue_name(queue).send().await.unwrap();
            let attrs = sqs
                .get_queue_attributes()
                .queue_url(url.queue_url().unwrap())
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                .send()
                .await
                .unwrap();
            attrs
                .attributes()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                .collect::<std::collections::HashMap<_, _>>()
        }
    };
    // The queue redrives to the DLQ after 3 receives; the DLQ takes this queue's messages only.
    let jobs = queue_attrs(format!("{name}-jobs")).await;
    let dlq = queue_attrs(format!("{name}-jobs-dlq")).await;
    let redrive = json(&jobs["RedrivePolicy"]);
    assert_eq!(redrive["deadLetterTargetArn"], dlq["QueueArn"].as_str());
    assert_eq!(redrive["maxReceiveCount"], 3);
    let allow = json(&dlq["RedriveAllowPolicy"]);
    assert_eq!(allow["redrivePermission"], "byQueue");
    assert_eq!(allow["sourceQueueArns"][0], jobs["QueueArn"].as_str());

    // The HTTP API's integration: the Cloud Map service through the VPC link.
    let apigw = aws_sdk_apigatewayv2::Client::new(&conf);
    let apis = apigw.get_apis().send().await.unwrap();
    let api = apis
        .items()
        .iter()
        .find(|a| a.name() == Some(format!("{name}-http").as_str()))
        .expect("the HTTP API");
    let api_id = api.api_id().unwrap().to_string();
    let links = apigw.get_vpc_links().send().await.unwrap();
    let link_id = links
        .items()
        .iter()
        .find(|l| l.name() == Some(format!("{name}-vpc-link").as_str()))
        .and_then(|l| l.vpc_link_id())
        .expect("the VPC link")
        .to_string();
    let sd = aws_sdk_servicediscovery::Client::new(&conf);
    let cloud_map_arn = stack
        .state_id("module.http_api.aws_service_discovery_service.api")
        .to_string();
    let service = sd.get_service().id(&cloud_map_arn).send().await.unwrap();
    let cloud_map_arn = service.service().and_then(|s| s.arn()).unwrap().to_string();
    let integrations = apigw.get_integrations().api_id(&api_id).send().await.unwrap();
    let integration = &integrations.items()[0];
    assert_eq!(integration.integration_uri(), Some(cloud_map_arn.as_str()));
    assert_eq!(integration.connection_type().map(|c| c.as_str()), Some("VPC_LINK"));
    assert_eq!(integration.connection_id(), Some(link_id.as_str()));

    // Workers on Spot with an on-demand share, by weight; the API service registers in Cloud Map.
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let service = |cluster: String, svc: &'static str| {
        let ecs = ecs.clone();
        async move {
            ecs.describe_services()
                .cluster(cluster)
                .services(svc)
                .send()
                .await
                .unwrap()
                .services()[0]
                .clone()
        }
    };
    let workers = service(format!("{name}-workers"), "worker-service").await;
    let mut strategy: Vec<(String, i32, i32)> = workers
        .capacity_provider_strategy()
        .iter()
        .map(|s| (s.capacity_provider().to_string(), s.weight(), s.base()))
        .collect();
    strategy.sort();
    assert_eq!(strategy, vec![("FARGATE".into(), 1, 0), ("FARGATE_SPOT".into(), 4, 0)]);
    let clusters = ecs
        .describe_clusters()
        .clusters(format!("{name}-workers"))
        .send()
        .await
        .unwrap();
    let mut providers = clusters.clusters()[0].capacity_providers().to_vec();
    providers.sort();
    assert_eq!(providers, vec!["FARGATE", "FARGATE_SPOT"]);
    let api_service = service(format!("{name}-api"), "api-service").await;
    assert_eq!(
        api_service.service_registries()[0].registry_arn(),
        Some(cloud_map_arn.as_str())
    );
    assert_eq!(api_service.desired_count(), 2);

    // Every table and the jobs status index scale reads and writes by target tracking.
    let aas = aws_sdk_applicationautoscaling::Client::new(&conf);
    let ddb_ns = aws_sdk_applicationautoscaling::types::ServiceNamespace::Dynamodb;
    let targets = aas
        .describe_scalable_targets()
        .service_namespace(ddb_ns.clone())
        .send()
        .await
        .unwrap();
    let mut mine: Vec<(String, String, i32, i32)> = targets
        .scalable_targets()
        .iter()
        .filter(|t| t.resource_id().starts_with(&format!("table/{name}-")))
        .map(|t| {
            (
                t.resource_id().to_string(),
                t.scalable_dimension().as_str().to_string(),
                t.min_capacity(),
                t.max_capacity(),
            )
        })
        .collect();
    mine.sort();
    let mut expected = Vec::new();
    for (resource, kind) in [
        (format!("table/{name}-conversations"), "table"),
        (format!("table/{name}-jobs"), "table"),
        (format!("table/{name}-jobs/index/status-index"), "index"),
    ] {
        for unit in ["Read", "Write"] {
            expected.push((resource.clone(), format!("dynamodb:{kind}:{unit}CapacityUnits"), 5, 100));
        }
    }
    expected.sort();
    assert_eq!(mine, expected);
    let policies = aas
        .describe_scaling_policies()
        .service_namespace(ddb_ns)
        .send()
        .await
        .unwrap();
    let mut tracked: Vec<(String, String, f64)> = policies
        .scaling_policies()
        .iter()
        .filter(|p| p.resource_id().starts_with(&format!("table/{name}-")))
        .map(|p| {
            let c = p.target_tracking_scaling_policy_configuration().unwrap();
            (
                p.scalable_dimension().as_str().to_string(),
                c.predefined_metric_specification()
                    .map(|m| m.predefined_metric_type().as_str().to_string())
                    .unwrap_or_default(),
                c.target_value(),
            )
        })
        .collect();
    tracked.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(tracked.len(), 6, "{tracked:?}");
    assert!(tracked.iter().all(|(dim, metric, target)| {
        *target == 70.0 && dim.contains(if metric.contains("Read") { "Read" } else { "Write" })
    }));

    // Workers step out on the queue's depth: the alarm's action is the step policy.
    let ecs_policies = aas
        .describe_scaling_policies()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
        .resource_id(format!("service/{name}-workers/worker-service"))
        .send()
        .await
        .unwrap();
    let out_policy = ecs_policies
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == format!("{name}-worker-queue-out"))
        .expect("the scale-out policy");
    assert_eq!(out_policy.policy_type().as_str(), "StepScaling");
    let steps = out_policy.step_scaling_policy_configuration().unwrap();
    assert_eq!(steps.step_adjustments().len(), 3);
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let alarm = |alarm_name: String| {
        let cw = cw.clone();
        async move {
            cw.describe_alarms()
                .alarm_names(alarm_name)
                .send()
                .await
                .unwrap()
                .metric_alarms()
                .first()
                .cloned()
        }
    };
    let backlog = alarm(format!("{name}-jobs-backlog")).await.expect("the backlog alarm");
    assert_eq!(backlog.metric_name(), Some("ApproximateNumberOfMessagesVisible"));
    assert_eq!(backlog.dimensions()[0].value(), Some(format!("{name}-jobs").as_str()));
    assert_eq!(backlog.alarm_actions(), [out_policy.policy_arn().to_string()]);

    // The frontend is an S3 website.
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let site = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(site.index_document().map(|d| d.suffix()), Some("index.html"));
    assert_eq!(site.error_document().map(|d| d.key()), Some("index.html"));

    // GitHub Actions may assume the deploy role from one repository's one branch only.
    let iam = aws_sdk_iam::Client::new(&conf);
    let provider_arn = stack.state_id("module.github_oidc.aws_iam_openid_connect_provider.github[0]");
    assert!(provider_arn.ends_with(":oidc-provider/token.actions.githubusercontent.com"));
    let provider = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&provider_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(provider.client_id_list(), ["sts.amazonaws.com"]);
    let role = iam
        .get_role()
        .role_name(format!("{name}-github-actions"))
        .send()
        .await
        .unwrap();
    let trust = percent_encoding::percent_decode_str(role.role().unwrap().assume_role_policy_document().unwrap())
        .decode_utf8_lossy()
        .to_string();
    let trust = json(&trust);
    let statement = &trust["Statement"][0];
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(statement["Principal"]["Federated"], provider_arn.as_str());
    let equals = &statement["Condition"]["StringEquals"];
    assert_eq!(
        equals["token.actions.githubusercontent.com:sub"],
        format!("repo:{REPO}:ref:refs/heads/{BRANCH}").as_str()
    );
    assert_eq!(equals["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
    assert!(
        statement["Condition"].get("StringLike").is_none(),
        "no wildcard subject"
    );

    // VPC endpoints, no NAT: S3 by gateway, ECR and logs by interface; no default route out.
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vpc_id = stack.state_id("module.network.aws_vpc.this");
    let in_vpc = || {
        aws_sdk_ec2::types::Filter::builder()
            .name("vpc-id")
            .values(&vpc_id)
            .build()
    };
    let endpoints = ec2.describe_vpc_endpoints().filters(in_vpc()).send().await.unwrap();
    let mut services: Vec<(String, String)> = endpoints
        .vpc_endpoints()
        .iter()
        .map(|e| {
            (
                e.service_name().unwrap_or_default().to_string(),
                e.vpc_endpoint_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    services.sort();
    assert_eq!(
        services,
        vec![
            ("com.amazonaws.us-east-1.ecr.api".into(), "Interface".into()),
            ("com.amazonaws.us-east-1.ecr.dkr".into(), "Interface".into()),
            ("com.amazonaws.us-east-1.logs".into(), "Interface".into()),
            ("com.amazonaws.us-east-1.s3".into(), "Gateway".into()),
        ]
    );
    let nats = ec2.describe_nat_gateways().filter(in_vpc()).send().await.unwrap();
    assert!(nats.nat_gateways().is_empty(), "no NAT gateway by default");
    let private_rt = stack.state_id("module.network.aws_route_table.private");
    let tables = ec2
        .describe_route_tables()
        .route_table_ids(&private_rt)
        .send()
        .await
        .unwrap();
    assert!(!tables.route_tables()[0]
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0")));

    expect_code(&run(&["plan", "-detailed-exitcode"], &[]), 0);

    // Every object imported back by Terraform's import id (table and index scaling targets and
    // policies, the OIDC provider by ARN...) plans clean.
    let var_args: Vec<String> = base.iter().flat_map(|v| ["-var".to_string(), v.clone()]).collect();
    let var_args: Vec<&str> = var_args.iter().map(String::as_str).collect();
    stack.reimport_all(&var_args);

    // In place: the redrive's max receive count and both desired counts.
    let changed = ["max_receive_count=5", "api_desired_count=3", "worker_desired_count=2"];
    let out = expect_code(&run(&["plan", "-detailed-exitcode"], &changed), 2);
    assert!(out.contains("0 to add") && out.contains(", 0 to destroy."), "{out}");
    for updated in [
        "module.queue.aws_sqs_queue.jobs will be updated in-place",
        "module.ecs.aws_ecs_service.api will be updated in-place",
        "module.ecs.aws_ecs_service.worker will be updated in-place",
    ] {
        assert!(out.contains(updated), "{updated}:\n{out}");
    }
    expect_code(&run(&["apply", "-auto-approve"], &changed), 0);
    let jobs = queue_attrs(format!("{name}-jobs")).await;
    assert_eq!(json(&jobs["RedrivePolicy"])["maxReceiveCount"], 5);
    assert_eq!(
        json(&jobs["RedrivePolicy"])["deadLetterTargetArn"],
        dlq["QueueArn"].as_str()
    );
    assert_eq!(service(format!("{name}-api"), "api-service").await.desired_count(), 3);
    let workers = service(format!("{name}-workers"), "worker-service").await;
    assert_eq!(workers.desired_count(), 2);
    assert_eq!(workers.capacity_provider_strategy().len(), 2, "the strategy is kept");
    expect_code(&run(&["plan", "-detailed-exitcode"], &changed), 0);

    // Destroy leaves none of it.
    let out = expect_code(&run(&["destroy", "-auto-approve"], &changed), 0);
    assert!(out.contains("86 destroyed"), "{out}");
    assert!(sqs
        .get_queue_url()
        .queue_name(format!("{name}-jobs"))
        .send()
        .await
        .is_err());
    assert!(sqs
        .get_queue_url()
        .queue_name(format!("{name}-jobs-dlq"))
        .send()
        .await
        .is_err());
    assert!(apigw.get_api().api_id(&api_id).send().await.is_err());
    assert!(apigw.get_vpc_link().vpc_link_id(&link_id).send().await.is_err());
    let left = ecs
        .describe_clusters()
        .clusters(format!("{name}-api"))
        .clusters(format!("{name}-workers"))
        .send()
        .await
        .unwrap();
    assert!(
        left.clusters().iter().all(|c| c.status() == Some("INACTIVE")),
        "{:?}",
        left.clusters()
    );
    let targets = aas
        .describe_scalable_targets()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Dynamodb)
        .send()
        .await
        .unwrap();
    assert!(!targets
        .scalable_targets()
        .iter()
        .any(|t| t.resource_id().starts_with(&format!("table/{name}-"))));
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    assert!(ddb
        .describe_table()
        .table_name(format!("{name}-jobs"))
        .send()
        .await
        .is_err());
    assert!(s3.head_bucket().bucket(&bucket).send().await.is_err());
    assert!(iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&provider_arn)
        .send()
        .await
        .is_err());
    assert!(iam
        .get_role()
        .role_name(format!("{name}-github-actions"))
        .send()
        .await
        .is_err());
    assert!(alarm(format!("{name}-jobs-backlog")).await.is_none());
    assert!(ec2.describe_vpcs().vpc_ids(&vpc_id).send().await.is_err());
    let endpoints = ec2.describe_vpc_endpoints().filters(in_vpc()).send().await.unwrap();
    assert!(endpoints
        .vpc_endpoints()
        .iter()
        .all(|e| e.state().map(|s| s.as_str()) == Some("deleted")));
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state.contains("\"mode\": \"managed\""), "state still lists objects");
}
