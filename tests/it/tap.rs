//! The TAP stack (`plans/tap`, seed 003) end to end on the emulator: `terraform validate`
//! accepts it; a saved plan is applied; the seed's promises are checked on what the emulator
//! holds (CloudFront reaching the private SPA bucket through origin access control with SPA
//! error routing and a bucket policy naming the distribution, an issued certificate with its
//! validation records, the database private and encrypted with an RDS-managed secret and 7-day
//! backups, the user pool admin-only with e-mail usernames and a code-flow client, load balancer
//! access logs and HTTPS, the GitHub role limited to `main` and `v*` tags); no secret value in
//! state, the plan file or any output; a clean plan; backups and load balancer settings changed
//! in place; a destroy leaving nothing.

use crate::support::{copy_dir, endpoint, expect_code, sdk_config, text, Stack, Terraform};
use std::path::Path;

const REPO: &str = "tap-org/tap";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// GitHub's OIDC provider is one per account (its URL is its name): the stacks that create it
/// take turns.
static GITHUB_OIDC: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Takes the turn for GitHub's OIDC provider, first deleting one that an earlier failed run of
/// this test or circle_of_trust left behind (the provider exists once per account, so a leftover
/// would make the next create fail for reasons unrelated to the code under test).
pub async fn github_oidc_turn() -> tokio::sync::MutexGuard<'static, ()> {
    let turn = GITHUB_OIDC.lock().await;
    let iam = aws_sdk_iam::Client::new(&crate::support::sdk_config("us-east-1").await);
    let listed = iam
        .list_open_id_connect_providers()
        .send()
        .await
        .expect("ListOpenIDConnectProviders");
    for p in listed.open_id_connect_provider_list() {
        let arn = p.arn().unwrap_or_default();
        if arn.ends_with("/token.actions.githubusercontent.com") {
            eprintln!("deleting {arn}, left by an earlier failed run");
            iam.delete_open_id_connect_provider()
                .open_id_connect_provider_arn(arn)
                .send()
                .await
                .expect("DeleteOpenIDConnectProvider");
        }
    }
    turn
}

