//! The result of one stage: passed (with an optional note) or failed. There is no "skipped":
//! a stage whose input is missing fails, so a green gate never hides a stage that did nothing.

/// What a stage reports back to the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The stage ran and passed; the note (e.g. "12/12 cases") goes into the summary.
    Pass(Option<String>),
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
