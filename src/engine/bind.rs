//! Binding a pack's declarations to one document: which heading is which required section,
//! which table rows are the declared rows, which cell holds each declared column.
//!
//! Real reports label the same row many ways and extractors scatter one table over several
//! (the Shuyang report splits table 3 into eleven pipe tables), so rows are found by label
//! across every table of the declared section, and columns by header label — or, when the
//! header is unusable (extractor placeholders such as `数据1`), by position, provided the row has
//! exactly as many values as the table has columns.

use crate::document::normalize::label_key;
use crate::document::{CellValue, Document, RowKind, SectionId};
use crate::dsl::program::{Named, Pack, TableDef};
use crate::source::Span;

/// A required section found in the document.
#[derive(Clone, Debug)]
pub struct FoundSection {
    /// The document's section.
    pub section: SectionId,
    /// Whether its title is the standard one (not a variant).
    pub standard: bool,
    /// Whether its title is a declared title or contains one (not merely similar, as
    /// `一、基本情况` for 总体情况 is).
    pub known: bool,
    /// The heading.
    pub span: Span,
}

/// Finds each required section among the document's top-level headings.
#[must_use]
pub fn sections(pack: &Pack, document: &Document) -> Vec<Option<FoundSection>> {
    let mut taken = vec![false; document.sections.len()];
    pack.sections
        .iter()
        .map(|def| {
            let candidates = || {
                document
                    .sections
                    .iter()
                    .enumerate()
                    .filter(|(i, s)| s.level == 1 && !taken[*i])
            };
            let exact = candidates().find(|(_, s)| def.keys.contains(&label_key(&s.title)));
            let loose = || {
                candidates().find(|(_, s)| {
                    let key = label_key(&s.title);
                    def.keys.iter().any(|k| {
                        key.chars().count() >= 4
                            && (key.contains(k.as_str()) || k.contains(key.as_str()))
                    })
                })
            };
            // Same number and a similar title: `五、存在的主要问题及整改措施`.
            let similar = || {
                candidates().find(|(_, s)| {
                    let key = label_key(&s.title);
                    s.number == def.number
                        && def
                            .keys
                            .iter()
                            .any(|k| strsim::normalized_levenshtein(&key, k) >= 0.5)
                })
            };
            let declared = exact.or_else(loose);
            let known = declared.is_some();
            let (index, section) = declared.or_else(similar)?;
            taken[index] = true;
            Some(FoundSection {
                section: index,
                standard: label_key(&section.title) == def.keys[0],
                known,
                span: section.span,
            })
        })
        .collect()
}

/// A cell as the rules see it.
#[derive(Clone, Debug)]
pub struct CellRef {
    /// What it holds.
    pub value: CellValue,
    /// Where it is.
    pub span: Span,
    /// Its row's values do not fit the table's columns.
    pub malformed: bool,
}

/// A declared table bound to the document.
#[derive(Clone, Debug, Default)]
pub struct BoundTable {
    /// The document tables it was found in.
    pub tables: Vec<usize>,
    /// For each declared row: the document row's span and its cell per declared column.
    pub rows: Vec<Option<BoundRow>>,
    /// For sequence tables: the values in order, as read.
    pub values: Vec<CellRef>,
    /// For sequence tables: the span of the data rows read.
    pub values_span: Option<Span>,
}

/// A declared row found in the document.
#[derive(Clone, Debug)]
pub struct BoundRow {
    /// The row's label.
    pub label_span: Span,
    /// Cell per declared column (`None`: the row has no cell for it).
    pub cells: Vec<Option<CellRef>>,
    /// Its number of values does not fit its columns (a malformed row, or a pipe or markup
    /// row with a cell too few or too many; one cell merged over two columns is not).
    pub misshapen: bool,
}

impl BoundTable {
    /// Whether any part of the table was found.
    #[must_use]
    pub fn found(&self) -> bool {
        self.rows.iter().any(Option::is_some) || !self.values.is_empty() || !self.tables.is_empty()
    }

    /// Where the table is.
    #[must_use]
    pub fn span(&self, document: &Document) -> Option<Span> {
        self.tables
            .iter()
            .map(|&t| document.tables[t].span)
            .reduce(Span::cover)
    }
}

/// Binds a declared table.
#[must_use]
pub fn table(def: &TableDef, section: Option<&FoundSection>, document: &Document) -> BoundTable {
    let candidates: Vec<usize> = document
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| match section {
            Some(found) => t
                .section
                .is_some_and(|s| document.section_within(s, found.section)),
            None => def.section.is_none() || mentions_anchor(def, document, t),
        })
        .map(|(i, _)| i)
        .collect();
    if def.values.is_empty() {
        // Rows the section does not hold are looked for in every other table that has one of
        // the table's row labels: extracted headings (`三、本法提供`, a fragment of 无法提供)
        // can end a section early.
        let fallback: Vec<usize> = (0..document.tables.len())
            .filter(|t| !candidates.contains(t))
            .filter(|&t| section.is_some() && mentions_anchor(def, document, &document.tables[t]))
            .collect();
        bind_grid(def, &candidates, &fallback, document)
    } else {
        bind_sequence(&candidates, document)
    }
}

