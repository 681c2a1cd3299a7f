//! The AWS provider: reads the blueprint's `provider "aws"` block, builds SDK clients (region,
//! credentials chain, endpoint overrides for emulators), and registers every resource type.
//!
//! Adding a resource type is one file under its service folder plus one line in [`registry`].

pub mod apigateway;
pub mod appautoscaling;
pub mod cloudwatch;
pub mod common;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod limits;
pub mod logs;
pub mod meta;
pub mod opensearchserverless;
pub mod s3;
pub mod schema;
pub mod secretsmanager;
pub mod sns;
pub mod ssm;

use crate::blueprint::config::Module;
use crate::blueprint::scope::{AllUnknown, Context};
use crate::diag::{DResult, Diag};
use crate::provider::Registry;
use crate::schema::{Nesting, Schema, Type};
use crate::value::Value;
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
}

/// The schema of the `provider "aws"` block. Terraform's other settings are accepted so that
/// blueprints written for Terraform load unchanged.
fn provider_schema() -> Schema {
    let mut endpoints = Schema::new();
    for svc in [
        "acm",
        "apigateway",
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
        "iam",
        "kms",
        "lambda",
        "opensearchserverless",
        "rds",
        "route53",
        "s3",
        "s3api",
        "secretsmanager",
        "sns",
        "sqs",
        "ssm",
        "sts",
        "wafv2",
        "elasticloadbalancing",
        "elasticloadbalancingv2",
        "cloudwatchevents",
        "stepfunctions",
        "kinesis",
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
}

/// Reads the root module's `provider "aws"` block (module provider blocks are not supported).
pub fn settings_from_blueprint(root: &Module, inputs: &IndexMap<String, Value>) -> DResult<AwsSettings> {
    let mut settings = AwsSettings {
        service_limits: limits::ServiceLimits::from_env().map_err(Diag::new)?,
        ..AwsSettings::default()
    };
    for (path, module) in root.walk() {
        for p in &module.providers {
            if p.name != "aws" {
                return Err(Diag::new(format!("Provider \"{}\" is not supported", p.name))
                    .detail("infractl manages AWS only.")
                    .at(&p.body.loc));
            }
            if p.alias.is_some() {
                return Err(Diag::new("Provider aliases are not supported yet").at(&p.body.loc));
            }
            if !path.is_empty() {
                return Err(Diag::new("provider blocks inside modules are not supported")
                    .detail("Configure the aws provider in the root module; modules inherit it.")
                    .at(&p.body.loc));
            }
            if p.body
                .blocks
                .iter()
                .any(|b| b.kind == "assume_role" || b.kind == "assume_role_with_web_identity")
            {
                return Err(Diag::new("assume_role in the provider block is not supported yet")
                    .detail("Use a profile with role_arn in the shared config instead.")
                    .at(&p.body.loc));
            }
            let ctx = Context::new(root, inputs, &AllUnknown);
            let v = ctx.eval_body(&[], &p.body, &provider_schema(), &Default::default())?;
            let s = |k: &str| v.get(k).as_str().map(str::to_string);
            settings.region = s("region");
            settings.access_key = s("access_key");
            settings.secret_key = s("secret_key");
            settings.token = s("token");
            settings.profile = s("profile");
            settings.max_retries = v.get("max_retries").as_number().map(|n| n as u32);
            settings.retry_mode = s("retry_mode");
            if let Some(mode) = settings.retry_mode.as_deref() {
                if mode != "standard" && mode != "adaptive" {
                    return Err(Diag::new(format!(
                        "retry_mode must be \"standard\" or \"adaptive\", not \"{mode}\""
                    ))
                    .at(&p.body.loc));
                }
            }
            if let Some(items) = v.get("endpoints").as_list() {
                for item in items {
                    if let Some(map) = item.as_object() {
                        for (k, x) in map {
                            if let Some(url) = x.as_str() {
                                settings.endpoints.insert(k.clone(), url.to_string());
                            }
                        }
                    }
                }
            }
            if let Some(items) = v.get("default_tags").as_list() {
                if let Some(Value::Object(tags)) = items.first().map(|t| t.get("tags")) {
                    settings.default_tags = tags.clone();
                }
            }
        }
    }
    Ok(settings)
}

/// SDK clients for every service infractl calls.
pub struct Clients {
    /// EC2 (VPC and networking).
    pub ec2: aws_sdk_ec2::Client,
    /// S3.
    pub s3: aws_sdk_s3::Client,
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
    /// The region in use.
    pub region: String,
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
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.clone()))
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
    let shared = loader.load().await;
    let endpoint = |names: &[&str]| names.iter().find_map(|n| settings.endpoints.get(*n)).cloned();
    let https = limits::base_https_client();
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
    Clients {
        opensearchserverless: aws_sdk_opensearchserverless::Client::from_conf(aoss.build()),
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
        ddb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
        iam: aws_sdk_iam::Client::from_conf(iam.build()),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs.build()),
        sts: aws_sdk_sts::Client::from_conf(sts.build()),
        region,
    }
}

