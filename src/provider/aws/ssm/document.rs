//! `aws_ssm_document`: an SSM document (a Command, Automation, Session... document), written as
//! JSON, YAML or text in `content`, optionally shared with other accounts through `permissions`.
//!
//! As the provider: the id is the name, and only the name forces a replacement. A change of the
//! content, format, target type, version name or attachments is a new document version
//! (UpdateDocument), made the default version at once; content AWS already holds in a version
//! (DuplicateDocumentContent) makes that version the default instead. A content change plans
//! the versions, the hash and the parameters as unknown. `permissions` is the map
//! `{ type = "Share", account_ids = "id,id" }`; accounts are added and removed twenty at a time
//! and removed again before a delete (AWS refuses to delete a shared document). Creates and
//! updates wait for the `Active` status, deletes until the document is gone, two minutes each
//! (the provider's fixed waits: the type has no `timeouts` block).
//!
//! Unlike the provider, `content` is read from the default version, the one AWS runs, not the
//! latest: a version someone added without making it the default is then no change, and a
//! drifted default is put back by making the version that holds the blueprint's content the
//! default again (found by its hash), where the provider picked the latest version.

use super::tags::{ssm_tags, sync_ssm_tags, tag_pairs};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, list_value, must_exist, opt_str, owns, read_beside, required,
    str_list, string_pairs, tags_to_write, user_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::operation::describe_document::DescribeDocumentOutput;
use aws_sdk_ssm::types::{
    AttachmentsSource, AttachmentsSourceKey, DocumentFormat, DocumentPermissionType, DocumentType,
    ResourceTypeForTagging,
};
use aws_smithy_types::date_time::{DateTime, Format};
use std::sync::Arc;
use std::time::Duration;

/// The provider's fixed wait for a document to become `Active` or to be gone.
const WAIT: Duration = Duration::from_secs(120);

/// What AWS answers for a document that does not exist.
const ABSENT: &[&str] = &["InvalidDocument"];

/// The computed attributes a content change makes unknown, as the provider's CustomizeDiff does.
const FOLLOW_CONTENT: &[&str] = &[
    "default_version",
    "document_version",
    "hash",
    "latest_version",
    "parameter",
];

/// Document names: letters, digits, `_`, `-` and `.`.
const NAME: &str = "^[0-9A-Za-z_.-]+$";
const NAME_WHAT: &str = "only alphanumeric, underscore, hyphen, or period characters";

/// The `aws_ssm_document` resource type.
pub struct Document {
    c: Arc<Clients>,
    schema: Schema,
}