fn mentions_anchor(def: &TableDef, _document: &Document, table: &crate::document::Table) -> bool {
    table.rows.iter().any(|row| {
        let key = label_key(&row.label);
        !key.is_empty()
            && (def.anchors.iter().any(|a| key.ends_with(a.as_str()))
                || def
                    .rows
                    .iter()
                    .any(|r| r.keys.iter().any(|k| key.ends_with(k.as_str()))))
    })
}

/// How well a label's key ([`label_key`]) matches one of the keys: 2 exact or suffix, 1
/// contained, 0 not at all.
fn match_quality(label: &str, keys: &[String]) -> u8 {
    if names_exactly(label, keys) {
        2
    } else if !label.is_empty()
        && keys
            .iter()
            .any(|k| k.chars().count() >= 4 && label.contains(k.as_str()))
    {
        1
    } else {
        0
    }
}

/// Whether `label` is one of `keys`, or ends with one: [`match_quality`] 2.
fn names_exactly(label: &str, keys: &[String]) -> bool {
    !label.is_empty()
        && keys
            .iter()
            .any(|k| label == k || label.ends_with(k.as_str()))
}

/// The label keys of one document table: of each row's label, and of each band's column
/// labels. Computed once per binding instead of once per comparison.
struct TableKeys {
    rows: Vec<String>,
    bands: Vec<Vec<String>>,
    /// Per band, how its header names the declared columns: the same for every row of the
    /// band, so it is judged once, when a row of the band is first bound.
    headers: Vec<std::cell::OnceCell<BandHeader>>,
}

/// How one band's header names a declared table's columns.
struct BandHeader {
    /// Per declared column, the band's column whose label is the declared one's.
    by_label: Vec<Option<usize>>,
    /// Whether every column label of the band is a declared column's (vacuously true of a
    /// band without columns).
    all_declared: bool,
}

impl TableKeys {
    /// How band `band`'s header names `columns`, judged the first time it is asked.
    fn header(&self, band: usize, columns: &[Named]) -> &BandHeader {
        self.headers[band].get_or_init(|| {
            let band_keys = &self.bands[band];
            BandHeader {
                by_label: columns
                    .iter()
                    .map(|declared| {
                        band_keys
                            .iter()
                            .position(|key| names_exactly(key, &declared.keys))
                    })
                    .collect(),
                all_declared: band_keys
                    .iter()
                    .all(|key| columns.iter().any(|d| names_exactly(key, &d.keys))),
            }
        })
    }

    fn of(table: &crate::document::Table) -> Self {
        Self {
            rows: table.rows.iter().map(|r| label_key(&r.label)).collect(),
            bands: table
                .bands
                .iter()
                .map(|b| b.columns.iter().map(|c| label_key(&c.label)).collect())
                .collect(),
            headers: (0..table.bands.len())
                .map(|_| std::cell::OnceCell::new())
                .collect(),
        }
    }
}

fn bind_grid(
    def: &TableDef,
    candidates: &[usize],
    fallback: &[usize],
    document: &Document,
) -> BoundTable {
    let tables: Vec<usize> = candidates.iter().chain(fallback).copied().collect();
    let keys: Vec<TableKeys> = tables
        .iter()
        .map(|&t| TableKeys::of(&document.tables[t]))
        .collect();
    let mut used: Vec<(usize, usize)> = Vec::new();
    let mut bound = BoundTable {
        rows: Vec::with_capacity(def.rows.len()),
        ..BoundTable::default()
    };
    // Where each declared row was found: (index into `tables`, row).
    let mut positions: Vec<Option<(usize, usize)>> = Vec::with_capacity(def.rows.len());
    for declared in &def.rows {
        // The section's own tables first, then the fallback tables.
        let best = best_row(
            declared,
            &tables,
            &keys,
            0..candidates.len(),
            &used,
            document,
        )
        .or_else(|| {
            best_row(
                declared,
                &tables,
                &keys,
                candidates.len()..tables.len(),
                &used,
                document,
            )
        });
        let Some((c, r)) = best else {
            bound.rows.push(None);
            positions.push(None);
            continue;
        };
        let t = tables[c];
        used.push((t, r));
        if !bound.tables.contains(&t) {
            bound.tables.push(t);
        }
        bound
            .rows
            .push(Some(bound_row(def, document, t, &keys[c], r)));
        positions.push(Some((c, r)));
    }
    // A declared row not found by its label, alone between its two found neighbours in one
    // table, is the row there when that row is free and its label keeps most of the declared
    // one's characters: glyphs lost from a PDF's text layer (`其他法律行政止公开`) leave the
    // row where the format puts it.
    for i in 1..def.rows.len().saturating_sub(1) {
        let (None, Some((c, above)), Some((c_below, below))) =
            (positions[i], positions[i - 1], positions[i + 1])
        else {
            continue;
        };
        let t = tables[c];
        if c != c_below || below <= above {
            continue;
        }
        let table = &document.tables[t];
        let mut between = (above + 1..below).filter(|&r| table.rows[r].kind == RowKind::Data);
        let (Some(r), None) = (between.next(), between.next()) else {
            continue;
        };
        if used.contains(&(t, r)) || !resembles(&keys[c].rows[r], &def.rows[i].keys) {
            continue;
        }
        used.push((t, r));
        bound.rows[i] = Some(bound_row(def, document, t, &keys[c], r));
        positions[i] = Some((c, r));
    }
    bound
}

