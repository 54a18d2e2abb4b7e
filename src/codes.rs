//! Codes of findings that no rule pack gives: regulint itself decides them, before or around
//! the rules (an unreadable file, a time budget, the report year, a waiver, a collection).
//! `regulint explain CODE` and `docs/rules/` document them from this table, as the rules are
//! documented from their doc blocks.

use crate::diagnostic::Severity;

/// A code regulint gives on its own.
#[derive(Clone, Copy, Debug)]
pub struct EngineCode {
    /// The stable code, e.g. `M003`.
    pub code: &'static str,
    /// The kebab-case name.
    pub name: &'static str,
    /// The severity it is reported with.
    pub severity: Severity,
    /// One line on what it means.
    pub summary: &'static str,
    /// Why it matters and what to do (检查内容 / 为什么 / 怎么办).
    pub doc: &'static str,
    /// When it is given.
    pub when: &'static str,
}

/// Every code that is not a rule's, in code order.
pub const ENGINE_CODES: &[EngineCode] = &[
    EngineCode {
        code: crate::render::UNREADABLE_CODE,
        name: crate::render::UNREADABLE_NAME,
        severity: Severity::Error,
        summary: "文件无法读取，没有检查",
        doc: "为什么：文件不存在、无权读取、不是支持的格式（文本、Markdown、HTML、DOCX、PDF、JSON），或超出读取上限（大小、解压后大小、嵌套深度、单元格数），无法得到报告内容。\n怎么办：按消息所说处理（另存为支持的格式、修复损坏的文件、扫描件先做文字识别），再检查。批量检查时其他文件照常检查。",
        when: "每个无法读取的文件一条",
    },
    EngineCode {
        code: crate::diagnostic::TIME_BUDGET_CODE,
        name: crate::diagnostic::TIME_BUDGET_NAME,
        severity: Severity::Error,
        summary: "检查超过单个文件的时间上限，部分规则没有运行",
        doc: "为什么：单个文件的检查有时间上限（10 秒），正常报告只需几毫秒；超出时已运行规则的结果照常报告，并用此条说明有多少规则没有运行。\n怎么办：检查文件是否异常（极大的表格、大量重复内容）；批量检查时其他文件照常检查。",
        when: "超时的文件一条",
    },
    EngineCode {
        code: crate::collection::DUPLICATE_CODE,
        name: "duplicate-report",
        severity: Severity::Error,
        summary: "同一机关同一年度有两份报告",
        doc: "为什么：同一机关同一年度只应报送一份年度报告；两份并存，无法确定哪一份是正式版本，跨年度核对也会取错报告。\n怎么办：确认正式版本，删去或更名另一份；若确是两个机关，在配置的别名表中区分它们的名称。",
        when: "批量检查（含 --previous 的上年度报告）中，每组重复一条",
    },
    EngineCode {
        code: crate::engine::related::PREVIOUS_MISSING_CODE,
        name: crate::engine::related::PREVIOUS_MISSING_NAME,
        severity: Severity::Info,
        summary: "未找到同一机关上年度的报告，跨年度规则无法核验",
        doc: "为什么：跨年度规则（上年结转与上年度结转下年度一致、现行有效件数滚动、正文照抄上年）需要同一机关上一年度的报告。\n怎么办：用 --previous 指定上年度报告所在文件夹；机关名称写法不同时，用配置中的别名表或名单的别名栏对应起来。",
        when: "给出上年度报告时，找不到对应报告的每份报告一条（不是每条规则一条）",
    },
    EngineCode {
        code: crate::collection::NOT_REPORTED_CODE,
        name: "agency-not-reported",
        severity: Severity::Error,
        summary: "名单中的机关没有报告",
        doc: "为什么：名单（--roster）列出应报送年度报告的机关；名单中的机关在本批报告中没有对应报告，即为未报送（或名称无法对应）。\n怎么办：催报；若机关已撤并或当年起才需报送，在名单中修改或填写起始年度；若名称写法不同，在名单的别名栏补充。",
        when: "给出名单时，每个未报送的机关一条（属于整批，不属于某个文件）",
    },
    EngineCode {
        code: crate::collection::NOT_IN_ROSTER_CODE,
        name: "agency-not-in-roster",
        severity: Severity::Warning,
        summary: "报告的机关不在名单中",
        doc: "为什么：报告标题中的机关不在名单中，可能是名单遗漏，也可能是标题中的机关名称写错；消息列出名单中最接近的名称。\n怎么办：核对标题中的机关名称；名称正确时，把它加入名单或作为已有机关的别名。",
        when: "给出名单时，每份机关不在名单中的报告一条",
    },
    EngineCode {
        code: crate::collection::PREVIOUS_UNREADABLE_CODE,
        name: "previous-report-unreadable",
        severity: Severity::Error,
        summary: "上年度报告无法读取或无法确定机关和年度",
        doc: "为什么：--previous 指定的上年度报告无法读取，或从其标题中无法确定机关和年度，跨年度规则就无法用它核对。\n怎么办：按消息修复该文件，或在其标题中写明机关和年度。",
        when: "每个无法使用的上年度报告一条",
    },
    EngineCode {
        code: crate::collection::ROSTER_PROBLEM_CODE,
        name: "roster-problem",
        severity: Severity::Error,
        summary: "名单文件有误",
        doc: "为什么：名单中有无法读取的行、缺少机关名称的行、重复的机关、同时指两个机关的别名或无法识别的层级；这些行被跳过或忽略，其余照常使用。\n怎么办：按消息所指的行修改名单。",
        when: "名单中每处问题一条，指向名单文件的行",
    },
    EngineCode {
        code: crate::config::WAIVER_EXPIRED_CODE,
        name: "waiver-expired",
        severity: Severity::Warning,
        summary: "豁免已过期",
        doc: "为什么：配置中对某条发现的豁免（waiver）写有到期日，已经过期；被豁免的发现重新报告，此条提醒豁免需要复核。\n怎么办：问题已解决就删去豁免；仍需豁免就复核后延长到期日并写明理由。",
        when: "每条过期的豁免一条",
    },
    EngineCode {
        code: crate::diagnostic::YEAR_UNKNOWN_CODE,
        name: crate::diagnostic::YEAR_UNKNOWN_NAME,
        severity: Severity::Warning,
        summary: "未能确定报告年度，已按默认规则包检查",
        doc: "为什么：规则包按报告年度选择（2019–2020 年度用 60 号文格式，2021 年度起用 30 号文格式）；标题、统计期限和发布日期中都找不到年度时，只能按最新格式检查，结果可能不适用。\n怎么办：在标题中写明年度，或运行时用 --year 指定。",
        when: "找不到年度的每份报告一条",
    },
];

