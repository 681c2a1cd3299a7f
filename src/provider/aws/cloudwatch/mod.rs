//! CloudWatch resources: metric alarms and dashboards. Both are written with calls that create
//! or replace by name (PutMetricAlarm, PutDashboard), so a create repeated after a crash
//! converges on the same object.

pub mod dashboard;
pub mod metric_alarm;
