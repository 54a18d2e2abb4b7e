//! The builtin functions of the rule language: one table of names, signatures and docs.
//!
//! Each builtin's doc carries an example; `tests/builtins.rs` runs every example against a
//! small report, so the documentation cannot drift from the behaviour. `docs/builtins.md` is
//! generated from this table.

/// A builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `sum(cells)`
    Sum,
    /// `count(list)`
    Count,
    /// `present(x)`
    Present,
    /// `integer(n)`
    Integer,
    /// `date(y, m, d)`
    Date,
    /// `preamble()`
    Preamble,
    /// `all_text()`
    AllText,
    /// `section_text(s)`
    SectionText,
    /// `find(text, pattern)`
    Find,
    /// `stated(regex)`
    Stated,
    /// `statistics_period()`
    StatisticsPeriod,
    /// `publication_date()`
    PublicationDate,
    /// `placeholders(text)`
    Placeholders,
    /// `missing_rows(table)`
    MissingRows,
    /// `blank_cells(table)`
    BlankCells,
    /// `labels_with(list)`
    LabelsWith,
    /// `misordered()`
    Misordered,
    /// `heading_number(section)`
    HeadingNumber,
    /// `unit(number)`
    Unit,
    /// `reader_problems(kind)`
    ReaderProblems,
}

