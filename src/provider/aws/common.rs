//! Helpers every AWS resource uses: SDK errors to provider errors, tag conversions, and waiting
//! with fast-then-backing-off polls.

use crate::duration::parse_go_duration as parse_duration;
use crate::provider::{CallCtx, PResult, ProviderError, ADDRESS_TAG, STACK_TAG};
use crate::schema::Schema;
use crate::value::Value;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use indexmap::IndexMap;
use std::future::Future;
use std::time::Duration;

/// Converts an SDK error into a provider error carrying the service's code and message.
pub fn aws_err<E, R>(e: SdkError<E, R>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = e.code().map(str::to_string);
    let mut message = e.message().map(str::to_string).unwrap_or_else(|| error_chain(&e));
    // An answer the SDK could not parse (a proxy's 503 page, a gateway timeout) carries no
    // code: its HTTP status is then the one clear fact about it.
    let raw = e
        .raw_response()
        .and_then(|r| (r as &dyn std::any::Any).downcast_ref::<aws_smithy_runtime_api::http::Response>());
    if let (None, Some(r)) = (&code, raw) {
        let status = r.status().as_u16();
        let body = r.body().bytes().map(String::from_utf8_lossy).unwrap_or_default();
        let body: String = body.trim().chars().take(200).collect();
        message = format!(
            "HTTP {status} from AWS{}",
            if body.is_empty() {
                String::new()
            } else {
                format!(": {body}")
            }
        );
        if !message.contains(&error_chain(&e)) {
            message = format!("{message} ({})", error_chain(&e));
        }
    }
    ProviderError { code, message }
}

/// A request or value the SDK refused to build before sending (a member its model requires was
/// left out); one wording for every type, so the error reads the same wherever it comes from.
pub fn build_err(e: aws_smithy_types::error::operation::BuildError) -> ProviderError {
    ProviderError::msg(format!("the AWS SDK refused the request before sending it: {e}"))
}

/// An error and its causes on one line, without the raw response dumps the SDK's own
/// formatting includes (those can run to pages).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let mut line = parts.join(": ");
    if line.len() > 400 {
        let mut cut = 400;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}

/// True when an error says the object does not exist.
pub fn is_not_found(e: &ProviderError) -> bool {
    e.code
        .as_deref()
        .is_some_and(|c| c.contains("NotFound") || c == "NoSuchBucket" || c == "NotFound")
}

/// A string map value (tags, mostly) as its (key, value) pairs; none for null or unknown.
pub fn string_pairs(v: &Value) -> IndexMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The tags to write: the user's `tags_all` plus infractl's stack and address tags.
pub fn tags_to_write(ctx: &CallCtx, planned: &Value) -> IndexMap<String, String> {
    let mut tags = string_pairs(planned.get("tags_all"));
    tags.extend(ctx.system_tags());
    tags
}

/// Turns tags read from AWS into `tags`/`tags_all` values: all of them, infractl's ownership
/// tags included; whether state sees those depends on who keeps it ([`super::own_tags`]).
pub fn user_tags(pairs: impl IntoIterator<Item = (String, String)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// `tags` as the blueprint set them, kept from the planned value (AWS only knows `tags_all`).
pub fn configured_tags(planned: &Value) -> Value {
    match planned.get("tags") {
        Value::Null | Value::Unknown => Value::Object(IndexMap::new()),
        v => v.clone(),
    }
}

/// Tags to add and keys to remove to go from `old` to `new` (`tags_all` values).
pub fn tag_changes(old: &Value, new: &Value) -> (IndexMap<String, String>, Vec<String>) {
    let empty = IndexMap::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    let add = n
        .iter()
        .filter(|(k, v)| o.get(*k) != Some(*v))
        .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
        .collect();
    let remove = o.keys().filter(|k| !n.contains_key(*k)).cloned().collect();
    (add, remove)
}

/// The operation a wait belongs to, whose timeout bounds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Creating the object.
    Create,
    /// Changing it in place.
    Update,
    /// Deleting it.
    Delete,
}

