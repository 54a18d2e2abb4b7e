//! Tables from ruling lines: connected horizontal and vertical rules form a grid; grid
//! rectangles not separated by a rule merge into one cell (a `rowspan`/`colspan`).

use super::extract::Rule;

/// How far apart (in points) two rule positions may be and still be the same line, and how far
/// a rule may stop short of a crossing rule and still meet it. Producers draw borders with
/// half-line-width offsets (WPS: 75.17 vs 75.65).
const SNAP: f32 = 2.5;

/// Most rules of one page grouped into grids. Grouping compares horizontal with vertical rules
/// (quadratic); a report page has a few hundred. A page with more is read as text only.
pub const MAX_RULES_PER_PAGE: usize = 10_000;

/// Most grid rectangles (rows × columns) of one table; a table 3 has about 200.
pub const MAX_GRID_CELLS: usize = 50_000;

/// Rows or columns narrower than this are artefacts of double lines, not cells.
const MIN_TRACK: f32 = 3.0;

/// A ruled table on one page.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom.
    pub ys: Vec<f32>,
    /// Cells, in row-major order of their top-left grid position.
    pub cells: Vec<GridCell>,
    /// For each grid rectangle (row-major), the index of the cell covering it.
    owner: Vec<u32>,
}

/// A (possibly merged) cell of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridCell {
    /// Top row.
    pub row: usize,
    /// Left column.
    pub col: usize,
    /// Rows spanned.
    pub rowspan: usize,
    /// Columns spanned.
    pub colspan: usize,
}

impl Grid {
    /// Left, top, right, bottom.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        (
            self.xs[0],
            self.ys[0],
            self.xs[self.xs.len() - 1],
            self.ys[self.ys.len() - 1],
        )
    }

    /// Whether a point lies inside the grid.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        let (l, t, r, b) = self.bounds();
        x >= l && x <= r && y >= t && y <= b
    }

    /// The cell containing a point (two binary searches and a lookup).
    pub fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let col = track(&self.xs, x)?;
        let row = track(&self.ys, y)?;
        let owner = *self.owner.get(row * (self.xs.len() - 1) + col)?;
        Some(owner as usize)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.ys.len() - 1
    }
}

/// The index of the interval between consecutive boundaries that holds `v`.
fn track(bounds: &[f32], v: f32) -> Option<usize> {
    if bounds.len() < 2 || v < bounds[0] || v > bounds[bounds.len() - 1] {
        return None;
    }
    let after = bounds.partition_point(|&b| b <= v);
    Some(after.saturating_sub(1).min(bounds.len() - 2))
}

fn meets(h: &Rule, v: &Rule) -> bool {
    h.at >= v.from - SNAP && h.at <= v.to + SNAP && v.at >= h.from - SNAP && v.at <= h.to + SNAP
}

/// Groups the page's rules into grids: connected sets with at least two horizontal and two
/// vertical rules.
pub fn grids(rules: &[Rule]) -> Vec<Grid> {
    let rules = &merge_collinear(rules);
    if rules.len() > MAX_RULES_PER_PAGE {
        return Vec::new();
    }
    let n = rules.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, a) in rules.iter().enumerate() {
        if a.vertical {
            continue;
        }
        for (j, b) in rules.iter().enumerate() {
            if b.vertical && meets(a, b) {
                let (ra, rb) = (find(&mut parent, i), find(&mut parent, j));
                if ra != rb {
                    parent[ra] = rb;
                }
            }
        }
    }
    let mut groups: Vec<(usize, Vec<Rule>)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let root = find(&mut parent, i);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(*rule),
            None => groups.push((root, vec![*rule])),
        }
    }
    let mut grids: Vec<Grid> = groups
        .into_iter()
        .filter_map(|(_, members)| grid(&members))
        .collect();
    grids.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    grids
}

/// Joins rules on one line that touch or overlap: browsers draw each cell's border separately,
/// and a border piece between two merged cells would otherwise meet no crossing rule.
fn merge_collinear(rules: &[Rule]) -> Vec<Rule> {
    let mut sorted = rules.to_vec();
    sorted.sort_by(|a, b| {
        a.vertical
            .cmp(&b.vertical)
            .then(a.at.total_cmp(&b.at))
            .then(a.from.total_cmp(&b.from))
    });
    let mut merged: Vec<Rule> = Vec::with_capacity(sorted.len());
    for rule in sorted {
        // Rules within SNAP of the line's position are the same line; find the last piece on it
        // that this one touches.
        let touching = merged.iter_mut().rev().take(8).find(|m| {
            m.vertical == rule.vertical
                && (m.at - rule.at).abs() < SNAP
                && rule.from <= m.to + SNAP
                && rule.to >= m.from - SNAP
        });
        match touching {
            Some(m) => {
                m.from = m.from.min(rule.from);
                m.to = m.to.max(rule.to);
            }
            None => merged.push(rule),
        }
    }
    merged
}

