//! hashicorp/external: `data "external"`, a program that answers a JSON query with a JSON
//! object of strings.

pub mod data;
