//! `aws_cognito_user_pool`: a directory of users with its sign-up, sign-in, password, MFA,
//! message and trigger settings. The id is the pool id (`us-east-1_AbC123`), as Terraform's
//! import takes it.
//!
//! UpdateUserPool resets every setting the request leaves out to Cognito's default, so an
//! update always sends the whole configuration, as the AWS provider does, never only what
//! changed. MFA is set through SetUserPoolMfaConfig (and read through GetUserPoolMfaConfig).
//! New custom attributes are added in place (AddCustomAttributes); Cognito can neither change
//! nor remove one, so such a change is refused with the attribute named.
//!
//! Pool names are not unique, so a pool an earlier run created but did not record is found by
//! its name and then its infractl tags, read through DescribeUserPool's `UserPoolTags`.

use super::{date, describe_pool, NOT_FOUND};
use crate::provider::aws::common::{
    aws_err, build_err, configured_tags, first, list_value, must_exist, ok_on, opt_bool, opt_str, owns, required,
    str_list, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::sync::Arc;

/// The `aws_cognito_user_pool` resource type.
pub struct UserPool {
    c: Arc<Clients>,
    schema: Schema,
}

/// Attributes users may verify (`auto_verified_attributes`, update settings).
const VERIFIED: &[&str] = &["phone_number", "email"];

impl UserPool {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UserPool {
        let schema = resource("aws_cognito_user_pool")
            .arg("name")
            .force_new()
            .check(len_between(1, 128))
            .arg("alias_attributes")
            .force_new()
            .check(one_of(&["phone_number", "email", "preferred_username"]))
            .arg("username_attributes")
            .force_new()
            .check(one_of(VERIFIED))
            .arg("auto_verified_attributes")
            .check(one_of(VERIFIED))
            .arg("deletion_protection")
            .default("INACTIVE")
            .check(one_of(&["ACTIVE", "INACTIVE"]))
            .arg("mfa_configuration")
            .default("OFF")
            .check(one_of(&["OFF", "ON", "OPTIONAL"]))
            .args(&[
                "email_verification_message",
                "email_verification_subject",
                "sms_verification_message",
                "sms_authentication_message",
                "tags",
                "account_recovery_setting",
                "admin_create_user_config",
                "device_configuration",
                "email_configuration",
                "lambda_config",
                "password_policy",
                "schema",
                "software_token_mfa_configuration",
                "user_attribute_update_settings",
                "verification_message_template",
            ])
            .arg("account_recovery_setting.recovery_mechanism.name")
            .check(one_of(&["verified_email", "verified_phone_number", "admin_only"]))
            .arg("account_recovery_setting.recovery_mechanism.priority")
            .check(int_between(1, 2))
            .arg("admin_create_user_config.allow_admin_create_user_only")
            .default(false)
            .arg("device_configuration.challenge_required_on_new_device")
            .default(false)
            .arg("device_configuration.device_only_remembered_on_user_prompt")
            .default(false)
            .arg("email_configuration.email_sending_account")
            .default("COGNITO_DEFAULT")
            .check(one_of(&["COGNITO_DEFAULT", "DEVELOPER"]))
            .arg("lambda_config.custom_email_sender.lambda_version")
            .check(one_of(&["V1_0"]))
            .arg("lambda_config.custom_sms_sender.lambda_version")
            .check(one_of(&["V1_0"]))
            .arg("lambda_config.pre_token_generation_config.lambda_version")
            .check(one_of(&["V1_0", "V2_0", "V3_0"]))
            .arg("password_policy.minimum_length")
            .check(int_between(6, 99))
            .live_if_unset()
            .arg("password_policy.password_history_size")
            .check(int_between(0, 24))
            .live_if_unset()
            .arg("password_policy.require_lowercase")
            .default(false)
            .arg("password_policy.require_numbers")
            .default(false)
            .arg("password_policy.require_symbols")
            .default(false)
            .arg("password_policy.require_uppercase")
            .default(false)
            .arg("password_policy.temporary_password_validity_days")
            .check(int_between(0, 365))
            .arg("schema.attribute_data_type")
            .check(one_of(&["String", "Number", "DateTime", "Boolean"]))
            .arg("schema.developer_only_attribute")
            .default(false)
            .arg("schema.mutable")
            .default(false)
            .arg("schema.required")
            .default(false)
            .arg("user_attribute_update_settings.attributes_require_verification_before_update")
            .check(one_of(VERIFIED))
            .arg("username_configuration")
            .arg("username_configuration.case_sensitive")
            .force_new()
            .arg("verification_message_template.default_email_option")
            .default("CONFIRM_WITH_CODE")
            .check(one_of(&["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"]))
            .computed_blocks(&[
                "admin_create_user_config",
                "password_policy",
                "verification_message_template",
                "lambda_config.pre_token_generation_config",
            ])
            .arg("account_recovery_setting")
            .live_if_unset()
            .arg("email_configuration")
            .live_if_unset()
            .rule(Rule::Conflicts(&["alias_attributes", "username_attributes"]))
            .build();
        UserPool { c, schema }
    }
}

/// A block's string field, if set.
fn s(block: &Value, name: &str) -> Option<String> {
    opt_str(block, name)
}

/// A block's number field as Cognito's integers.
fn n(block: &Value, name: &str) -> Option<i32> {
    block.get(name).as_number().map(|x| x as i32)
}

/// The settings CreateUserPool and UpdateUserPool share, from a planned value: what an update
/// must send whole.
struct Settings {
    policies: Option<t::UserPoolPolicyType>,
    deletion_protection: t::DeletionProtectionType,
    lambda_config: t::LambdaConfigType,
    auto_verified: Vec<t::VerifiedAttributeType>,
    sms_verification_message: Option<String>,
    email_verification_message: Option<String>,
    email_verification_subject: Option<String>,
    verification_message_template: Option<t::VerificationMessageTemplateType>,
    sms_authentication_message: Option<String>,
    user_attribute_update_settings: Option<t::UserAttributeUpdateSettingsType>,
    device_configuration: Option<t::DeviceConfigurationType>,
    email_configuration: Option<t::EmailConfigurationType>,
    admin_create_user_config: Option<t::AdminCreateUserConfigType>,
    account_recovery_setting: Option<t::AccountRecoverySettingType>,
}

fn settings(v: &Value) -> PResult<Settings> {
    let policies = first(v, "password_policy").map(|p| {
        t::UserPoolPolicyType::builder()
            .password_policy(
                t::PasswordPolicyType::builder()
                    .set_minimum_length(n(p, "minimum_length"))
                    .set_password_history_size(n(p, "password_history_size"))
                    .set_require_lowercase(opt_bool(p, "require_lowercase"))
                    .set_require_numbers(opt_bool(p, "require_numbers"))
                    .set_require_symbols(opt_bool(p, "require_symbols"))
                    .set_require_uppercase(opt_bool(p, "require_uppercase"))
                    .set_temporary_password_validity_days(n(p, "temporary_password_validity_days"))
                    .build(),
            )
            .build()
    });
    let template = |b: &Value| {
        t::MessageTemplateType::builder()
            .set_email_message(s(b, "email_message"))
            .set_email_subject(s(b, "email_subject"))
            .set_sms_message(s(b, "sms_message"))
            .build()
    };
    let admin = first(v, "admin_create_user_config").map(|a| {
        t::AdminCreateUserConfigType::builder()
            .set_allow_admin_create_user_only(opt_bool(a, "allow_admin_create_user_only"))
            .set_invite_message_template(first(a, "invite_message_template").map(template))
            .build()
    });
    let recovery = match first(v, "account_recovery_setting") {
        None => None,
        Some(r) => {
            let mut mechanisms = Vec::new();
            for m in r.get("recovery_mechanism").as_list().into_iter().flatten() {
                mechanisms.push(
                    t::RecoveryOptionType::builder()
                        .set_name(s(m, "name").map(|x| t::RecoveryOptionNameType::from(x.as_str())))
                        .set_priority(n(m, "priority"))
                        .build()
                        .map_err(build_err)?,
                );
            }
            Some(
                t::AccountRecoverySettingType::builder()
                    .set_recovery_mechanisms(Some(mechanisms))
                    .build(),
            )
        }
    };
    let vmt = first(v, "verification_message_template").map(|m| {
        t::VerificationMessageTemplateType::builder()
            .set_default_email_option(s(m, "default_email_option").map(|x| t::DefaultEmailOptionType::from(x.as_str())))
            .set_email_message(s(m, "email_message"))
            .set_email_message_by_link(s(m, "email_message_by_link"))
            .set_email_subject(s(m, "email_subject"))
            .set_email_subject_by_link(s(m, "email_subject_by_link"))
            .set_sms_message(s(m, "sms_message"))
            .build()
    });
    Ok(Settings {
        policies,
        deletion_protection: t::DeletionProtectionType::from(
            opt_str(v, "deletion_protection")
                .unwrap_or_else(|| "INACTIVE".into())
                .as_str(),
        ),
        lambda_config: lambda_config(first(v, "lambda_config"))?,
        auto_verified: str_list(v, "auto_verified_attributes")
            .iter()
            .map(|a| t::VerifiedAttributeType::from(a.as_str()))
            .collect(),
        sms_verification_message: opt_str(v, "sms_verification_message"),
        email_verification_message: opt_str(v, "email_verification_message"),
        email_verification_subject: opt_str(v, "email_verification_subject"),
        verification_message_template: vmt,
        sms_authentication_message: opt_str(v, "sms_authentication_message"),
        user_attribute_update_settings: first(v, "user_attribute_update_settings").map(|u| {
            t::UserAttributeUpdateSettingsType::builder()
                .set_attributes_require_verification_before_update(Some(
                    str_list(u, "attributes_require_verification_before_update")
                        .iter()
                        .map(|a| t::VerifiedAttributeType::from(a.as_str()))
                        .collect(),
                ))
                .build()
        }),
        device_configuration: first(v, "device_configuration").map(|d| {
            t::DeviceConfigurationType::builder()
                .set_challenge_required_on_new_device(opt_bool(d, "challenge_required_on_new_device"))
                .set_device_only_remembered_on_user_prompt(opt_bool(d, "device_only_remembered_on_user_prompt"))
                .build()
        }),
        email_configuration: first(v, "email_configuration").map(|e| {
            t::EmailConfigurationType::builder()
                .set_configuration_set(s(e, "configuration_set"))
                .set_email_sending_account(
                    s(e, "email_sending_account").map(|x| t::EmailSendingAccountType::from(x.as_str())),
                )
                .set_from(s(e, "from_email_address"))
                .set_reply_to_email_address(s(e, "reply_to_email_address"))
                .set_source_arn(s(e, "source_arn"))
                .build()
        }),
        admin_create_user_config: admin,
        account_recovery_setting: recovery,
    })
}

/// The Lambda triggers; an empty configuration (no block) removes them all on update.
fn lambda_config(l: Option<&Value>) -> PResult<t::LambdaConfigType> {
    let Some(l) = l else {
        return Ok(t::LambdaConfigType::builder().build());
    };
    let version_pair = |name: &str| first(l, name).map(|b| (s(b, "lambda_arn"), s(b, "lambda_version")));
    let email = match version_pair("custom_email_sender") {
        Some((arn, ver)) => Some(
            t::CustomEmailLambdaVersionConfigType::builder()
                .set_lambda_arn(arn)
                .set_lambda_version(ver.map(|x| t::CustomEmailSenderLambdaVersionType::from(x.as_str())))
                .build()
                .map_err(build_err)?,
        ),
        None => None,
    };
    let sms = match version_pair("custom_sms_sender") {
        Some((arn, ver)) => Some(
            t::CustomSmsLambdaVersionConfigType::builder()
                .set_lambda_arn(arn)
                .set_lambda_version(ver.map(|x| t::CustomSmsSenderLambdaVersionType::from(x.as_str())))
                .build()
                .map_err(build_err)?,
        ),
        None => None,
    };
    let pre_token = match version_pair("pre_token_generation_config") {
        Some((arn, ver)) => Some(
            t::PreTokenGenerationVersionConfigType::builder()
                .set_lambda_arn(arn)
                .set_lambda_version(ver.map(|x| t::PreTokenGenerationLambdaVersionType::from(x.as_str())))
                .build()
                .map_err(build_err)?,
        ),
        None => None,
    };
    Ok(t::LambdaConfigType::builder()
        .set_create_auth_challenge(s(l, "create_auth_challenge"))
        .set_custom_message(s(l, "custom_message"))
        .set_define_auth_challenge(s(l, "define_auth_challenge"))
        .set_kms_key_id(s(l, "kms_key_id"))
        .set_post_authentication(s(l, "post_authentication"))
        .set_post_confirmation(s(l, "post_confirmation"))
        .set_pre_authentication(s(l, "pre_authentication"))
        .set_pre_sign_up(s(l, "pre_sign_up"))
        .set_pre_token_generation(s(l, "pre_token_generation"))
        .set_user_migration(s(l, "user_migration"))
        .set_verify_auth_challenge_response(s(l, "verify_auth_challenge_response"))
        .set_custom_email_sender(email)
        .set_custom_sms_sender(sms)
        .set_pre_token_generation_config(pre_token)
        .build())
}

/// One `schema` block as Cognito takes it.
fn schema_attribute(b: &Value) -> t::SchemaAttributeType {
    let strings = first(b, "string_attribute_constraints").map(|c| {
        t::StringAttributeConstraintsType::builder()
            .set_min_length(s(c, "min_length"))
            .set_max_length(s(c, "max_length"))
            .build()
    });
    let numbers = first(b, "number_attribute_constraints").map(|c| {
        t::NumberAttributeConstraintsType::builder()
            .set_min_value(s(c, "min_value"))
            .set_max_value(s(c, "max_value"))
            .build()
    });
    t::SchemaAttributeType::builder()
        .set_name(s(b, "name"))
        .set_attribute_data_type(s(b, "attribute_data_type").map(|x| t::AttributeDataType::from(x.as_str())))
        .set_developer_only_attribute(opt_bool(b, "developer_only_attribute"))
        .set_mutable(opt_bool(b, "mutable"))
        .set_required(opt_bool(b, "required"))
        .set_string_attribute_constraints(strings)
        .set_number_attribute_constraints(numbers)
        .build()
}

/// Sends the shared settings with either request builder (they name the setters alike).
macro_rules! with_settings {
    ($req:expr, $s:expr) => {{
        let s = $s;
        $req.set_policies(s.policies)
            .deletion_protection(s.deletion_protection)
            .lambda_config(s.lambda_config)
            .set_auto_verified_attributes(Some(s.auto_verified))
            .set_sms_verification_message(s.sms_verification_message)
            .set_email_verification_message(s.email_verification_message)
            .set_email_verification_subject(s.email_verification_subject)
            .set_verification_message_template(s.verification_message_template)
            .set_sms_authentication_message(s.sms_authentication_message)
            .set_user_attribute_update_settings(s.user_attribute_update_settings)
            .set_device_configuration(s.device_configuration)
            .set_email_configuration(s.email_configuration)
            .set_admin_create_user_config(s.admin_create_user_config)
            .set_account_recovery_setting(s.account_recovery_setting)
    }};
}

/// A block list of one object, or none when Cognito reports nothing.
fn one(v: Option<Value>) -> Value {
    Value::List(v.into_iter().collect())
}

fn num(x: Option<i32>) -> Value {
    x.map(|x| Value::Number(x as f64)).into()
}

fn st(x: Option<&str>) -> Value {
    x.map(str::to_string).into()
}

fn template_value(m: &t::MessageTemplateType) -> Value {
    Value::object([
        ("email_message", st(m.email_message())),
        ("email_subject", st(m.email_subject())),
        ("sms_message", st(m.sms_message())),
    ])
}

fn lambda_value(l: Option<&t::LambdaConfigType>, prior: &Value) -> Value {
    let Some(l) = l else { return one(None) };
    let pair = |arn: &str, ver: &str| {
        one(Some(Value::object([
            ("lambda_arn", Value::str(arn)),
            ("lambda_version", Value::str(ver)),
        ])))
    };
    let v = Value::object([
        ("create_auth_challenge", st(l.create_auth_challenge())),
        ("custom_message", st(l.custom_message())),
        ("define_auth_challenge", st(l.define_auth_challenge())),
        ("kms_key_id", st(l.kms_key_id())),
        ("post_authentication", st(l.post_authentication())),
        ("post_confirmation", st(l.post_confirmation())),
        ("pre_authentication", st(l.pre_authentication())),
        ("pre_sign_up", st(l.pre_sign_up())),
        ("pre_token_generation", st(l.pre_token_generation())),
        ("user_migration", st(l.user_migration())),
        ("verify_auth_challenge_response", st(l.verify_auth_challenge_response())),
        (
            "custom_email_sender",
            l.custom_email_sender()
                .map(|c| pair(c.lambda_arn(), c.lambda_version().as_str()))
                .unwrap_or_else(|| one(None)),
        ),
        (
            "custom_sms_sender",
            l.custom_sms_sender()
                .map(|c| pair(c.lambda_arn(), c.lambda_version().as_str()))
                .unwrap_or_else(|| one(None)),
        ),
        (
            "pre_token_generation_config",
            l.pre_token_generation_config()
                .map(|c| pair(c.lambda_arn(), c.lambda_version().as_str()))
                .unwrap_or_else(|| one(None)),
        ),
    ]);
    // No trigger at all reads as no block, as the provider records it.
    let empty = v.as_object().is_some_and(|m| {
        m.values()
            .all(|x| x.is_null() || x.as_list().is_some_and(|l| l.is_empty()))
    });
    if empty && first(prior, "lambda_config").is_none() {
        one(None)
    } else {
        one(Some(v))
    }
}

/// The `schema` blocks state records: the configured attributes as Cognito holds them, plus
/// any custom attribute the blueprint does not name (drift). Cognito's standard attributes the
/// blueprint leaves out are not recorded, as the provider does not record them; constraint
/// blocks the blueprint leaves out keep Cognito's values out of the comparison.
fn schema_value(live: &[t::SchemaAttributeType], prior: &Value) -> Value {
    let configured: Vec<&Value> = prior.get("schema").as_list().into_iter().flatten().collect();
    let bare = |name: &str| name.strip_prefix("custom:").unwrap_or(name).to_string();
    let mut out = Vec::new();
    for a in live {
        let name = bare(a.name().unwrap_or_default());
        let cfg = configured
            .iter()
            .find(|c| c.get("name").as_str() == Some(name.as_str()));
        let custom = a.name().is_some_and(|n| n.starts_with("custom:"));
        if cfg.is_none() && !custom {
            continue;
        }
        let wanted = |block: &str| cfg.is_none_or(|c| first(c, block).is_some());
        let strings = a
            .string_attribute_constraints()
            .filter(|_| wanted("string_attribute_constraints"))
            .map(|c| Value::object([("max_length", st(c.max_length())), ("min_length", st(c.min_length()))]));
        let numbers = a
            .number_attribute_constraints()
            .filter(|_| wanted("number_attribute_constraints"))
            .map(|c| Value::object([("max_value", st(c.max_value())), ("min_value", st(c.min_value()))]));
        out.push(Value::object([
            ("attribute_data_type", st(a.attribute_data_type().map(|x| x.as_str()))),
            (
                "developer_only_attribute",
                Value::Bool(a.developer_only_attribute().unwrap_or(false)),
            ),
            ("mutable", Value::Bool(a.mutable().unwrap_or(false))),
            ("name", Value::str(name)),
            ("required", Value::Bool(a.required().unwrap_or(false))),
            ("number_attribute_constraints", one(numbers)),
            ("string_attribute_constraints", one(strings)),
        ]));
    }
    Value::List(out)
}

/// What a pool's state value holds, from DescribeUserPool and GetUserPoolMfaConfig.
fn to_state(
    c: &Clients,
    p: &t::UserPoolType,
    mfa: &aws_sdk_cognitoidentityprovider::operation::get_user_pool_mfa_config::GetUserPoolMfaConfigOutput,
    prior: &Value,
) -> Value {
    let id = p.id().unwrap_or_default();
    let enums = |items: Vec<&str>| list_value(items.into_iter().map(str::to_string));
    let policy = p.policies().and_then(|x| x.password_policy()).map(|pp| {
        Value::object([
            ("minimum_length", num(pp.minimum_length())),
            ("password_history_size", num(pp.password_history_size())),
            ("require_lowercase", Value::Bool(pp.require_lowercase())),
            ("require_numbers", Value::Bool(pp.require_numbers())),
            ("require_symbols", Value::Bool(pp.require_symbols())),
            ("require_uppercase", Value::Bool(pp.require_uppercase())),
            (
                "temporary_password_validity_days",
                Value::Number(pp.temporary_password_validity_days() as f64),
            ),
        ])
    });
    let admin = p.admin_create_user_config().map(|a| {
        Value::object([
            (
                "allow_admin_create_user_only",
                Value::Bool(a.allow_admin_create_user_only()),
            ),
            (
                "invite_message_template",
                one(a.invite_message_template().map(template_value)),
            ),
        ])
    });
    let recovery = p.account_recovery_setting().map(|r| {
        Value::object([(
            "recovery_mechanism",
            Value::List(
                r.recovery_mechanisms()
                    .iter()
                    .map(|m| {
                        Value::object([
                            ("name", Value::str(m.name().as_str())),
                            ("priority", Value::Number(m.priority() as f64)),
                        ])
                    })
                    .collect(),
            ),
        )])
    });
    let email = p.email_configuration().map(|e| {
        Value::object([
            ("configuration_set", st(e.configuration_set())),
            (
                "email_sending_account",
                st(e.email_sending_account().map(|x| x.as_str())),
            ),
            ("from_email_address", st(e.from())),
            ("reply_to_email_address", st(e.reply_to_email_address())),
            ("source_arn", st(e.source_arn())),
        ])
    });
    let vmt = p.verification_message_template().map(|m| {
        Value::object([
            ("default_email_option", st(m.default_email_option().map(|x| x.as_str()))),
            ("email_message", st(m.email_message())),
            ("email_message_by_link", st(m.email_message_by_link())),
            ("email_subject", st(m.email_subject())),
            ("email_subject_by_link", st(m.email_subject_by_link())),
            ("sms_message", st(m.sms_message())),
        ])
    });
    let device = p.device_configuration().map(|d| {
        Value::object([
            (
                "challenge_required_on_new_device",
                Value::Bool(d.challenge_required_on_new_device()),
            ),
            (
                "device_only_remembered_on_user_prompt",
                Value::Bool(d.device_only_remembered_on_user_prompt()),
            ),
        ])
    });
    let update_settings = p
        .user_attribute_update_settings()
        .filter(|u| !u.attributes_require_verification_before_update().is_empty())
        .map(|u| {
            Value::object([(
                "attributes_require_verification_before_update",
                enums(
                    u.attributes_require_verification_before_update()
                        .iter()
                        .map(|x| x.as_str())
                        .collect(),
                ),
            )])
        });
    let token = mfa
        .software_token_mfa_configuration()
        .map(|s| Value::object([("enabled", Value::Bool(s.enabled()))]));
    let tags: Vec<(String, String)> = p
        .user_pool_tags()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Value::object([
        ("id", Value::str(id)),
        ("arn", st(p.arn())),
        ("name", st(p.name())),
        (
            "endpoint",
            Value::str(format!("cognito-idp.{}.amazonaws.com/{id}", c.region)),
        ),
        ("domain", st(p.domain())),
        ("custom_domain", st(p.custom_domain())),
        ("creation_date", date(p.creation_date())),
        ("last_modified_date", date(p.last_modified_date())),
        (
            "estimated_number_of_users",
            Value::Number(p.estimated_number_of_users() as f64),
        ),
        (
            "alias_attributes",
            enums(p.alias_attributes().iter().map(|x| x.as_str()).collect()),
        ),
        (
            "username_attributes",
            enums(p.username_attributes().iter().map(|x| x.as_str()).collect()),
        ),
        (
            "auto_verified_attributes",
            enums(p.auto_verified_attributes().iter().map(|x| x.as_str()).collect()),
        ),
        (
            "deletion_protection",
            Value::str(p.deletion_protection().map(|x| x.as_str()).unwrap_or("INACTIVE")),
        ),
        (
            "mfa_configuration",
            Value::str(mfa.mfa_configuration().map(|x| x.as_str()).unwrap_or("OFF")),
        ),
        ("email_verification_message", st(p.email_verification_message())),
        ("email_verification_subject", st(p.email_verification_subject())),
        ("sms_verification_message", st(p.sms_verification_message())),
        ("sms_authentication_message", st(p.sms_authentication_message())),
        ("user_pool_tier", st(p.user_pool_tier().map(|x| x.as_str()))),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
        ("account_recovery_setting", one(recovery)),
        ("admin_create_user_config", one(admin)),
        ("device_configuration", one(device)),
        ("email_configuration", one(email)),
        ("lambda_config", lambda_value(p.lambda_config(), prior)),
        ("password_policy", one(policy)),
        ("schema", schema_value(p.schema_attributes(), prior)),
        ("software_token_mfa_configuration", one(token)),
        ("user_attribute_update_settings", one(update_settings)),
        (
            "username_configuration",
            one(p
                .username_configuration()
                .map(|u| Value::object([("case_sensitive", Value::Bool(u.case_sensitive()))]))),
        ),
        ("verification_message_template", one(vmt)),
        ("sms_configuration", one(None)),
        ("user_pool_add_ons", one(None)),
        ("sign_in_policy", one(None)),
        ("web_authn_configuration", one(None)),
        ("email_mfa_configuration", one(None)),
    ])
}

/// The pool's MFA settings as SetUserPoolMfaConfig takes them.
async fn set_mfa(c: &Clients, id: &str, v: &Value) -> PResult<()> {
    let mode = opt_str(v, "mfa_configuration").unwrap_or_else(|| "OFF".into());
    let token = first(v, "software_token_mfa_configuration").map(|b| {
        t::SoftwareTokenMfaConfigType::builder()
            .set_enabled(opt_bool(b, "enabled"))
            .build()
    });
    c.cognitoidp
        .set_user_pool_mfa_config()
        .user_pool_id(id)
        .mfa_configuration(t::UserPoolMfaType::from(mode.as_str()))
        .set_software_token_mfa_configuration(token)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// Custom attributes the blueprint adds, or an error naming one it changes or removes
/// (`blocks_schema`: the `schema` block's own schema, which says how two of them compare).
fn added_attributes(blocks_schema: &Schema, prior: &Value, planned: &Value) -> PResult<Vec<t::SchemaAttributeType>> {
    let blocks = |v: &Value| -> Vec<Value> { v.get("schema").as_list().map(<[Value]>::to_vec).unwrap_or_default() };
    let (before, after) = (blocks(prior), blocks(planned));
    let name = |b: &Value| b.get("name").as_str().unwrap_or_default().to_string();
    let (gone, added) = crate::provider::aws::common::changed_blocks(blocks_schema, &before, &after);
    if let Some(g) = gone.first() {
        return Err(ProviderError::msg(format!(
            "the user pool's schema attribute {:?} cannot be changed or removed: Cognito only adds attributes to a pool (replace the pool to change its schema)",
            name(g)
        )));
    }
    // Every pool has the standard attributes: one the blueprint starts naming is not added.
    Ok(added
        .into_iter()
        .filter(|b| !STANDARD_ATTRIBUTES.contains(&name(b).as_str()))
        .map(schema_attribute)
        .collect())
}

/// The attributes every pool has (OpenID Connect's standard claims).
const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];

#[async_trait]
impl ResourceType for UserPool {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let req = self
            .c
            .cognitoidp
            .create_user_pool()
            .pool_name(&name)
            .set_alias_attributes(Some(
                str_list(planned, "alias_attributes")
                    .iter()
                    .map(|a| t::AliasAttributeType::from(a.as_str()))
                    .collect(),
            ))
            .set_username_attributes(Some(
                str_list(planned, "username_attributes")
                    .iter()
                    .map(|a| t::UsernameAttributeType::from(a.as_str()))
                    .collect(),
            ))
            .set_username_configuration(match first(planned, "username_configuration") {
                Some(u) => Some(
                    t::UsernameConfigurationType::builder()
                        .set_case_sensitive(opt_bool(u, "case_sensitive"))
                        .build()
                        .map_err(build_err)?,
                ),
                None => None,
            })
            .set_schema(Some(
                planned
                    .get("schema")
                    .as_list()
                    .into_iter()
                    .flatten()
                    .map(schema_attribute)
                    .collect(),
            ))
            .set_user_pool_tags(Some(tags_to_write(ctx, planned).into_iter().collect()));
        let out = with_settings!(req, settings(planned)?).send().await.map_err(aws_err)?;
        let id = out
            .user_pool()
            .and_then(|p| p.id())
            .ok_or_else(|| ProviderError::msg("CreateUserPool returned no pool id"))?
            .to_string();
        if opt_str(planned, "mfa_configuration").is_some_and(|m| m != "OFF")
            || first(planned, "software_token_mfa_configuration").is_some()
        {
            set_mfa(&self.c, &id, planned).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "user pool", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(pool) = describe_pool(&self.c, id).await? else {
            return Ok(None);
        };
        let mfa = self
            .c
            .cognitoidp
            .get_user_pool_mfa_config()
            .user_pool_id(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(Some(to_state(&self.c, &pool, &mfa, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let blocks = self
            .schema
            .blocks
            .get("schema")
            .ok_or_else(|| ProviderError::msg("the user pool's schema has no schema block"))?;
        let added = added_attributes(&blocks.schema, prior, planned)?;
        if !added.is_empty() {
            self.c
                .cognitoidp
                .add_custom_attributes()
                .user_pool_id(id)
                .set_custom_attributes(Some(added))
                .send()
                .await
                .map_err(aws_err)?;
        }
        // The whole configuration, tags included: what UpdateUserPool leaves out it resets.
        let req = self
            .c
            .cognitoidp
            .update_user_pool()
            .user_pool_id(id)
            .mfa_configuration(t::UserPoolMfaType::from(
                opt_str(planned, "mfa_configuration")
                    .unwrap_or_else(|| "OFF".into())
                    .as_str(),
            ))
            .set_user_pool_tags(Some(tags_to_write(ctx, planned).into_iter().collect()));
        with_settings!(req, settings(planned)?).send().await.map_err(aws_err)?;
        let (_, removed) = crate::provider::aws::common::tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if let (false, Some(arn)) = (removed.is_empty(), opt_str(prior, "arn")) {
            self.c
                .cognitoidp
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let mfa_changed = ["mfa_configuration", "software_token_mfa_configuration"]
            .iter()
            .any(|k| prior.get(k) != planned.get(k));
        if mfa_changed {
            set_mfa(&self.c, id, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "user pool", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .cognitoidp
            .delete_user_pool()
            .user_pool_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    /// Pools of this name, one of which carries this stack's and address's tags.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let mut token: Option<String> = None;
        loop {
            let out = self
                .c
                .cognitoidp
                .list_user_pools()
                .max_results(60)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(aws_err)?;
            for p in out.user_pools() {
                let (Some(id), Some(true)) = (p.id(), p.name().map(|n| n == name)) else {
                    continue;
                };
                if let Some(pool) = describe_pool(&self.c, id).await? {
                    let tags = pool.user_pool_tags().cloned().unwrap_or_default();
                    if owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) {
                        return Ok(Some(id.to_string()));
                    }
                }
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str, max_length: &str) -> Value {
        Value::object([
            ("name", Value::str(name)),
            ("attribute_data_type", Value::str("String")),
            ("mutable", Value::Bool(true)),
            (
                "string_attribute_constraints",
                Value::List(vec![Value::object([("max_length", Value::str(max_length))])]),
            ),
        ])
    }

    fn pool(attributes: Vec<Value>) -> Value {
        Value::object([("schema", Value::List(attributes))])
    }

    #[test]
    fn schema_attributes_are_only_ever_added() {
        let registry = crate::provider::aws::schemas_registry();
        let rt = registry.resource("aws_cognito_user_pool").expect("registered");
        let blocks = &rt.schema().blocks["schema"].schema;
        let before = pool(vec![attribute("tenant", "64")]);
        // A new custom attribute is added; a standard one every pool has is not.
        let after = pool(vec![
            attribute("tenant", "64"),
            attribute("email", "2048"),
            attribute("team", "32"),
        ]);
        let added = added_attributes(blocks, &before, &after).unwrap();
        let names: Vec<&str> = added.iter().filter_map(|a| a.name()).collect();
        assert_eq!(names, vec!["team"]);
        // Changing or removing one is refused, naming it, before any call.
        let changed = pool(vec![attribute("tenant", "128")]);
        let err = added_attributes(blocks, &before, &changed).unwrap_err().to_string();
        assert!(
            err.contains("\"tenant\"") && err.contains("cannot be changed or removed"),
            "{err}"
        );
        let err = added_attributes(blocks, &before, &pool(vec![]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"tenant\""), "{err}");
    }
}
