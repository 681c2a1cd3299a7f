//! The AWS provider: reads the blueprint's `provider "aws"` block, builds SDK clients (region,
//! credentials chain, endpoint overrides for emulators), and registers every resource type.
//!
//! Adding a resource type is one file under its service folder plus one line in [`registry`].

pub mod acm;
pub mod apigateway;
pub mod apigatewayv2;
pub mod appautoscaling;
pub mod attached;
pub mod autoscaling;
pub mod cloudfront;
pub mod cloudwatch;
pub mod codedeploy;
pub mod cognito;
pub mod common;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod elbv2;
pub mod events;
pub mod iam;
pub mod instance_requirements;
pub mod kinesis;
pub mod kms;
pub mod lambda;
pub mod limits;
pub mod logs;
pub mod lookup;
pub mod meta;
pub mod opensearchserverless;
pub mod organizations;
pub mod own_tags;
pub mod rds;
pub mod redshift;
pub mod region;
pub mod renamed;
pub mod route53;
pub mod s3;
pub mod schema;
pub mod secretsmanager;
pub mod servicediscovery;
pub mod sfn;
pub mod signer;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod subnet_group;

use crate::address::ModuleStep;
use crate::blueprint::config::{Mode, Module, ProviderConfig};
use crate::blueprint::json_syntax::BlockSchemas;
use crate::blueprint::providers::ConfigAddr;
use crate::blueprint::scope::{AllUnknown, Context};
use crate::diag::{DResult, Diag};
use crate::provider::Registry;
use crate::schema::{Nesting, Schema, Type};
use crate::value::Value;
use attached::Attached;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use indexmap::IndexMap;
use std::sync::Arc;

/// Provider settings taken from the `provider "aws"` block and the environment.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Region (provider block, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1).
    pub region: Option<String>,
    /// Static credentials from the block.
    pub access_key: Option<String>,
    /// Static credentials from the block.
    pub secret_key: Option<String>,
    /// Session token from the block.
    pub token: Option<String>,
    /// Shared-config profile.
    pub profile: Option<String>,
    /// Per-service endpoint overrides (`ec2 = "http://127.0.0.1:4566"`).
    pub endpoints: IndexMap<String, String>,
    /// Tags added to every taggable resource.
    pub default_tags: IndexMap<String, Value>,
    /// Maximum attempts per call.
    pub max_retries: Option<u32>,
    /// `standard` or `adaptive` (provider block, then AWS_RETRY_MODE).
    pub retry_mode: Option<String>,
    /// Calls in flight per service (from `INFRACTL_SERVICE_CONCURRENCY`).
    pub service_limits: limits::ServiceLimits,
    /// `assume_role`: the role the provider's calls run as, reached through STS with the
    /// credentials above.
    pub assume_role: Option<AssumeRole>,
    /// The other configurations of the provider (aliases, and `provider` blocks of modules),
    /// by the key resources refer to them with (`aws.east`, `module.net.aws`). Empty in those.
    pub others: IndexMap<String, AwsSettings>,
}

/// A provider block's `assume_role` settings.
#[derive(Debug, Clone, Default)]
pub struct AssumeRole {
    /// ARN of the role.
    pub role_arn: String,
    /// Session name (a generated one when absent).
    pub session_name: Option<String>,
    /// External id the role's trust policy may require.
    pub external_id: Option<String>,
    /// Session policy JSON.
    pub policy: Option<String>,
    /// Managed session policy ARNs.
    pub policy_arns: Vec<String>,
    /// Session duration.
    pub duration: Option<std::time::Duration>,
    /// Session tags.
    pub tags: IndexMap<String, String>,
}

/// The schema of the `provider "aws"` block. Terraform's other settings are accepted so that
/// blueprints written for Terraform load unchanged.
fn provider_schema() -> Schema {
    let mut endpoints = Schema::new();
    for svc in [
        "acm",
        "apigateway",
        "apigatewayv2",
        "applicationautoscaling",
        "appautoscaling",
        "cloudfront",
        "cloudwatch",
        "cloudwatchlogs",
        "logs",
        "cognitoidp",
        "dynamodb",
        "ec2",
        "ecr",
        "ecs",
        "elb",
        "elbv2",
        "events",
        "eventbridge",
        "iam",
        "kms",
        "lambda",
        "opensearchserverless",
        "rds",
        "route53",
        "s3",
        "s3api",
        "s3control",
        "secretsmanager",
        "servicediscovery",
        "sns",
        "sqs",
        "ssm",
        "sts",
        "wafv2",
        "elasticloadbalancing",
        "elasticloadbalancingv2",
        "elasticache",
        "redshift",
        "cloudwatchevents",
        "stepfunctions",
        "sfn",
        "efs",
        "kinesis",
        "organizations",
        "autoscaling",
        "codedeploy",
        "deploy",
        "signer",
    ] {
        endpoints = endpoints.optional(svc, Type::String);
    }
    Schema::new()
        .optional("region", Type::String)
        .optional("access_key", Type::String)
        .optional("secret_key", Type::String)
        .optional("token", Type::String)
        .optional("profile", Type::String)
        .optional("max_retries", Type::Number)
        .optional("s3_use_path_style", Type::Bool)
        .optional("s3_force_path_style", Type::Bool)
        .optional("skip_credentials_validation", Type::Bool)
        .optional("skip_metadata_api_check", Type::Any)
        .optional("skip_requesting_account_id", Type::Bool)
        .optional("skip_region_validation", Type::Bool)
        .optional("insecure", Type::Bool)
        .optional("shared_config_files", Type::list_of_strings())
        .optional("shared_credentials_files", Type::list_of_strings())
        .optional("allowed_account_ids", Type::list_of_strings())
        .optional("forbidden_account_ids", Type::list_of_strings())
        .optional("retry_mode", Type::String)
        .optional("sts_region", Type::String)
        .block("endpoints", Nesting::List, endpoints)
        .block(
            "default_tags",
            Nesting::Single,
            Schema::new().optional("tags", Type::map_of_strings()),
        )
        .block(
            "ignore_tags",
            Nesting::Single,
            Schema::new()
                .optional("keys", Type::set_of_strings())
                .optional("key_prefixes", Type::set_of_strings()),
        )
        .block(
            "assume_role",
            Nesting::List,
            Schema::new()
                .optional("role_arn", Type::String)
                .optional("session_name", Type::String)
                .optional("external_id", Type::String)
                .optional("policy", Type::String)
                .optional("policy_arns", Type::set_of_strings())
                .optional("duration", Type::String)
                .optional("tags", Type::map_of_strings())
                .optional("transitive_tag_keys", Type::set_of_strings())
                .optional("source_identity", Type::String),
        )
}

