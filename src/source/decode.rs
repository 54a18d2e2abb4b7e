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
    /// UTF-32 little endian (rare; some converters write it).
    Utf32Le,
    /// UTF-32 big endian.
    Utf32Be,
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
            Self::Utf32Le => "utf-32le",
            Self::Utf32Be => "utf-32be",
            Self::Gb18030 => "gb18030",
        }
    }

    pub(super) fn bom_len(self) -> usize {
        match self {
            Self::Utf8 { bom: true } => 3,
            Self::Utf16Le | Self::Utf16Be => 2,
            Self::Utf32Le | Self::Utf32Be => 4,
            Self::Utf8 { bom: false } | Self::Gb18030 => 0,
        }
    }

    /// How many bytes `text` takes in this encoding.
    pub(super) fn encoded_len(self, text: &str) -> usize {
        match self {
            Self::Utf8 { .. } => text.len(),
            Self::Utf16Le | Self::Utf16Be => text.encode_utf16().count() * 2,
            Self::Utf32Le | Self::Utf32Be => text.chars().count() * 4,
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
            "utf-32le" | "utf32le" | "utf-32" => Ok(Self::Utf32Le),
            "utf-32be" | "utf32be" => Ok(Self::Utf32Be),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Self::Gb18030),
            other => Err(format!(
                "unknown encoding `{other}`; expected one of utf-8, utf-16le, utf-16be, utf-32le, utf-32be, gb18030 (gbk)"
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
    /// A byte order mark that the bytes after it contradict (a UTF-16 BOM on UTF-8 text, a
    /// UTF-8 BOM on UTF-16 text): read as the BOM says, the file would be garbage.
    #[error(
        "the file starts with a {bom} byte order mark, but the text after it is {actual}; re-save it without the mark or pass --encoding {actual_flag}"
    )]
    ContradictoryBom {
        /// The encoding the BOM names.
        bom: &'static str,
        /// The encoding the content is in.
        actual: &'static str,
        /// The `--encoding` value for the content.
        actual_flag: &'static str,
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
    let (encoding, validated) = match forced {
        Some(Encoding::Utf8 { .. }) => (
            Encoding::Utf8 {
                bom: bytes.starts_with(b"\xEF\xBB\xBF"),
            },
            None,
        ),
        Some(encoding) => (encoding, None),
        None => detect(bytes)?,
    };
    // UTF-8 without a BOM (nearly every file) was validated by detection: that is the text.
    if let Some(text) = validated {
        return Ok((text.to_owned(), encoding));
    }
    let body = &bytes[encoding.bom_len().min(bytes.len())..];
    let has_bom = match encoding {
        Encoding::Utf8 { bom } => bom,
        Encoding::Utf16Le => bytes.starts_with(b"\xFF\xFE"),
        Encoding::Utf16Be => bytes.starts_with(b"\xFE\xFF"),
        Encoding::Utf32Le => bytes.starts_with(b"\xFF\xFE\0\0"),
        Encoding::Utf32Be => bytes.starts_with(b"\0\0\xFE\xFF"),
        Encoding::Gb18030 => false,
    };
    let body = if has_bom { body } else { bytes };
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    if has_bom && forced.is_none() {
        check_bom_agrees(encoding, body)?;
    }
    let skipped = bytes.len() - body.len();
    let malformed = |offset: usize| DecodeError::Malformed {
        encoding: encoding.name(),
        offset: offset + skipped,
    };
    let text = match encoding {
        Encoding::Utf32Le => decode_utf32(body, u32::from_le_bytes).map_err(malformed)?,
        Encoding::Utf32Be => decode_utf32(body, u32::from_be_bytes).map_err(malformed)?,
        _ => {
            let rs_encoding = match encoding {
                Encoding::Utf16Le => encoding_rs::UTF_16LE,
                Encoding::Utf16Be => encoding_rs::UTF_16BE,
                Encoding::Gb18030 => encoding_rs::GB18030,
                _ => encoding_rs::UTF_8,
            };
            decode_strict(rs_encoding, body).map_err(malformed)?
        }
    };
    let encoding = match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be if !has_bom => encoding,
        other => other,
    };
    Ok((text, encoding))
}