/// How long an operation on an object may wait: the blueprint's `timeouts` block (carried in
/// the planned value, and in state for deletes, as Terraform keeps it), else the provider's
/// default for the type (its declaration), else `fallback` (types whose provider resource has
/// no `timeouts` block wait as long as the provider's code does).
pub fn op_timeout(schema: &Schema, value: &Value, op: Op, fallback: Duration) -> Duration {
    let (key, default) = match op {
        Op::Create => ("create", schema.timeouts.create),
        Op::Update => ("update", schema.timeouts.update),
        Op::Delete => ("delete", schema.timeouts.delete),
    };
    value
        .get("timeouts")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|t| t.get(key).as_str())
        .and_then(parse_duration)
        .or(default)
        .unwrap_or(fallback)
}

/// What one poll of a wait saw.
pub enum Poll<T> {
    /// The object reached the state waited for.
    Ready(T),
    /// Not yet; the state it is in now (for the message if the wait times out).
    Pending(String),
}

impl<T> Poll<T> {
    /// Not yet, in this state.
    pub fn pending(state: impl std::fmt::Display) -> Poll<T> {
        Poll::Pending(state.to_string())
    }
}

/// One wait: the object and the state waited for (for messages) and how long it may take.
pub struct Wait {
    what: String,
    goal: String,
    timeout: Duration,
}

impl Wait {
    /// Waiting for `what` (`subnet-0abc`) to reach `goal` (`available`, `deleted`), at most
    /// `timeout`.
    pub fn new(what: impl Into<String>, goal: impl Into<String>, timeout: Duration) -> Wait {
        Wait {
            what: what.into(),
            goal: goal.into(),
            timeout,
        }
    }
}

/// Polls `check` until it is ready, quickly at first (100 ms) then backing off to 5 s, giving
/// up after the wait's timeout with the state waited for and the last state seen. The emulator
/// answers at once; AWS rewards patience.
pub async fn wait_for<T, F, Fut>(wait: Wait, mut check: F) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, ProviderError>>,
{
    let start = std::time::Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        let last = match check().await? {
            Poll::Ready(v) => return Ok(v),
            Poll::Pending(state) => state,
        };
        let elapsed = start.elapsed();
        if elapsed >= wait.timeout {
            return Err(ProviderError::msg(format!(
                "timed out after {} waiting for {} to be {} (last state seen: {last})",
                human(wait.timeout),
                wait.what,
                wait.goal
            )));
        }
        tokio::time::sleep(delay.min(wait.timeout - elapsed)).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// A duration as Terraform prints timeouts (`10m0s`, `1.5s`).
fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_millis() != 0 || secs == 0 {
        return format!("{}s", d.as_secs_f64());
    }
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

/// Retries an operation that fails with a dependency error while AWS releases something
/// (a subnet's network interfaces, a gateway's attachment), up to `timeout`.
pub async fn retry_while<T, F, Fut>(codes: &[&str], timeout: Duration, op: F) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    retry_while_matching(|e| e.code.as_deref().is_some_and(|c| codes.contains(&c)), timeout, op).await
}