/// Reads every `provider "aws"` block of the blueprint: the root module's default one (or an
/// empty configuration when there is none) and the others by their configuration key.
pub fn settings_from_blueprint(root: &Module, inputs: &IndexMap<String, Value>) -> DResult<AwsSettings> {
    let service_limits = limits::ServiceLimits::from_env().map_err(Diag::new)?;
    let mut settings = AwsSettings {
        service_limits: service_limits.clone(),
        ..AwsSettings::default()
    };
    for (path, module) in root.walk() {
        for p in &module.providers {
            if crate::provider::builtin::PROVIDERS.contains(&p.name.as_str()) {
                // The built-in providers take no settings (Terraform's take none either).
                if let Some(a) = p.body.attrs.values().next() {
                    return Err(Diag::new(format!(
                        "Unsupported argument \"{}\" in provider \"{}\"",
                        a.name, p.name
                    ))
                    .detail(format!("The {} provider takes no settings.", p.name))
                    .at(&a.loc));
                }
                continue;
            }
            if p.name != "aws" {
                return Err(Diag::new(format!("Provider \"{}\" is not supported", p.name))
                    .detail("infractl manages AWS only.")
                    .at(&p.body.loc));
            }
            let mut one = read_provider_block(root, inputs, &path, p)?;
            one.service_limits = service_limits.clone();
            let addr = ConfigAddr {
                module: path.clone(),
                name: p.name.clone(),
                alias: p.alias.clone(),
            };
            if addr.is_root_default() {
                one.others = std::mem::take(&mut settings.others);
                settings = one;
            } else {
                settings.others.insert(addr.to_string(), one);
            }
        }
    }
    Ok(settings)
}

/// One `provider "aws"` block's settings, evaluated in its module.
fn read_provider_block(
    root: &Module,
    inputs: &IndexMap<String, Value>,
    path: &[String],
    p: &ProviderConfig,
) -> DResult<AwsSettings> {
    if let Some(b) = p.body.blocks.iter().find(|b| b.kind == "assume_role_with_web_identity") {
        return Err(
            Diag::new("assume_role_with_web_identity in the provider block is not supported yet")
                .detail("Use assume_role, or a profile with web_identity_token_file in the shared config.")
                .at(&b.body.loc),
        );
    }
    let ctx = Context::new(root, inputs, &AllUnknown);
    let steps: Vec<ModuleStep> = path.iter().map(ModuleStep::single).collect();
    let v = ctx.eval_body(&steps, &p.body, &provider_schema(), &Default::default())?;
    let s = |k: &str| v.get(k).as_str().map(str::to_string);
    let mut settings = AwsSettings {
        region: s("region"),
        access_key: s("access_key"),
        secret_key: s("secret_key"),
        token: s("token"),
        profile: s("profile"),
        max_retries: v.get("max_retries").as_number().map(|n| n as u32),
        retry_mode: s("retry_mode"),
        ..AwsSettings::default()
    };
    if let Some(mode) = settings.retry_mode.as_deref() {
        if mode != "standard" && mode != "adaptive" {
            return Err(Diag::new(format!(
                "retry_mode must be \"standard\" or \"adaptive\", not \"{mode}\""
            ))
            .at(&p.body.loc));
        }
    }
    for item in v.get("endpoints").as_list().into_iter().flatten() {
        for (k, x) in item.as_object().into_iter().flatten() {
            if let Some(url) = x.as_str() {
                settings.endpoints.insert(k.clone(), url.to_string());
            }
        }
    }
    if let Some(Value::Object(tags)) = v
        .get("default_tags")
        .as_list()
        .and_then(|l| l.first())
        .map(|t| t.get("tags"))
    {
        settings.default_tags = tags.clone();
    }
    if let Some(ar) = v.get("assume_role").as_list().and_then(|l| l.first()) {
        let loc = p
            .body
            .blocks
            .iter()
            .find(|b| b.kind == "assume_role")
            .map(|b| b.body.loc.clone())
            .unwrap_or_else(|| p.body.loc.clone());
        settings.assume_role = assume_role(ar, &loc)?;
    }
    Ok(settings)
}

