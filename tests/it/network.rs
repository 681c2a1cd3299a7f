//! The network demo stack through its whole life on the emulator: plan → apply → no-change plan
//! → in-place update → replacement → drift detected and corrected → destroy to nothing.

use crate::support::{expect_code, sdk_config, shows_change, Stack};
use aws_sdk_ec2::types::{AttributeBooleanValue, Filter, VpcAttributeName};

fn stack_filter(stack: &Stack) -> Filter {
    Filter::builder().name("tag:infractl:stack").values(&stack.name).build()
}

async fn subnets(ec2: &aws_sdk_ec2::Client, stack: &Stack) -> Vec<aws_sdk_ec2::types::Subnet> {
    ec2.describe_subnets()
        .filters(stack_filter(stack))
        .send()
        .await
        .unwrap()
        .subnets()
        .to_vec()
}

/// The VPC's `enableDnsHostnames` attribute as the emulator holds it.
async fn dns_hostnames(ec2: &aws_sdk_ec2::Client, vpc_id: &str) -> Option<bool> {
    let attr = ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(VpcAttributeName::EnableDnsHostnames)
        .send()
        .await
        .unwrap();
    attr.enable_dns_hostnames().and_then(|a| a.value())
}

#[tokio::test(flavor = "multi_thread")]
async fn network_stack_lifecycle() {
    let stack = Stack::from_plan("network", "it-net");
    let vars = ["-var", "name=itnet"];
    let conf = sdk_config("us-west-2").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());

    // A first plan shows everything to create.
    let out = stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat());
    let text = expect_code(&out, 2);
    assert!(text.contains("Plan: 12 to add, 0 to change, 0 to destroy."), "{text}");

    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);

    // The emulator holds the VPC, four subnets, the gateway, the public route and the bucket.
    let vpcs = ec2.describe_vpcs().filters(stack_filter(&stack)).send().await.unwrap();
    assert_eq!(vpcs.vpcs().len(), 1);
    let vpc = &vpcs.vpcs()[0];
    let vpc_id = vpc.vpc_id().unwrap().to_string();
    assert_eq!(vpc.cidr_block(), Some("10.20.0.0/16"));
    assert!(
        vpc.tags()
            .iter()
            .any(|t| t.key() == Some("Stack") && t.value() == Some("itnet")),
        "default_tags missing"
    );
    let subs = subnets(&ec2, &stack).await;
    let mut cidrs: Vec<&str> = subs.iter().filter_map(|s| s.cidr_block()).collect();
    cidrs.sort();
    assert_eq!(
        cidrs,
        ["10.20.0.0/24", "10.20.1.0/24", "10.20.10.0/24", "10.20.11.0/24"]
    );
    // The VPC was created with hostnames on (set beside the read of its default objects), and
    // each subnet's state, whether kept from its create answer (private) or read after its
    // setting (public), is what the emulator holds.
    assert_eq!(dns_hostnames(&ec2, &vpc_id).await, Some(true));
    let state = stack.flat_state();
    for sub in &subs {
        let id = sub.subnet_id().unwrap();
        let recorded = state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "aws_subnet" && r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in state"))["attributes"]
            .clone();
        assert_eq!(recorded["arn"].as_str(), sub.subnet_arn(), "{id}");
        assert_eq!(
            recorded["availability_zone_id"].as_str(),
            sub.availability_zone_id(),
            "{id}"
        );
        assert_eq!(
            recorded["map_public_ip_on_launch"].as_bool(),
            sub.map_public_ip_on_launch(),
            "{id}"
        );
        assert_eq!(recorded["tags_all"]["Stack"], "itnet", "{id}");
    }
    assert_eq!(
        subs.iter()
            .filter(|s| s.map_public_ip_on_launch() == Some(true))
            .count(),
        2
    );
    let igws = ec2
        .describe_internet_gateways()
        .filters(stack_filter(&stack))
        .send()
        .await
        .unwrap();
    let igw_id = igws.internet_gateways()[0].internet_gateway_id().unwrap().to_string();
    assert_eq!(
        igws.internet_gateways()[0].attachments()[0].vpc_id(),
        Some(vpc_id.as_str())
    );
    let rts = ec2
        .describe_route_tables()
        .filters(stack_filter(&stack))
        .send()
        .await
        .unwrap();
    let rt = &rts.route_tables()[0];
    assert!(rt
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0") && r.gateway_id() == Some(igw_id.as_str())));
    assert_eq!(rt.associations().iter().filter(|a| a.subnet_id().is_some()).count(), 2);
    let state = stack.flat_state();
    let bucket = state["outputs"]["logs_bucket"]["value"].as_str().unwrap().to_string();
    assert!(bucket.starts_with("itnet-logs-"));
    s3.head_bucket().bucket(&bucket).send().await.expect("bucket exists");

    // Security groups: the app tier admits the web tier's group and itself, and nothing else.
    let web_id = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_security_group.web")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let app_id = state["outputs"]["app_security_group_id"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let app = ec2
        .describe_security_groups()
        .group_ids(&app_id)
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    let from_web = app
        .ip_permissions()
        .iter()
        .find(|p| p.from_port() == Some(8080))
        .expect("app port rule");
    assert_eq!(from_web.user_id_group_pairs()[0].group_id(), Some(web_id.as_str()));
    let peers = app
        .ip_permissions()
        .iter()
        .find(|p| p.ip_protocol() == Some("-1"))
        .expect("self rule");
    assert_eq!(peers.user_id_group_pairs()[0].group_id(), Some(app_id.as_str()));
    assert_eq!(app.ip_permissions().len(), 2);

    // The read-only commands show what state holds.
    let list = expect_code(&stack.run(&["state", "list"]), 0);
    assert!(
        list.lines()
            .any(|l| l == "module.public.aws_subnet.this[\"us-west-2a\"]"),
        "{list}"
    );
    assert!(
        list.lines().any(|l| l == "aws_route_table_association.public[1]"),
        "{list}"
    );
    let shown = expect_code(&stack.run(&["state", "show", "aws_vpc.main"]), 0);
    assert!(shown.contains(&vpc_id) && shown.contains("\"10.20.0.0/16\""), "{shown}");
    let outputs: serde_json::Value = serde_json::from_slice(&stack.run(&["output", "-json"]).stdout).unwrap();
    assert_eq!(outputs["vpc_id"]["value"], serde_json::json!(vpc_id));
    let raw = expect_code(&stack.run(&["output", "-raw", "logs_bucket"]), 0);
    assert_eq!(raw.trim(), bucket);
    // Terraform's values representation: root resources, and the subnets in child modules.
    let show: serde_json::Value = serde_json::from_slice(&stack.run(&["show", "-json"]).stdout).unwrap();
    assert_eq!(show["format_version"], "1.0");
    let root = &show["values"]["root_module"];
    let managed = |m: &serde_json::Value| {
        m["resources"]
            .as_array()
            .map_or(0, |l| l.iter().filter(|r| r["mode"] == "managed").count())
    };
    let children = root["child_modules"].as_array().unwrap();
    assert_eq!(
        children
            .iter()
            .map(|c| c["address"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["module.private", "module.public"]
    );
    assert_eq!(managed(root) + children.iter().map(managed).sum::<usize>(), 12);
    assert_eq!(show["values"]["outputs"]["vpc_id"]["value"], serde_json::json!(vpc_id));
    let dot = expect_code(&stack.run(&["graph"]), 0);
    assert!(
        dot.contains("\"aws_internet_gateway.main\" -> \"aws_vpc.main\""),
        "{dot}"
    );
    let text = expect_code(
        &stack.run(
            &[
                &["plan", "-detailed-exitcode", "-replace=aws_internet_gateway.main"][..],
                &vars,
            ]
            .concat(),
        ),
        2,
    );
    assert!(
        text.contains("aws_internet_gateway.main will be replaced, as requested"),
        "{text}"
    );

    // Nothing changed: a no-op plan.
    let text = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);
    assert!(text.contains("No changes."), "{text}");

    // In-place update.
    stack.edit("main.tf", "enable_dns_hostnames = true", "enable_dns_hostnames = false");
    let text = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 2);
    assert!(text.contains("aws_vpc.main will be updated in-place"), "{text}");
    assert!(text.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{text}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    assert_eq!(dns_hostnames(&ec2, &vpc_id).await, Some(false));

    // Replacement: private subnets move to other CIDRs.
    stack.edit("main.tf", "netnum_offset = 10", "netnum_offset = 20");
    let text = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 2);
    assert!(text.contains("must be replaced"), "{text}");
    assert!(text.contains("# forces replacement"), "{text}");
    assert!(text.contains("Plan: 2 to add, 0 to change, 2 to destroy."), "{text}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    let mut cidrs: Vec<String> = subnets(&ec2, &stack)
        .await
        .iter()
        .filter_map(|s| s.cidr_block().map(str::to_string))
        .collect();
    cidrs.sort();
    assert_eq!(
        cidrs,
        ["10.20.0.0/24", "10.20.1.0/24", "10.20.20.0/24", "10.20.21.0/24"]
    );

    // Drift made outside infractl is detected and corrected.
    let public = subnets(&ec2, &stack)
        .await
        .into_iter()
        .find(|s| s.cidr_block() == Some("10.20.0.0/24"))
        .unwrap();
    ec2.modify_subnet_attribute()
        .subnet_id(public.subnet_id().unwrap())
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(false).build())
        .send()
        .await
        .unwrap();
    // Drift in what a VPC's and a bucket's reads fetch beside the object itself (an attribute,
    // the tags) is seen as well.
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc_id)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    s3.delete_bucket_tagging().bucket(&bucket).send().await.unwrap();
    let text = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 2);
    assert!(
        shows_change(&text, "map_public_ip_on_launch", "false -> true"),
        "{text}"
    );
    assert!(shows_change(&text, "enable_dns_hostnames", "true -> false"), "{text}");
    assert!(text.contains("aws_s3_bucket.logs will be updated in-place"), "{text}");
    assert!(text.contains("Plan: 0 to add, 3 to change, 0 to destroy."), "{text}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    assert_eq!(dns_hostnames(&ec2, &vpc_id).await, Some(false));
    let tagging = s3.get_bucket_tagging().bucket(&bucket).send().await.unwrap();
    assert!(tagging
        .tag_set()
        .iter()
        .any(|t| t.key() == "ManagedBy" && t.value() == "infractl"));
    let fixed = ec2
        .describe_subnets()
        .subnet_ids(public.subnet_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.subnets()[0].map_public_ip_on_launch(), Some(true));
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);

    // A saved plan is applied exactly, and refused once state moved on.
    stack.edit(
        "main.tf",
        "Name = \"${var.name}-igw\"",
        "Name = \"${var.name}-gateway\"",
    );
    let plan_file = stack.path.join("change.tfplan");
    let pf = plan_file.to_str().unwrap();
    expect_code(&stack.run(&[&["plan", "-out", pf][..], &vars].concat()), 0);
    expect_code(&stack.run(&["apply", pf]), 0);
    let igw = ec2
        .describe_internet_gateways()
        .internet_gateway_ids(&igw_id)
        .send()
        .await
        .unwrap();
    assert!(igw.internet_gateways()[0]
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some("itnet-gateway")));
    let text = expect_code(&stack.run(&["apply", pf]), 1);
    assert!(text.contains("stale"), "{text}");

    // Destroy leaves nothing of the stack behind.
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &vars].concat()), 0);
    assert!(ec2
        .describe_vpcs()
        .filters(stack_filter(&stack))
        .send()
        .await
        .unwrap()
        .vpcs()
        .is_empty());
    assert!(subnets(&ec2, &stack).await.is_empty());
    assert!(ec2
        .describe_internet_gateways()
        .filters(stack_filter(&stack))
        .send()
        .await
        .unwrap()
        .internet_gateways()
        .is_empty());
    assert!(ec2
        .describe_route_tables()
        .filters(stack_filter(&stack))
        .send()
        .await
        .unwrap()
        .route_tables()
        .is_empty());
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "bucket still exists"
    );
    let state = stack.flat_state();
    assert_eq!(
        state["resources"]
            .as_array()
            .map(|r| r.iter().filter(|x| x["mode"] == "managed").count()),
        Some(0)
    );
}