/// Every resource type and data source, with live clients.
pub async fn registry(settings: &AwsSettings) -> Registry {
    let c = Arc::new(clients(settings).await);
    build_registry(c)
}

/// The same registry without network access, for validation (schemas only; no calls are made).
pub fn schemas_registry() -> Registry {
    let shared = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .build();
    build_registry(Arc::new(Clients {
        ec2: aws_sdk_ec2::Client::new(&shared),
        s3: aws_sdk_s3::Client::new(&shared),
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
        secrets: aws_sdk_secretsmanager::Client::new(&shared),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&shared),
        account: Default::default(),
        region: "us-east-1".into(),
    }))
}

fn build_registry(c: Arc<Clients>) -> Registry {
    let mut r = Registry::default();
    r.set_unimplemented(schema::unimplemented);
    r.add_resource(Arc::new(ec2::vpc::Vpc::new(c.clone())));
    r.add_resource(Arc::new(ec2::subnet::Subnet::new(c.clone())));
    r.add_resource(Arc::new(ec2::internet_gateway::InternetGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::eip::Eip::new(c.clone())));
    r.add_resource(Arc::new(ec2::nat_gateway::NatGateway::new(c.clone())));
    r.add_resource(Arc::new(ec2::route_table::RouteTable::new(c.clone())));
    r.add_resource(Arc::new(ec2::route::Route::new(c.clone())));
    r.add_resource(Arc::new(ec2::vpc_endpoint::VpcEndpoint::new(c.clone())));
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
    r.add_resource(Arc::new(dynamodb::table::Table::new(c.clone())));
    r.add_resource(Arc::new(ecs::cluster::Cluster::new(c.clone())));
    r.add_resource(Arc::new(ecs::task_definition::TaskDefinition::new(c.clone())));
    r.add_resource(Arc::new(ecs::service::Service::new(c.clone())));
    r.add_resource(Arc::new(appautoscaling::target::Target::new(c.clone())));
    r.add_resource(Arc::new(appautoscaling::policy::Policy::new(c.clone())));
    r.add_resource(Arc::new(sns::topic::Topic::new(c.clone())));
    r.add_resource(Arc::new(sns::topic_subscription::TopicSubscription::new(c.clone())));
    r.add_resource(Arc::new(cloudwatch::metric_alarm::MetricAlarm::new(c.clone())));
    r.add_resource(Arc::new(cloudwatch::dashboard::Dashboard::new(c.clone())));
    r.add_resource(Arc::new(ssm::parameter::Parameter::new(c.clone())));
    r.add_resource(Arc::new(secretsmanager::secret::Secret::new(c.clone())));
    r.add_resource(Arc::new(secretsmanager::secret_version::SecretVersion::new(c.clone())));
    r.add_resource(Arc::new(apigateway::rest_api::RestApi::new(c.clone())));
    r.add_resource(Arc::new(apigateway::deployment::Deployment::new(c.clone())));
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
    r.add_resource(Arc::new(ecr::repository::Repository::new(c.clone())));
    r.add_resource(Arc::new(ecr::lifecycle_policy::LifecyclePolicy::new(c.clone())));
    r.add_resource(Arc::new(elbv2::lb::Lb::new(c.clone())));
    r.add_resource(Arc::new(elbv2::target_group::TargetGroup::new(c.clone())));
    r.add_resource(Arc::new(elbv2::listener::Listener::new(c.clone())));
    r.add_resource(Arc::new(elbv2::listener_rule::ListenerRule::new(c.clone())));
    r.add_resource(Arc::new(iam::role::Role::new(c.clone())));
    r.add_resource(Arc::new(iam::role_policy::RolePolicy::new(c.clone())));
    r.add_resource(Arc::new(iam::policy::Policy::new(c.clone())));
    r.add_resource(Arc::new(iam::role_policy_attachment::RolePolicyAttachment::new(
        c.clone(),
    )));
    r.add_resource(Arc::new(logs::log_group::LogGroup::new(c.clone())));
    r.add_data_source(Arc::new(ec2::availability_zones::AvailabilityZones::new(c.clone())));
    r.add_data_source(Arc::new(meta::caller_identity::CallerIdentity::new(c.clone())));
    r.add_data_source(Arc::new(meta::region::Region::new(c.clone())));
    r.add_data_source(Arc::new(meta::iam_policy_document::PolicyDocument::new()));
    r
}
