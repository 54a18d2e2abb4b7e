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
    /// `malformed_period()`
    MalformedPeriod,
    /// `agency()`
    Agency,
    /// `agency_level()`
    AgencyLevel,
    /// `placeholders(text)`
    Placeholders,
    /// `breakdowns_exceeding(text)`
    BreakdownsExceeding,
    /// `result_shares_off(text, bases)`
    ResultSharesOff,
    /// `missing_rows(table)`
    MissingRows,
    /// `blank_cells(table)`
    BlankCells,
    /// `blanks(cells)`
    Blanks,
    /// `malformed_rows(table)`
    MalformedRows,
    /// `labels_with(list)`
    LabelsWith,
    /// `rows_ending_with(list)`
    RowsEndingWith,
    /// `misordered()`
    Misordered,
    /// `heading_number(section)`
    HeadingNumber,
    /// `headings_within(section)`
    HeadingsWithin,
    /// `announced_parts()`
    AnnouncedParts,
    /// `unit(number)`
    Unit,
    /// `reader_problems(kind)`
    ReaderProblems,
    /// `round(number, digits)`
    Round,
    /// `abs(number)`
    Abs,
    /// `matches(text, regex)`
    Matches,
    /// `numbers(match)`
    Numbers,
    /// `mentions(row)`
    Mentions,
    /// `title()`
    Title,
    /// `publication_dates()`
    PublicationDates,
    /// `number(match, n)`
    Number,
    /// `copied(section)`
    Copied,
    /// `table_notes()`
    TableNotes,
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
        Self::MalformedPeriod,
        Self::Agency,
        Self::AgencyLevel,
        Self::Placeholders,
        Self::BreakdownsExceeding,
        Self::ResultSharesOff,
        Self::MissingRows,
        Self::BlankCells,
        Self::Blanks,
        Self::MalformedRows,
        Self::LabelsWith,
        Self::RowsEndingWith,
        Self::Misordered,
        Self::HeadingNumber,
        Self::HeadingsWithin,
        Self::AnnouncedParts,
        Self::Unit,
        Self::ReaderProblems,
        Self::Round,
        Self::Abs,
        Self::Matches,
        Self::Numbers,
        Self::Mentions,
        Self::Title,
        Self::PublicationDates,
        Self::Number,
        Self::Copied,
        Self::TableNotes,
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
            Self::MalformedPeriod => "malformed_period",
            Self::Agency => "agency",
            Self::AgencyLevel => "agency_level",
            Self::Placeholders => "placeholders",
            Self::BreakdownsExceeding => "breakdowns_exceeding",
            Self::ResultSharesOff => "result_shares_off",
            Self::MissingRows => "missing_rows",
            Self::BlankCells => "blank_cells",
            Self::Blanks => "blanks",
            Self::MalformedRows => "malformed_rows",
            Self::LabelsWith => "labels_with",
            Self::RowsEndingWith => "rows_ending_with",
            Self::Misordered => "misordered",
            Self::HeadingNumber => "heading_number",
            Self::HeadingsWithin => "headings_within",
            Self::AnnouncedParts => "announced_parts",
            Self::Unit => "unit",
            Self::ReaderProblems => "reader_problems",
            Self::Round => "round",
            Self::Abs => "abs",
            Self::Matches => "matches",
            Self::Numbers => "numbers",
            Self::Mentions => "mentions",
            Self::Title => "title",
            Self::PublicationDates => "publication_dates",
            Self::Number => "number",
            Self::Copied => "copied",
            Self::TableNotes => "table_notes",
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
            | Self::MalformedPeriod
            | Self::Agency
            | Self::AgencyLevel
            | Self::AnnouncedParts
            | Self::Misordered
            | Self::Title
            | Self::PublicationDates
            | Self::TableNotes => (0, 0),
            Self::Round | Self::Matches | Self::Number => (2, 2),
            Self::Date => (3, 3),
            Self::Find | Self::ResultSharesOff => (2, 2),
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
            Self::MalformedPeriod => "malformed_period() -> match | none",
            Self::Agency => "agency() -> match | none",
            Self::AgencyLevel => "agency_level() -> string | none",
            Self::Placeholders => "placeholders(text) -> list of matches",
            Self::BreakdownsExceeding => "breakdowns_exceeding(text) -> list of matches",
            Self::ResultSharesOff => "result_shares_off(text, [base, …]) -> list of matches",
            Self::MissingRows => "missing_rows(table) -> list of rows",
            Self::BlankCells => "blank_cells(table) -> list of matches",
            Self::Blanks => "blanks([cells, …]) -> list of matches",
            Self::MalformedRows => "malformed_rows(table) -> list of matches",
            Self::LabelsWith => "labels_with([\"label\", …]) -> list of matches",
            Self::RowsEndingWith => "rows_ending_with([\"label\", …]) -> list of matches",
            Self::Misordered => "misordered() -> list of sections",
            Self::HeadingNumber => "heading_number(section) -> number | none",
            Self::HeadingsWithin => "headings_within(section) -> list of matches",
            Self::AnnouncedParts => "announced_parts() -> match | none",
            Self::Unit => "unit(number) -> string | none",
            Self::ReaderProblems => {
                "reader_problems(\"values-run-together\" | \"row-shape\" | \"too-deep\" | \"truncated\") -> list of matches"
            }
            Self::Round => "round(number, digits) -> number",
            Self::Abs => "abs(number) -> number",
            Self::Matches => "matches(text, /regex/) -> list of matches",
            Self::Numbers => "numbers(match) -> list of numbers",
            Self::Mentions => "mentions(row) -> list of matches",
            Self::Title => "title() -> match | none",
            Self::PublicationDates => "publication_dates() -> list of dates",
            Self::Number => "number(match | none, n) -> number | none",
            Self::Copied => "copied(section) -> number (percent)",
            Self::TableNotes => "table_notes() -> text",
        }
    }

    /// What it does, for `docs/builtins.md`.
    #[must_use]
    pub fn doc(self) -> &'static str {
        match self {
            Self::Sum => {
                "Adds cells: a row group in a column (`sum(表三[办理结果, c])`) or a range of columns in a row (`sum(表三[新收, 自然人..其他])`). The result remembers every cell, so a failing identity labels each one. A blank count cell is some count in [0, ∞): a sum with blanks is a range, so an identity it already breaks fails and one it could still meet is not assessable."
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
            Self::MalformedPeriod => {
                "The statistics period when it is written wrongly, as the text at fault followed by what is wrong (`「202011日」数字连写，缺少“年”“月”`), pointing at the date: digits run together, a year not of four digits, a missing 年/月/日, an impossible month or day, an end before the start. `none` when the period is well formed or not stated. `2020年1月1日至12月31日` (second year omitted) and `2020年1月至12月` are well formed."
            }
            Self::Agency => {
                "The organ named in the title (`沭阳县发展和改革局`), pointing at the title, or `none`."
            }
            Self::AgencyLevel => {
                "What the organ in the title is, for the publication deadline of 条例 第四十九条: `县级以上人民政府` (a 省/市/县/区/州/盟/旗 人民政府's own report, due 31 March), `政府部门` (departments, including 人民政府办公室/办公厅; due 31 January) or `乡镇人民政府、街道办事处` (due 31 January); `none` when the title names no organ."
            }
            Self::PublicationDate => {
                "The report's own date: a `发布日期`/`公开日期`/`成文日期` label, a date standing alone in a line by the title, or a date line after the last section."
            }
            Self::Placeholders => {
                "Template text left unfilled: `XX`, `××`, empty brackets `（ ）` `()` `〔 〕`, and a number slot left blank such as `主动公开信息  条`."
            }
            Self::BreakdownsExceeding => {
                "Statements of a total and its parts whose parts add up to more than the total (`接待咨询215人次，其中现场180人次、电话40人次`). Parts are read in the total's unit within the sentence, until a word that starts another statement (共, 同比, 占, 上年 …); parts that add up to less are not reported, since they need not be exhaustive."
            }
            Self::ResultSharesOff => {
                "Statements of a result count and its share (`予以公开及部分公开258件，占33.9%`, `不予公开 20 件（1.68%）`) whose share fits none of the given bases (to one unit of its last digit, rounded or truncated), each read as `258 件占 33.9%，按 805 计算应为 32.05%`. Bases that are blank or missing are skipped; with no known base the result is not assessable."
            }
            Self::MissingRows => "The declared rows of a table that the report does not have.",
            Self::BlankCells => {
                "Cells of the table's found rows that are blank or hold a not-applicable mark where a number is required."
            }
            Self::Blanks => {
                "The cells of a list (nested lists and ranges flattened) that are blank or hold a not-applicable mark (`/`, `—`, `无`), each named and pointing at its cell. For tables where only some cells apply to each row (table 2), the rule lists the cells that must be filled."
            }
            Self::MalformedRows => {
                "The found rows of a table whose number of values does not fit its columns (`| 规章 | 22 | 235 |` under three columns), each pointing at its row label."
            }
            Self::LabelsWith => {
                "Table labels and column headings that contain any of the given texts (after normalisation), e.g. the 2019 template's `本年新制作数量`."
            }
            Self::RowsEndingWith => {
                "Table rows that hold at least one number and whose label ends with one of the given texts (after normalisation): `（六）其他处理` filled as one row, as in the 2019 template, where the 2021 template has three sub-rows."
            }
            Self::Misordered => {
                "Required sections whose heading comes after the heading of a section that should follow them."
            }
            Self::HeadingNumber => {
                "The number written on a found section's heading (`四、` → 4), or `none` if the section is missing."
            }
            Self::HeadingsWithin => {
                "Top-level headings (`二、组织保障`) between a found section's heading and the next required section's heading: subheadings numbered like sections. Empty when the section is missing."
            }
            Self::AnnouncedParts => {
                "A preamble sentence that announces a number of parts (`……等六个部分`) other than the number it lists, read as `称N个部分，列出M项`, pointing at the sentence; `none` when they agree or no such sentence lists at least three of the six parts."
            }
            Self::Unit => {
                "The unit written in a cell with its number (`20044679 元` → `元`), or `none`."
            }
            Self::Round => {
                "A number rounded half away from zero to a number of decimal places (`round(33.945, 2)` is 33.95); the cells it came from are kept for the message."
            }
            Self::Abs => "The absolute value of a number.",
            Self::Matches => {
                "Every match of a regex in a text, in order: `find` with a regex, named for loops over prose (`for m in matches(section_text(依申请公开), /…(\\d+)件/)`)."
            }
            Self::Numbers => {
                "The numbers written in a match, in order (`予以公开258件，占33.9%` → 258, 33.9), each pointing at the match: a sentence's figures as data."
            }
            Self::Mentions => {
                "The sentences of the report (split at 。；！？ and line ends) that name a declared row by one of its labels (after normalisation), e.g. the prose sentence about `予以公开`."
            }
            Self::Title => "The report's title, pointing at it, or `none`.",
            Self::Number => {
                "The `n`-th number written in a match (1 is the first), pointing at the match, or `none` when it has fewer: `number(m, 2)` of `予以公开258件，占33.9%` is 33.9."
            }
            Self::PublicationDates => {
                "Every date the report gives as its own (the `发布日期`/`成文日期` label, a date line by the title, a date line after the last section), in order; empty when there is none."
            }
            Self::ReaderProblems => {
                "What the reader could not make sense of, of one kind: `values-run-together` (a table row whose values ran into its label, `行政许可550`), `row-shape` (more values than columns), `too-deep`, `truncated`. Each match's text is the reader's description, its span the row or element."
            }
            Self::Copied => {
                "The share (percent, whole) of a required section's text that is identical to the same section of the agency's previous report (`previous`): characters inside passages of at least 12 characters that both have, after whitespace and punctuation are set aside. Its cells are the longest such passage in each report, so a failing `expect copied(s) < 80` labels it in both files. A rule calling it is a rule across reports: it runs only when the collection holds last year's reports."
            }
            Self::TableNotes => {
                "The paragraphs that belong to the tables rather than to the prose: the short line directly above each table (its caption or heading, not a sentence ending in 。) and the notes directly below it (注, 说明, 备注, 附注, 单位)."
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
            Self::MalformedPeriod => ("malformed_period()", "无"),
            Self::Agency => ("agency()", "石家庄市示例局"),
            Self::AgencyLevel => ("agency_level()", "政府部门"),
            Self::Placeholders => ("count(placeholders(all_text()))", "0"),
            Self::BreakdownsExceeding => ("count(breakdowns_exceeding(all_text()))", "0"),
            Self::ResultSharesOff => (
                "count(result_shares_off(all_text(), [表三[结果总计, 总计]]))",
                "0",
            ),
            Self::MissingRows => ("count(missing_rows(表三))", "0"),
            Self::BlankCells => ("count(blank_cells(表三))", "0"),
            Self::Blanks => ("count(blanks([表三[新收, 自然人..其他]]))", "0"),
            Self::MalformedRows => ("count(malformed_rows(表三))", "0"),
            Self::LabelsWith => ("count(labels_with([\"本年新制作数量\"]))", "1"),
            Self::RowsEndingWith => ("count(rows_ending_with([\"其他处理\"]))", "1"),
            Self::Misordered => ("count(misordered())", "0"),
            Self::HeadingNumber => ("heading_number(其他事项)", "6"),
            Self::HeadingsWithin => ("count(headings_within(总体情况))", "0"),
            Self::AnnouncedParts => ("announced_parts()", "无"),
            Self::Unit => ("unit(表二[政府集中采购, 采购总金额])", "元"),
            Self::ReaderProblems => ("count(reader_problems(\"values-run-together\"))", "0"),
            Self::Round => ("round(2 / 3 * 100, 1)", "66.7"),
            Self::Abs => ("abs(3 - 表三[新收, 总计])", "2"),
            Self::Matches => ("count(matches(all_text(), /行政复议/))", "2"),
            Self::Numbers => (
                "count(numbers(find(preamble(), /\\d+年\\d+月\\d+日/)))",
                "6",
            ),
            Self::Mentions => ("count(mentions(新收))", "0"),
            Self::Title => ("title()", "石家庄市示例局2020年政府信息公开工作年度报告"),
            Self::PublicationDates => ("publication_dates()", "2021年1月20日"),
            Self::Number => ("number(title(), 1)", "2020"),
            // Evaluated with the fixture report as its own previous report.
            Self::Copied => ("copied(总体情况)", "100"),
            Self::TableNotes => ("count(matches(table_notes(), /情况/))", "3"),
        }
    }

    /// The other report the builtin reads, if it reads one: such a builtin makes its rule a
    /// rule across reports (run only when the collection holds that report).
    #[must_use]
    pub fn relation(self) -> Option<crate::dsl::program::Relation> {
        match self {
            Self::Copied => Some(crate::dsl::program::Relation::Previous),
            _ => None,
        }
    }
}
