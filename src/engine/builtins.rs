//! The builtin functions' table lives with the language (`crate::dsl::builtins`): the engine
//! only implements them (`eval/calls.rs`). Re-exported here for the engine's paths.

pub use crate::dsl::builtins::*;
