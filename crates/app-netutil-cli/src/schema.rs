//! `app-netutil schema`: the JSON Schema of the report, built into the
//! binary from `schema/report-v1.json`.

use std::process::ExitCode;

use clap::Args;

use crate::common::write_stdout;

/// The JSON Schema (2020-12) of the report, contract v1: the project's
/// `schema/report-v1.json`, as built into this binary.
pub(crate) const REPORT_SCHEMA: &str = include_str!("../../../schema/report-v1.json");

/// `app-netutil schema`.
#[derive(Args, Debug)]
#[command(
    long_about = "Print the JSON Schema (draft 2020-12) of the report that `show --json`, `env --format json` and the C ABI's netutil_report_json() write: contract app-netutil/v1, the schema/report-v1.json this binary was built with. Validate saved reports with it, or generate types from it. Every object in it is open: later versions add keys, never change them."
)]
pub(crate) struct SchemaArgs {}

/// Prints the schema.
pub(crate) fn run(_args: &SchemaArgs) -> ExitCode {
    let mut text = REPORT_SCHEMA.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match write_stdout(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_schema_is_the_report_schema() {
        let schema: serde_json::Value = serde_json::from_str(REPORT_SCHEMA).unwrap();
        assert_eq!(
            schema["properties"]["apiVersion"]["const"],
            app_netutil::API_VERSION
        );
        assert_eq!(schema["properties"]["kind"]["const"], app_netutil::KIND);
    }
}
