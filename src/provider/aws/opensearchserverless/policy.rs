//! The shared definition of the two policy resources (see [`policy_resource`]).

/// Reads one policy's detail: `get CALL DETAIL` for the calls that take a name and type
/// (security and access policies), `batch CALL DETAILS IDENTIFIER` for those that take a list of
/// identifiers (lifecycle policies). `None` when AWS has no such policy.
macro_rules! policy_detail {
    (get $get:ident $detail:ident, $c:expr, $name:expr, $kind:expr) => {{
        let r = $c.$get().name($name).r#type($kind).send().await.map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"])?.and_then(|out| out.$detail().cloned())
    }};
    (batch $get:ident $details:ident $ident:ident, $c:expr, $name:expr, $kind:expr) => {{
        let ident = $ident::builder()
            .name($name)
            .r#type($kind)
            .build()
            .map_err(|e| crate::provider::ProviderError::msg(e.to_string()))?;
        $c.$get()
            .identifiers(ident)
            .send()
            .await
            .map_err(aws_err)?
            .$details()
            .first()
            .cloned()
    }};
}

pub(crate) use policy_detail;

/// Declares a policy resource type. Security, access and lifecycle policies are the same
/// resource over different calls and types of the SDK (create/read/update/delete, policy type
/// and detail), so one definition serves all three; a macro because the SDK shares no trait
/// between them. `$read` is what [`policy_detail`] takes.
macro_rules! policy_resource {
    ($(#[$doc:meta])* $ty:ident, $tf:literal, $what:literal, $kind:ident, $types:expr,
     $create:ident, [$($read:tt)*], $update:ident, $delete:ident) => {
        $(#[$doc])*
        pub struct $ty {
            c: Arc<Clients>,
            schema: Schema,
        }

        impl $ty {
            /// Creates the type with its clients.
            pub fn new(c: Arc<Clients>) -> $ty {
                let schema = resource($tf)
                    .arg("name")
                    .force_new()
                    .arg("type")
                    .force_new()
                    .arg("name")
                    .check(len_between(3, 32))
                    .arg("type")
                    .check(one_of($types))
                    // The provider leaves the document to AWS; plans compare it as JSON.
                    .arg("policy")
                    .compare_json()
                    .args(&["description"])
                    .build();
                $ty { c, schema }
            }
        }

        #[async_trait]
        impl ResourceType for $ty {
            fn type_name(&self) -> &'static str {
                $tf
            }

            fn schema(&self) -> &Schema {
                &self.schema
            }

            async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
                let (name, kind) = name_and_type("", planned)?;
                self.c
                    .opensearchserverless
                    .$create()
                    .name(&name)
                    .r#type($kind::from(kind.as_str()))
                    .policy(checked_policy(planned)?)
                    .set_description(opt_str(planned, "description"))
                    .client_token(uuid::Uuid::new_v4().to_string())
                    .send()
                    .await
                    .map_err(aws_err)?;
                must_exist(self.read(ctx, &name, planned).await?, $what, &name)
            }

            async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
                let (name, kind) = name_and_type(id, prior)?;
                let detail = policy_detail!(
                    $($read)*,
                    self.c.opensearchserverless,
                    &name,
                    $kind::from(kind.as_str())
                );
                let Some(p) = detail else {
                    return Ok(None);
                };
                Ok(Some(Value::object([
                    ("id", Value::str(&name)),
                    ("name", Value::str(&name)),
                    ("type", Value::str(&kind)),
                    (
                        "policy",
                        json_as_configured(prior.get("policy"), p.policy().map(document_json)),
                    ),
                    ("description", Value::from(p.description())),
                    ("policy_version", Value::from(p.policy_version())),
                ])))
            }

            async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
                let (name, kind) = name_and_type(id, prior)?;
                self.c
                    .opensearchserverless
                    .$update()
                    .name(&name)
                    .r#type($kind::from(kind.as_str()))
                    .set_policy_version(opt_str(prior, "policy_version"))
                    .policy(checked_policy(planned)?)
                    .set_description(opt_str(planned, "description"))
                    .client_token(uuid::Uuid::new_v4().to_string())
                    .send()
                    .await
                    .map_err(aws_err)?;
                must_exist(self.read(ctx, id, planned).await?, $what, id)
            }

            async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
                let (name, kind) = name_and_type(id, prior)?;
                let r = self
                    .c
                    .opensearchserverless
                    .$delete()
                    .name(name)
                    .r#type($kind::from(kind.as_str()))
                    .client_token(uuid::Uuid::new_v4().to_string())
                    .send()
                    .await
                    .map_err(aws_err);
                absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
            }
        }
    };
}

pub(crate) use policy_resource;

/// Checks the policy argument is JSON before sending it, for a clearer error than the API's.
pub fn checked_policy(planned: &crate::value::Value) -> crate::provider::PResult<String> {
    use crate::provider::aws::common::required;
    use crate::provider::ProviderError;
    let text = required(planned, "policy")?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| ProviderError::msg(format!("policy is not valid JSON: {e}")))?;
    Ok(text)
}