/// A declared row bound to row `r` of document table `t`; `keys` are that table's label keys.
fn bound_row(
    def: &TableDef,
    document: &Document,
    t: usize,
    keys: &TableKeys,
    r: usize,
) -> BoundRow {
    let table = &document.tables[t];
    let row = &table.rows[r];
    // In a pipe or markup table every cell is written, so a row with fewer or more
    // values than its band's columns is misshapen (in text exports empty fields vanish).
    let columns = table.bands[row.band].columns.len();
    let written = written_values(row, columns).len();
    // Only under a header whose every column is a declared one: a garbled extraction's
    // header (`| 业 | 构 | 益组织 |`) says nothing about how many values a row needs.
    let header = keys.header(row.band, &def.columns);
    let header_trusted = header.all_declared;
    let misshapen = table.kind != crate::document::TableKind::TabSeparated
        && header_trusted
        && columns > 0
        && written != columns
        && !row.values.iter().any(|&i| row.cells[i].merged);
    BoundRow {
        label_span: row.label_span.unwrap_or(row.span),
        cells: columns_of_row(&def.columns, table, header, r),
        misshapen: misshapen || row.malformed,
    }
}

/// The cells a row writes its values in: a cell merged over two columns is one value (its
/// copy is not another), and empty cells past the `columns` expected are dropped (Word tables
/// often carry empty cells past the last column; only a filled one counts).
fn written_values(row: &crate::document::Row, columns: usize) -> Vec<usize> {
    let mut values: Vec<usize> = row
        .values
        .iter()
        .copied()
        .filter(|&i| !row.cells[i].merged)
        .collect();
    while values.len() > columns
        && values
            .last()
            .is_some_and(|&i| row.cells[i].value.is_blank())
    {
        values.pop();
    }
    values
}

/// Whether a label ends with most of one of the declared keys' characters (at least three
/// in four, within the key's length and two more): the declared row with glyphs lost. Labels
/// carry their groups in front (`三、本年度办理结果（三）不予公开2.…`), so only the end counts.
fn resembles(label: &str, keys: &[String]) -> bool {
    let label_chars: Vec<char> = label.chars().collect();
    keys.iter().any(|key| {
        let key_chars: Vec<char> = key.chars().collect();
        if key_chars.len() < 4 {
            return false;
        }
        let tail = &label_chars[label_chars.len().saturating_sub(key_chars.len() + 2)..];
        let mut left = tail.to_vec();
        let kept = key_chars
            .iter()
            .filter(|c| {
                left.iter()
                    .position(|l| l == *c)
                    .map(|i| left.swap_remove(i))
                    .is_some()
            })
            .count();
        kept * 4 >= key_chars.len() * 3
    })
}

/// The first data row, among `tables[range]`, whose label is the declared row's (an exact or
/// suffix match preferred over containment), skipping rows already bound. Returns the index
/// into `tables` and the row.
fn best_row(
    declared: &Named,
    tables: &[usize],
    keys: &[TableKeys],
    range: std::ops::Range<usize>,
    used: &[(usize, usize)],
    document: &Document,
) -> Option<(usize, usize)> {
    // (quality, index into tables, row)
    let mut best: Option<(u8, usize, usize)> = None;
    for c in range {
        let t = tables[c];
        for (r, row) in document.tables[t].rows.iter().enumerate() {
            if row.kind != RowKind::Data || used.contains(&(t, r)) {
                continue;
            }
            let quality = match_quality(&keys[c].rows[r], &declared.keys);
            if quality > best.map_or(0, |b| b.0) {
                best = Some((quality, c, r));
            }
            if quality == 2 {
                break;
            }
        }
        if best.is_some_and(|b| b.0 == 2) {
            break;
        }
    }
    best.map(|(_, c, r)| (c, r))
}

