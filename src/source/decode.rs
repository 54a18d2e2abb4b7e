//! Byte decoding: BOM sniffing, UTF-8, UTF-16, and GB18030 detection.
//!
//! Government files arrive as UTF-8 (with or without BOM), as GB18030/GBK exported by older
//! Windows tools, and now and then as UTF-16 from Word's "Unicode text". We never replace
//! undecodable bytes: a file that does not decode cleanly is an error that names the offset.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// The encodings regulint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    Utf8 {
        /// Whether the file started with EF BB BF.
        bom: bool,
    },
    /// UTF-16 little endian (with BOM when detected).
    Utf16Le,
    /// UTF-16 big endian (with BOM when detected).
    Utf16Be,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
}

impl Encoding {
    /// The name shown to users and accepted by `--encoding`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 { bom: false } => "utf-8",
            Self::Utf8 { bom: true } => "utf-8-bom",
            Self::Utf16Le => "utf-16le",
            Self::Utf16Be => "utf-16be",
            Self::Gb18030 => "gb18030",
        }
    }

    pub(super) fn bom_len(self) -> usize {
        match self {
            Self::Utf8 { bom: true } => 3,
            Self::Utf16Le | Self::Utf16Be => 2,
            Self::Utf8 { bom: false } | Self::Gb18030 => 0,
        }
    }

    /// How many bytes `text` takes in this encoding.
    pub(super) fn encoded_len(self, text: &str) -> usize {
        match self {
            Self::Utf8 { .. } => text.len(),
            Self::Utf16Le | Self::Utf16Be => text.encode_utf16().count() * 2,
            Self::Gb18030 => text.chars().map(gb18030_len).sum(),
        }
    }

    /// [`Self::encoded_len`] for many texts of one file: remembers each character's GB18030
    /// length in `memo`, since encoding_rs finds a character's GB18030 bytes by searching its
    /// tables and a report repeats a few hundred distinct characters.
    pub(super) fn encoded_len_memo(self, text: &str, memo: &mut HashMap<char, usize>) -> usize {
        match self {
            Self::Gb18030 => text
                .chars()
                .map(|c| *memo.entry(c).or_insert_with(|| gb18030_len(c)))
                .sum(),
            _ => self.encoded_len(text),
        }
    }
}

/// How many bytes a character takes in GB18030.
fn gb18030_len(c: char) -> usize {
    match u32::from(c) {
        0..=0x7F => 1,
        // Characters outside the BMP and a few BMP ranges take four bytes.
        0x10000.. => 4,
        _ => {
            let mut buf = [0u8; 4];
            let (bytes, _, _) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
            bytes.len()
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Encoding> for String {
    fn from(value: Encoding) -> Self {
        value.name().to_owned()
    }
}

impl FromStr for Encoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Self::Utf8 { bom: false }),
            "utf-8-bom" | "utf8-bom" => Ok(Self::Utf8 { bom: true }),
            "utf-16le" | "utf16le" | "utf-16" => Ok(Self::Utf16Le),
            "utf-16be" | "utf16be" => Ok(Self::Utf16Be),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Self::Gb18030),
            other => Err(format!(
                "unknown encoding `{other}`; expected one of utf-8, utf-16le, utf-16be, gb18030 (gbk)"
            )),
        }
    }
}

/// Why a file's bytes could not be turned into text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The file is empty (or only a byte order mark).
    #[error("the file is empty")]
    Empty,
    /// The file holds NUL bytes in a pattern no text encoding produces.
    #[error("the file looks binary (NUL byte at offset {offset}), not a text report")]
    Binary {
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// Bytes that are invalid in the chosen encoding.
    #[error("invalid {encoding} byte sequence at offset {offset}")]
    Malformed {
        /// The encoding that was tried.
        encoding: &'static str,
        /// Offset of the first bad byte in the file.
        offset: usize,
    },
}