/// `terraform validate` on the plan, as Terraform itself sees it (skipped without Terraform).
fn terraform_validates() {
    let Some(tf) = Terraform::find("the tap plan's validation") else {
        return;
    };
    let dir = tf.work();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/tap"), &dir);
    let init = tf.run(&["init", "-backend=false", "-input=false", "-no-color"]);
    assert!(init.status.success(), "terraform init:\n{}", text(&init));
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform validate:\n{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn tap_applies_keeps_its_promises_and_its_secrets_updates_and_destroys() {
    terraform_validates();
    let _oidc = github_oidc_turn().await;
    let stack = Stack::from_plan("tap", "tap");
    let name = format!("t{}", &stack.name[4..12]);
    let domain = format!("{name}.example.com");
    let google_secret = format!("google-secret-{}", uuid::Uuid::new_v4().simple());
    let base = [
        format!("project_name={name}"),
        format!("domain_name={domain}"),
        format!("github_repository={REPO}"),
        "google_client_id=1234-abc.apps.googleusercontent.com".to_string(),
        format!("google_client_secret={google_secret}"),
        "alert_email=oncall@example.com".to_string(),
        "force_destroy_buckets=true".to_string(),
        "secret_recovery_window_days=0".to_string(),
    ];
    let printed = std::cell::RefCell::new(String::new());
    let run = |cmd: &[&str], extra: &[&str]| {
        let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        if cmd[0] != "apply" || !cmd.contains(&"tap.plan") {
            for v in base.iter().map(String::as_str).chain(extra.iter().copied()) {
                args.push("-var".into());
                args.push(v.to_string());
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // A saved plan holds no sensitive variable: the apply is given it again.
        let out = stack.run_with_env(&args, &endpoint(), &[("TF_VAR_google_client_secret", &google_secret)]);
        printed.borrow_mut().push_str(&text(&out));
        out
    };

    // A saved plan, then that plan applied.
    let out = expect_code(&run(&["plan", "-out=tap.plan"], &[]), 0);
    let planned: usize = out
        .split("Plan: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no plan summary:\n{out}"));
    let out = expect_code(&run(&["apply", "tap.plan"], &[]), 0);
    assert!(
        out.contains(&format!("Apply complete! Resources: {planned} added")),
        "{out}"
    );

    let conf = sdk_config("us-east-1").await;
    let account = aws_sdk_sts::Client::new(&conf)
        .get_caller_identity()
        .send()
        .await
        .unwrap()
        .account()
        .unwrap()
        .to_string();

    // CloudFront: the SPA bucket through OAC, SPA routing, the domain with the certificate.
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    let dist_id = stack.state_id("module.cdn.aws_cloudfront_distribution.spa");
    let oac_id = stack.state_id("module.cdn.aws_cloudfront_origin_access_control.spa");
    let cert_arn = stack.state_id("module.dns.aws_acm_certificate.this");
    let dist = cf.get_distribution().id(&dist_id).send().await.unwrap();
    let dist = dist.distribution().unwrap();
    let dist_arn = dist.arn().to_string();
    let config = dist.distribution_config().unwrap();
    let origins = config.origins().unwrap().items();
    assert_eq!(origins.len(), 1);
    assert_eq!(origins[0].origin_access_control_id(), Some(oac_id.as_str()));
    let spa_bucket = format!("{name}-spa-{account}");
    assert!(
        origins[0].domain_name().starts_with(&format!("{spa_bucket}.s3.")),
        "{}",
        origins[0].domain_name()
    );
    assert_eq!(config.default_root_object(), Some("index.html"));
    let mut routed: Vec<(i32, String, String)> = config
        .custom_error_responses()
        .map(|e| e.items())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e.error_code(),
                e.response_page_path().unwrap_or_default().to_string(),
                e.response_code().unwrap_or_default().to_string(),
            )
        })
        .collect();
    routed.sort();
    assert_eq!(
        routed,
        vec![
            (403, "/index.html".to_string(), "200".to_string()),
            (404, "/index.html".to_string(), "200".to_string())
        ]
    );
    assert_eq!(config.aliases().map(|a| a.items().to_vec()), Some(vec![domain.clone()]));
    let viewer = config.viewer_certificate().unwrap();
    assert_eq!(viewer.acm_certificate_arn(), Some(cert_arn.as_str()));
    assert_eq!(
        config.price_class().map(|p| p.as_str().to_string()),
        Some("PriceClass_100".into())
    );
    let oac = cf.get_origin_access_control().id(&oac_id).send().await.unwrap();
    let oac = oac
        .origin_access_control()
        .unwrap()
        .origin_access_control_config()
        .unwrap();
    assert_eq!(oac.signing_behavior().as_str(), "always");
    assert_eq!(oac.origin_access_control_origin_type().as_str(), "s3");

    // The SPA bucket lets in that distribution alone, and nothing public.
    let s3 = aws_sdk_s3::Client::new(&conf);
    let policy = s3.get_bucket_policy().bucket(&spa_bucket).send().await.unwrap();
    let policy = json(policy.policy().unwrap());
    let statement = &policy["Statement"][0];
    assert_eq!(statement["Principal"]["Service"], "cloudfront.amazonaws.com");
    assert_eq!(
        statement["Condition"]["StringEquals"]["AWS:SourceArn"],
        dist_arn.as_str()
    );
    let block = s3.get_public_access_block().bucket(&spa_bucket).send().await.unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(block.restrict_public_buckets(), Some(true));

    // The certificate: issued, apex and wildcard, its validation record in the zone.
    let acm = aws_sdk_acm::Client::new(&conf);
    let cert = acm
        .describe_certificate()
        .certificate_arn(&cert_arn)
        .send()
        .await
        .unwrap();
    let cert = cert.certificate().unwrap();
    assert_eq!(cert.status().map(|s| s.as_str()), Some("ISSUED"));
    let mut names = cert.subject_alternative_names().to_vec();
    names.sort();
    assert_eq!(names, vec![format!("*.{domain}"), domain.clone()]);
    let record = cert.domain_validation_options()[0].resource_record().unwrap();
    let zone_id = stack.state_id("module.dns.aws_route53_zone.this[0]");
    let r53 = aws_sdk_route53::Client::new(&conf);
    let sets = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .send()
        .await
        .unwrap();
    let found = |name: &str, kind: &str| {
        sets.resource_record_sets()
            .iter()
            .any(|s| s.name().trim_end_matches('.') == name.trim_end_matches('.') && s.r#type().as_str() == kind)
    };
    assert!(found(record.name(), "CNAME"), "{sets:?}");
    assert!(found(&domain, "A") && found(&format!("api.{domain}"), "AAAA"));

    // The database: private, encrypted, a managed secret, 7 days of backups.
    let rds = aws_sdk_rds::Client::new(&conf);
    let db = rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-db"))
        .send()
        .await
        .unwrap();
    let db = &db.db_instances()[0];
    assert_eq!(db.publicly_accessible(), Some(false));
    assert_eq!(db.storage_encrypted(), Some(true));
    assert_eq!(db.backup_retention_period(), Some(7));
    assert_eq!(db.engine(), Some("postgres"));
    assert!(db.engine_version().unwrap_or_default().starts_with("16"));
    let db_secret_arn = db.master_user_secret().unwrap().secret_arn().unwrap().to_string();

    // Cognito: e-mail usernames, admin-only sign-up, a code-flow client with a secret, Google.
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&conf);
    let pool_id = stack.state_id("module.cognito.aws_cognito_user_pool.this");
    let pool = idp.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let pool = pool.user_pool().unwrap();
    assert_eq!(
        pool.username_attributes()
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["email"]
    );
    assert_eq!(
        pool.admin_create_user_config()
            .map(|c| c.allow_admin_create_user_only()),
        Some(true)
    );
    let client_id = stack.state_id("module.cognito.aws_cognito_user_pool_client.web");
    let client = idp
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap();
    let client = client.user_pool_client().unwrap();
    assert_eq!(
        client
            .allowed_o_auth_flows()
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>(),
        ["code"]
    );
    assert_eq!(
        client.callback_urls().to_vec(),
        vec![format!("https://api.{domain}/auth/callback")]
    );
    let client_secret = client.client_secret().unwrap().to_string();
    let google = idp
        .describe_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Google")
        .send()
        .await
        .unwrap();
    assert_eq!(
        google
            .identity_provider()
            .unwrap()
            .provider_details()
            .unwrap()
            .get("client_secret"),
        Some(&google_secret),
        "Cognito has the real Google secret"
    );

    // The secrets reached Secrets Manager: the client secret, a generated JWT key.
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let value = |id: String| {
        let sm = sm.clone();
        async move {
            sm.get_secret_value()
                .secret_id(id)
                .send()
                .await
                .unwrap()
                .secret_string()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(value(format!("{name}/cognito-client-secret")).await, client_secret);
    let jwt = value(format!("{name}/jwt-secret-key")).await;
    assert_eq!(jwt.len(), 48);
    let db_password = json(&value(db_secret_arn.clone()).await)["password"]
        .as_str()
        .unwrap()
        .to_string();

    // The task definition gets ARNs, not values.
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let task = ecs
        .describe_task_definition()
        .task_definition(format!("{name}-backend"))
        .send()
        .await
        .unwrap();
    let container = &task.task_definition().unwrap().container_definitions()[0];
    let from: std::collections::HashMap<&str, &str> =
        container.secrets().iter().map(|s| (s.name(), s.value_from())).collect();
    assert_eq!(from["DB_PASSWORD"], format!("{db_secret_arn}:password::"));
    assert!(from["COGNITO_CLIENT_ID"].contains(":parameter/"));

    // The load balancer: access logs to its bucket, HTTPS with the certificate, HTTP redirected.
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let lb_arn = stack.state_id("module.alb.aws_lb.this");
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    let attr = |key: &str| {
        attrs
            .attributes()
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .map(str::to_string)
    };
    assert_eq!(attr("access_logs.s3.enabled").as_deref(), Some("true"));
    assert_eq!(
        attr("access_logs.s3.bucket"),
        Some(format!("{name}-alb-logs-{account}"))
    );
    assert_eq!(attr("idle_timeout.timeout_seconds").as_deref(), Some("60"));
    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    let https = listeners.listeners().iter().find(|l| l.port() == Some(443)).unwrap();
    assert_eq!(https.certificates()[0].certificate_arn(), Some(cert_arn.as_str()));
    let http = listeners.listeners().iter().find(|l| l.port() == Some(80)).unwrap();
    let redirect = http.default_actions()[0].redirect_config().unwrap();
    assert_eq!(redirect.protocol(), Some("HTTPS"));

    // The GitHub role: main and v* tags of one repository.
    let iam = aws_sdk_iam::Client::new(&conf);
    let role = iam
        .get_role()
        .role_name(format!("{name}-github-actions-role"))
        .send()
        .await
        .unwrap();
    let trust = role.role().unwrap().assume_role_policy_document().unwrap();
    let trust = json(&percent_encoding::percent_decode_str(trust).decode_utf8_lossy());
    let like = &trust["Statement"][0]["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"];
    let mut subjects: Vec<&str> = like.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            format!("repo:{REPO}:ref:refs/heads/main"),
            format!("repo:{REPO}:ref:refs/tags/v*")
        ]
    );

    expect_code(&run(&["plan", "-detailed-exitcode"], &[]), 0);

    // No secret value in state, the plan file or anything printed.
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    let plan_file = std::fs::read(stack.path.join("tap.plan")).unwrap();
    let plan_file = String::from_utf8_lossy(&plan_file);
    for (what, secret) in [
        ("the Google client secret", &google_secret),
        ("the Cognito client secret", &client_secret),
        ("the JWT key", &jwt),
        ("the database password", &db_password),
    ] {
        assert!(!state.contains(secret.as_str()), "{what} is in state");
        assert!(!plan_file.contains(secret.as_str()), "{what} is in the plan file");
        assert!(!printed.borrow().contains(secret.as_str()), "{what} was printed");
    }

    // In place: backups and load balancer settings.
    let changed = ["db_backup_retention_days=14", "alb_idle_timeout=120"];
    let out = expect_code(&run(&["plan", "-detailed-exitcode"], &changed), 2);
    // The role policies naming the database's secret are read again during the apply, as
    // Terraform defers data sources whose dependencies have changes: they show as updates.
    assert!(
        out.contains("Plan: 0 to add, ") && out.contains(" to change, 0 to destroy."),
        "{out}"
    );
    for updated in [
        "module.rds.aws_db_instance.this will be updated in-place",
        "module.alb.aws_lb.this will be updated in-place",
    ] {
        assert!(out.contains(updated), "{updated}:\n{out}");
    }
    expect_code(&run(&["apply", "-auto-approve"], &changed), 0);
    let db = rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-db"))
        .send()
        .await
        .unwrap();
    assert_eq!(db.db_instances()[0].backup_retention_period(), Some(14));
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert!(attrs
        .attributes()
        .iter()
        .any(|a| a.key() == Some("idle_timeout.timeout_seconds") && a.value() == Some("120")));
    expect_code(&run(&["plan", "-detailed-exitcode"], &changed), 0);

    // Destroy leaves none of it.
    let out = expect_code(&run(&["destroy", "-auto-approve"], &changed), 0);
    assert!(out.contains(&format!("{planned} destroyed")), "{out}");
    assert!(cf.get_distribution().id(&dist_id).send().await.is_err());
    assert!(cf.get_origin_access_control().id(&oac_id).send().await.is_err());
    assert!(rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-db"))
        .send()
        .await
        .is_err());
    assert!(idp.describe_user_pool().user_pool_id(&pool_id).send().await.is_err());
    assert!(r53.get_hosted_zone().id(&zone_id).send().await.is_err());
    assert!(s3.head_bucket().bucket(&spa_bucket).send().await.is_err());
    assert!(iam
        .get_role()
        .role_name(format!("{name}-github-actions-role"))
        .send()
        .await
        .is_err());
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert_eq!(json(&state)["resources"].as_array().map(Vec::len), Some(0), "{state}");
}
