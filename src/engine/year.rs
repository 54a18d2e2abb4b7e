//! The report year, and where it was found: the title; else the statistics period
//! (`统计期限自2023年1月1日…`); else the publication date, when it falls in January–March
//! (reports are due by 31 January, so such a date names the year before).
//!
//! A later publication date is not used: a report published in, say, June may be late for
//! the year before or an interim one, and guessing would choose the wrong pack silently.

use super::recognise;
use crate::document::Document;
use crate::source::Span;
use serde::Serialize;

/// Where the report year was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum YearSource {
    /// The title (`2023年`, `二〇二三年度`, …).
    Title,
    /// The statistics period's first date.
    StatisticsPeriod,
    /// The publication date, minus one year.
    PublicationDate,
}

impl YearSource {
    /// How the source is named in `inspect` output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::StatisticsPeriod => "statistics period",
            Self::PublicationDate => "publication date",
        }
    }
}

/// A report year and the text it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReportYear {
    /// The year reported on.
    pub year: i32,
    /// Where it was found.
    pub source: YearSource,
    /// The text it was read from.
    pub span: Span,
}

/// Finds the report year.
#[must_use]
pub fn find(document: &Document) -> Option<ReportYear> {
    if let Some(title) = &document.title
        && let Some(year) = title.year
    {
        return Some(ReportYear {
            year,
            source: YearSource::Title,
            span: title.span,
        });
    }
    if let Some((start, _, span)) = recognise::statistics_period(document) {
        return Some(ReportYear {
            year: start.year,
            source: YearSource::StatisticsPeriod,
            span,
        });
    }
    let (date, span) = recognise::publication_date(document)?;
    (date.month <= 3).then_some(ReportYear {
        year: date.year - 1,
        source: YearSource::PublicationDate,
        span,
    })
}
