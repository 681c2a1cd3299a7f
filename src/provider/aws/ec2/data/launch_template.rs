//! Data source `aws_launch_template`: one launch template, by id, name, tags or filters, with
//! the settings of its latest version, as the provider reads them.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{absent_on, aws_err, ec2_arn, opt_str};
use crate::provider::aws::ec2::{launch_template_data, read_tags};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_launch_template` data source.
pub struct LaunchTemplateData {
    c: Arc<Clients>,
    schema: Schema,
}

impl LaunchTemplateData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LaunchTemplateData {
        let schema = data_source("aws_launch_template")
            .args(&["id", "name", "tags", "filter"])
            .read_timeout(20)
            .build();
        LaunchTemplateData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for LaunchTemplateData {
    fn type_name(&self) -> &'static str {
        "aws_launch_template"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        // The name goes as a filter: a name list answers an error, not nothing, for a name
        // no template has.
        let mut req = self
            .c
            .ec2
            .describe_launch_templates()
            .set_filters(Some(filters(config, &[("name", "launch-template-name")])));
        if let Some(id) = opt_str(config, "id") {
            req = req.launch_template_ids(id);
        }
        let found = absent_on(req.send().await.map_err(aws_err), super::super::launch_template::ABSENT)?
            .map(|o| o.launch_templates().to_vec())
            .unwrap_or_default();
        let t = exactly_one(found, "EC2 Launch Template", "EC2 Launch Templates")?;
        let id = t.launch_template_id().unwrap_or_default().to_string();
        let (version, account) = tokio::try_join!(
            async {
                self.c
                    .ec2
                    .describe_launch_template_versions()
                    .launch_template_id(&id)
                    .versions("$Latest")
                    .send()
                    .await
                    .map_err(aws_err)
            },
            self.c.account_id()
        )?;
        let v = version
            .launch_template_versions()
            .first()
            .cloned()
            .ok_or_else(|| ProviderError::msg(format!("EC2 Launch Template {id} has no latest version")))?;
        let mut pairs: Vec<(&str, Value)> = vec![
            ("id", Value::str(&id)),
            ("arn", ec2_arn(&self.c.region, &account, "launch-template", &id)),
            ("name", Value::from(t.launch_template_name())),
            ("default_version", Value::from(t.default_version_number())),
            ("latest_version", Value::from(t.latest_version_number())),
            ("description", Value::from(v.version_description())),
            ("tags", read_tags(t.tags())),
        ];
        let settings = v
            .launch_template_data()
            .cloned()
            .unwrap_or_else(|| aws_sdk_ec2::types::ResponseLaunchTemplateData::builder().build());
        pairs.extend(launch_template_data::state(&settings, &Value::List(vec![])));
        let mut read = Value::object(pairs);
        // The data source's interfaces have no ENA Express block (the resource's do).
        if let Value::Object(m) = &mut read {
            if let Some(Value::List(nics)) = m.get_mut("network_interfaces") {
                for n in nics {
                    if let Value::Object(n) = n {
                        n.shift_remove("ena_srd_specification");
                    }
                }
            }
        }
        Ok(with_results(config, read))
    }
}
