//! Label printing: the label-roll sizes a delivery's labels print on, how many copies, and which
//! bulk labels; all read from a query string that falls back to sensible defaults.

use super::asset::named_enum;

named_enum!(
    /// A label roll's size. Each has its own print stylesheet (`static/label-*.css`) that sets
    /// the page to one label.
    LabelSize {
        Small => "50x30",
        Dymo => "dymo-11354",
        Zebra => "zebra-2x1",
    }
);

impl LabelSize {
    /// The size as the form names it.
    pub fn name(self) -> &'static str {
        match self {
            LabelSize::Small => "50 × 30 mm",
            LabelSize::Dymo => "Dymo 11354 (57 × 32 mm)",
            LabelSize::Zebra => "Zebra 2 × 1 in (51 × 25 mm)",
        }
    }

    /// The print stylesheet that makes each label one page of this size.
    pub fn stylesheet(self) -> &'static str {
        match self {
            LabelSize::Small => "label-50x30.css",
            LabelSize::Dymo => "label-dymo-11354.css",
            LabelSize::Zebra => "label-zebra-2x1.css",
        }
    }
}

named_enum!(
    /// Which labels a delivery's bulk stock items get.
    BulkLabels {
        PerLine => "line",
        PerPiece => "piece",
        Without => "none",
    }
);

/// The most copies of each unit's label one print asks for.
pub const MOST_COPIES: u32 = 5;
/// The most labels one print holds.
pub const MOST_LABELS: usize = 5_000;

/// How a delivery's labels print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelPlan {
    pub size: LabelSize,
    pub copies: u32,
    pub bulk: BulkLabels,
}

impl LabelPlan {
    /// The plan a query asked for: unknown sizes fall back to 50 × 30 mm, copies to 1–5, bulk
    /// labels to one per line.
    pub fn read(size: &str, copies: &str, bulk: &str) -> Self {
        Self {
            size: size.parse().unwrap_or(LabelSize::Small),
            copies: copies
                .trim()
                .parse::<u32>()
                .unwrap_or(1)
                .clamp(1, MOST_COPIES),
            bulk: bulk.parse().unwrap_or(BulkLabels::PerLine),
        }
    }

    /// How many labels a stock item that arrived `quantity` pieces gets.
    pub fn item_copies(self, quantity: i64) -> usize {
        match self.bulk {
            BulkLabels::PerLine => 1,
            BulkLabels::PerPiece => usize::try_from(quantity.max(0)).unwrap_or(0),
            BulkLabels::Without => 0,
        }
    }

    /// How many labels the print holds for `units` units and items of these quantities, and
    /// whether that is more than one print may hold.
    pub fn count(self, units: usize, items: &[i64]) -> (usize, bool) {
        let n = units * self.copies as usize
            + items.iter().map(|q| self.item_copies(*q)).sum::<usize>();
        (n, n > MOST_LABELS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_its_query_with_defaults() {
        let p = LabelPlan::read("dymo-11354", "3", "piece");
        assert_eq!(
            (p.size, p.copies, p.bulk),
            (LabelSize::Dymo, 3, BulkLabels::PerPiece)
        );
        let p = LabelPlan::read("A0", "99", "???");
        assert_eq!(
            (p.size, p.copies, p.bulk),
            (LabelSize::Small, MOST_COPIES, BulkLabels::PerLine)
        );
        assert_eq!(LabelPlan::read("", "0", "").copies, 1);
    }

    #[test]
    fn labels_are_counted_per_unit_copy_and_per_bulk_choice() {
        let p = LabelPlan::read("50x30", "2", "piece");
        assert_eq!(p.count(10, &[5, 3]), (28, false));
        let p = LabelPlan::read("50x30", "2", "line");
        assert_eq!(p.count(10, &[5, 3]), (22, false));
        let p = LabelPlan::read("50x30", "1", "none");
        assert_eq!(p.count(10, &[5, 3]), (10, false));
        assert!(LabelPlan::read("50x30", "5", "line").count(1001, &[]).1);
    }
}
