//! AWS Organizations: the organization the caller's account belongs to, read by the
//! `aws_organizations_organization` data source (public modules read it for the organization
//! id in resource policies, `aws:PrincipalOrgID`).

pub mod organization_data;
