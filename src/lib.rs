//! regulint: a compliance linter for 政府信息公开工作年度报告.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! bytes ──source──▶ Source ──document──▶ Document ──┐
//!                                                    ├──engine──▶ Findings ──render──▶ output
//! rule text ──dsl::parse──▶ AST ──dsl::compile──▶ Program ┘
//! ```

pub mod baseline;
pub mod batch;
pub mod cli;
pub mod codes;
pub mod collection;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod dsl;
pub mod engine;
pub mod escape;
pub mod explain;
pub mod fingerprint;
pub mod inspect;
pub mod lint;
pub mod packs;
pub mod panics;
pub mod pattern;
pub mod render;
pub mod ruletest;
pub mod source;
#[cfg(test)]
mod test_support;
