//! Plain-text tables: columns padded to their widest cell, or fitted to a
//! terminal's width by cutting the cells of the least important columns
//! with an ellipsis.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::common::printable;

/// Columns are padded to their widest cell, but never wider than this: one
/// huge cell (a hostile socket path) would otherwise pad every row to its
/// width.
const MAX_PAD: usize = 256;

/// A column fitted to a terminal keeps at least this many columns of text
/// (or its header's width, or its widest cell's, whichever is least).
const MIN_COLUMN: usize = 5;

/// Columns are first cut down to no less than this (or their header's
/// width), in rank order; only when that is not enough do they go down to
/// [`MIN_COLUMN`], again in rank order. So every column keeps a readable
/// start before any is cut to a stub.
const COMFORTABLE_COLUMN: usize = 16;

/// Columns between two cells.
const GAP: usize = 2;

/// What a cut cell ends with.
const ELLIPSIS: char = '…';

/// A plain-text table.
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
    /// Per column, how readily it gives up width when the table is fitted:
    /// higher gives up first; columns of the same rank shrink together,
    /// the widest first; rank 0 never does (short, telling columns).
    shrink: Vec<u8>,
}

impl Table {
    /// A table with this header row; every column shrinks alike until
    /// [`Self::shrink_order`] says otherwise.
    pub(crate) fn new(header: &[&str]) -> Self {
        Self {
            rows: vec![header.iter().map(|s| (*s).to_owned()).collect()],
            shrink: vec![1; header.len()],
        }
    }

    /// Per column, how readily it gives up width (higher first).
    pub(crate) fn shrink_order(mut self, ranks: &[u8]) -> Self {
        for (slot, rank) in self.shrink.iter_mut().zip(ranks) {
            *slot = *rank;
        }
        self
    }