/// Distinct positions, snapped together.
fn positions(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for v in values {
        match out.last() {
            Some(&last) if v - last < MIN_TRACK.max(SNAP) => {}
            _ => out.push(v),
        }
    }
    out
}

/// The smallest and largest of some positions.
fn outer(values: impl Iterator<Item = f32>) -> [f32; 2] {
    values.fold([f32::MAX, f32::MIN], |[lo, hi], v| [lo.min(v), hi.max(v)])
}

fn grid(rules: &[Rule]) -> Option<Grid> {
    let horizontal: Vec<&Rule> = rules.iter().filter(|r| !r.vertical).collect();
    let vertical: Vec<&Rule> = rules.iter().filter(|r| r.vertical).collect();
    if horizontal.len() < 2 || vertical.len() < 2 {
        return None;
    }
    // The outer edges come from the rules' extents too: a table cut by a page break often has
    // no bottom (or top) rule, only its vertical rules reaching down to the page's last row.
    let xs = positions(
        vertical
            .iter()
            .map(|r| r.at)
            .chain(outer(horizontal.iter().flat_map(|r| [r.from, r.to])))
            .collect(),
    );
    let ys = positions(
        horizontal
            .iter()
            .map(|r| r.at)
            .chain(outer(vertical.iter().flat_map(|r| [r.from, r.to])))
            .collect(),
    );
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    // A boundary exists between two tracks where a rule covers the midpoint of the crossing track.
    let has_vertical = |x: f32, y: f32| {
        vertical
            .iter()
            .any(|r| (r.at - x).abs() < SNAP && y >= r.from - SNAP && y <= r.to + SNAP)
    };
    let has_horizontal = |y: f32, x: f32| {
        horizontal
            .iter()
            .any(|r| (r.at - y).abs() < SNAP && x >= r.from - SNAP && x <= r.to + SNAP)
    };
    let (cols, rows) = (xs.len() - 1, ys.len() - 1);
    if rows.saturating_mul(cols) > MAX_GRID_CELLS {
        return None;
    }
    let mut owner = vec![u32::MAX; rows * cols];
    let mut cells = Vec::new();
    for row in 0..rows {
        let mid_y = (ys[row] + ys[row + 1]) / 2.0;
        for col in 0..cols {
            if owner[row * cols + col] != u32::MAX {
                continue;
            }
            let mut colspan = 1;
            while col + colspan < cols
                && owner[row * cols + col + colspan] == u32::MAX
                && !has_vertical(xs[col + colspan], mid_y)
            {
                colspan += 1;
            }
            let mut rowspan = 1;
            while row + rowspan < rows
                && (col..col + colspan).all(|c| {
                    owner[(row + rowspan) * cols + c] == u32::MAX
                        && !has_horizontal(ys[row + rowspan], (xs[c] + xs[c + 1]) / 2.0)
                })
            {
                rowspan += 1;
            }
            let index = u32::try_from(cells.len()).unwrap_or(u32::MAX);
            for r in row..row + rowspan {
                for c in col..col + colspan {
                    owner[r * cols + c] = index;
                }
            }
            cells.push(GridCell {
                row,
                col,
                rowspan,
                colspan,
            });
        }
    }
    Some(Grid {
        xs,
        ys,
        cells,
        owner,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(at: f32, from: f32, to: f32) -> Rule {
        Rule {
            vertical: false,
            at,
            from,
            to,
        }
    }
    fn v(at: f32, from: f32, to: f32) -> Rule {
        Rule {
            vertical: true,
            at,
            from,
            to,
        }
    }

    #[test]
    fn a_missing_rule_merges_cells() {
        // Two columns, three rows; the left column has no rule between rows 1 and 2.
        let rules = [
            h(0.0, 0.0, 100.0),
            h(10.0, 0.0, 100.0),
            h(20.0, 50.0, 100.0),
            h(30.0, 0.0, 100.0),
            v(0.0, 0.0, 30.0),
            v(50.0, 0.0, 30.0),
            v(100.0, 0.0, 30.0),
        ];
        let grids = grids(&rules);
        assert_eq!(grids.len(), 1);
        let cells = &grids[0].cells;
        assert_eq!(cells.len(), 5);
        assert_eq!(
            cells[2],
            GridCell {
                row: 1,
                col: 0,
                rowspan: 2,
                colspan: 1
            }
        );
        assert_eq!(grids[0].cell_at(25.0, 25.0), Some(2));
    }

    #[test]
    fn separate_boxes_are_separate_grids() {
        let mut rules = Vec::new();
        for top in [0.0, 100.0] {
            rules.extend([
                h(top, 0.0, 50.0),
                h(top + 20.0, 0.0, 50.0),
                v(0.0, top, top + 20.0),
                v(50.0, top, top + 20.0),
            ]);
        }
        assert_eq!(grids(&rules).len(), 2);
    }
}
