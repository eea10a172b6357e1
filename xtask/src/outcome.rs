//! The result of one stage: passed (with an optional note), skipped (with the reason), or failed.

/// What a stage reports back to the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The stage ran and passed; the note (e.g. "12/12 cases") goes into the summary.
    Pass(Option<String>),
    /// The stage is genuinely not present yet; printed as `SKIP <stage>: <reason>`.
    Skip(String),
    /// The stage failed; the reason goes into the summary.
    Fail(String),
}

impl Outcome {
    /// A pass without a note.
    pub fn pass() -> Self {
        Outcome::Pass(None)
    }

    /// A pass with a note for the summary table.
    pub fn pass_with(note: impl Into<String>) -> Self {
        Outcome::Pass(Some(note.into()))
    }
}
