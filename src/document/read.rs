//! One reader per input format. Each turns a file into [`super::RawBlock`]s whose spans
//! point into the original text (or, for DOCX, into `word/document.xml`).

pub mod docx;
pub mod html;
pub mod json;
pub mod lines;
pub mod pdf;

/// The paragraph texts of raw blocks (for the readers' tests).
#[cfg(test)]
pub(crate) fn paragraph_texts(blocks: &[super::RawBlock]) -> Vec<&str> {
    blocks
        .iter()
        .filter_map(|b| match b {
            super::RawBlock::Paragraph(p) => Some(p.text.as_str()),
            super::RawBlock::Table(_) => None,
        })
        .collect()
}

/// The tables of raw blocks (for the readers' tests).
#[cfg(test)]
pub(crate) fn tables(blocks: &[super::RawBlock]) -> Vec<&super::RawTable> {
    blocks
        .iter()
        .filter_map(|b| match b {
            super::RawBlock::Table(t) => Some(t),
            super::RawBlock::Paragraph(_) => None,
        })
        .collect()
}
