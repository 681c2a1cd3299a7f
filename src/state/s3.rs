//! The S3 backend: state as one S3 object, locked with a DynamoDB item or an S3 lock object,
//! laid out as Terraform's S3 backend lays it out so teams recognise (and can share) it.
//!
//! Every write is conditional: `If-Match` on the ETag that was read (or `If-None-Match: *` for a
//! first write), so two writers can never overwrite each other; a stale writer fails loudly and
//! nothing is lost.
//!
//! With a DynamoDB table, Terraform's backend also keeps the MD5 digest of the state object in
//! an item of its own (`LockID` = `<bucket>/<key>-md5`, `Digest` = hex MD5), written after
//! every state write and checked on every read, so a reader that sees an object older than the
//! last write notices. infractl keeps and checks it the same way, so each tool reads what the
//! other wrote. infractl adds the serial and lineage the digest belongs to (Terraform ignores
//! them), so that an object newer than its digest (a run killed between the two writes) is
//! read rather than refused, while an older one still is.

use super::backend::{Backend, LockError, LockInfo};
use super::local::check_overwrite;
use super::{Keeper, State};
use crate::diag::{DResult, Diag};
use crate::value::Value;
use async_trait::async_trait;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use indexmap::IndexMap;
use std::sync::Mutex;

/// Settings of a `backend "s3"` block (plus `-backend-config`), with Terraform's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct S3Config {
    /// Bucket holding the state.
    pub bucket: String,
    /// Object key of the default workspace's state.
    pub key: String,
    /// Region of the bucket and table.
    pub region: Option<String>,
    /// DynamoDB lock table (`LockID` string hash key).
    pub dynamodb_table: Option<String>,
    /// Lock with an S3 object written with If-None-Match instead of (or as well as) DynamoDB.
    pub use_lockfile: bool,
    /// Request server-side encryption of the state object.
    pub encrypt: bool,
    /// KMS key for server-side encryption.
    pub kms_key_id: Option<String>,
    /// Prefix of non-default workspaces' keys (`env:`).
    pub workspace_key_prefix: String,
    /// S3 endpoint override.
    pub s3_endpoint: Option<String>,
    /// DynamoDB endpoint override.
    pub dynamodb_endpoint: Option<String>,
    /// Static credentials.
    pub access_key: Option<String>,
    /// Static credentials.
    pub secret_key: Option<String>,
    /// Shared-config profile.
    pub profile: Option<String>,
}

impl S3Config {
    /// Reads the settings from an evaluated backend block; unknown settings are errors.
    pub fn from_value(v: &IndexMap<String, Value>) -> DResult<S3Config> {
        const ACCEPTED: &[&str] = &[
            "bucket",
            "key",
            "region",
            "dynamodb_table",
            "use_lockfile",
            "encrypt",
            "kms_key_id",
            "workspace_key_prefix",
            "endpoint",
            "dynamodb_endpoint",
            "endpoints",
            "access_key",
            "secret_key",
            "profile",
            "token",
            "use_path_style",
            "force_path_style",
            "skip_credentials_validation",
            "skip_region_validation",
            "skip_metadata_api_check",
            "skip_requesting_account_id",
            "skip_s3_checksum",
            "acl",
            "shared_credentials_file",
            "shared_credentials_files",
            "shared_config_files",
            "max_retries",
            "insecure",
            "sts_region",
        ];
        if let Some(k) = v.keys().find(|k| !ACCEPTED.contains(&k.as_str())) {
            return Err(Diag::new(format!("Unsupported argument \"{k}\" in the s3 backend")));
        }
        let s = |k: &str| v.get(k).and_then(Value::to_plain_string).filter(|x| !x.is_empty());
        let b = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        let endpoints = v.get("endpoints").cloned().unwrap_or_default();
        let endpoints = match endpoints {
            Value::List(items) => items.into_iter().next().unwrap_or_default(),
            other => other,
        };
        let ep = |k: &str| endpoints.get(k).to_plain_string();
        Ok(S3Config {
            bucket: s("bucket").ok_or_else(|| Diag::new("The s3 backend needs \"bucket\""))?,
            key: s("key").ok_or_else(|| Diag::new("The s3 backend needs \"key\""))?,
            region: s("region"),
            dynamodb_table: s("dynamodb_table"),
            use_lockfile: b("use_lockfile"),
            encrypt: b("encrypt"),
            kms_key_id: s("kms_key_id"),
            workspace_key_prefix: s("workspace_key_prefix").unwrap_or_else(|| "env:".into()),
            s3_endpoint: ep("s3").or_else(|| s("endpoint")),
            dynamodb_endpoint: ep("dynamodb").or_else(|| s("dynamodb_endpoint")),
            access_key: s("access_key"),
            secret_key: s("secret_key"),
            profile: s("profile"),
        })
    }