impl Document {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Document {
        let schema = resource("aws_ssm_document")
            .arg("name")
            .force_new()
            .check(matches(NAME, NAME_WHAT))
            .check(len_between(3, 128))
            .arg("document_type")
            .check(one_of(&[
                "Command",
                "Policy",
                "Automation",
                "Session",
                "Package",
                "ApplicationConfiguration",
                "ApplicationConfigurationSchema",
                "DeploymentStrategy",
                "ChangeCalendar",
                "Automation.ChangeTemplate",
                "ProblemAnalysis",
                "ProblemAnalysisTemplate",
                "CloudFormation",
                "ConformancePackTemplate",
                "QuickSetup",
                "ManualApprovalPolicy",
                "AutoApprovalPolicy",
            ]))
            .arg("document_format")
            .default("JSON")
            .check(one_of(&["YAML", "JSON", "TEXT"]))
            .arg("target_type")
            .check(matches(
                r"^/[\w.\-:/]*$",
                "a forward slash optionally followed by a resource type such as AWS::EC2::Instance",
            ))
            .check(len_between(1, 200))
            .arg("version_name")
            .check(matches("^[0-9A-Za-z_.-]{3,128}$", NAME_WHAT))
            .check(len_between(3, 128))
            .args(&["content", "permissions", "tags", "attachments_source"])
            .arg("attachments_source.key")
            .check(one_of(&["SourceUrl", "S3FileUrl", "AttachmentReference"]))
            .arg("attachments_source.name")
            .check(matches(NAME, NAME_WHAT))
            .check(len_between(3, 128))
            .arg("attachments_source.values")
            .check(len_between(1, 1024))
            .build();
        Document { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<DescribeDocumentOutput>> {
        let r = self.c.ssm.describe_document().name(name).send().await.map_err(aws_err);
        absent_on(r, ABSENT)
    }

    /// Waits until the document is `Active` (after a create or an update).
    async fn wait_active(&self, name: &str) -> PResult<()> {
        wait_for(Wait::new(name, "Active", WAIT), || async {
            let out = self.describe(name).await?;
            let doc = out.as_ref().and_then(|o| o.document());
            Ok(match doc.and_then(|d| d.status()).map(|s| s.as_str()) {
                Some("Active") => Poll::Ready(()),
                Some("Failed") => {
                    let why = doc.and_then(|d| d.status_information()).unwrap_or_default();
                    return Err(crate::provider::ProviderError::msg(format!(
                        "SSM document {name} failed: {why}"
                    )));
                }
                Some(other) => Poll::pending(other.to_string()),
                None => Poll::pending("not described yet"),
            })
        })
        .await
    }

    /// Adds and removes the accounts the document is shared with, twenty per call as the API
    /// takes them.
    async fn share(&self, name: &str, add: &[String], remove: &[String]) -> PResult<()> {
        for (chunk, adding) in add
            .chunks(20)
            .map(|c| (c, true))
            .chain(remove.chunks(20).map(|c| (c, false)))
        {
            let ids = Some(chunk.to_vec());
            let call = self
                .c
                .ssm
                .modify_document_permission()
                .name(name)
                .permission_type(DocumentPermissionType::Share);
            let call = if adding {
                call.set_account_ids_to_add(ids)
            } else {
                call.set_account_ids_to_remove(ids)
            };
            call.send().await.map_err(aws_err)?;
        }
        Ok(())
    }

    /// The version whose content is `content` (its SHA-256 hash, as DescribeDocument answers
    /// it), newest first. The provider takes the latest version, which is wrong when the
    /// latest is someone else's edit; that remains the answer when no hash matches.
    async fn version_holding(&self, name: &str, content: &str, prior: &Value) -> PResult<Option<String>> {
        use sha2::Digest;
        let latest = opt_str(prior, "latest_version");
        let wanted = hex::encode(sha2::Sha256::digest(content.as_bytes()));
        let newest = latest.as_deref().and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        for version in (1..=newest).rev().map(|v| v.to_string()) {
            let r = self
                .c
                .ssm
                .describe_document()
                .name(name)
                .document_version(&version)
                .send()
                .await;
            let out = absent_on(r.map_err(aws_err), ABSENT)?;
            if out.and_then(|o| o.document).and_then(|d| d.hash) == Some(wanted.clone()) {
                return Ok(Some(version));
            }
        }
        Ok(latest)
    }

    /// The accounts the document is shared with (DescribeDocumentPermission).
    async fn shared_with(&self, name: &str) -> PResult<Vec<String>> {
        let out = self
            .c
            .ssm
            .describe_document_permission()
            .name(name)
            .permission_type(DocumentPermissionType::Share)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.account_ids().to_vec())
    }
}

/// The accounts of a `permissions` map (`account_ids` is a comma-separated list).
fn accounts(v: &Value) -> Vec<String> {
    string_pairs(v.get("permissions"))
        .get("account_ids")
        .map(|ids| ids.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

fn attachments(planned: &Value) -> Option<Vec<AttachmentsSource>> {
    let blocks = planned.get("attachments_source").as_list().filter(|l| !l.is_empty())?;
    Some(
        blocks
            .iter()
            .map(|b| {
                AttachmentsSource::builder()
                    .set_key(opt_str(b, "key").map(|k| AttachmentsSourceKey::from(k.as_str())))
                    .set_name(opt_str(b, "name"))
                    .set_values(Some(str_list(b, "values")).filter(|v| !v.is_empty()))
                    .build()
            })
            .collect(),
    )
}

fn format_of(planned: &Value) -> DocumentFormat {
    DocumentFormat::from(
        opt_str(planned, "document_format")
            .unwrap_or_else(|| "JSON".into())
            .as_str(),
    )
}

#[async_trait]
impl ResourceType for Document {
    fn type_name(&self) -> &'static str {
        "aws_ssm_document"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        // The provider's CustomizeDiff: map keys are not covered by the schema's validators.
        let permissions = config.get("permissions");
        let Some(map) = permissions.as_object().filter(|m| !m.is_empty()) else {
            return Ok(());
        };
        match map.get("type") {
            None => return Err("\"permissions\": \"type\" must be defined".into()),
            Some(Value::String(t)) if t != "Share" => {
                return Err("\"permissions\": only Share \"type\" supported".into())
            }
            _ => {}
        }
        if !map.contains_key("account_ids") {
            return Err("\"permissions\": \"account_ids\" must be defined".into());
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else { return Ok(None) };
        if differs(prior, planned, "content") {
            if let Value::Object(m) = planned {
                for k in FOLLOW_CONTENT {
                    m.insert((*k).into(), Value::Unknown);
                }
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.c
            .ssm
            .create_document()
            .name(&name)
            .content(required(planned, "content")?)
            .document_format(format_of(planned))
            .document_type(DocumentType::from(required(planned, "document_type")?.as_str()))
            .set_target_type(opt_str(planned, "target_type"))
            .set_version_name(opt_str(planned, "version_name"))
            .set_attachments(attachments(planned))
            .set_tags(Some(ssm_tags(tags_to_write(ctx, planned))?).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        self.share(&name, &accounts(planned), &[]).await?;
        self.wait_active(&name).await?;
        must_exist(self.read(ctx, &name, planned).await?, "SSM document", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // The sharing, the tags and the account need nothing DescribeDocument answers: asked
        // beside it. The content is asked in the format DescribeDocument names.
        let beside = async {
            tokio::try_join!(
                self.shared_with(id),
                tag_pairs(&self.c.ssm, ResourceTypeForTagging::Document, id),
                self.c.account_id(),
            )
        };
        let Some((out, (shared, tags, account))) = read_beside(self.describe(id), beside).await? else {
            return Ok(None);
        };
        let Some(doc) = out.document() else {
            return Ok(None);
        };
        let format = doc.document_format().cloned().unwrap_or(DocumentFormat::Json);
        let content = self
            .c
            .ssm
            .get_document()
            .name(id)
            .document_format(format.clone())
            .send()
            .await
            .map_err(aws_err)?;
        let permissions = if shared.is_empty() {
            Value::Null
        } else {
            Value::object([
                ("account_ids", Value::str(shared.join(","))),
                ("type", Value::str("Share")),
            ])
        };
        let parameters = doc.parameters().iter().map(|p| {
            Value::object([
                ("default_value", Value::from(p.default_value())),
                ("description", Value::from(p.description())),
                ("name", Value::from(p.name())),
                ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
            ])
        });
        // RFC 3339 to the second, as the provider writes it.
        let created = doc
            .created_date()
            .and_then(|d| DateTime::from_secs(d.secs()).fmt(Format::DateTime).ok());
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            (
                "arn",
                Value::str(format!("arn:aws:ssm:{}:{account}:document/{id}", self.c.region)),
            ),
            ("content", Value::from(content.content())),
            ("document_format", Value::str(format.as_str())),
            (
                "document_type",
                Value::from(doc.document_type().map(|t| t.as_str().to_string())),
            ),
            ("target_type", Value::from(doc.target_type())),
            ("version_name", Value::from(doc.version_name())),
            ("permissions", permissions),
            // AWS answers attachments only as download links; the blueprint's sources are kept.
            ("attachments_source", prior.get("attachments_source").clone()),
            ("created_date", Value::from(created)),
            ("default_version", Value::from(doc.default_version())),
            ("description", Value::from(doc.description())),
            ("document_version", Value::from(doc.document_version())),
            ("hash", Value::from(doc.hash())),
            (
                "hash_type",
                Value::from(doc.hash_type().map(|t| t.as_str().to_string())),
            ),
            ("latest_version", Value::from(doc.latest_version())),
            ("owner", Value::from(doc.owner())),
            ("parameter", Value::List(parameters.collect())),
            (
                "platform_types",
                list_value(doc.platform_types().iter().map(|p| p.as_str().to_string())),
            ),
            ("schema_version", Value::from(doc.schema_version())),
            ("status", Value::from(doc.status().map(|s| s.as_str().to_string()))),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (old, new) = (accounts(prior), accounts(planned));
        let added: Vec<String> = new.iter().filter(|a| !old.contains(a)).cloned().collect();
        let removed: Vec<String> = old.iter().filter(|a| !new.contains(a)).cloned().collect();
        self.share(id, &added, &removed).await?;
        let versioned = [
            "content",
            "document_format",
            "document_type",
            "target_type",
            "version_name",
            "attachments_source",
        ];
        // As the provider: a document of schema 1.x takes no new version but for its content.
        let schema_1 = opt_str(prior, "schema_version").is_some_and(|v| v.starts_with("1."));
        let content_changed = differs(prior, planned, "content");
        if (content_changed || !schema_1) && versioned.iter().any(|k| differs(prior, planned, k)) {
            let r = self
                .c
                .ssm
                .update_document()
                .name(id)
                .content(required(planned, "content")?)
                .document_format(format_of(planned))
                .document_version("$LATEST")
                .set_target_type(opt_str(planned, "target_type"))
                .set_version_name(opt_str(planned, "version_name"))
                .set_attachments(attachments(planned))
                .send()
                .await
                .map_err(aws_err);
            // Content some version already holds: that version becomes the default again.
            let version = match absent_on(r, &["DuplicateDocumentContent"])? {
                Some(out) => out
                    .document_description()
                    .and_then(|d| d.document_version())
                    .map(str::to_string),
                None => self.version_holding(id, &required(planned, "content")?, prior).await?,
            };
            self.c
                .ssm
                .update_document_default_version()
                .name(id)
                .set_document_version(version)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(id).await?;
        }
        sync_ssm_tags(&self.c.ssm, ResourceTypeForTagging::Document, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "SSM document", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // AWS refuses to delete a document that is still shared.
        let shared = accounts(prior);
        if !shared.is_empty() {
            let r = self.share(id, &[], &shared).await;
            if absent_on(r, ABSENT)?.is_none() {
                return Ok(());
            }
        }
        let r = self.c.ssm.delete_document().name(id).send().await.map_err(aws_err);
        if absent_on(r, ABSENT)?.is_none() {
            return Ok(());
        }
        wait_for(Wait::new(id, "deleted", WAIT), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(_) => Poll::pending("still described"),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        if self.describe(&name).await?.is_none() {
            return Ok(None);
        }
        let tags = tag_pairs(&self.c.ssm, ResourceTypeForTagging::Document, &name).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        &["DocumentAlreadyExists"]
    }
}
