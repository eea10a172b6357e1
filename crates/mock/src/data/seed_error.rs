//! Why a seed could not be read: the problem and the JSON path where it is (its own module so
//! the seed's parts, such as the instance fields, report errors without importing the seed).

use std::fmt;

/// A seed that could not be read: what was wrong and where (a JSON path such as
/// `instances[0].Backups[2].Status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    path: String,
    problem: String,
}

impl SeedError {
    pub(crate) fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            problem: problem.into(),
        }
    }
    /// The JSON path of the offending field (`$` for the document itself).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed {}: {}", self.path, self.problem)
    }
}

impl std::error::Error for SeedError {}