    /// The state object's key for a workspace, as Terraform lays it out.
    pub fn key_for(&self, workspace: &str) -> String {
        if workspace == "default" {
            self.key.clone()
        } else {
            format!("{}/{workspace}/{}", self.workspace_key_prefix, self.key)
        }
    }

    fn region_name(&self) -> String {
        self.region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .unwrap_or_else(|| "us-east-1".into())
    }
}

/// The S3 backend for one workspace.
pub struct S3Backend {
    config: S3Config,
    key: String,
    s3: aws_sdk_s3::Client,
    ddb: aws_sdk_dynamodb::Client,
    etag: Mutex<Option<String>>,
    /// The state last read or written, to refuse writes that would go back in serial or switch
    /// lineage (the ETag already guarantees nobody wrote in between).
    last: Mutex<Option<State>>,
    /// Who keeps a state written here for the first time (see [`Backend::new_state_keeper`]).
    new_keeper: Keeper,
}

fn s3_diag<E: ProvideErrorMetadata + std::fmt::Debug>(what: &str, e: &E) -> Diag {
    Diag::new(format!(
        "{what}: {}: {}",
        e.code().unwrap_or("error"),
        e.message().unwrap_or("no message")
    ))
}

/// The HTTP status of a failed call (S3 conditional writes fail with 412/409 and no typed error).
fn status_of<E>(
    e: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

impl S3Backend {
    /// Connects to the bucket (and table) for a workspace, checking both exist, so that a wrong
    /// name or region is reported before anything is read or written.
    pub async fn open(config: &S3Config, workspace: &str) -> DResult<S3Backend> {
        let backend = S3Backend::connect(config, workspace).await;
        backend.check_reachable(&config.region_name()).await?;
        Ok(backend)
    }

    /// Clients for the bucket (and table) of a workspace, without checking that they exist:
    /// for reading another stack's state (`terraform_remote_state`), where a missing object
    /// is reported as such.
    pub async fn connect(config: &S3Config, workspace: &str) -> S3Backend {
        let region = config.region_name();
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.clone()));
        if let Some(p) = &config.profile {
            loader = loader.profile_name(p);
        }
        if let (Some(a), Some(s)) = (&config.access_key, &config.secret_key) {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(a, s, None, None, "backend"));
        }
        let shared = loader.load().await;
        let mut s3 = aws_sdk_s3::config::Builder::from(&shared).force_path_style(true);
        if let Some(url) = &config.s3_endpoint {
            s3 = s3.endpoint_url(url);
        }
        let mut ddb = aws_sdk_dynamodb::config::Builder::from(&shared);
        if let Some(url) = &config.dynamodb_endpoint {
            ddb = ddb.endpoint_url(url);
        }
        S3Backend {
            key: config.key_for(workspace),
            config: config.clone(),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            ddb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
            etag: Mutex::new(None),
            last: Mutex::new(None),
            new_keeper: Keeper::Infractl,
        }
    }

    /// The same backend, with `keeper` keeping a state it writes for the first time.
    pub fn keeping_new(mut self, keeper: Keeper) -> S3Backend {
        self.new_keeper = keeper;
        self
    }

    /// The item of the lock table holding the state object's digest, as Terraform names it.
    fn digest_id(&self) -> String {
        format!("{}-md5", self.lock_id())
    }

    /// The digest Terraform's backend recorded for the state object; `None` without a lock
    /// table or when none was recorded.
    async fn recorded_digest(&self) -> DResult<Option<RecordedDigest>> {
        let Some(table) = &self.config.dynamodb_table else {
            return Ok(None);
        };
        let out = self
            .ddb
            .get_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(self.digest_id()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| s3_diag("Reading the state's digest failed", &e.into_service_error()))?;
        let Some(item) = out.item() else {
            return Ok(None);
        };
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        Ok(text("Digest").filter(|d| !d.is_empty()).map(|digest| RecordedDigest {
            digest,
            serial: item
                .get("Serial")
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok()),
            lineage: text("Lineage"),
        }))
    }

    /// Records the digest of the state object just written, with the serial and lineage it
    /// belongs to (attributes Terraform ignores and drops when it records a digest itself).
    async fn record_digest(&self, body: &[u8], state: &State) -> DResult<()> {
        let Some(table) = &self.config.dynamodb_table else {
            return Ok(());
        };
        use md5::Digest;
        self.ddb
            .put_item()
            .table_name(table)
            .item("LockID", AttributeValue::S(self.digest_id()))
            .item("Digest", AttributeValue::S(hex::encode(md5::Md5::digest(body))))
            .item("Serial", AttributeValue::N(state.serial.to_string()))
            .item("Lineage", AttributeValue::S(state.lineage.clone()))
            .send()
            .await
            .map_err(|e| s3_diag("Recording the state's digest failed", &e.into_service_error()))?;
        Ok(())
    }

    /// The state object's text as stored (infractl's or Terraform's format), `None` when the
    /// object does not exist. Nothing is remembered for later writes.
    pub async fn read_text(&self) -> DResult<Option<String>> {
        match self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(&self.key)
            .send()
            .await
        {
            Ok(out) => {
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| Diag::new(format!("Reading {} failed: {e}", self.describe())))?
                    .into_bytes();
                String::from_utf8(bytes.to_vec())
                    .map(Some)
                    .map_err(|_| Diag::new(format!("State {} is not UTF-8 text", self.describe())))
            }
            Err(e) if status_of(&e) == Some(404) && is_no_such_key(&e) => Ok(None),
            Err(e) if status_of(&e) == Some(404) => {
                Err(Diag::new(format!("Bucket \"{}\" does not exist", self.config.bucket)))
            }
            Err(e) => Err(s3_diag(
                &format!("Reading {} failed", self.describe()),
                &e.into_service_error(),
            )),
        }
    }

    async fn check_reachable(&self, region: &str) -> DResult<()> {
        let bucket = &self.config.bucket;
        match self.s3.head_bucket().bucket(bucket).send().await {
            Ok(out) => {
                if let Some(actual) = out.bucket_region() {
                    if actual != region {
                        return Err(Diag::new(format!(
                            "State bucket \"{bucket}\" is in region {actual}, not {region}"
                        ))
                        .detail("Set region in the backend block to the bucket's region."));
                    }
                }
            }
            Err(e) => {
                return Err(match status_of(&e) {
                    Some(404) => Diag::new(format!("State bucket \"{bucket}\" does not exist"))
                        .detail(format!("No bucket of that name in region {region}. Create it first (plans/bootstrap does), or fix \"bucket\" in the backend block.")),
                    Some(403) => Diag::new(format!("No permission to use state bucket \"{bucket}\""))
                        .detail("The credentials in use may not call s3:ListBucket on it."),
                    Some(301) => Diag::new(format!("State bucket \"{bucket}\" is not in region {region}"))
                        .detail("Set region in the backend block to the bucket's region."),
                    _ => Diag::new(format!("Cannot reach state bucket \"{bucket}\"")).detail(
                        aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
                    ),
                });
            }
        }
        if let Some(table) = &self.config.dynamodb_table {
            if let Err(e) = self.ddb.describe_table().table_name(table).send().await {
                let e = e.into_service_error();
                return Err(if e.is_resource_not_found_exception() {
                    Diag::new(format!("Lock table \"{table}\" does not exist in region {region}"))
                        .detail("Create it first (plans/bootstrap does: hash key LockID of type S), or fix \"dynamodb_table\" or \"region\".")
                } else {
                    s3_diag(&format!("Cannot use lock table \"{table}\""), &e)
                });
            }
        }
        Ok(())
    }

    fn lock_id(&self) -> String {
        format!("{}/{}", self.config.bucket, self.key)
    }

    fn lockfile_key(&self) -> String {
        format!("{}.tflock", self.key)
    }

    /// The object beside the state that holds the stack's secret key.
    fn secret_key_key(&self) -> String {
        format!("{}.secret-key", self.key)
    }

    /// Names of the workspaces that have a state in this bucket.
    pub async fn workspaces(config: &S3Config) -> DResult<Vec<String>> {
        let backend = S3Backend::open(config, "default").await?;
        let mut names = vec!["default".to_string()];
        let prefix = format!("{}/", config.workspace_key_prefix);
        let suffix = format!("/{}", config.key);
        let mut token = None;
        loop {
            let out = backend
                .s3
                .list_objects_v2()
                .bucket(&config.bucket)
                .prefix(&prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| s3_diag("Listing workspaces failed", &e.into_service_error()))?;
            for o in out.contents() {
                if let Some(name) = o
                    .key()
                    .and_then(|k| k.strip_prefix(&prefix))
                    .and_then(|k| k.strip_suffix(&suffix))
                {
                    if !name.contains('/') {
                        names.push(name.to_string());
                    }
                }
            }
            token = out.next_continuation_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Deletes a workspace's state object (and its digest).
    pub async fn delete_state(&self) -> DResult<()> {
        self.s3
            .delete_object()
            .bucket(&self.config.bucket)
            .key(&self.key)
            .send()
            .await
            .map_err(|e| s3_diag("Deleting the state failed", &e.into_service_error()))?;
        if let Some(table) = &self.config.dynamodb_table {
            self.ddb
                .delete_item()
                .table_name(table)
                .key("LockID", AttributeValue::S(self.digest_id()))
                .send()
                .await
                .map_err(|e| s3_diag("Deleting the state's digest failed", &e.into_service_error()))?;
        }
        Ok(())
    }

    async fn lock_dynamo(&self, table: &str, info: &LockInfo) -> Result<(), LockError> {
        let text = serde_json::to_string(info).expect("lock info serialises");
        let result = self
            .ddb
            .put_item()
            .table_name(table)
            .item("LockID", AttributeValue::S(self.lock_id()))
            .item("Info", AttributeValue::S(text))
            .condition_expression("attribute_not_exists(LockID)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = e.into_service_error();
                if let aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(c) = &e {
                    let holder = c
                        .item()
                        .and_then(|i| i.get("Info"))
                        .and_then(|v| v.as_s().ok())
                        .and_then(|t| serde_json::from_str::<LockInfo>(t).ok());
                    let holder = match holder {
                        Some(h) => h,
                        None => self
                            .dynamo_holder(table)
                            .await
                            .ok()
                            .flatten()
                            .unwrap_or_else(|| unknown_holder(&self.lock_id())),
                    };
                    return held_unless_ours(holder, info);
                }
                Err(LockError::Failed(s3_diag(
                    &format!("Locking with table \"{table}\" failed"),
                    &e,
                )))
            }
        }
    }

    async fn dynamo_holder(&self, table: &str) -> DResult<Option<LockInfo>> {
        let out = self
            .ddb
            .get_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(self.lock_id()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| s3_diag("Reading the lock failed", &e.into_service_error()))?;
        Ok(out
            .item()
            .and_then(|i| i.get("Info"))
            .and_then(|v| v.as_s().ok())
            .and_then(|t| serde_json::from_str(t).ok()))
    }

    async fn lock_file(&self, info: &LockInfo) -> Result<(), LockError> {
        let text = serde_json::to_string(info).expect("lock info serialises");
        let result = self
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(self.lockfile_key())
            .if_none_match("*")
            .body(ByteStream::from(text.into_bytes()))
            .content_type("application/json")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if matches!(status_of(&e), Some(412) | Some(409)) => {
                let holder = self
                    .lockfile_holder()
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| unknown_holder(&self.lockfile_key()));
                held_unless_ours(holder, info)
            }
            Err(e) => Err(LockError::Failed(s3_diag(
                "Writing the S3 lock object failed",
                &e.into_service_error(),
            ))),
        }
    }

    async fn lockfile_holder(&self) -> DResult<Option<LockInfo>> {
        match self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(self.lockfile_key())
            .send()
            .await
        {
            Ok(out) => {
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| Diag::new(format!("Reading the S3 lock object failed: {e}")))?
                    .into_bytes();
                Ok(serde_json::from_slice(&bytes).ok())
            }
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(s3_diag("Reading the S3 lock object failed", &e.into_service_error())),
        }
    }
}