    /// Adds a row; cells hold the pod's data and are escaped for the
    /// terminal ([`printable`]).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| match printable(&c) {
                    Cow::Borrowed(_) => c,
                    Cow::Owned(escaped) => escaped,
                })
                .collect(),
        );
    }

    /// Appends the table to `out`, each line starting with `indent`. With
    /// `width` (a terminal's), lines are kept within it where the columns'
    /// minimum widths allow, cells cut with an ellipsis; without, every
    /// cell is whole.
    pub(crate) fn render(&self, indent: &str, width: Option<usize>, out: &mut String) {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let natural: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width().min(MAX_PAD))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let widths = match width {
            Some(total) => {
                let header = self.rows.first();
                let at_least = |least: usize| -> Vec<usize> {
                    (0..cols)
                        .map(|c| {
                            let head = header.and_then(|h| h.get(c)).map_or(0, |s| s.width());
                            natural[c].min(head.max(least))
                        })
                        .collect()
                };
                let room = total
                    .saturating_sub(indent.width())
                    .saturating_sub(GAP * cols.saturating_sub(1));
                let comfortable = fit(&natural, &at_least(COMFORTABLE_COLUMN), &self.shrink, room);
                fit(&comfortable, &at_least(MIN_COLUMN), &self.shrink, room)
            }
            None => natural,
        };
        for row in &self.rows {
            let mut line = String::from(indent);
            for (c, cell) in row.iter().enumerate() {
                let shown = match width {
                    Some(_) => cut(cell, widths[c]),
                    None => Cow::Borrowed(cell.as_str()),
                };
                line.push_str(&shown);
                if c + 1 < row.len() {
                    let pad = widths[c].saturating_sub(shown.width());
                    line.extend(std::iter::repeat_n(' ', pad + GAP));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// Column widths within `room`: the columns of the highest shrink rank
/// give up width first, the widest of them first (so that long cells are
/// cut before short ones), none below its minimum, and columns of rank 0
/// not at all. When that is not enough, every column that may shrink is at
/// its minimum.
fn fit(natural: &[usize], minimum: &[usize], shrink: &[u8], room: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let mut excess = widths.iter().sum::<usize>().saturating_sub(room);
    let mut ranks: Vec<u8> = shrink.to_vec();
    ranks.sort_unstable_by(|a, b| b.cmp(a));
    ranks.dedup();
    for rank in ranks {
        if excess == 0 || rank == 0 {
            break;
        }
        let members: Vec<usize> = (0..widths.len())
            .filter(|&c| shrink.get(c) == Some(&rank))
            .collect();
        // Width of column `c` when the rank's columns are capped at `cap`.
        let capped = |c: usize, cap: usize| widths[c].min(cap.max(minimum[c]));
        let saved =
            |cap: usize| -> usize { members.iter().map(|&c| widths[c] - capped(c, cap)).sum() };
        let widest = members.iter().map(|&c| widths[c]).max().unwrap_or(0);
        // The highest cap that saves enough (or 0: all at their minimum).
        let cap = (0..=widest)
            .rev()
            .find(|&cap| saved(cap) >= excess)
            .unwrap_or(0);
        let mut over = saved(cap).saturating_sub(excess);
        excess -= saved(cap).min(excess);
        let fitted: Vec<(usize, usize)> = members
            .iter()
            .map(|&c| {
                let w = capped(c, cap);
                // Columns cut to exactly the cap give back what was saved
                // beyond the need, one column each, leftmost first.
                if over > 0 && w == cap && widths[c] > cap {
                    over -= 1;
                    (c, cap + 1)
                } else {
                    (c, w)
                }
            })
            .collect();
        for (c, w) in fitted {
            widths[c] = w;
        }
    }
    widths
}

/// `cell` within `width` columns: whole when it fits, else its start and
/// an ellipsis.
fn cut(cell: &str, width: usize) -> Cow<'_, str> {
    if cell.width() <= width {
        return Cow::Borrowed(cell);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in cell.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&["NAME", "TYPE", "DEVICE", "PLUGIN"]).shrink_order(&[0, 0, 1, 2]);
        t.row(vec![
            "net1".into(),
            "pci".into(),
            "0000:3b:02.6 (vfio-pci, NUMA 0)".into(),
            "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK (by device-info)".into(),
        ]);
        t.row(vec!["eth0 *".into(), "host".into(), "-".into(), "-".into()]);
        t
    }

    fn lines(t: &Table, width: Option<usize>) -> Vec<String> {
        let mut out = String::new();
        t.render("  ", width, &mut out);
        out.lines().map(str::to_owned).collect()
    }

    #[test]
    fn without_a_width_every_cell_is_whole() {
        let l = lines(&table(), None);
        assert_eq!(
            l[1],
            "  net1    pci   0000:3b:02.6 (vfio-pci, NUMA 0)  PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK (by device-info)"
        );
        // A width the table fits in changes nothing.
        assert_eq!(lines(&table(), Some(200)), l);
        assert_eq!(lines(&table(), Some(l[1].width())), l);
    }

    #[test]
    fn the_highest_rank_gives_up_width_first() {
        let full = lines(&table(), None)[1].width();
        // 10 columns short: only PLUGIN is cut.
        let l = lines(&table(), Some(full - 10));
        assert_eq!(
            l[1],
            "  net1    pci   0000:3b:02.6 (vfio-pci, NUMA 0)  PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK (by d…"
        );
        assert!(l.iter().all(|line| line.width() <= full - 10), "{l:#?}");
        // Narrower: PLUGIN down to a comfortable width, then DEVICE.
        let l = lines(&table(), Some(70));
        assert_eq!(
            l[0],
            "  NAME    TYPE  DEVICE                           PLUGIN"
        );
        assert_eq!(
            l[1],
            "  net1    pci   0000:3b:02.6 (vfio-pci, NUMA 0)  PCIDEVICE_INTEL_COM_…"
        );
        let l = lines(&table(), Some(50));
        assert_eq!(l[1], "  net1    pci   0000:3b:02.6 (v…  PCIDEVICE_INTEL…");
        assert!(l.iter().all(|line| line.width() <= 50), "{l:#?}");
        // Narrower still: PLUGIN down to its header's width first.
        let l = lines(&table(), Some(40));
        assert_eq!(l[1], "  net1    pci   0000:3b:02.6 (v…  PCIDE…");
        assert!(l.iter().all(|line| line.width() <= 40), "{l:#?}");
    }

    #[test]
    fn columns_never_go_below_their_minimum() {
        // Far too narrow: every shrinkable column at its minimum, the
        // others whole; the line is then as short as it can be.
        let l = lines(&table(), Some(10));
        assert_eq!(l[1], "  net1    pci   0000:…  PCIDE…");
        // A column whose cells are all short keeps them.
        assert_eq!(l[2], "  eth0 *  host  -       -");
    }

    #[test]
    fn equal_ranks_cut_the_widest_first() {
        let natural = [40, 10, 30];
        let min = [5, 5, 5];
        // 10 to give up among equals: the widest gives it.
        assert_eq!(fit(&natural, &min, &[1, 1, 1], 70), [30, 10, 30]);
        // 20: both wide ones meet at 25.
        assert_eq!(fit(&natural, &min, &[1, 1, 1], 60), [25, 10, 25]);
        // 21: one column more than the other when it cannot be even.
        assert_eq!(fit(&natural, &min, &[1, 1, 1], 59), [25, 10, 24]);
        // Rank 2 first, down to its minimum, then rank 1.
        assert_eq!(fit(&natural, &min, &[1, 1, 2], 50), [35, 10, 5]);
        // Rank 0 never.
        assert_eq!(fit(&natural, &min, &[0, 1, 1], 10), [40, 5, 5]);
    }

    #[test]
    fn cutting_counts_display_columns() {
        assert_eq!(cut("abcdef", 6), "abcdef");
        assert_eq!(cut("abcdef", 5), "abcd…");
        assert_eq!(cut("abcdef", 1), "…");
        assert_eq!(cut("abcdef", 0), "");
        // Wide characters take two columns each.
        assert_eq!(cut("日本語テキスト", 6), "日本…");
        assert!(cut("日本語テキスト", 6).width() <= 6);
    }
}
