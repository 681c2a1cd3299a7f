//! `aws_network_interface_sg_attachment`: one security group added to an elastic network
//! interface's groups, leaving the others as they are (the provider's resource of that name).
//! The id is `GROUP_INTERFACE`, as the provider makes it. EC2 sets an interface's groups as a
//! whole, so changes to one interface's groups are made one at a time in this process (the
//! provider locks the interface the same way).

use super::network_interface::describe;
use crate::provider::aws::common::{aws_err, must_exist, op_timeout, required, wait_for, Op, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// The `aws_network_interface_sg_attachment` resource type.
pub struct NetworkInterfaceSgAttachment {
    c: Arc<Clients>,
    schema: Schema,
    changing: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// The group and the interface an id names: `GROUP_INTERFACE` as the provider records it, or
/// `INTERFACE_GROUP` as its import takes it.
fn parse_id(id: &str) -> PResult<(String, String)> {
    match id.split_once('_') {
        Some((g, n)) if g.starts_with("sg-") && n.starts_with("eni-") => Ok((g.to_string(), n.to_string())),
        Some((n, g)) if g.starts_with("sg-") && n.starts_with("eni-") => Ok((g.to_string(), n.to_string())),
        _ => Err(ProviderError::msg(format!(
            "invalid id {id:?}: expected NETWORKINTERFACEID_SECURITYGROUPID"
        ))),
    }
}

impl NetworkInterfaceSgAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkInterfaceSgAttachment {
        let schema = resource("aws_network_interface_sg_attachment")
            .arg("network_interface_id")
            .force_new()
            .arg("security_group_id")
            .force_new()
            .timeouts(3, 0, 3)
            .read_timeout(3)
            .build();
        NetworkInterfaceSgAttachment {
            c,
            schema,
            changing: Default::default(),
        }
    }

    fn lock_for(&self, eni: &str) -> Arc<Mutex<()>> {
        let mut locks = self.changing.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(eni.to_string()).or_default().clone()
    }

    /// The interface's groups, or none when EC2 does not know the interface.
    async fn groups(&self, eni: &str) -> PResult<Option<Vec<String>>> {
        Ok(describe(&self.c.ec2, eni).await?.map(|n| {
            n.groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_string))
                .collect()
        }))
    }

    /// Sets the interface's groups to what `change` makes of them, then waits until EC2
    /// answers the group's presence as `want`.
    async fn change(&self, eni: &str, group: &str, want: bool, timeout: Duration) -> PResult<()> {
        let lock = self.lock_for(eni);
        let _held = lock.lock().await;
        let Some(mut groups) = self.groups(eni).await? else {
            // An interface already gone holds no group to take away.
            if want {
                return Err(ProviderError::msg(format!("network interface {eni} not found")));
            }
            return Ok(());
        };
        match (groups.iter().any(|g| g == group), want) {
            (true, true) => {
                return Err(ProviderError::msg(format!(
                    "security group {group} is already attached to network interface {eni}"
                )))
            }
            (false, false) => return Ok(()),
            _ => {}
        }
        if want {
            groups.push(group.to_string());
        } else {
            groups.retain(|g| g != group);
        }
        self.c
            .ec2
            .modify_network_interface_attribute()
            .network_interface_id(eni)
            .set_groups(Some(groups))
            .send()
            .await
            .map_err(aws_err)?;
        let state = if want { "attached" } else { "detached" };
        wait_for(Wait::new(format!("{group}_{eni}"), state, timeout), || async {
            let has = self.groups(eni).await?.is_some_and(|g| g.iter().any(|x| x == group));
            Ok(if has == want {
                Poll::Ready(())
            } else {
                Poll::pending(if has { "attached" } else { "detached" })
            })
        })
        .await
    }
}

#[async_trait]
impl ResourceType for NetworkInterfaceSgAttachment {
    fn type_name(&self) -> &'static str {
        "aws_network_interface_sg_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let eni = required(planned, "network_interface_id")?;
        let group = required(planned, "security_group_id")?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(180));
        self.change(&eni, &group, true, timeout).await?;
        let id = format!("{group}_{eni}");
        must_exist(self.read(ctx, &id, planned).await?, "security group attachment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, eni) = parse_id(id)?;
        let attached = self.groups(&eni).await?.is_some_and(|g| g.contains(&group));
        Ok(attached.then(|| {
            Value::object([
                ("id", Value::str(format!("{group}_{eni}"))),
                ("network_interface_id", Value::str(&eni)),
                ("security_group_id", Value::str(&group)),
                ("timeouts", prior.get("timeouts").clone()),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        must_exist(self.read(ctx, id, planned).await?, "security group attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (group, eni) = parse_id(id)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(180));
        // The last group of an interface cannot be taken away; EC2's error says so.
        self.change(&eni, &group, false, timeout).await
    }
}

#[cfg(test)]
mod tests {
    use super::parse_id;

    #[test]
    fn ids_name_the_group_and_the_interface_in_either_order() {
        let (g, n) = parse_id("sg-0123_eni-4567").unwrap();
        assert_eq!((g.as_str(), n.as_str()), ("sg-0123", "eni-4567"));
        let (g, n) = parse_id("eni-4567_sg-0123").unwrap();
        assert_eq!((g.as_str(), n.as_str()), ("sg-0123", "eni-4567"));
        assert!(parse_id("sg-0123_sg-4567").is_err());
        assert!(parse_id("sg-0123").is_err());
    }
}