/// The answer to a conditional lock write that found a lock: ours when it carries our id. The
/// SDK retries a write whose answer was lost (a reset connection, a 5xx, a timeout), and when the
/// first attempt went through the retry finds the lock that attempt took; calling that "held"
/// would make a run refuse its own lock and leave it behind.
fn held_unless_ours(holder: LockInfo, ours: &LockInfo) -> Result<(), LockError> {
    if holder.id == ours.id {
        Ok(())
    } else {
        Err(LockError::Held(Box::new(holder)))
    }
}

/// True when a GetObject failed because the key does not exist (not the bucket).
fn is_no_such_key(
    e: &aws_smithy_runtime_api::client::result::SdkError<
        aws_sdk_s3::operation::get_object::GetObjectError,
        aws_smithy_runtime_api::http::Response,
    >,
) -> bool {
    e.as_service_error()
        .is_some_and(|s| s.is_no_such_key() || s.code() == Some("NoSuchKey"))
}

fn unknown_holder(path: &str) -> LockInfo {
    LockInfo {
        id: "(unreadable)".into(),
        operation: "unknown".into(),
        info: "the lock exists but its holder could not be read".into(),
        who: "unknown".into(),
        version: String::new(),
        created: String::new(),
        path: path.into(),
    }
}

#[async_trait]
impl Backend for S3Backend {
    fn describe(&self) -> String {
        format!("s3://{}/{}", self.config.bucket, self.key)
    }

