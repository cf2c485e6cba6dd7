//! Figures shown to people outside the organisation that recorded the data: small-cell
//! suppression.
//!
//! Any count of people under [`MIN_CELL`] could point at a person in a small municipality,
//! so a figure shown outside the contributing organisation hides it. Hiding one cell is not
//! enough when a total is shown next to it: the hidden value is the total minus the others.
//! [`suppress_with_total`] therefore hides a second cell (the smallest visible one) when only
//! one would be hidden (complementary suppression), and [`Cell`] keeps "hidden" apart from
//! "zero" so that no caller can mistake one for the other.
//!
//! Inside the organisation ([`Audience::Own`]) figures are shown exactly.

use serde::Serialize;

/// The smallest number of people a figure shown outside the organisation may count.
pub const MIN_CELL: i64 = 5;

/// Who looks at a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// People of the organisation that recorded every underlying row.
    Own,
    /// Anyone else (regional or Flemish figures, public pages).
    Outside,
}

/// One figure as shown: a value, or hidden because it counts fewer than [`MIN_CELL`]
/// people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell {
    /// The value (a count, or an amount in cents).
    Value(i64),
    /// Hidden: too few people behind it.
    Hidden,
}

impl Cell {
    /// The value, if shown.
    pub fn value(self) -> Option<i64> {
        match self {
            Cell::Value(v) => Some(v),
            Cell::Hidden => None,
        }
    }

    /// Whether the cell is hidden.
    pub fn is_hidden(self) -> bool {
        matches!(self, Cell::Hidden)
    }
}

/// A count of people, as `audience` may see it. Zero is shown: "nobody" reveals no one.
pub fn count(people: i64, audience: Audience) -> Cell {
    value_of(people, people, audience)
}

/// A value (a count of events or an amount) behind which `people` distinct people stand.
/// Outside the organisation it is hidden when `people` is between 1 and [`MIN_CELL`] − 1.
pub fn value_of(value: i64, people: i64, audience: Audience) -> Cell {
    match audience {
        Audience::Own => Cell::Value(value),
        Audience::Outside if people > 0 && people < MIN_CELL => Cell::Hidden,
        Audience::Outside => Cell::Value(value),
    }
}

/// Suppresses a row (or column) of people counts of disjoint groups (each person in one
/// cell) whose total is shown as well.
///
/// Returns the cells and the total. Every count between 1 and [`MIN_CELL`] − 1 is hidden;
/// when exactly one cell would be hidden, the smallest other non-zero cell is hidden too,
/// so the hidden value cannot be worked out as the total minus the others. The total itself
/// is hidden when it is under [`MIN_CELL`].
pub fn suppress_with_total(people: &[i64], audience: Audience) -> (Vec<Cell>, Cell) {
    suppress_column(people, people, people.iter().sum(), audience)
}

/// Like [`suppress_with_total`] for values that are not themselves counts of people (events,
/// amounts): `values[i]` stands for `people[i]` distinct people, and the decision to hide is
/// taken on the people. `total_people` is the number of distinct people behind the total;
/// it must be counted, not summed, when one person can appear in several cells (a person
/// helped in two months is one person).
pub fn suppress_column(
    values: &[i64],
    people: &[i64],
    total_people: i64,
    audience: Audience,
) -> (Vec<Cell>, Cell) {
    let total: i64 = values.iter().sum();
    if audience == Audience::Own {
        return (
            values.iter().map(|&v| Cell::Value(v)).collect(),
            Cell::Value(total),
        );
    }
    let who = |i: usize| people.get(i).copied().unwrap_or(0);
    let mut cells: Vec<Cell> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| value_of(v, who(i), Audience::Outside))
        .collect();
    let hidden = cells.iter().filter(|c| c.is_hidden()).count();
    if hidden == 1 {
        // The visible cell with the fewest people (but some) goes too.
        if let Some(i) = (0..cells.len())
            .filter(|&i| who(i) > 0 && !cells[i].is_hidden())
            .min_by_key(|&i| who(i))
        {
            cells[i] = Cell::Hidden;
        }
    }
    (cells, value_of(total, total_people, Audience::Outside))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_counts_are_hidden_outside_only() {
        assert_eq!(count(3, Audience::Outside), Cell::Hidden);
        assert_eq!(count(3, Audience::Own), Cell::Value(3));
        assert_eq!(count(0, Audience::Outside), Cell::Value(0));
        assert_eq!(count(5, Audience::Outside), Cell::Value(5));
        assert_eq!(value_of(123_400, 4, Audience::Outside), Cell::Hidden);
        assert_eq!(
            value_of(123_400, 7, Audience::Outside),
            Cell::Value(123_400)
        );
    }

    #[test]
    fn one_hidden_cell_takes_a_second_with_it() {
        let (cells, total) = suppress_with_total(&[12, 3, 8, 0], Audience::Outside);
        assert_eq!(
            cells,
            vec![Cell::Value(12), Cell::Hidden, Cell::Hidden, Cell::Value(0)]
        );
        assert_eq!(total, Cell::Value(23));
    }

    #[test]
    fn amounts_are_hidden_by_their_people() {
        let (cells, total) =
            suppress_column(&[10_000, 25_000, 90_000], &[2, 6, 9], 17, Audience::Outside);
        assert_eq!(cells, vec![Cell::Hidden, Cell::Hidden, Cell::Value(90_000)]);
        assert_eq!(total, Cell::Value(125_000));
        // Eight applications in four months by the same four people: the total is hidden.
        let (_, total) = suppress_column(&[2, 2, 2, 2], &[2, 2, 2, 2], 4, Audience::Outside);
        assert_eq!(total, Cell::Hidden);
    }

    proptest! {
        #[test]
        fn no_hidden_cell_can_be_recovered_from_the_total(row in proptest::collection::vec(0i64..40, 0..12)) {
            let (cells, total) = suppress_with_total(&row, Audience::Outside);
            prop_assert_eq!(cells.len(), row.len());
            for (c, v) in cells.iter().zip(&row) {
                // Every small non-zero count is hidden; shown values are exact.
                if *v > 0 && *v < MIN_CELL { prop_assert!(c.is_hidden()); }
                if let Cell::Value(x) = c { prop_assert_eq!(x, v); }
            }
            // With a visible total, never exactly one hidden non-zero cell.
            if !total.is_hidden() {
                let hidden = cells.iter().filter(|c| c.is_hidden()).count();
                prop_assert!(hidden != 1);
            }
        }
    }
}
