//! DOCX reader (being written).

use super::super::ReadError;
use super::super::model::RawBlock;
use crate::source::Source;

/// Reads a Word document into raw blocks.
///
/// # Errors
/// Always, until the reader lands.
pub fn read(_name: &str, _bytes: &[u8]) -> Result<(Source, Vec<RawBlock>), ReadError> {
    Err(ReadError::Malformed {
        format: "docx",
        message: "DOCX reading is not available yet".into(),
    })
}