impl Builtin {
    /// Every builtin, in documentation order.
    pub const ALL: &'static [Self] = &[
        Self::Sum,
        Self::Count,
        Self::Present,
        Self::Integer,
        Self::Date,
        Self::Preamble,
        Self::AllText,
        Self::SectionText,
        Self::Find,
        Self::Stated,
        Self::StatisticsPeriod,
        Self::PublicationDate,
        Self::Placeholders,
        Self::MissingRows,
        Self::BlankCells,
        Self::LabelsWith,
        Self::Misordered,
        Self::HeadingNumber,
        Self::Unit,
        Self::ReaderProblems,
    ];

    /// The name used in rule files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Count => "count",
            Self::Present => "present",
            Self::Integer => "integer",
            Self::Date => "date",
            Self::Preamble => "preamble",
            Self::AllText => "all_text",
            Self::SectionText => "section_text",
            Self::Find => "find",
            Self::Stated => "stated",
            Self::StatisticsPeriod => "statistics_period",
            Self::PublicationDate => "publication_date",
            Self::Placeholders => "placeholders",
            Self::MissingRows => "missing_rows",
            Self::BlankCells => "blank_cells",
            Self::LabelsWith => "labels_with",
            Self::Misordered => "misordered",
            Self::HeadingNumber => "heading_number",
            Self::Unit => "unit",
            Self::ReaderProblems => "reader_problems",
        }
    }

    /// The builtin with this name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// Minimum and maximum number of arguments.
    #[must_use]
    pub fn arity(self) -> (usize, usize) {
        match self {
            Self::Preamble
            | Self::AllText
            | Self::StatisticsPeriod
            | Self::PublicationDate
            | Self::Misordered => (0, 0),
            Self::Date => (3, 3),
            Self::Find => (2, 2),
            _ => (1, 1),
        }
    }

    /// How to call it.
    #[must_use]
    pub fn signature(self) -> &'static str {
        match self {
            Self::Sum => "sum(cells) -> number",
            Self::Count => "count(list) -> number",
            Self::Present => "present(section | table | value) -> bool",
            Self::Integer => "integer(number) -> bool",
            Self::Date => "date(year, month, day) -> date",
            Self::Preamble => "preamble() -> text",
            Self::AllText => "all_text() -> text",
            Self::SectionText => "section_text(section) -> text",
            Self::Find => {
                "find(text, /regex/ | \"landline\" | \"mobile\" | \"phone\" | \"email\" | \"postcode\" | \"url\" | \"address\") -> list of matches"
            }
            Self::Stated => "stated(/regex with one (\\d+) group/) -> number | none",
            Self::StatisticsPeriod => "statistics_period() -> period | none",
            Self::PublicationDate => "publication_date() -> date | none",
            Self::Placeholders => "placeholders(text) -> list of matches",
            Self::MissingRows => "missing_rows(table) -> list of rows",
            Self::BlankCells => "blank_cells(table) -> list of matches",
            Self::LabelsWith => "labels_with([\"label\", …]) -> list of matches",
            Self::Misordered => "misordered() -> list of sections",
            Self::HeadingNumber => "heading_number(section) -> number | none",
            Self::Unit => "unit(number) -> string | none",
            Self::ReaderProblems => {
                "reader_problems(\"values-run-together\" | \"row-shape\" | \"too-deep\" | \"truncated\") -> list of matches"
            }
        }
    }

    /// What it does, for `docs/builtins.md`.
    #[must_use]
    pub fn doc(self) -> &'static str {
        match self {
            Self::Sum => {
                "Adds cells: a row group in a column (`sum(表三[办理结果, c])`) or a range of columns in a row (`sum(表三[新收, 自然人..其他])`). The result remembers every cell, so a failing identity labels each one. A blank cell makes the sum missing (not assessable)."
            }
            Self::Count => "The number of items in a list.",
            Self::Present => {
                "Whether a required section's heading, or a declared table, was found; for other values, whether the value is not `none`."
            }
            Self::Integer => "Whether a number is whole (counts must be).",
            Self::Date => "A calendar date, e.g. `date(year, 12, 31)`.",
            Self::Preamble => "The paragraphs before section 一 (title included).",
            Self::AllText => "Every paragraph of the report (tables excluded).",
            Self::SectionText => "The paragraphs of a required section (heading included).",
            Self::Find => {
                "Every match of a regex or a built-in recogniser in a text: `landline` (area code + number), `mobile`, `phone` (either), `email`, `postcode` (six digits after 邮编/邮政编码), `url`, `address` (after 地址)."
            }
            Self::Stated => {
                "A number stated in the report's prose: the first match of the regex in any paragraph, its first group read as a number, with its span (for prose-versus-table checks)."
            }
            Self::StatisticsPeriod => {
                "The statistics period stated in the report: the first sentence mentioning 统计 with a date range (`自2020年1月1日至2020年12月31日`, `从…起至…止`, second year omitted)."
            }
            Self::PublicationDate => {
                "The report's own date: a `发布日期`/`公开日期`/`成文日期` label, a date standing alone in a line by the title, or a date line after the last section."
            }
            Self::Placeholders => {
                "Template text left unfilled: `XX`, `××`, empty brackets `（ ）` `()` `〔 〕`, and a number slot left blank such as `主动公开信息  条`."
            }
            Self::MissingRows => "The declared rows of a table that the report does not have.",
            Self::BlankCells => {
                "Cells of the table's found rows that are blank or hold a not-applicable mark where a number is required."
            }
            Self::LabelsWith => {
                "Table labels and column headings that contain any of the given texts (after normalisation), e.g. the 2019 template's `本年新制作数量`."
            }
            Self::Misordered => {
                "Required sections whose heading comes after the heading of a section that should follow them."
            }
            Self::HeadingNumber => {
                "The number written on a found section's heading (`四、` → 4), or `none` if the section is missing."
            }
            Self::Unit => {
                "The unit written in a cell with its number (`20044679 元` → `元`), or `none`."
            }
            Self::ReaderProblems => {
                "What the reader could not make sense of, of one kind: `values-run-together` (a table row whose values ran into its label, `行政许可550`), `row-shape` (more values than columns), `too-deep`, `truncated`. Each match's text is the reader's description, its span the row or element."
            }
        }
    }

    /// A rule-language expression and how its value reads in a message on
    /// `tests/fixtures/builtins/report.txt` (truth values read 是/否, lists are joined with 、).
    #[must_use]
    pub fn example(self) -> (&'static str, &'static str) {
        match self {
            Self::Sum => ("sum(表三[新收, 自然人..其他])", "5"),
            Self::Count => ("count(find(preamble(), \"email\"))", "1"),
            Self::Present => ("present(总体情况)", "是"),
            Self::Integer => ("integer(表三[新收, 总计])", "是"),
            Self::Date => ("date(year, 12, 31)", "2020年12月31日"),
            Self::Preamble => ("count(find(preamble(), /统计/))", "1"),
            Self::AllText => ("count(find(all_text(), /行政复议/))", "2"),
            Self::SectionText => ("count(find(section_text(其他事项), /无/))", "1"),
            Self::Find => ("find(preamble(), \"landline\")", "0311-86689429"),
            Self::Stated => ("stated(/共收到政府信息公开申请\\s*(\\d+)\\s*件/)", "5"),
            Self::StatisticsPeriod => ("statistics_period()", "2020年1月1日至2020年12月31日"),
            Self::PublicationDate => ("publication_date()", "2021年1月20日"),
            Self::Placeholders => ("count(placeholders(all_text()))", "0"),
            Self::MissingRows => ("count(missing_rows(表三))", "0"),
            Self::BlankCells => ("count(blank_cells(表三))", "0"),
            Self::LabelsWith => ("count(labels_with([\"本年新制作数量\"]))", "1"),
            Self::Misordered => ("count(misordered())", "0"),
            Self::HeadingNumber => ("heading_number(其他事项)", "6"),
            Self::Unit => ("unit(表二[政府集中采购, 采购总金额])", "元"),
            Self::ReaderProblems => ("count(reader_problems(\"values-run-together\"))", "0"),
        }
    }
}