/// The `assume_role` block; `None` when its role_arn is empty (Terraform skips the assume then).
fn assume_role(v: &Value, loc: &crate::blueprint::source::Loc) -> DResult<Option<AssumeRole>> {
    let s = |k: &str| v.get(k).as_str().map(str::to_string);
    let Some(role_arn) = s("role_arn").filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let duration = match s("duration") {
        None => None,
        Some(d) => Some(crate::duration::parse_go_duration(&d).ok_or_else(|| {
            Diag::new(format!("Invalid assume_role duration \"{d}\""))
                .detail("A duration is written like 1h, 15m or 900s.")
                .at(loc)
        })?),
    };
    let tags = v
        .get("tags")
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.as_str().map(|x| (k.clone(), x.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(AssumeRole {
        role_arn,
        session_name: s("session_name"),
        external_id: s("external_id"),
        policy: s("policy"),
        policy_arns: v
            .get("policy_arns")
            .as_list()
            .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        duration,
        tags,
    }))
}

/// SDK clients for every service infractl calls.
pub struct Clients {
    /// EC2 (VPC and networking).
    pub ec2: aws_sdk_ec2::Client,
    /// S3.
    pub s3: aws_sdk_s3::Client,
    /// S3 Control (account-wide S3 settings).
    pub s3control: aws_sdk_s3control::Client,
    /// DynamoDB.
    pub ddb: aws_sdk_dynamodb::Client,
    /// IAM.
    pub iam: aws_sdk_iam::Client,
    /// CloudWatch Logs.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
    /// Elastic Load Balancing v2.
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// ECS.
    pub ecs: aws_sdk_ecs::Client,
    /// ECR.
    pub ecr: aws_sdk_ecr::Client,
    /// Application Auto Scaling.
    pub appautoscaling: aws_sdk_applicationautoscaling::Client,
    /// SNS.
    pub sns: aws_sdk_sns::Client,
    /// CloudWatch (metrics, alarms, dashboards).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// SSM Parameter Store.
    pub ssm: aws_sdk_ssm::Client,
    /// Secrets Manager.
    pub secrets: aws_sdk_secretsmanager::Client,
    /// API Gateway (REST).
    pub apigateway: aws_sdk_apigateway::Client,
    /// OpenSearch Serverless.
    pub opensearchserverless: aws_sdk_opensearchserverless::Client,
    /// Redshift (subnet groups).
    pub redshift: aws_sdk_redshift::Client,
    /// ElastiCache (subnet groups).
    pub elasticache: aws_sdk_elasticache::Client,
    // Seed 001 (circle of trust).
    /// SQS.
    pub sqs: aws_sdk_sqs::Client,
    /// API Gateway v2 (HTTP and WebSocket APIs).
    pub apigatewayv2: aws_sdk_apigatewayv2::Client,
    /// Cloud Map (service discovery).
    pub servicediscovery: aws_sdk_servicediscovery::Client,
    /// RDS (DB instances, subnet and parameter groups).
    pub rds: aws_sdk_rds::Client,
    /// Route 53 (hosted zones and records).
    pub route53: aws_sdk_route53::Client,
    /// ACM (certificates).
    pub acm: aws_sdk_acm::Client,
    /// Cognito user pools (pools, clients, domains, identity providers, resource servers,
    /// groups).
    pub cognitoidp: aws_sdk_cognitoidentityprovider::Client,
    /// CloudFront (distributions, origin access controls, cache/origin-request/response-headers
    /// policies, functions). A global service: AWS serves it from us-east-1 whatever the region.
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// KMS (customer-managed keys and their aliases).
    pub kms: aws_sdk_kms::Client,
    /// Lambda (functions and their permissions).
    pub lambda: aws_sdk_lambda::Client,
    /// EventBridge (event buses, rules and their targets).
    pub events: aws_sdk_eventbridge::Client,
    /// Kinesis Data Streams.
    pub kinesis: aws_sdk_kinesis::Client,
    /// AWS Organizations (the caller's organization). A global service: one endpoint, in
    /// us-east-1 for the commercial partition, whatever the region.
    pub organizations: aws_sdk_organizations::Client,
    /// Step Functions (state machines and activities).
    pub sfn: aws_sdk_sfn::Client,
    /// EFS (file systems, mount targets, access points).
    pub efs: aws_sdk_efs::Client,
    /// EC2 Auto Scaling (groups launching from launch templates).
    pub autoscaling: aws_sdk_autoscaling::Client,
    /// CodeDeploy (applications and deployment groups).
    pub codedeploy: aws_sdk_codedeploy::Client,
    /// Signer (signing profiles).
    pub signer: aws_sdk_signer::Client,
    /// The region in use.
    pub region: String,
    /// The configuration's `default_tags` (for the `aws_default_tags` data source).
    pub default_tags: IndexMap<String, Value>,
    /// The account id, asked of STS once when something needs it to build an ARN.
    pub account: tokio::sync::OnceCell<String>,
}

impl Clients {
    /// The account the credentials belong to (one STS call per run).
    pub async fn account_id(&self) -> crate::provider::PResult<String> {
        self.account
            .get_or_try_init(|| async {
                let out = self.sts.get_caller_identity().send().await.map_err(common::aws_err)?;
                Ok(out.account().unwrap_or_default().to_string())
            })
            .await
            .cloned()
    }
}

/// Retries: jittered exponential backoff on throttling, 5xx and connection errors, up to
/// `max_retries` attempts (8 by default), behind the per-service limits on calls in flight.
/// `retry_mode` (provider block, then AWS_RETRY_MODE) picks the SDK's mode as Terraform's
/// provider does, `standard` by default as there. `adaptive` adds a client-side rate limiter
/// that cuts a service's send rate after each throttling error; at the few calls per second a
/// provisioning run makes, that cut is deep: measured against the fault-injecting proxy (20%
/// of calls failing), adaptive applies took 10–56 s where standard ones took 2.5–5 s.
fn retry_config(settings: &AwsSettings) -> RetryConfig {
    let mode = settings
        .retry_mode
        .clone()
        .or_else(|| std::env::var("AWS_RETRY_MODE").ok());
    let attempts = settings.max_retries.unwrap_or(8).max(1);
    match mode.as_deref() {
        Some("adaptive") => RetryConfig::adaptive().with_max_attempts(attempts),
        _ => RetryConfig::standard().with_max_attempts(attempts),
    }
}

/// Builds SDK clients from the settings.
pub async fn clients(settings: &AwsSettings) -> Clients {
    let region = settings
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .unwrap_or_else(|| "us-east-1".into());
    let https = limits::base_https_client();
    // The credential providers' own clients (STS, SSO, IMDS) use the same HTTPS client, so TLS
    // is set up once per run instead of once for them and again for the services.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.clone()))
        .http_client(https.clone())
        .retry_config(retry_config(settings));
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    if let (Some(a), Some(s)) = (&settings.access_key, &settings.secret_key) {
        loader = loader.credentials_provider(aws_sdk_ec2::config::Credentials::new(
            a,
            s,
            settings.token.clone(),
            None,
            "blueprint",
        ));
    }
    let mut shared = loader.load().await;
    let endpoint = |names: &[&str]| names.iter().find_map(|n| settings.endpoints.get(*n)).cloned();
    if let Some(ar) = &settings.assume_role {
        // The role is assumed with the credentials above, through STS at its own endpoint.
        let mut sts_conf = shared.to_builder();
        if let Some(url) = endpoint(&["sts"]) {
            sts_conf = sts_conf.endpoint_url(url);
        }
        let mut b = aws_config::sts::AssumeRoleProvider::builder(ar.role_arn.clone())
            .configure(&sts_conf.build())
            .policy_arns(ar.policy_arns.clone())
            .tags(ar.tags.clone());
        if let Some(v) = &ar.session_name {
            b = b.session_name(v.clone());
        }
        if let Some(v) = &ar.external_id {
            b = b.external_id(v.clone());
        }
        if let Some(v) = &ar.policy {
            b = b.policy(v.clone());
        }
        if let Some(d) = ar.duration {
            b = b.session_length(d);
        }
        let provider = b.build().await;
        shared = shared
            .into_builder()
            .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(provider))
            .build();
    }
    // One service's config: the shared settings, its own gate on calls in flight, and the
    // endpoint override under any of the names Terraform accepts for it.
    macro_rules! service_config {
        ($sdk:ident, $service:literal $(, $alias:literal)*) => {{
            debug_assert!(limits::SERVICES.contains(&$service), "{} missing from limits::SERVICES", $service);
            let limit = settings.service_limits.limit($service);
            let mut b = $sdk::config::Builder::from(&shared).http_client(limits::gated(https.clone(), limit));
            if let Some(url) = endpoint(&[$service $(, $alias)*]) {
                b = b.endpoint_url(url);
            }
            b
        }};
    }
    let ec2 = service_config!(aws_sdk_ec2, "ec2");
    // Path-style addressing always: bucket sub-domains of emulator hosts do not resolve, and
    // AWS accepts path style too.
    let s3 = service_config!(aws_sdk_s3, "s3", "s3api").force_path_style(true);
    let s3control = service_config!(aws_sdk_s3control, "s3control").endpoint_resolver(s3::control::Resolver::default());
    let ddb = service_config!(aws_sdk_dynamodb, "dynamodb");
    let iam = service_config!(aws_sdk_iam, "iam");
    let logs = service_config!(aws_sdk_cloudwatchlogs, "logs", "cloudwatchlogs");
    let sts = service_config!(aws_sdk_sts, "sts");
    let elbv2 = service_config!(
        aws_sdk_elasticloadbalancingv2,
        "elbv2",
        "elb",
        "elasticloadbalancingv2",
        "elasticloadbalancing"
    );
    let ecs = service_config!(aws_sdk_ecs, "ecs");
    let ecr = service_config!(aws_sdk_ecr, "ecr");
    let appautoscaling = service_config!(
        aws_sdk_applicationautoscaling,
        "applicationautoscaling",
        "appautoscaling"
    );
    let sns = service_config!(aws_sdk_sns, "sns");
    let cloudwatch = service_config!(aws_sdk_cloudwatch, "cloudwatch");
    let ssm = service_config!(aws_sdk_ssm, "ssm");
    let secrets = service_config!(aws_sdk_secretsmanager, "secretsmanager");
    let apigateway = service_config!(aws_sdk_apigateway, "apigateway");
    let aoss = service_config!(aws_sdk_opensearchserverless, "opensearchserverless");
    let redshift = service_config!(aws_sdk_redshift, "redshift");
    let elasticache = service_config!(aws_sdk_elasticache, "elasticache");
    // Seed 001 (circle of trust).
    let sqs = service_config!(aws_sdk_sqs, "sqs");
    let apigatewayv2 = service_config!(aws_sdk_apigatewayv2, "apigatewayv2");
    let servicediscovery = service_config!(aws_sdk_servicediscovery, "servicediscovery");
    let rds = service_config!(aws_sdk_rds, "rds");
    let route53 = service_config!(aws_sdk_route53, "route53");
    let acm = service_config!(aws_sdk_acm, "acm");
    let cognitoidp = service_config!(aws_sdk_cognitoidentityprovider, "cognitoidp");
    let cloudfront = service_config!(aws_sdk_cloudfront, "cloudfront");
    let kms = service_config!(aws_sdk_kms, "kms");
    let lambda = service_config!(aws_sdk_lambda, "lambda");
    let events = service_config!(aws_sdk_eventbridge, "events", "eventbridge", "cloudwatchevents");
    let kinesis = service_config!(aws_sdk_kinesis, "kinesis");
    let organizations = service_config!(aws_sdk_organizations, "organizations");
    let sfn = service_config!(aws_sdk_sfn, "sfn", "stepfunctions");
    let efs = service_config!(aws_sdk_efs, "efs");
    let autoscaling = service_config!(aws_sdk_autoscaling, "autoscaling");
    let codedeploy = service_config!(aws_sdk_codedeploy, "codedeploy", "deploy");
    let signer = service_config!(aws_sdk_signer, "signer");
    Clients {
        redshift: aws_sdk_redshift::Client::from_conf(redshift.build()),
        elasticache: aws_sdk_elasticache::Client::from_conf(elasticache.build()),
        rds: aws_sdk_rds::Client::from_conf(rds.build()),
        route53: aws_sdk_route53::Client::from_conf(route53.build()),
        acm: aws_sdk_acm::Client::from_conf(acm.build()),
        cognitoidp: aws_sdk_cognitoidentityprovider::Client::from_conf(cognitoidp.build()),
        cloudfront: aws_sdk_cloudfront::Client::from_conf(cloudfront.build()),
        kms: aws_sdk_kms::Client::from_conf(kms.build()),
        lambda: aws_sdk_lambda::Client::from_conf(lambda.build()),
        events: aws_sdk_eventbridge::Client::from_conf(events.build()),
        kinesis: aws_sdk_kinesis::Client::from_conf(kinesis.build()),
        organizations: aws_sdk_organizations::Client::from_conf(organizations.build()),
        sfn: aws_sdk_sfn::Client::from_conf(sfn.build()),
        efs: aws_sdk_efs::Client::from_conf(efs.build()),
        autoscaling: aws_sdk_autoscaling::Client::from_conf(autoscaling.build()),
        codedeploy: aws_sdk_codedeploy::Client::from_conf(codedeploy.build()),
        signer: aws_sdk_signer::Client::from_conf(signer.build()),
        opensearchserverless: aws_sdk_opensearchserverless::Client::from_conf(aoss.build()),
        // Seed 001 (circle of trust).
        sqs: aws_sdk_sqs::Client::from_conf(sqs.build()),
        apigatewayv2: aws_sdk_apigatewayv2::Client::from_conf(apigatewayv2.build()),
        servicediscovery: aws_sdk_servicediscovery::Client::from_conf(servicediscovery.build()),
        apigateway: aws_sdk_apigateway::Client::from_conf(apigateway.build()),
        ssm: aws_sdk_ssm::Client::from_conf(ssm.build()),
        secrets: aws_sdk_secretsmanager::Client::from_conf(secrets.build()),
        sns: aws_sdk_sns::Client::from_conf(sns.build()),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(cloudwatch.build()),
        account: Default::default(),
        appautoscaling: aws_sdk_applicationautoscaling::Client::from_conf(appautoscaling.build()),
        ecr: aws_sdk_ecr::Client::from_conf(ecr.build()),
        ecs: aws_sdk_ecs::Client::from_conf(ecs.build()),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::from_conf(elbv2.build()),
        ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
        ddb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
        iam: aws_sdk_iam::Client::from_conf(iam.build()),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs.build()),
        sts: aws_sdk_sts::Client::from_conf(sts.build()),
        region,
        default_tags: settings.default_tags.clone(),
    }
}