/// The cell of each declared column in one document row; `header` is how the row's band
/// names the columns.
fn columns_of_row(
    columns: &[Named],
    table: &crate::document::Table,
    header: &BandHeader,
    r: usize,
) -> Vec<Option<CellRef>> {
    let row = &table.rows[r];
    let band = &table.bands[row.band];
    let cell_ref = |i: usize| CellRef {
        value: row.cells[i].value.clone(),
        span: row.cells[i].span,
        malformed: row.malformed,
    };
    let matched = header.by_label.iter().filter(|c| c.is_some()).count();
    // Table 2 bands name only their own two or three columns: trust labels when every
    // column of the band is a declared one, or when most declared columns are found.
    let band_all_declared = !band.columns.is_empty() && header.all_declared;
    if matched > 0 && (band_all_declared || matched * 2 >= columns.len()) {
        return header
            .by_label
            .iter()
            .map(|c| {
                c.and_then(|c| row.aligned.get(c).copied().flatten())
                    .map(cell_ref)
            })
            .collect();
    }
    // The header does not name the columns: read by position when the count fits.
    let values = written_values(row, columns.len());
    if values.len() == columns.len() {
        values.into_iter().map(|i| Some(cell_ref(i))).collect()
    } else if row.aligned.len() == columns.len() {
        row.aligned.iter().map(|c| c.map(cell_ref)).collect()
    } else {
        vec![None; columns.len()]
    }
}

/// Reads the values of every data row in the candidates, in order (table 4 is one row of 15,
/// or three rows of five when an extractor splits it).
fn bind_sequence(candidates: &[usize], document: &Document) -> BoundTable {
    let mut bound = BoundTable::default();
    for &t in candidates {
        let table = &document.tables[t];
        for row in table.rows.iter().filter(|r| r.kind == RowKind::Data) {
            let mut values = row.values.clone();
            // Trailing empty fields are export artefacts in tab-separated text; in markup, and
            // in rows the text reader rebuilt by position, they are cells.
            if matches!(
                table.kind,
                crate::document::TableKind::Markup | crate::document::TableKind::Aligned
            ) {
                values.retain(|&i| !row.cells[i].merged);
            } else {
                while values
                    .last()
                    .is_some_and(|&i| row.cells[i].value.is_blank())
                {
                    values.pop();
                }
            }
            if values.iter().all(|&i| row.cells[i].value.is_blank()) {
                continue;
            }
            if !bound.tables.contains(&t) {
                bound.tables.push(t);
            }
            bound.values_span = Some(bound.values_span.map_or(row.span, |s| s.cover(row.span)));
            bound.values.extend(values.into_iter().map(|i| CellRef {
                value: row.cells[i].value.clone(),
                span: row.cells[i].span,
                malformed: row.malformed,
            }));
        }
    }
    if bound.values.is_empty() {
        skeleton(&mut bound, candidates, document);
    }
    bound
}

/// A table printed with its headings but no number is a table with blank cells, not a
/// missing table: in markup its data cells are the blanks; in text, where empty fields are
/// not kept, the table is recorded as found with no values.
fn skeleton(bound: &mut BoundTable, candidates: &[usize], document: &Document) {
    for &t in candidates {
        let table = &document.tables[t];
        let data: Vec<_> = table
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Data)
            .collect();
        // Headings with no data row (an extractor drops a row of empty cells) still print
        // the table.
        if data.is_empty() && table.bands.iter().all(|b| b.columns.is_empty()) {
            continue;
        }
        bound.tables.push(t);
        for row in data {
            bound.values_span = Some(bound.values_span.map_or(row.span, |s| s.cover(row.span)));
            if table.kind == crate::document::TableKind::Markup {
                bound
                    .values
                    .extend(
                        row.values
                            .iter()
                            .filter(|&&i| !row.cells[i].merged)
                            .map(|&i| CellRef {
                                value: row.cells[i].value.clone(),
                                span: row.cells[i].span,
                                malformed: row.malformed,
                            }),
                    );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::resembles;

    #[test]
    fn a_label_with_glyphs_lost_resembles_its_declared_row_and_another_does_not() {
        let keys = ["其他法律行政法规禁止公开".to_owned()];
        assert!(resembles(
            "三、本年度办理结果（三）不予公开2.其他法律行政止公开",
            &keys
        ));
        assert!(!resembles(
            "三、本年度办理结果（三）不予公开2.其他情况",
            &keys
        ));
        // Too short a key says too little to go on.
        assert!(!resembles("总计", &["总计".to_owned()]));
    }
}