/// A BOM is trusted only when the bytes after it could be in its encoding.
fn check_bom_agrees(encoding: Encoding, body: &[u8]) -> Result<(), DecodeError> {
    let has_nul = body.contains(&0);
    let contradiction = match encoding {
        // Text after a UTF-16 or UTF-32 BOM always has NULs (line breaks, digits); none at
        // all, and valid UTF-8, means the BOM was stuck on a UTF-8 file.
        Encoding::Utf16Le | Encoding::Utf16Be | Encoding::Utf32Le | Encoding::Utf32Be
            if !has_nul && std::str::from_utf8(body).is_ok() =>
        {
            Some(("utf-8", "utf-8"))
        }
        // NULs on one side of each byte pair only: UTF-16 text behind a UTF-8 BOM.
        Encoding::Utf8 { .. } if has_nul => {
            let nuls = |parity: usize| {
                body.iter()
                    .skip(parity)
                    .step_by(2)
                    .filter(|&&b| b == 0)
                    .count()
            };
            let (even, odd) = (nuls(0), nuls(1));
            if odd >= 3 * even.max(1) {
                Some(("utf-16le", "utf-16le"))
            } else if even >= 3 * odd.max(1) {
                Some(("utf-16be", "utf-16be"))
            } else {
                None
            }
        }
        _ => None,
    };
    match contradiction {
        Some((actual, actual_flag)) => Err(DecodeError::ContradictoryBom {
            bom: encoding.name().trim_end_matches("-bom"),
            actual,
            actual_flag,
        }),
        None => Ok(()),
    }
}

/// Decodes UTF-32 code units; on failure, the offset of the first bad unit.
fn decode_utf32(bytes: &[u8], unit: fn([u8; 4]) -> u32) -> Result<String, usize> {
    if bytes.len() % 4 != 0 {
        return Err(bytes.len() - bytes.len() % 4);
    }
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, chunk) in bytes.chunks_exact(4).enumerate() {
        let value = unit([chunk[0], chunk[1], chunk[2], chunk[3]]);
        text.push(char::from_u32(value).ok_or(i * 4)?);
    }
    Ok(text)
}

/// UTF-32 without a BOM: every code unit of CJK or ASCII text has two zero high bytes.
fn bomless_utf32(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 8 || bytes.len() % 4 != 0 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let units = sample.len() / 4;
    let zero_at = |k: usize| {
        sample
            .iter()
            .skip(k)
            .step_by(4)
            .filter(|&&b| b == 0)
            .count()
    };
    if zero_at(2) == units && zero_at(3) == units && zero_at(0) * 2 < units {
        Some(Encoding::Utf32Le)
    } else if zero_at(0) == units && zero_at(1) == units && zero_at(3) * 2 < units {
        Some(Encoding::Utf32Be)
    } else {
        None
    }
}