/// Every resource type and data source, with live clients: one registry per provider
/// configuration, the others reachable from the default one by their configuration key. Each
/// reaches other regions through the `region` argument ([`region`]).
pub async fn registry(settings: &AwsSettings) -> Registry {
    let mut r = configuration_registry(settings).await;
    for (key, other) in &settings.others {
        r.add_configuration(key, configuration_registry(other).await);
    }
    r
}

/// The types of one provider configuration, bound to its clients and able to reach others.
async fn configuration_registry(settings: &AwsSettings) -> Registry {
    let clients = Arc::new(clients(settings).await);
    let mut own = settings.clone();
    own.others.clear();
    let regions = Arc::new(region::Regions::new(&clients.region, Some(own)));
    let mut r = build_registry(clients);
    region::wrap(&mut r, regions);
    own_tags::wrap(&mut r);
    r.default_tags = settings.default_tags.clone();
    r
}

/// Clients that make no calls (no endpoint is reached until a call is sent): for the schema
/// registry and unit tests of types' planning code.
pub(crate) fn offline_clients() -> Clients {
    let shared = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .http_client(limits::offline_http_client())
        .build();
    Clients {
        ec2: aws_sdk_ec2::Client::new(&shared),
        s3: aws_sdk_s3::Client::new(&shared),
        s3control: aws_sdk_s3control::Client::new(&shared),
        ddb: aws_sdk_dynamodb::Client::new(&shared),
        iam: aws_sdk_iam::Client::new(&shared),
        logs: aws_sdk_cloudwatchlogs::Client::new(&shared),
        sts: aws_sdk_sts::Client::new(&shared),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&shared),
        ecs: aws_sdk_ecs::Client::new(&shared),
        ecr: aws_sdk_ecr::Client::new(&shared),
        appautoscaling: aws_sdk_applicationautoscaling::Client::new(&shared),
        sns: aws_sdk_sns::Client::new(&shared),
        ssm: aws_sdk_ssm::Client::new(&shared),
        apigateway: aws_sdk_apigateway::Client::new(&shared),
        opensearchserverless: aws_sdk_opensearchserverless::Client::new(&shared),
        redshift: aws_sdk_redshift::Client::new(&shared),
        elasticache: aws_sdk_elasticache::Client::new(&shared),
        // Seed 001 (circle of trust).
        sqs: aws_sdk_sqs::Client::new(&shared),
        apigatewayv2: aws_sdk_apigatewayv2::Client::new(&shared),
        servicediscovery: aws_sdk_servicediscovery::Client::new(&shared),
        rds: aws_sdk_rds::Client::new(&shared),
        route53: aws_sdk_route53::Client::new(&shared),
        acm: aws_sdk_acm::Client::new(&shared),
        cognitoidp: aws_sdk_cognitoidentityprovider::Client::new(&shared),
        cloudfront: aws_sdk_cloudfront::Client::new(&shared),
        kms: aws_sdk_kms::Client::new(&shared),
        lambda: aws_sdk_lambda::Client::new(&shared),
        events: aws_sdk_eventbridge::Client::new(&shared),
        kinesis: aws_sdk_kinesis::Client::new(&shared),
        organizations: aws_sdk_organizations::Client::new(&shared),
        sfn: aws_sdk_sfn::Client::new(&shared),
        efs: aws_sdk_efs::Client::new(&shared),
        autoscaling: aws_sdk_autoscaling::Client::new(&shared),
        codedeploy: aws_sdk_codedeploy::Client::new(&shared),
        signer: aws_sdk_signer::Client::new(&shared),
        secrets: aws_sdk_secretsmanager::Client::new(&shared),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&shared),
        account: Default::default(),
        region: "us-east-1".into(),
        default_tags: IndexMap::new(),
    }
}

