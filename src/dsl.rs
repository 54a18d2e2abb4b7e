//! Steps 2–3: rule text → AST ([`parser`]) → compiled [`Pack`](program::Pack) ([`compile`]).

pub mod ast;
pub mod builtins;
pub mod check;
pub mod compile;
pub mod error;
pub mod fmt;
pub mod parser;
pub mod program;
pub mod regex;
pub mod types;