    fn new_state_keeper(&self) -> Keeper {
        self.new_keeper
    }

    fn secret_key_location(&self) -> String {
        format!("s3://{}/{}", self.config.bucket, self.secret_key_key())
    }

    async fn read_secret_key(&self) -> DResult<Option<Vec<u8>>> {
        let place = self.secret_key_location();
        match self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(self.secret_key_key())
            .send()
            .await
        {
            Ok(out) => {
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| Diag::new(format!("Reading {place} failed: {e}")))?
                    .into_bytes();
                let text = String::from_utf8_lossy(&bytes);
                super::backend::decode_secret_key(&text, &place).map(Some)
            }
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(s3_diag(&format!("Reading {place} failed"), &e.into_service_error())),
        }
    }

    async fn create_secret_key(&self, key: &[u8]) -> DResult<()> {
        let place = self.secret_key_location();
        // Encrypted at rest whatever the backend's `encrypt` says (with its KMS key when it
        // names one), and never over an existing key.
        let mut req = self
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(self.secret_key_key())
            .if_none_match("*")
            .content_type("application/json")
            .body(ByteStream::from(super::backend::encode_secret_key(key).into_bytes()));
        req = match &self.config.kms_key_id {
            Some(k) => req
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(k),
            None => req.server_side_encryption(ServerSideEncryption::Aes256),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) if matches!(status_of(&e), Some(412) | Some(409)) => Err(Diag::new(format!(
                "Another run created the secret key {place} at the same time"
            ))
            .detail("Run the command again: it will use that key.")),
            Err(e) => Err(s3_diag(&format!("Writing {place} failed"), &e.into_service_error())),
        }
    }

    async fn delete_secret_key(&self) -> DResult<()> {
        self.s3
            .delete_object()
            .bucket(&self.config.bucket)
            .key(self.secret_key_key())
            .send()
            .await
            .map_err(|e| s3_diag("Deleting the secret key failed", &e.into_service_error()))?;
        Ok(())
    }

    async fn read(&self) -> DResult<Option<State>> {
        match self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(&self.key)
            .send()
            .await
        {
            Ok(out) => {
                let etag = out.e_tag().map(str::to_string);
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| Diag::new(format!("Reading {} failed: {e}", self.describe())))?
                    .into_bytes();
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Diag::new(format!("State {} is not UTF-8 text", self.describe())))?;
                let state = State::from_json(&text, &self.describe())?;
                if let Some(recorded) = self.recorded_digest().await? {
                    self.check_digest(&recorded, &bytes, &state)?;
                }
                *self.etag.lock().expect("etag lock") = etag;
                *self.last.lock().expect("last lock") = Some(state.clone());
                Ok(Some(state))
            }
            Err(e) if status_of(&e) == Some(404) => {
                *self.etag.lock().expect("etag lock") = None;
                Ok(None)
            }
            Err(e) => Err(s3_diag(
                &format!("Reading {} failed", self.describe()),
                &e.into_service_error(),
            )),
        }
    }

    async fn write(&self, state: &State) -> DResult<()> {
        let last = self.last.lock().expect("last lock").clone();
        if let Some(last) = last {
            check_overwrite(&last, state, &self.describe())?;
        }
        self.put_state(state).await
    }

    async fn overwrite(&self, state: &State) -> DResult<()> {
        self.put_state(state).await
    }

    async fn lock(&self, info: &LockInfo) -> Result<(), LockError> {
        if self.config.use_lockfile {
            self.lock_file(info).await?;
        }
        if let Some(table) = &self.config.dynamodb_table {
            if let Err(e) = self.lock_dynamo(table, info).await {
                if self.config.use_lockfile {
                    let _ = self
                        .s3
                        .delete_object()
                        .bucket(&self.config.bucket)
                        .key(self.lockfile_key())
                        .send()
                        .await;
                }
                return Err(e);
            }
        }
        Ok(())
    }

    async fn unlock(&self, id: &str) -> DResult<()> {
        let holder = self.lock_holder().await?;
        match holder {
            None => return Err(Diag::new(format!("State {} is not locked", self.describe()))),
            Some(h) if h.id != id => {
                return Err(Diag::new("Lock id does not match").detail(format!(
                    "{} is locked with id {} by {}, not {id}.",
                    self.describe(),
                    h.id,
                    h.who
                )))
            }
            Some(_) => {}
        }
        if let Some(table) = &self.config.dynamodb_table {
            self.ddb
                .delete_item()
                .table_name(table)
                .key("LockID", AttributeValue::S(self.lock_id()))
                .send()
                .await
                .map_err(|e| s3_diag("Releasing the lock failed", &e.into_service_error()))?;
        }
        if self.config.use_lockfile {
            self.s3
                .delete_object()
                .bucket(&self.config.bucket)
                .key(self.lockfile_key())
                .send()
                .await
                .map_err(|e| s3_diag("Removing the S3 lock object failed", &e.into_service_error()))?;
        }
        Ok(())
    }

    async fn lock_holder(&self) -> DResult<Option<LockInfo>> {
        if let Some(table) = &self.config.dynamodb_table {
            if let Some(h) = self.dynamo_holder(table).await? {
                return Ok(Some(h));
            }
        }
        if self.config.use_lockfile {
            return self.lockfile_holder().await;
        }
        Ok(None)
    }
}