/// Decodes bytes to UTF-8 text, detecting the encoding unless one is forced.
///
/// # Errors
/// [`DecodeError`] when the bytes are empty, binary, or malformed in the encoding used.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<(String, Encoding), DecodeError> {
    let encoding = match forced {
        Some(Encoding::Utf8 { .. }) => Encoding::Utf8 {
            bom: bytes.starts_with(b"\xEF\xBB\xBF"),
        },
        Some(encoding) => encoding,
        None => detect(bytes)?,
    };
    let body = &bytes[encoding.bom_len().min(bytes.len())..];
    let has_bom = match encoding {
        Encoding::Utf8 { bom } => bom,
        Encoding::Utf16Le => bytes.starts_with(b"\xFF\xFE"),
        Encoding::Utf16Be => bytes.starts_with(b"\xFE\xFF"),
        Encoding::Gb18030 => false,
    };
    let body = if has_bom { body } else { bytes };
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    let rs_encoding = match encoding {
        Encoding::Utf8 { .. } => encoding_rs::UTF_8,
        Encoding::Utf16Le => encoding_rs::UTF_16LE,
        Encoding::Utf16Be => encoding_rs::UTF_16BE,
        Encoding::Gb18030 => encoding_rs::GB18030,
    };
    let text = decode_strict(rs_encoding, body).map_err(|offset| DecodeError::Malformed {
        encoding: encoding.name(),
        offset: offset + (bytes.len() - body.len()),
    })?;
    let encoding = match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be if !has_bom => encoding,
        other => other,
    };
    Ok((text, encoding))
}

fn detect(bytes: &[u8]) -> Result<Encoding, DecodeError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Ok(Encoding::Utf8 { bom: true });
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Ok(Encoding::Utf16Le);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Ok(Encoding::Utf16Be);
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(guess) = bomless_utf16(bytes) {
        return Ok(guess);
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary { offset });
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(Encoding::Utf8 { bom: false });
    }
    // Not UTF-8. Chinese government files that are not UTF-8 are almost always GBK/GB18030;
    // chardetng confirms, and anything else it proposes is still tried as UTF-8 so that the
    // error names the first bad byte instead of producing mojibake.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 {
        Ok(Encoding::Gb18030)
    } else {
        Ok(Encoding::Utf8 { bom: false })
    }
}

/// UTF-16 without a BOM shows as ASCII bytes interleaved with NULs.
fn bomless_utf16(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nuls * 10 >= pairs * 3 && even_nuls * 20 < pairs {
        Some(Encoding::Utf16Le)
    } else if even_nuls * 10 >= pairs * 3 && odd_nuls * 20 < pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes without replacement; on failure returns the offset of the first bad byte.
fn decode_strict(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3);
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(bad, consumed_after) => {
            Err(read - usize::from(bad) - usize::from(consumed_after))
        }
        encoding_rs::DecoderResult::OutputFull => Err(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_with_and_without_bom() {
        assert_eq!(
            decode("表三".as_bytes(), None).unwrap(),
            ("表三".to_owned(), Encoding::Utf8 { bom: false })
        );
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice("表三".as_bytes());
        assert_eq!(
            decode(&bytes, None).unwrap(),
            ("表三".to_owned(), Encoding::Utf8 { bom: true })
        );
    }

    #[test]
    fn detects_gb18030_and_utf16() {
        let text = "政府信息公开工作年度报告，统计期限为2020年1月1日至2020年12月31日。";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(
            decode(&gb, None).unwrap(),
            (text.to_owned(), Encoding::Gb18030)
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            decode(&le, None).unwrap(),
            (text.to_owned(), Encoding::Utf16Le)
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(
            decode(&be, None).unwrap(),
            (text.to_owned(), Encoding::Utf16Be)
        );
    }

    #[test]
    fn binary_and_empty_files_are_errors() {
        assert_eq!(decode(b"", None), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF", None), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"PK\x03\x04\x00\x00\x01", None),
            Err(DecodeError::Binary { offset: 4 })
        );
    }

    #[test]
    fn malformed_bytes_name_the_offset() {
        // Valid UTF-8 "ab", then a lone continuation byte, forced to UTF-8.
        let err = decode(b"ab\x80cd", Some(Encoding::Utf8 { bom: false })).unwrap_err();
        assert_eq!(
            err,
            DecodeError::Malformed {
                encoding: "utf-8",
                offset: 2
            }
        );
    }

    #[test]
    fn encoding_names_parse() {
        assert_eq!("GBK".parse::<Encoding>().unwrap(), Encoding::Gb18030);
        assert!("latin-9".parse::<Encoding>().is_err());
    }

    #[test]
    fn remembered_lengths_are_the_encoders() {
        let text = "2020年，收到申请 12 件（含€、〇、𠀀、\u{E5E5}）\n第二行：表三";
        let mut memo = HashMap::new();
        for encoding in [
            Encoding::Gb18030,
            Encoding::Utf16Le,
            Encoding::Utf8 { bom: false },
        ] {
            for line in text.split_inclusive('\n') {
                assert_eq!(
                    encoding.encoded_len_memo(line, &mut memo),
                    encoding.encoded_len(line)
                );
            }
        }
    }
}