/// When bytes are almost all valid UTF-8 — many well-formed multi-byte characters and only a
/// few bad bytes — the file is UTF-8 with damage, not GB18030: the error should name the
/// first bad byte, instead of decoding the whole file as GB18030 and failing elsewhere.
fn damaged_utf8(bytes: &[u8]) -> Option<DecodeError> {
    let mut rest = bytes;
    let mut consumed = 0;
    let (mut good, mut bad) = (0usize, 0usize);
    let mut first_bad = None;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                good += valid.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(error) => {
                let valid_up_to = error.valid_up_to();
                good += std::str::from_utf8(&rest[..valid_up_to])
                    .map_or(0, |v| v.chars().filter(|c| !c.is_ascii()).count());
                first_bad.get_or_insert(consumed + valid_up_to);
                bad += 1;
                let skip = valid_up_to + error.error_len().unwrap_or(rest.len() - valid_up_to);
                consumed += skip;
                rest = &rest[skip..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    // GB18030 text forms valid UTF-8 multi-byte sequences only by accident, a few at most.
    (good >= 16 && bad * 50 <= good).then(|| DecodeError::Malformed {
        encoding: "utf-8",
        offset: first_bad.unwrap_or(0),
    })
}

/// The encoding of `bytes`, and their text when detection validated them as UTF-8 without a
/// BOM (so that they are validated once, with SIMD: std checks multi-byte text a byte at a
/// time).
fn detect(bytes: &[u8]) -> Result<(Encoding, Option<&str>), DecodeError> {
    let bom = [
        (&b"\xEF\xBB\xBF"[..], Encoding::Utf8 { bom: true }),
        (b"\xFF\xFE\0\0", Encoding::Utf32Le),
        (b"\0\0\xFE\xFF", Encoding::Utf32Be),
        (b"\xFF\xFE", Encoding::Utf16Le),
        (b"\xFE\xFF", Encoding::Utf16Be),
    ];
    if let Some(&(_, encoding)) = bom.iter().find(|(mark, _)| bytes.starts_with(mark)) {
        return Ok((encoding, None));
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    // UTF-16 and UTF-32 without a BOM are full of NULs: without a NUL, neither is tried.
    if let Some(offset) = memchr::memchr(0, bytes) {
        return match bomless_utf32(bytes).or_else(|| bomless_utf16(bytes)) {
            Some(guess) => Ok((guess, None)),
            None => Err(DecodeError::Binary { offset }),
        };
    }
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok((Encoding::Utf8 { bom: false }, Some(text)));
    }
    if let Some(error) = damaged_utf8(bytes) {
        return Err(error);
    }
    // Not UTF-8. Chinese government files that are not UTF-8 are almost always GBK/GB18030;
    // chardetng confirms, and anything else it proposes is still tried as UTF-8 so that the
    // error names the first bad byte instead of producing mojibake.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 {
        Ok((Encoding::Gb18030, None))
    } else {
        Ok((Encoding::Utf8 { bom: false }, None))
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

    /// The shortcut for UTF-8 without a BOM answers what detection and a strict decode do.
    #[test]
    fn plain_utf8_decodes_as_detection_would() {
        let samples: [&[u8]; 5] = [
            "一、总体情况\r\n本年度".as_bytes(),
            b"a",
            "表三\r第一行\n".as_bytes(),
            "a\u{feff}b".as_bytes(),
            "（二）主动公开\n".as_bytes(),
        ];
        for bytes in samples {
            let (detected, _) = detect(bytes).unwrap();
            assert_eq!(detected, Encoding::Utf8 { bom: false });
            let body = &bytes[detected.bom_len()..];
            let strict = decode_strict(encoding_rs::UTF_8, body).unwrap();
            assert_eq!(decode(bytes, None), Ok((strict, detected)));
        }
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
    fn damaged_utf8_is_named_as_utf8_at_the_bad_byte() {
        let text = "政府信息公开工作年度报告，统计期限为2020年1月1日至2020年12月31日。".repeat(4);
        let mut bytes = text.into_bytes();
        // Corrupt the second byte of a three-byte character in the middle of the file.
        let at = bytes.len() / 2;
        let at = (at..).find(|&i| bytes[i] >= 0xE0).unwrap() + 1;
        bytes[at] = b'A';
        assert_eq!(
            decode(&bytes, None),
            Err(DecodeError::Malformed {
                encoding: "utf-8",
                offset: at - 1
            })
        );
    }

    #[test]
    fn gb18030_is_not_mistaken_for_damaged_utf8() {
        let text = "政府信息公开工作年度报告，统计期限为2020年1月1日至2020年12月31日。".repeat(20);
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        assert_eq!(decode(&gb, None).unwrap().1, Encoding::Gb18030);
    }

    #[test]
    fn a_bom_that_the_content_contradicts_is_an_error() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice("一、总体情况\n电话：0311-86689429\n".as_bytes());
        let error = decode(&bytes, None).unwrap_err();
        assert!(
            matches!(
                error,
                DecodeError::ContradictoryBom {
                    bom: "utf-16le",
                    actual: "utf-8",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("--encoding utf-8"), "{error}");
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(
            "一、总体情况\n电话：0311-86689429\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert!(matches!(
            decode(&bytes, None),
            Err(DecodeError::ContradictoryBom {
                bom: "utf-8",
                actual: "utf-16le",
                ..
            })
        ));
    }

    #[test]
    fn utf32_with_and_without_bom() {
        let text = "一、总体情况\n统计期限为2020年1月1日至12月31日\n";
        let le: Vec<u8> = text
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        let be: Vec<u8> = text
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
        assert_eq!(
            decode(&with_bom(b"\xFF\xFE\0\0", &le), None).unwrap(),
            (text.to_owned(), Encoding::Utf32Le)
        );
        assert_eq!(
            decode(&with_bom(b"\0\0\xFE\xFF", &be), None).unwrap(),
            (text.to_owned(), Encoding::Utf32Be)
        );
        assert_eq!(
            decode(&le, None).unwrap(),
            (text.to_owned(), Encoding::Utf32Le)
        );
        assert_eq!(
            decode(&be, None).unwrap(),
            (text.to_owned(), Encoding::Utf32Be)
        );
        // A surrogate is not a character: the error names its offset.
        let mut bad = le.clone();
        bad[8..12].copy_from_slice(&0xD800u32.to_le_bytes());
        assert_eq!(
            decode(&bad, Some(Encoding::Utf32Le)),
            Err(DecodeError::Malformed {
                encoding: "utf-32le",
                offset: 8
            })
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