impl S3Backend {
    async fn current_without_etag(&self) -> DResult<Option<State>> {
        let saved = self.etag.lock().expect("etag lock").clone();
        let saved_last = self.last.lock().expect("last lock").clone();
        let result = self.read().await;
        *self.etag.lock().expect("etag lock") = saved;
        *self.last.lock().expect("last lock") = saved_last;
        result
    }
}

impl S3Backend {
    /// Checks the object read against the digest recorded for it. A mismatch is refused,
    /// except when the object is a later serial of the same lineage than the one the digest
    /// was recorded for: then the object is newer, and the run that wrote it was stopped
    /// between its write and the digest's (a killed apply), which loses nothing. An older
    /// object (S3 answering with a stale version) or a digest Terraform wrote is refused, as
    /// Terraform refuses it.
    fn check_digest(&self, recorded: &RecordedDigest, bytes: &[u8], state: &State) -> DResult<()> {
        use md5::Digest;
        let actual = hex::encode(md5::Md5::digest(bytes));
        if actual == recorded.digest {
            return Ok(());
        }
        let newer = recorded.lineage.as_deref() == Some(state.lineage.as_str())
            && recorded.serial.is_some_and(|s| state.serial > s);
        if newer {
            tracing::warn!(
                "state {} (serial {}) is newer than its recorded digest (serial {:?}): the run that wrote it stopped before recording the digest",
                self.describe(),
                state.serial,
                recorded.serial
            );
            return Ok(());
        }
        Err(Diag::new(format!(
            "State {} does not match the digest recorded for it",
            self.describe()
        ))
        .detail(format!(
            "The lock table's item {} says the state's MD5 is {}, the object read has {actual}: it was written without its digest, or S3 answered with an older version. Nothing was changed. Try again in a moment; if it persists, check which version of the object is right, and set the item's Digest to its MD5 (what Terraform's S3 backend asks for too).",
            self.digest_id(),
            recorded.digest
        )))
    }
}