/// The entry for `code`, if regulint gives it on its own.
#[must_use]
pub fn find(code: &str) -> Option<&'static EngineCode> {
    ENGINE_CODES.iter().find(|c| c.code == code)
}

/// The Markdown page of a code, as `explain` prints it and `docs/rules/` holds it.
#[must_use]
pub fn page(code: &EngineCode) -> String {
    let mut out = format!("# {} {}\n\n", code.code, code.name);
    out.push_str(&format!(
        "- 严重程度 (severity): {}\n",
        code.severity.name()
    ));
    out.push_str("- 来源 (given by): regulint 本身，不属于任何规则包 (not a rule pack)\n");
    out.push_str(&format!("- 何时给出 (when): {}\n\n", code.when));
    out.push_str(&format!("检查内容：{}\n\n", code.summary));
    for line in code.doc.lines() {
        out.push_str(line);
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let codes: Vec<&str> = ENGINE_CODES.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes.len(), sorted.len(), "unique: {codes:?}");
        for code in ENGINE_CODES {
            assert!(
                code.doc.contains("为什么") && code.doc.contains("怎么办"),
                "{}",
                code.code
            );
            assert!(page(code).starts_with(&format!("# {} {}", code.code, code.name)));
        }
    }

    #[test]
    fn the_collection_codes_are_the_m_codes() {
        let codes: Vec<&str> = crate::collection::codes().map(|c| c.code).collect();
        assert_eq!(codes, ["M001", "M002", "M003", "M004", "M005", "M006"]);
    }
}
