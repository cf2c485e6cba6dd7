//! Diagnostics: what the loader found wrong in rule files, with positions.

use std::fmt;

/// How bad a diagnostic is. Errors make `sterk rules check` fail; the model is
/// still built from what could be understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something a reviewer should look at; the model is usable.
    Warning,
    /// The rule file is wrong; the affected rule is left out or unknown.
    Error,
}

/// One problem in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File the problem is in, as given to the loader.
    pub file: String,
    /// Line, starting at 1 (0 when the problem has no position, e.g. a missing file).
    pub line: u32,
    /// Column, starting at 1.
    pub col: u32,
    /// Error or warning.
    pub severity: Severity,
    /// A stable snake_case code, e.g. `unknown_variable`, `type_mismatch`,
    /// `cycle`, `overlapping_dates`, `missing_source`, `syntax`.
    pub code: &'static str,
    /// A plain-language message.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}:{}: {sev}[{}]: {}",
            self.file, self.line, self.col, self.code, self.message
        )
    }
}