/// The lock table's digest item: the MD5 Terraform's backend checks, and (when infractl wrote
/// it) the serial and lineage of the state it belongs to.
struct RecordedDigest {
    digest: String,
    serial: Option<u64>,
    lineage: Option<String>,
}

impl S3Backend {
    /// Writes the state object, conditional on the ETag last seen.
    async fn put_state(&self, state: &State) -> DResult<()> {
        let etag = self.etag.lock().expect("etag lock").clone();
        let text = state.to_json();
        let body = text.clone().into_bytes();
        let mut req = self
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(&self.key)
            .content_type("application/json")
            .body(ByteStream::from(text.into_bytes()));
        req = match &etag {
            Some(tag) => req.if_match(tag),
            None => req.if_none_match("*"),
        };
        if self.config.encrypt {
            req = match &self.config.kms_key_id {
                Some(k) => req
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id(k),
                None => req.server_side_encryption(ServerSideEncryption::Aes256),
            };
        }
        match req.send().await {
            Ok(out) => {
                *self.etag.lock().expect("etag lock") = out.e_tag().map(str::to_string);
                *self.last.lock().expect("last lock") = Some(state.clone());
                self.record_digest(&body, state).await
            }
            Err(e) if matches!(status_of(&e), Some(412) | Some(409)) => {
                // Say what is there now, to make the conflict concrete.
                let detail = match self.current_without_etag().await {
                    Ok(Some(current)) => match check_overwrite(&current, state, &self.describe()) {
                        Err(d) => d.detail.unwrap_or_default(),
                        Ok(()) => format!(
                            "It now has serial {}; this run expected the version it read.",
                            current.serial
                        ),
                    },
                    _ => "It was created or deleted by another run.".into(),
                };
                Err(Diag::new(format!(
                    "State {} was changed by another writer; nothing was overwritten",
                    self.describe()
                ))
                .detail(format!(
                    "{detail} Run the command again to work from the current state."
                )))
            }
            Err(e) => Err(s3_diag(
                &format!("Writing {} failed", self.describe()),
                &e.into_service_error(),
            )),
        }
    }
}
