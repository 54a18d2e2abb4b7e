//! JSON reader (being written).

use super::super::ReadError;
use super::super::model::RawBlock;

/// Reads structured JSON statistics into raw blocks.
///
/// # Errors
/// Always, until the reader lands.
pub fn read(_text: &str) -> Result<Vec<RawBlock>, ReadError> {
    Err(ReadError::Malformed {
        format: "json",
        message: "JSON reading is not available yet".into(),
    })
}
