//! Money as integer euro cents.

use std::fmt;

/// An amount of money in euro cents. Never a float: every rounding step is
/// explicit in the expression language (division rounds to the nearest cent,
/// halves away from zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    /// The amount in cents.
    pub fn cents(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    /// Formats as `€1,314.20` (English grouping, the same in every language for now).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let euros = abs / 100;
        let cents = abs % 100;
        let digits = euros.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{}€{grouped}.{cents:02}", if neg { "-" } else { "" })
    }
}

/// Divides with rounding to the nearest integer, halves away from zero.
/// `None` on division by zero or overflow (the result is then unknown, never zero).
pub(crate) fn div_round(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    let r = a.checked_rem(b)?;
    // Compare 2|r| with |b| in i128 so nothing overflows.
    if 2 * i128::from(r).abs() >= i128::from(b).abs() {
        if (a < 0) != (b < 0) {
            q.checked_sub(1)
        } else {
            q.checked_add(1)
        }
    } else {
        Some(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_rounding() {
        assert_eq!(Money(131420).to_string(), "€1,314.20");
        assert_eq!(Money(-5).to_string(), "-€0.05");
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(1, 0), None);
    }
}