/// The same registry without network access, for validation (schemas only; no calls are made).
/// Built once per process: loading a blueprint and validating it both need it, and building
/// every type's schema is most of what loading costs.
pub fn schemas_registry() -> Registry {
    static BUILT: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let mut r = build_registry(Arc::new(offline_clients()));
            region::wrap(&mut r, Arc::new(region::Regions::new("us-east-1", None)));
            r
        })
        .clone()
}

/// The schemas the blueprint loader reads `*.tf.json` bodies with (every resource type, data
/// source and the provider block), so it can tell nested blocks from object-valued attributes.
pub struct BlueprintSchemas {
    registry: Registry,
    provider: Schema,
}

/// [`BlueprintSchemas`] for everything infractl supports; builds the schema registry (no calls).
pub fn blueprint_schemas() -> BlueprintSchemas {
    BlueprintSchemas {
        registry: crate::provider::schemas_registry(),
        provider: provider_schema(),
    }
}

impl BlockSchemas for BlueprintSchemas {
    fn resource(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        match mode {
            Mode::Managed => self.registry.resource(type_name).map(|r| r.schema()),
            Mode::Data => self.registry.data_source(type_name).map(|d| d.schema()),
            Mode::Ephemeral => self.registry.ephemeral(type_name).map(|e| e.schema()),
        }
    }

    fn provider(&self, name: &str) -> Option<&Schema> {
        (name == "aws").then_some(&self.provider)
    }
}