/// Retries an operation while its error is one `transient` recognises (AWS still settling a
/// change it accepted), backing off from 200 ms to 5 s, up to `timeout`.
pub async fn retry_while_matching<T, F, Fut>(
    transient: impl Fn(&ProviderError) -> bool,
    timeout: Duration,
    mut op: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let start = std::time::Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match op().await {
            Err(e) if transient(&e) && start.elapsed() < timeout => {
                tracing::debug!("retrying while AWS settles: {e}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Whether the arguments `keys` of a plan-time value are all known (null counts as known):
/// for `ResourceType::adoptable_known_early` of a type whose adoption lookup reads them.
pub fn known_early(planned: &Value, keys: &[&str]) -> bool {
    keys.iter().all(|k| !planned.get(k).has_unknown())
}

/// A string argument the schema requires (a planned value lacks it only when a caller skipped
/// validation).
pub fn required(planned: &Value, name: &str) -> PResult<String> {
    opt_str(planned, name).ok_or_else(|| ProviderError::msg(format!("{name} is required")))
}

/// A string attribute of a planned value, if set.
pub fn opt_str(v: &Value, name: &str) -> Option<String> {
    v.get(name).to_plain_string().filter(|s| !s.is_empty())
}

/// A number attribute of a planned value as the `i32` the SDKs take, if set (one helper for the
/// many types that had a copy of their own).
pub fn opt_i32(v: &Value, name: &str) -> Option<i32> {
    v.get(name).as_number().map(|n| n as i32)
}

/// A bool attribute of a planned value, if set.
pub fn opt_bool(v: &Value, name: &str) -> Option<bool> {
    v.get(name).as_bool()
}

/// A list-of-strings attribute of a planned value.
pub fn str_list(v: &Value, name: &str) -> Vec<String> {
    v.get(name)
        .as_list()
        .map(|l| l.iter().filter_map(Value::to_plain_string).collect())
        .unwrap_or_default()
}

/// A string map as a value (an absent map reads as empty, as the provider records it).
pub fn map_value(m: Option<&std::collections::HashMap<String, String>>) -> Value {
    let mut pairs: Vec<(&String, &String)> = m.into_iter().flatten().collect();
    pairs.sort();
    Value::Object(pairs.into_iter().map(|(k, v)| (k.clone(), Value::str(v))).collect())
}

/// True when attribute `k` of a planned value differs from the prior one, counting null, an
/// empty list and an empty map as the same (the plan's diff does, so a type's plan modifier
/// must too, or it marks computed values unknown for a change the plan does not show).
pub fn differs(prior: &Value, planned: &Value, k: &str) -> bool {
    let empty = |v: &Value| {
        v.is_null() || v.as_list().is_some_and(|l| l.is_empty()) || v.as_object().is_some_and(|m| m.is_empty())
    };
    let (a, b) = (prior.get(k), planned.get(k));
    a != b && !(empty(a) && empty(b))
}

/// What a set of strings gains and loses from `prior` to `planned`: the Add/Remove pair of
/// the EC2 Modify calls that change a set in place (subnets, CIDR blocks).
pub fn set_changes(prior: &Value, planned: &Value, k: &str) -> (Vec<String>, Vec<String>) {
    let (old, new) = (str_list(prior, k), str_list(planned, k));
    let added = new.iter().filter(|x| !old.contains(x)).cloned().collect();
    let removed = old.iter().filter(|x| !new.contains(x)).cloned().collect();
    (added, removed)
}

/// Whether a set of strings changed, whatever order either side lists it in.
pub fn set_differs(prior: &Value, planned: &Value, k: &str) -> bool {
    let (added, removed) = set_changes(prior, planned, k);
    !added.is_empty() || !removed.is_empty()
}

/// The first block of a nested block list, if any.
pub fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

/// A list of strings as a value.
pub fn list_value(items: impl IntoIterator<Item = String>) -> Value {
    Value::List(items.into_iter().map(Value::String).collect())
}

/// Treats the listed "does not exist" error codes as absence, for reads.
pub fn absent_on<T>(r: PResult<T>, codes: &[&str]) -> PResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code.as_deref().is_some_and(|c| codes.contains(&c)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Runs an object's existence read (`head`) and the reads that only matter when it exists
/// (`rest`: its settings, attributes, tags) at the same time, so that refreshing it costs one
/// round trip rather than one per call (the per-service limits still bound what is in flight).
/// When `head` finds the object gone, whatever `rest` answered is dropped: its calls fail with
/// "not found" then, which is no error of the read. Only for reads that do not need `head`'s
/// answer to be made.
pub async fn read_beside<A, B>(
    head: impl Future<Output = PResult<Option<A>>>,
    rest: impl Future<Output = PResult<B>>,
) -> PResult<Option<(A, B)>> {
    let (head, rest) = futures::join!(head, rest);
    match head? {
        None => Ok(None),
        Some(a) => Ok(Some((a, rest?))),
    }
}

/// Treats the listed error codes as success, for deletes of objects that may already be gone.
pub fn ok_on<T>(r: PResult<T>, codes: &[&str]) -> PResult<()> {
    absent_on(r, codes).map(|_| ())
}

/// The object read back after a create or update; its absence is an error.
pub fn must_exist(read: Option<Value>, what: &str, id: &str) -> PResult<Value> {
    read.ok_or_else(|| ProviderError::msg(format!("{what} {id} is missing right after it was written")))
}

/// An EC2 ARN, as the AWS provider computes it.
pub fn ec2_arn(region: &str, owner: &str, kind: &str, id: &str) -> Value {
    Value::str(format!("arn:aws:ec2:{region}:{owner}:{kind}/{id}"))
}

/// The name to create an object with: `name` when the blueprint sets it, otherwise
/// `name_prefix` (or the AWS provider's default prefix) plus a unique suffix, as Terraform does.
pub fn name_or_generated(planned: &Value, default_prefix: &str, suffix_len: usize) -> String {
    if let Some(name) = opt_str(planned, "name") {
        return name;
    }
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| default_prefix.to_string());
    format!("{prefix}{}", &unique[..suffix_len.min(unique.len())])
}

/// The `name_prefix` a name was generated from, as the provider recovers it on import: the name
/// less its 26 hexadecimal unique digits (and `suffix`, such as `.fifo`); `None` for a name that
/// does not end that way.
pub fn name_prefix_from_name(name: &str, suffix: &str) -> Option<String> {
    const UNIQUE: usize = 26;
    let stem = name.strip_suffix(suffix)?;
    let cut = stem.len().checked_sub(UNIQUE).filter(|&n| n > 0)?;
    let (prefix, unique) = (stem.get(..cut)?, stem.get(cut..)?);
    unique
        .chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| prefix.to_string())
}

/// `name_prefix` as a read records it: the prior value, or on import (no prior state) the
/// prefix recovered from a generated name, as the provider's reads do (NamePrefixFromName), so
/// an imported object made from a prefix does not plan a replacement.
pub fn name_prefix_read(prior: &Value, name: Option<&str>, suffix: &str) -> Value {
    if prior.is_null() {
        Value::from(name.and_then(|n| name_prefix_from_name(n, suffix)))
    } else {
        prior.get("name_prefix").clone()
    }
}

/// True when `(key, value)` tags say this stack created the object for this address.
pub fn owns<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>, ctx: &CallCtx) -> bool {
    let tags: Vec<(&str, &str)> = tags.into_iter().collect();
    let has = |k: &str, v: &str| tags.iter().any(|(tk, tv)| *tk == k && *tv == v);
    has(STACK_TAG, &ctx.stack) && has(ADDRESS_TAG, &ctx.address)
}

/// What state keeps of a secret value: its SHA-256 digest, never the value. Used as the
/// attribute's canonical form too, so a configured value plans no change when its digest is the
/// one recorded (and a digest passes through unchanged). The same form the run's generated
/// secrets are concealed with ([`crate::provider::secrets::digest`]).
pub fn secret_digest(value: &str) -> String {
    crate::provider::secrets::digest(value)
}

/// What state recorded for `name`, for an argument AWS never reads back (a secret, an S3
/// location, an attribute another protocol keeps): null where the plan left it unknown.
pub fn recorded(prior: &Value, name: &str) -> Value {
    match prior.get(name) {
        Value::Unknown => Value::Null,
        v => v.clone(),
    }
}

/// A JSON document as state should record it: the configured text when AWS's copy means the
/// same (AWS reorders keys and whitespace), else AWS's copy, so only real changes plan.
pub fn json_as_configured(configured: &Value, live: Option<String>) -> Value {
    match (live, configured) {
        (Some(l), Value::String(cfg))
            if crate::plan::diff::same(
                &crate::schema::Type::Any,
                &Value::str(cfg.clone()),
                &Value::str(l.clone()),
            ) =>
        {
            Value::str(cfg.clone())
        }
        (l, _) => Value::from(l),
    }
}

/// The inline blocks (routes, rules, ACL entries) that go and that come when a type's blocks
/// change from `old` to `new`, compared one by one as the block's schema says (a block that
/// matches one on the other side stays).
pub fn changed_blocks<'a>(
    schema: &crate::schema::Schema,
    old: &'a [Value],
    new: &'a [Value],
) -> (Vec<&'a Value>, Vec<&'a Value>) {
    use crate::plan::diff::blocks_match;
    use crate::schema::Nesting;
    let same = |a: &Value, b: &Value| {
        blocks_match(
            schema,
            Nesting::List,
            &Value::List(vec![a.clone()]),
            &Value::List(vec![b.clone()]),
        )
    };
    let gone = old.iter().filter(|o| !new.iter().any(|n| same(n, o))).collect();
    let added = new.iter().filter(|n| !old.iter().any(|o| same(n, o))).collect();
    (gone, added)
}

/// Brings tags from `prior`'s `tags_all` to `planned`'s with the service's own untag and tag
/// calls, sending only the keys that change.
pub async fn sync_tags<U, UF, T, TF>(prior: &Value, planned: &Value, untag: U, tag: T) -> PResult<()>
where
    U: FnOnce(Vec<String>) -> UF,
    UF: Future<Output = PResult<()>>,
    T: FnOnce(IndexMap<String, String>) -> TF,
    TF: Future<Output = PResult<()>>,
{
    let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
    if !remove.is_empty() {
        untag(remove).await?;
    }
    if !add.is_empty() {
        tag(add).await?;
    }
    Ok(())
}

/// [`sync_tags`] through a service's TagResource / UntagResource pair addressed by ARN, which
/// many SDKs spell the same way (`resource_arn`, `set_tag_keys`, `set_tags`) on types that share
/// no trait: `sync_tags_by_arn!(client, arn, prior, planned, add => to_sdk_tags(add))`, where
/// the last part turns the tags to add (an `IndexMap`) into what the SDK's `set_tags` takes
/// (it may use `?`). Services that address the object otherwise name the setter:
/// `sync_tags_by_arn!(client, resource_id = id, prior, planned, add => ...)` (EFS).
macro_rules! sync_tags_by_arn {
    ($client:expr, $target:ident = $arn:expr, $prior:expr, $planned:expr, $add:ident => $tags:expr) => {{
        let (client, arn): (&_, &str) = (&$client, $arn);
        $crate::provider::aws::common::sync_tags(
            $prior,
            $planned,
            |keys| async move {
                let r = client
                    .untag_resource()
                    .$target(arn)
                    .set_tag_keys(Some(keys))
                    .send()
                    .await;
                r.map(|_| ()).map_err($crate::provider::aws::common::aws_err)
            },
            |$add| async move {
                let r = client
                    .tag_resource()
                    .$target(arn)
                    .set_tags(Some($tags))
                    .send()
                    .await;
                r.map(|_| ()).map_err($crate::provider::aws::common::aws_err)
            },
        )
        .await
    }};
    ($client:expr, $arn:expr, $prior:expr, $planned:expr, $add:ident => $tags:expr) => {
        $crate::provider::aws::common::sync_tags_by_arn!($client, resource_arn = $arn, $prior, $planned, $add => $tags)
    };
}
pub(crate) use sync_tags_by_arn;

/// Key/value pairs as one SDK's `Tag` list, for the SDKs whose tag builder checks that the key
/// and value are set: `sdk_tags!(Tag, pairs)`, or `sdk_tags!(Tag, pairs, tag_key, tag_value)`
/// where the SDK names the members otherwise (KMS). Every SDK has its own `Tag` type and no trait
/// joins them, so a function cannot name them all.
macro_rules! sdk_tags {
    ($tag:ty, $pairs:expr) => {
        $crate::provider::aws::common::sdk_tags!($tag, $pairs, key, value)
    };
    ($tag:ty, $pairs:expr, $key:ident, $value:ident) => {
        ($pairs)
            .into_iter()
            .map(|(k, v)| {
                <$tag>::builder()
                    .$key(k)
                    .$value(v)
                    .build()
                    .map_err(|e| $crate::provider::ProviderError::msg(e.to_string()))
            })
            .collect::<$crate::provider::PResult<Vec<$tag>>>()
    };
}
pub(crate) use sdk_tags;

/// A client of one SDK for another region, with the same credentials, endpoint and retries:
/// `client_in!(aws_sdk_rds, client, region)`, for the calls a type makes where its object's
/// source or replica lives (the provider's `ConnForRegion`). Each SDK has its own client type.
macro_rules! client_in {
    ($sdk:ident, $client:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $client
                .config()
                .to_builder()
                .region($sdk::config::Region::new($region.to_string()))
                .build(),
        )
    };
}
pub(crate) use client_in;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_recovers_the_name_prefix_and_a_refresh_keeps_the_prior_one() {
        // Terraform's generated suffix (a timestamp and a counter) and infractl's (UUID digits).
        let terraform_made = Some("rct-20261203171618974500000001");
        assert_eq!(name_prefix_read(&Value::Null, terraform_made, ""), Value::str("rct-"));
        let infractl_made = Some("app-408bdfe0b16e4244ad5ce45456.fifo");
        assert_eq!(
            name_prefix_read(&Value::Null, infractl_made, ".fifo"),
            Value::str("app-")
        );
        assert_eq!(name_prefix_read(&Value::Null, Some("named-by-hand"), ""), Value::Null);
        let prior = Value::object([("name_prefix", Value::Null)]);
        assert_eq!(name_prefix_read(&prior, terraform_made, ""), Value::Null);
    }

    #[test]
    fn null_and_empty_collections_do_not_differ() {
        let prior = Value::object([("layers", Value::List(vec![])), ("tags", Value::object::<&str>([]))]);
        let planned = Value::object([
            ("layers", Value::Null),
            ("tags", Value::Null),
            ("memory_size", Value::Number(256.0)),
        ]);
        assert!(!differs(&prior, &planned, "layers"));
        assert!(!differs(&prior, &planned, "tags"));
        assert!(differs(&prior, &planned, "memory_size"));
        let layered = Value::object([("layers", Value::List(vec![Value::str("arn:layer")]))]);
        assert!(differs(&prior, &layered, "layers"));
    }

    fn gone<T>() -> PResult<T> {
        Err(ProviderError {
            code: Some("NotFound".into()),
            message: "no such object".into(),
        })
    }

    #[tokio::test]
    async fn reads_beside_an_object_count_only_while_it_exists() {
        // Present: both answers come back together.
        let both = read_beside(async { Ok(Some(1)) }, async { Ok("tags") }).await.unwrap();
        assert_eq!(both, Some((1, "tags")));
        // Gone: the other reads' "not found" is no error of the read.
        let none = read_beside(async { Ok(None::<u8>) }, async { gone::<&str>() })
            .await
            .unwrap();
        assert_eq!(none, None);
        // Present but a side read failed: the failure is the read's.
        let err = read_beside(async { Ok(Some(1)) }, async { gone::<&str>() })
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("NotFound"));
        // The existence read's own failure wins.
        let err = read_beside(async { gone::<Option<u8>>() }, async { Ok("tags") })
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("NotFound"));
    }
}
