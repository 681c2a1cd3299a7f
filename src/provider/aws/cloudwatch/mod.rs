//! CloudWatch resources: metric and composite alarms and dashboards. All are written with calls
//! that create or replace by name (PutMetricAlarm, PutCompositeAlarm, PutDashboard), so a create
//! repeated after a crash converges on the same object.

pub mod alarms;
pub mod composite_alarm;
pub mod dashboard;
pub mod metric_alarm;
