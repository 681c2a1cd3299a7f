//! `aws_signer_signing_profile`: a code-signing profile for one platform (Lambda's among them),
//! which Lambda code signing configurations list as allowed publishers. As the provider does:
//! the id is the name (`terraform_` plus a unique suffix when neither `name` nor `name_prefix`
//! is set); every argument but the tags replaces the profile, since AWS has no call that changes
//! one; destroy cancels it (AWS keeps a canceled profile, and its name, for two years), and a
//! canceled profile reads as gone.

use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, first, map_value, must_exist, name_or_generated, name_prefix_read, ok_on,
    opt_i32, opt_str, owns, required, sync_tags_by_arn, tags_to_write,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_signer::operation::get_signing_profile::GetSigningProfileOutput;
use aws_sdk_signer::types::{SignatureValidityPeriod, SigningMaterial, SigningProfileStatus, ValidityType};
use std::sync::Arc;

/// What Signer answers for a profile that is not there.
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The platforms the provider accepts (its `PlatformID_Values`).
const PLATFORMS: &[&str] = &[
    "AWSLambda-SHA384-ECDSA",
    "Notation-OCI-SHA384-ECDSA",
    "AWSIoTDeviceManagement-SHA256-ECDSA",
    "AmazonFreeRTOS-TI-CC3220SF",
    "AmazonFreeRTOS-Default",
];

/// The `aws_signer_signing_profile` resource type.
pub struct SigningProfile {
    c: Arc<Clients>,
    schema: Schema,
}

impl SigningProfile {
    /// Creates the type with its clients; checks are the provider's.
    pub fn new(c: Arc<Clients>) -> SigningProfile {
        let schema = resource("aws_signer_signing_profile")
            .arg("name")
            .force_new()
            .check(matches(
                r"^[0-9A-Za-z_]{0,64}$",
                "letters, digits and underscores, at most 64",
            ))
            .arg("name_prefix")
            .force_new()
            .check(matches(
                r"^[0-9A-Za-z_]{0,38}$",
                "letters, digits and underscores, at most 38",
            ))
            .arg("platform_id")
            .force_new()
            .check(one_of(PLATFORMS))
            .arg("signature_validity_period")
            .force_new()
            .arg("signature_validity_period.type")
            .force_new()
            .check(one_of(&["DAYS", "MONTHS", "YEARS"]))
            .arg("signature_validity_period.value")
            .force_new()
            .arg("signing_material")
            .force_new()
            .arg("signing_material.certificate_arn")
            .force_new()
            .args(&["tags"])
            .computed_blocks(&["signature_validity_period", "signing_material"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .build();
        SigningProfile { c, schema }
    }

    /// The profile as GetSigningProfile answers it; `None` when it is not there or canceled.
    async fn get(&self, name: &str) -> PResult<Option<GetSigningProfileOutput>> {
        let r = self
            .c
            .signer
            .get_signing_profile()
            .profile_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.filter(|p| p.status() != Some(&SigningProfileStatus::Canceled)))
    }
}

fn validity_period(planned: &Value) -> PResult<Option<SignatureValidityPeriod>> {
    let Some(b) = first(planned, "signature_validity_period") else {
        return Ok(None);
    };
    let period = SignatureValidityPeriod::builder()
        .r#type(ValidityType::from(required(b, "type")?.as_str()))
        .value(opt_i32(b, "value").unwrap_or_default())
        .build();
    Ok(Some(period))
}

fn signing_material(planned: &Value) -> PResult<Option<SigningMaterial>> {
    let Some(b) = first(planned, "signing_material") else {
        return Ok(None);
    };
    let material = SigningMaterial::builder()
        .certificate_arn(required(b, "certificate_arn")?)
        .build()
        .map_err(|e| crate::provider::ProviderError::msg(e.to_string()))?;
    Ok(Some(material))
}

fn to_state(p: &GetSigningProfileOutput, prior: &Value) -> Value {
    let name = p.profile_name().unwrap_or_default();
    let period = p.signature_validity_period().map(|v| {
        Value::object([
            ("type", Value::from(v.r#type().map(|t| t.as_str()))),
            ("value", Value::from(i64::from(v.value()))),
        ])
    });
    let material = p
        .signing_material()
        .map(|m| Value::object([("certificate_arn", Value::str(m.certificate_arn()))]));
    let revocation = p.revocation_record().map(|r| {
        let time = |t: Option<&aws_smithy_types::DateTime>| {
            Value::from(t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()))
        };
        Value::object([
            ("revocation_effective_from", time(r.revocation_effective_from())),
            ("revoked_at", time(r.revoked_at())),
            ("revoked_by", Value::from(r.revoked_by())),
        ])
    });
    Value::object([
        ("id", Value::str(name)),
        ("arn", Value::from(p.arn())),
        ("name", Value::str(name)),
        ("name_prefix", name_prefix_read(prior, Some(name), "")),
        ("platform_display_name", Value::from(p.platform_display_name())),
        ("platform_id", Value::from(p.platform_id())),
        ("revocation_record", Value::List(revocation.into_iter().collect())),
        ("signature_validity_period", Value::List(period.into_iter().collect())),
        ("signing_material", Value::List(material.into_iter().collect())),
        ("status", Value::from(p.status().map(|s| s.as_str()))),
        ("version", Value::from(p.profile_version())),
        ("version_arn", Value::from(p.profile_version_arn())),
        ("tags", configured_tags(prior)),
        ("tags_all", map_value(p.tags())),
    ])
}

#[async_trait]
impl ResourceType for SigningProfile {
    fn type_name(&self) -> &'static str {
        "aws_signer_signing_profile"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform_", 26);
        let tags = tags_to_write(ctx, planned);
        self.c
            .signer
            .put_signing_profile()
            .profile_name(&name)
            .platform_id(required(planned, "platform_id")?)
            .set_signature_validity_period(validity_period(planned)?)
            .set_signing_material(signing_material(planned)?)
            .set_tags((!tags.is_empty()).then(|| tags.into_iter().collect()))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating Signer Signing Profile ({name})")))?;
        must_exist(self.read(ctx, &name, planned).await?, "Signer signing profile", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self.get(id).await?.map(|p| to_state(&p, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Only the tags change in place; everything else replaces the profile.
        let arn = opt_str(prior, "arn").unwrap_or_default();
        sync_tags_by_arn!(self.c.signer, &arn, prior, planned, add => add.into_iter().collect())?;
        must_exist(self.read(ctx, id, planned).await?, "Signer signing profile", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .signer
            .cancel_signing_profile()
            .profile_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    /// A profile this stack made under a written name before a run was killed: the name is
    /// taken, so the create would be refused; found again by the name and this stack's tags.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(p) = self.get(&name).await? else {
            return Ok(None);
        };
        let tags = p.tags().into_iter().flatten();
        let mine = ctx.resumed || owns(tags.map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(mine.then_some(name))
    }
}
