//! One reader per input format. Each turns a file into [`super::RawBlock`]s whose spans
//! point into the original text (or, for DOCX, into `word/document.xml`).

pub mod docx;
pub mod html;
pub mod json;
pub mod lines;