fn build_registry(c: Arc<Clients>) -> Registry {
    let mut r = Registry::default();
    r.set_unimplemented(schema::unimplemented);
    r.add_resource(Arc::new(ec2::vpc::Vpc::new(c.clone())));
    r.add_resource(Arc::new(
        ec2::vpc_block_public_access_options::BlockPublicAccessOptions::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::vpc_block_public_access_exclusion::BlockPublicAccessExclusion::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::subnet::Subnet::new(c.clone())));
    r.add_resource(Arc::new(ec2::internet_gateway::InternetGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::eip::Eip::new(c.clone())));
    r.add_resource(Arc::new(ec2::ebs_volume::EbsVolume::new(c.clone())));
    r.add_resource(Arc::new(ec2::volume_attachment::VolumeAttachment::new(c.clone())));
    r.add_resource(Arc::new(ec2::eip_association::EipAssociation::new(c.clone())));
    r.add_resource(Arc::new(ec2::key_pair::KeyPair::new(c.clone())));
    r.add_resource(Arc::new(ec2::instance::Ec2Instance::new(c.clone())));
    r.add_resource(Arc::new(ec2::launch_template::LaunchTemplate::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::group::AutoscalingGroup::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::schedule::Schedule::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::lifecycle_hook::LifecycleHook::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::launch_configuration::LaunchConfiguration::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(
        autoscaling::traffic_source_attachment::TrafficSourceAttachment::new(c.clone()),
    ));
    r.add_resource(Arc::new(autoscaling::attachment::Attachment::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::notification::Notification::new(c.clone())));
    r.add_resource(Arc::new(autoscaling::policy::Policy::new(c.clone())));
    r.add_resource(Arc::new(codedeploy::app::App::new(c.clone())));
    r.add_resource(Arc::new(codedeploy::deployment_group::DeploymentGroup::new(c.clone())));
    r.add_resource(Arc::new(signer::signing_profile::SigningProfile::new(c.clone())));
    r.add_resource(Arc::new(ec2::nat_gateway::NatGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::route_table::RouteTable::new(c.clone())));
    r.add_resource(Arc::new(ec2::route::Route::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_endpoint::VpcEndpoint::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_endpoint_policy::VpcEndpointPolicy::new(c.clone())));
    r.add_resource(Arc::new(ec2::route_table_association::RouteTableAssociation::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::security_group::SecurityGroup::new(c.clone())));
    r.add_resource(Arc::new(ec2::security_group_rule::SecurityGroupRule::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_security_group_rule::VpcSecurityGroupRule::new(
        c.clone(),
        ec2::vpc_security_group_rule::Direction::Ingress,
    )));
    r.add_resource(Arc::new(ec2::vpc_security_group_rule::VpcSecurityGroupRule::new(
        c.clone(),
        ec2::vpc_security_group_rule::Direction::Egress,
    )));
    r.add_resource(Arc::new(ec2::default_vpc::DefaultVpc::new(c.clone())));
    r.add_resource(Arc::new(ec2::default_subnet::DefaultSubnet::new(c.clone())));
    r.add_resource(Arc::new(ec2::default_security_group::DefaultSecurityGroup::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::default_route_table::DefaultRouteTable::new(c.clone())));
    r.add_resource(Arc::new(ec2::default_network_acl::DefaultNetworkAcl::new(c.clone())));
    r.add_resource(Arc::new(
        ec2::vpc_ipv4_cidr_block_association::VpcIpv4CidrBlockAssociation::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::vpc_ipv6_cidr_block_association::VpcIpv6CidrBlockAssociation::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::egress_only_internet_gateway::EgressOnlyInternetGateway::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::vpc_dhcp_options::VpcDhcpOptions::new(c.clone())));
    r.add_resource(Arc::new(
        ec2::vpc_dhcp_options_association::VpcDhcpOptionsAssociation::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::flow_log::FlowLog::new(c.clone())));
    r.add_resource(Arc::new(ec2::network_acl::NetworkAcl::new(c.clone())));
    r.add_resource(Arc::new(ec2::network_acl_rule::NetworkAclRule::new(c.clone())));
    r.add_resource(Arc::new(ec2::network_acl_association::NetworkAclAssociation::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::customer_gateway::CustomerGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::capacity_reservation::CapacityReservation::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_ipam::Ipam::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_ipam_pool::IpamPool::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_ipam_pool_cidr::IpamPoolCidrType::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_ipam_scope::IpamScope::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_ipam_preview_next_cidr::IpamPreviewNextCidr::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::vpc_peering_connection::VpcPeeringConnection::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(
        ec2::vpc_peering_connection_accepter::VpcPeeringConnectionAccepter::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::vpc_peering_connection_options::VpcPeeringConnectionOptions::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::transit_gateway::TransitGateway::new(c.clone())));
    r.add_resource(Arc::new(
        ec2::transit_gateway_vpc_attachment::TransitGatewayVpcAttachment::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::transit_gateway_route_table::TransitGatewayRouteTable::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::transit_gateway_route_table_association::TransitGatewayRouteTableAssociation::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::transit_gateway_route_table_propagation::TransitGatewayRouteTablePropagation::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::transit_gateway_route::TransitGatewayRoute::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::placement_group::PlacementGroup::new(c.clone())));
    r.add_resource(Arc::new(ec2::network_interface::NetworkInterface::new(c.clone())));
    r.add_resource(Arc::new(
        ec2::network_interface_attachment::NetworkInterfaceAttachment::new(c.clone()),
    ));
    r.add_resource(Arc::new(
        ec2::network_interface_sg_attachment::NetworkInterfaceSgAttachment::new(c.clone()),
    ));
    r.add_resource(Arc::new(ec2::managed_prefix_list::ManagedPrefixListType::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ec2::vpn_gateway::VpnGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpn_gateway_attachment::VpnGatewayAttachment::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(
        ec2::vpn_gateway_route_propagation::VpnGatewayRoutePropagation::new(c.clone()),
    ));
    r.add_resource(Arc::new(redshift::subnet_group::SubnetGroup::new(c.clone())));
    r.add_resource(Arc::new(elasticache::cluster::Cluster::new(c.clone())));
    r.add_resource(Arc::new(elasticache::parameter_group::ParameterGroup::new(c.clone())));
    r.add_resource(Arc::new(elasticache::subnet_group::SubnetGroup::new(c.clone())));
    r.add_resource(Arc::new(s3::bucket::Bucket::new(c.clone())));
    r.add_resource(Arc::new(s3::versioning::BucketVersioning::new(c.clone())));
    r.add_resource(Arc::new(s3::encryption::BucketEncryption::new(c.clone())));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::public_access_block::PublicAccessBlock,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::policy::BucketPolicy,
    )));
    r.add_resource(Arc::new(s3::lifecycle::BucketLifecycle::new(c.clone())));
    r.add_resource(Arc::new(s3::companion::Companion::new(c.clone(), s3::cors::Cors)));
    r.add_resource(Arc::new(s3::companion::Companion::new(c.clone(), s3::website::Website)));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::ownership_controls::OwnershipControls,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(c.clone(), s3::logging::Logging)));
    r.add_resource(Arc::new(s3::companion::Companion::new(c.clone(), s3::acl::Acl)));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::accelerate::Accelerate,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::request_payment::RequestPayment,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::object_lock::ObjectLock,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::replication::Replication,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::notification::Notification,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::intelligent_tiering::IntelligentTiering,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::inventory::Inventory,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(
        c.clone(),
        s3::analytics::Analytics,
    )));
    r.add_resource(Arc::new(s3::companion::Companion::new(c.clone(), s3::metric::Metric)));
    r.add_resource(Arc::new(s3::object::Object::new(c.clone())));
    r.add_resource(Arc::new(
        s3::account_public_access_block::AccountPublicAccessBlock::new(c.clone()),
    ));
    r.add_resource(Arc::new(dynamodb::table::Table::new(c.clone())));
    r.add_resource(Arc::new(dynamodb::table_item::TableItem::new(c.clone())));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        dynamodb::resource_policy::ResourcePolicy,
    )));
    r.add_resource(Arc::new(ecs::cluster::Cluster::new(c.clone())));
    r.add_resource(Arc::new(ecs::task_definition::TaskDefinition::new(c.clone())));
    r.add_resource(Arc::new(ecs::service::Service::new(c.clone())));
    r.add_resource(Arc::new(appautoscaling::target::Target::new(c.clone())));
    r.add_resource(Arc::new(appautoscaling::policy::Policy::new(c.clone())));
    r.add_resource(Arc::new(appautoscaling::scheduled_action::ScheduledAction::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(sns::topic::Topic::new(c.clone())));
    r.add_resource(Arc::new(sns::topic_subscription::TopicSubscription::new(c.clone())));
    r.add_resource(Arc::new(cloudwatch::metric_alarm::MetricAlarm::new(c.clone())));
    r.add_resource(Arc::new(cloudwatch::composite_alarm::CompositeAlarm::new(c.clone())));
    r.add_resource(Arc::new(cloudwatch::dashboard::Dashboard::new(c.clone())));
    r.add_resource(Arc::new(ssm::document::Document::new(c.clone())));
    r.add_resource(Arc::new(ssm::maintenance_window::MaintenanceWindow::new(c.clone())));
    r.add_resource(Arc::new(ssm::maintenance_window_target::MaintenanceWindowTarget::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ssm::maintenance_window_task::MaintenanceWindowTask::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ssm::parameter::Parameter::new(c.clone())));
    r.add_resource(Arc::new(secretsmanager::secret::Secret::new(c.clone())));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        secretsmanager::secret_policy::SecretPolicy,
    )));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        secretsmanager::secret_rotation::SecretRotation,
    )));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        logs::data_protection_policy::DataProtectionPolicy,
    )));
    r.add_resource(Arc::new(secretsmanager::secret_version::SecretVersion::new(c.clone())));
    r.add_resource(Arc::new(apigateway::rest_api::RestApi::new(c.clone())));
    r.add_resource(Arc::new(apigateway::deployment::Deployment::new(c.clone())));
    r.add_resource(Arc::new(apigateway::resource::Resource::new(c.clone())));
    r.add_resource(Arc::new(apigateway::method::Method::new(c.clone())));
    r.add_resource(Arc::new(apigateway::integration::Integration::new(c.clone())));
    r.add_resource(Arc::new(apigateway::stage::Stage::new(c.clone())));
    r.add_resource(Arc::new(apigateway::method_settings::MethodSettings::new(c.clone())));
    r.add_resource(Arc::new(apigateway::account::Account::new(c.clone())));
    r.add_resource(Arc::new(apigateway::usage_plan::UsagePlan::new(c.clone())));
    r.add_resource(Arc::new(apigateway::api_key::ApiKey::new(c.clone())));
    r.add_resource(Arc::new(apigateway::usage_plan_key::UsagePlanKey::new(c.clone())));
    r.add_resource(Arc::new(opensearchserverless::security_policy::SecurityPolicy::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(opensearchserverless::access_policy::AccessPolicy::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(opensearchserverless::collection::Collection::new(c.clone())));
    r.add_resource(Arc::new(opensearchserverless::lifecycle_policy::LifecyclePolicy::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(opensearchserverless::vpc_endpoint::VpcEndpoint::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ecr::repository::Repository::new(c.clone())));
    r.add_resource(Arc::new(ecr::pull_through_cache_rule::PullThroughCacheRule::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(ecr::repository_creation_template::CreationTemplate::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        ecr::lifecycle_policy::LifecyclePolicy,
    )));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        ecr::repository_policy::RepositoryPolicy,
    )));
    r.add_resource(Arc::new(ecr::registry_policy::RegistryPolicy::new(c.clone())));
    r.add_resource(Arc::new(
        ecr::registry_scanning_configuration::RegistryScanningConfiguration::new(c.clone()),
    ));
    r.add_resource(Arc::new(ecr::replication_configuration::ReplicationConfiguration::new(
        c.clone(),
    )));
    elbv2::register(&mut r, &c);
    r.add_resource(Arc::new(iam::role::Role::new(c.clone())));
    r.add_resource(Arc::new(iam::policy::Policy::new(c.clone())));
    r.add_resource(Arc::new(iam::user::User::new(c.clone())));
    r.add_resource(Arc::new(iam::access_key::AccessKey::new(c.clone())));
    r.add_resource(Arc::new(iam::user_login_profile::UserLoginProfile::new(c.clone())));
    r.add_resource(Arc::new(iam::group::Group::new(c.clone())));
    r.add_resource(Arc::new(iam::instance_profile::InstanceProfile::new(c.clone())));
    for kind in [
        iam::principal::Principal::Role,
        iam::principal::Principal::User,
        iam::principal::Principal::Group,
    ] {
        r.add_resource(Arc::new(iam::inline_policy::InlinePolicy::new(c.clone(), kind)));
        r.add_resource(Arc::new(iam::attachment::PolicyAttachment::new(c.clone(), kind)));
    }
    r.add_resource(Arc::new(iam::policy_attachment::PolicyAttachment::new(c.clone())));
    r.add_resource(Arc::new(iam::group_membership::GroupMembership::new(c.clone())));
    r.add_resource(Arc::new(iam::user_group_membership::UserGroupMembership::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(logs::log_group::LogGroup::new(c.clone())));
    r.add_resource(Arc::new(logs::log_stream::LogStream::new(c.clone())));
    r.add_resource(Arc::new(logs::metric_filter::MetricFilter::new(c.clone())));
    r.add_resource(Arc::new(logs::resource_policy::ResourcePolicy::new(c.clone())));
    r.add_resource(Arc::new(logs::query_definition::QueryDefinition::new(c.clone())));
    r.add_resource(Arc::new(logs::subscription_filter::SubscriptionFilter::new(c.clone())));
    r.add_resource(Arc::new(Attached::new(c.clone(), sns::topic_policy::TopicPolicy)));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        sns::topic_data_protection_policy::TopicDataProtectionPolicy,
    )));
    // Seed 001 (circle of trust).
    r.add_resource(Arc::new(sqs::queue::Queue::new(c.clone())));
    for owned in [
        sqs::queue_attribute::Owned::Policy,
        sqs::queue_attribute::Owned::RedrivePolicy,
        sqs::queue_attribute::Owned::RedriveAllowPolicy,
    ] {
        r.add_resource(Arc::new(sqs::queue_attribute::QueueAttribute::new(c.clone(), owned)));
    }
    for kind in [
        servicediscovery::namespace::Kind::PrivateDns,
        servicediscovery::namespace::Kind::PublicDns,
        servicediscovery::namespace::Kind::Http,
    ] {
        r.add_resource(Arc::new(servicediscovery::namespace::Namespace::new(c.clone(), kind)));
    }
    r.add_resource(Arc::new(servicediscovery::service::Service::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::api::Api::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::vpc_link::VpcLink::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::domain_name::DomainName::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::api_mapping::ApiMapping::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::integration::Integration::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::route::Route::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::stage::Stage::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::deployment::Deployment::new(c.clone())));
    r.add_resource(Arc::new(apigatewayv2::authorizer::Authorizer::new(c.clone())));
    r.add_resource(Arc::new(iam::openid_connect_provider::OpenIdConnectProvider::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(iam::saml_provider::SamlProvider::new(c.clone())));
    r.add_resource(Arc::new(iam::service_linked_role::ServiceLinkedRole::new(c.clone())));
    r.add_resource(Arc::new(iam::account_alias::AccountAlias::new(c.clone())));
    r.add_resource(Arc::new(iam::account_password_policy::AccountPasswordPolicy::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(
        ecs::cluster_capacity_providers::ClusterCapacityProviders::new(c.clone()),
    ));
    r.add_resource(Arc::new(ecs::capacity_provider::CapacityProvider::new(c.clone())));
    r.add_resource(Arc::new(rds::subnet_group::SubnetGroup::new(c.clone())));
    r.add_resource(Arc::new(rds::parameter_group::ParameterGroup::new(
        c.clone(),
        rds::parameter_group::Scope::Instance,
    )));
    r.add_resource(Arc::new(rds::parameter_group::ParameterGroup::new(
        c.clone(),
        rds::parameter_group::Scope::Cluster,
    )));
    r.add_resource(Arc::new(rds::db_instance::DbInstance::new(c.clone())));
    r.add_resource(Arc::new(
        rds::automated_backups_replication::AutomatedBackupsReplication::new(c.clone()),
    ));
    r.add_resource(Arc::new(rds::instance_role_association::InstanceRoleAssociation::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(rds::cluster::Cluster::new(c.clone())));
    r.add_resource(Arc::new(rds::cluster_instance::ClusterInstance::new(c.clone())));
    r.add_resource(Arc::new(rds::option_group::OptionGroup::new(c.clone())));
    r.add_resource(Arc::new(route53::zone::Zone::new(c.clone())));
    r.add_resource(Arc::new(route53::record::Record::new(c.clone())));
    r.add_resource(Arc::new(route53::health_check::HealthCheck::new(c.clone())));
    r.add_resource(Arc::new(acm::certificate::Certificate::new(c.clone())));
    r.add_resource(Arc::new(acm::certificate_validation::CertificateValidation::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(cognito::user_pool::UserPool::new(c.clone())));
    r.add_resource(Arc::new(cognito::user_pool_client::UserPoolClient::new(c.clone())));
    r.add_resource(Arc::new(cognito::user_pool_domain::UserPoolDomain::new(c.clone())));
    r.add_resource(Arc::new(cognito::identity_provider::IdentityProvider::new(c.clone())));
    r.add_resource(Arc::new(cognito::resource_server::ResourceServer::new(c.clone())));
    r.add_resource(Arc::new(cognito::user_group::UserGroup::new(c.clone())));
    r.add_resource(Arc::new(cloudfront::cache_policy::CachePolicy::new(c.clone())));
    r.add_resource(Arc::new(cloudfront::origin_request_policy::OriginRequestPolicy::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(
        cloudfront::response_headers_policy::ResponseHeadersPolicy::new(c.clone()),
    ));
    r.add_resource(Arc::new(cloudfront::origin_access_control::OriginAccessControl::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(cloudfront::distribution::Distribution::new(c.clone())));
    r.add_resource(Arc::new(cloudfront::function::Function::new(c.clone())));
    r.add_resource(Arc::new(kms::key::Key::new(c.clone())));
    r.add_resource(Arc::new(kms::alias::Alias::new(c.clone())));
    r.add_resource(Arc::new(kms::key_policy::KeyPolicy::new(c.clone())));
    r.add_resource(Arc::new(kms::grant::Grant::new(c.clone())));
    r.add_resource(Arc::new(kms::external_key::new(c.clone())));
    r.add_resource(Arc::new(kms::replica_key::new(c.clone())));
    r.add_resource(Arc::new(kms::replica_external_key::new(c.clone())));
    r.add_resource(Arc::new(lambda::function::Function::new(c.clone())));
    r.add_resource(Arc::new(lambda::permission::Permission::new(c.clone())));
    r.add_resource(Arc::new(lambda::event_invoke_config::EventInvokeConfig::new(c.clone())));
    r.add_resource(Arc::new(lambda::layer_version::LayerVersion::new(c.clone())));
    r.add_resource(Arc::new(lambda::alias::Alias::new(c.clone())));
    r.add_resource(Arc::new(lambda::event_source_mapping::EventSourceMapping::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(lambda::function_url::FunctionUrl::new(c.clone())));
    r.add_resource(Arc::new(events::bus::Bus::new(c.clone())));
    r.add_resource(Arc::new(events::rule::Rule::new(c.clone())));
    r.add_resource(Arc::new(events::archive::Archive::new(c.clone())));
    r.add_resource(Arc::new(events::target::Target::new(c.clone())));
    r.add_resource(Arc::new(kinesis::stream::Stream::new(c.clone())));
    r.add_resource(Arc::new(sfn::state_machine::StateMachine::new(c.clone())));
    r.add_resource(Arc::new(sfn::activity::Activity::new(c.clone())));
    r.add_resource(Arc::new(sfn::alias::Alias::new(c.clone())));
    r.add_resource(Arc::new(efs::file_system::FileSystem::new(c.clone())));
    r.add_resource(Arc::new(efs::mount_target::MountTarget::new(c.clone())));
    r.add_resource(Arc::new(efs::access_point::AccessPoint::new(c.clone())));
    r.add_resource(Arc::new(Attached::new(
        c.clone(),
        efs::file_system_policy::FileSystemPolicy,
    )));
    r.add_resource(Arc::new(Attached::new(c.clone(), efs::backup_policy::BackupPolicy)));
    r.add_resource(Arc::new(efs::replication_configuration::ReplicationConfiguration::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(efs::data::FileSystemData::new(c.clone())));
    r.add_data_source(Arc::new(efs::data::AccessPointData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::availability_zones::AvailabilityZones::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::vpc::VpcData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::ids::IdsData::vpcs(c.clone())));
    r.add_data_source(Arc::new(ec2::data::subnet::SubnetData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::ids::IdsData::subnets(c.clone())));
    r.add_data_source(Arc::new(ec2::data::ids::IdsData::network_interfaces(c.clone())));
    r.add_data_source(Arc::new(ec2::data::network_interface::NetworkInterfaceData::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(ec2::data::security_group::SecurityGroupData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::transit_gateway::TransitGatewayData::new(c.clone())));
    r.add_data_source(Arc::new(
        ec2::data::transit_gateway_route_table::TransitGatewayRouteTableData::new(c.clone()),
    ));
    r.add_data_source(Arc::new(ec2::data::launch_template::LaunchTemplateData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::ami::AmiData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::managed_prefix_list::ManagedPrefixListData::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(ec2::data::prefix_list::PrefixListData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::route_table::RouteTableData::new(c.clone())));
    r.add_data_source(Arc::new(ec2::data::vpc_endpoint_service::VpcEndpointServiceData::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(meta::caller_identity::CallerIdentity::new(c.clone())));
    r.add_data_source(Arc::new(meta::region::Region::new(c.clone())));
    r.add_data_source(Arc::new(meta::partition::Partition::new(c.clone())));
    r.add_data_source(Arc::new(meta::iam_policy_document::PolicyDocument::new()));
    r.add_data_source(Arc::new(iam::openid_connect_provider::OpenIdConnectProviderData::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(iam::policy_data::PolicyData::new(c.clone())));
    r.add_data_source(Arc::new(iam::role_data::RoleData::new(c.clone())));
    r.add_data_source(Arc::new(iam::session_context::SessionContext::new(c.clone())));
    r.add_data_source(Arc::new(ssm::parameter_data::ParameterData::new(c.clone())));
    r.add_data_source(Arc::new(secretsmanager::secret_data::SecretData::new(c.clone())));
    r.add_data_source(Arc::new(secretsmanager::secret_version_data::SecretVersionData::new(
        c.clone(),
    )));
    r.add_data_source(Arc::new(meta::arn::Arn::new()));
    r.add_data_source(Arc::new(meta::elb_service_account::ElbServiceAccount::new(c.clone())));
    r.add_data_source(Arc::new(
        cloudfront::log_delivery_canonical_user_id::LogDeliveryCanonicalUserId::new(c.clone()),
    ));
    r.add_data_source(Arc::new(meta::default_tags::DefaultTags::new(c.clone())));
    r.add_data_source(Arc::new(s3::canonical_user_id::CanonicalUserId::new(c.clone())));
    r.add_data_source(Arc::new(logs::log_group_data::LogGroupData::new(c.clone())));
    r.add_data_source(Arc::new(
        logs::data_protection_policy_document::DataProtectionPolicyDocument::new(),
    ));
    r.add_data_source(Arc::new(ecr::repository_data::RepositoryData::new(c.clone())));
    r.add_data_source(Arc::new(ecs::cluster_data::ClusterData::new(c.clone())));
    r.add_data_source(Arc::new(elasticache::cluster_data::ClusterData::new(c.clone())));
    r.add_data_source(Arc::new(ecs::task_definition_data::TaskDefinitionData::new(c.clone())));
    r.add_data_source(Arc::new(elbv2::lb_data::LbData::new(c.clone())));
    r.add_data_source(Arc::new(route53::zone_data::ZoneData::new(c.clone())));
    r.add_data_source(Arc::new(acm::certificate_data::CertificateData::new(c.clone())));
    r.add_data_source(Arc::new(cloudfront::cache_policy::CachePolicyData::new(c.clone())));
    r.add_data_source(Arc::new(
        cloudfront::origin_request_policy::OriginRequestPolicyData::new(c.clone()),
    ));
    r.add_data_source(Arc::new(
        cloudfront::response_headers_policy::ResponseHeadersPolicyData::new(c.clone()),
    ));
    r.add_data_source(Arc::new(kms::key_data::KeyData::new(c.clone())));
    r.add_data_source(Arc::new(kms::alias_data::AliasData::new(c.clone())));
    r.add_data_source(Arc::new(lambda::alias_data::AliasData::new(c.clone())));
    r.add_data_source(Arc::new(lambda::function_data::FunctionData::new(c.clone())));
    r.add_data_source(Arc::new(events::bus_data::BusData::new(c.clone())));
    r.add_data_source(Arc::new(kinesis::stream_data::StreamData::new(c.clone())));
    r.add_data_source(Arc::new(organizations::organization_data::OrganizationData::new(
        c.clone(),
    )));
    r.add_ephemeral(Arc::new(ssm::parameter_ephemeral::ParameterEphemeral::new(c.clone())));
    r.add_ephemeral(Arc::new(
        secretsmanager::secret_version_ephemeral::SecretVersionEphemeral::new(c.clone()),
    ));
    r.add_ephemeral(Arc::new(
        secretsmanager::random_password_ephemeral::RandomPasswordEphemeral::new(c.clone()),
    ));
    r
}
