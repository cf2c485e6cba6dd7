//! Take-up figures of the rights module: checks, rights found, applications, grants,
//! refusals and money granted, per month and per right, for one organisation, a regional
//! platform's organisations, or all of them.
//!
//! This module returns raw counts together with the number of distinct people behind each
//! one. Whoever shows them outside the organisation must hide small cells
//! (`sterk_domain::figures`); the web layer does. Nothing here names a person: only counts
//! leave the database.

use crate::{Db, StoreError};
use serde::Serialize;

/// Whose figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One organisation.
    Org(i64),
    /// The organisations located in a regional platform's municipalities.
    Platform(i64),
    /// Every organisation.
    All,
}

/// One month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Finished rights checks, and the people checked.
    pub checks: (i64, i64),
    /// Rights found (eligible or likely) by those checks, and the people with at least one.
    pub found: (i64, i64),
    /// Applications made this month, and the people.
    pub applied: (i64, i64),
    /// Rights granted this month, and the people.
    pub granted: (i64, i64),
    /// Money granted this month (cents, per each right's own period), and the people.
    pub granted_cents: (i64, i64),
    /// Rights refused this month, and the people.
    pub refused: (i64, i64),
}

/// One right over the whole period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RightRow {
    /// The right's id in the rules.
    pub right_id: String,
    /// Follow-ups started in the period, and the people.
    pub followed: (i64, i64),
    /// Applications, and the people.
    pub applied: (i64, i64),
    /// Grants, and the people.
    pub granted: (i64, i64),
    /// Money granted (cents), and the people.
    pub granted_cents: (i64, i64),
    /// Refusals, and the people.
    pub refused: (i64, i64),
}

/// Refusals with one reason code over the whole period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonRow {
    /// The reason's code (`unknown` for refusals recorded before codes existed).
    pub code: String,
    /// Refusals, and the people.
    pub refused: (i64, i64),
}

/// All take-up figures of a scope and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Takeup {
    /// Every month of the period, oldest first (months without data included, as zeros).
    pub months: Vec<MonthRow>,
    /// The whole period, with the distinct people of the period (month `total`).
    pub total: MonthRow,
    /// Follow-ups started in the period, and the distinct people.
    pub followed_total: (i64, i64),
    /// Per right, most granted first.
    pub rights: Vec<RightRow>,
    /// Refusal reasons, most frequent first.
    pub reasons: Vec<ReasonRow>,
    /// How many organisations contributed a check or a follow-up.
    pub organisations: i64,
}

/// The months from `from` to `to` (both `YYYY-MM`, inclusive); empty when `to < from`.
pub fn months_between(from: (i32, u8), to: (i32, u8)) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = from;
    while (y, m) <= to && out.len() < 1200 {
        out.push(format!("{y:04}-{m:02}"));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

fn filter(scope: Scope, col: &str) -> String {
    match scope {
        Scope::Org(_) => format!("{col} = $3"),
        Scope::Platform(_) => format!(
            "{col} IN (SELECT o.id FROM organisations o JOIN municipalities m ON m.refnis = o.refnis WHERE m.platform_id = $3)"
        ),
        Scope::All => "1 = 1".to_owned(),
    }
}

fn scope_id(scope: Scope) -> Option<i64> {
    match scope {
        Scope::Org(id) | Scope::Platform(id) => Some(id),
        Scope::All => None,
    }
}

type Grouped = (String, i64, i64, i64);

/// Runs a grouped count with the period bounds `$1`, `$2` (dates or milliseconds) and the
/// scope's `$3`.
async fn grouped<'q, B>(
    db: &Db,
    sql: &'q str,
    scope: Scope,
    from: B,
    to: B,
) -> Result<Vec<Grouped>, StoreError>
where
    B: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
{
    let mut q = sqlx::query_as::<_, Grouped>(sql).bind(from).bind(to);
    if let Some(id) = scope_id(scope) {
        q = q.bind(id);
    }
    Ok(q.fetch_all(db.reader()).await?)
}

/// The figures of `scope` for the months `from` to `to` (inclusive, `(year, month)`).
pub async fn takeup(
    db: &Db,
    scope: Scope,
    from: (i32, u8),
    to: (i32, u8),
) -> Result<Takeup, StoreError> {
    let months = months_between(from, to);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Takeup::default());
    };
    // Dates are ISO text: a month's days sort between `YYYY-MM-01` and `YYYY-MM-99`.
    let lo = format!("{first}-01");
    let hi = format!("{last}-99");
    let f_k = filter(scope, "k.org_id");
    let f_f = filter(scope, "f.org_id");

    let mut rows: Vec<MonthRow> = months
        .iter()
        .map(|m| MonthRow {
            month: m.clone(),
            ..MonthRow::default()
        })
        .collect();
    for r in month_rows(db, scope, &lo, &hi, true).await? {
        if let Some(i) = months.iter().position(|x| *x == r.month) {
            rows[i] = r;
        }
    }
    // The whole period's distinct people (a person counted in two months is one person).
    let mut total = month_rows(db, scope, &lo, &hi, false)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    total.month = "total".into();

    // Per right: follow-ups started in the period (by their creation), and the same
    // applications and decisions as above.
    let (lo_ms, hi_ms) = (month_start_ms(from), month_start_ms(next_month(to)));
    let mut rights: std::collections::BTreeMap<String, RightRow> = Default::default();
    let sql = format!(
        "SELECT f.right_id, COUNT(*), COUNT(DISTINCT f.client_id), CAST(0 AS BIGINT) FROM right_followups f \
         WHERE f.created_at >= $1 AND f.created_at < $2 AND {f_f} GROUP BY f.right_id"
    );
    for (r, n, people, _) in grouped(db, &sql, scope, lo_ms, hi_ms).await? {
        rights.entry(r.clone()).or_default().followed = (n, people);
    }
    let sql = format!(
        "SELECT 'total', COUNT(*), COUNT(DISTINCT f.client_id), CAST(0 AS BIGINT) FROM right_followups f \
         WHERE f.created_at >= $1 AND f.created_at < $2 AND {f_f}"
    );
    let followed_total = grouped(db, &sql, scope, lo_ms, hi_ms)
        .await?
        .first()
        .map(|&(_, n, p, _)| (n, p))
        .unwrap_or_default();
    let sql = format!(
        "SELECT f.right_id, COUNT(*), COUNT(DISTINCT f.client_id), CAST(0 AS BIGINT) FROM right_followups f \
         WHERE f.applied_on >= $1 AND f.applied_on <= $2 AND {f_f} GROUP BY f.right_id"
    );
    for (r, n, people, _) in grouped(db, &sql, scope, &lo, &hi).await? {
        rights.entry(r.clone()).or_default().applied = (n, people);
    }
    for status in ["granted", "refused"] {
        let sql = format!(
            "SELECT f.right_id, COUNT(*), COUNT(DISTINCT f.client_id), CAST(COALESCE(SUM(f.amount_cents), 0) AS BIGINT) FROM right_followups f \
             WHERE f.status = '{status}' AND f.decided_on >= $1 AND f.decided_on <= $2 AND {f_f} GROUP BY f.right_id"
        );
        for (r, n, people, cents) in grouped(db, &sql, scope, &lo, &hi).await? {
            let row = rights.entry(r.clone()).or_default();
            if status == "granted" {
                row.granted = (n, people);
                row.granted_cents = (cents, people);
            } else {
                row.refused = (n, people);
            }
        }
    }
    let mut rights: Vec<RightRow> = rights
        .into_iter()
        .map(|(id, mut r)| {
            r.right_id = id;
            r
        })
        .collect();
    rights.sort_by(|a, b| {
        b.granted
            .0
            .cmp(&a.granted.0)
            .then(b.followed.0.cmp(&a.followed.0))
            .then(a.right_id.cmp(&b.right_id))
    });

    let sql = format!(
        "SELECT COALESCE(f.refusal_code, 'unknown'), COUNT(*), COUNT(DISTINCT f.client_id), CAST(0 AS BIGINT) FROM right_followups f \
         WHERE f.status = 'refused' AND f.decided_on >= $1 AND f.decided_on <= $2 AND {f_f} GROUP BY COALESCE(f.refusal_code, 'unknown')"
    );
    let mut reasons: Vec<ReasonRow> = grouped(db, &sql, scope, &lo, &hi)
        .await?
        .into_iter()
        .map(|(code, n, people, _)| ReasonRow {
            code,
            refused: (n, people),
        })
        .collect();
    reasons.sort_by(|a, b| b.refused.0.cmp(&a.refused.0).then(a.code.cmp(&b.code)));

    let sql = format!(
        "SELECT COUNT(DISTINCT x.org_id) FROM (SELECT k.org_id FROM rights_checks k WHERE k.reference_date >= $1 AND k.reference_date <= $2 AND {f_k} \
         UNION SELECT f.org_id FROM right_followups f WHERE f.applied_on >= $1 AND f.applied_on <= $2 AND {f_f}) x"
    );
    let mut q = sqlx::query_as::<_, (i64,)>(&sql).bind(&lo).bind(&hi);
    if let Some(id) = scope_id(scope) {
        q = q.bind(id);
    }
    let (organisations,) = q.fetch_one(db.reader()).await?;

    Ok(Takeup {
        months: rows,
        total,
        followed_total,
        rights,
        reasons,
        organisations,
    })
}

/// The month figures grouped per month (`group`), or one row for the whole period.
async fn month_rows(
    db: &Db,
    scope: Scope,
    lo: &str,
    hi: &str,
    group: bool,
) -> Result<Vec<MonthRow>, StoreError> {
    let f_k = filter(scope, "k.org_id");
    let f_f = filter(scope, "f.org_id");
    // `SELECT key, … GROUP BY key`, or `SELECT 'total', …` over the whole period.
    let q = |key: &str, rest: String| {
        if group {
            format!("SELECT {key}, {rest} GROUP BY {key}")
        } else {
            format!("SELECT 'total', {rest}")
        }
    };
    let mut rows: std::collections::BTreeMap<String, MonthRow> = Default::default();
    let k_month = "substr(k.reference_date, 1, 7)";
    let sql = q(
        k_month,
        format!(
            "COUNT(*), COUNT(DISTINCT k.client_id), CAST(COALESCE(SUM(k.rights_found), 0) AS BIGINT) \
         FROM rights_checks k WHERE k.finished = 1 AND k.reference_date >= $1 AND k.reference_date <= $2 AND {f_k}"
        ),
    );
    for (m, n, people, found) in grouped(db, &sql, scope, lo, hi).await? {
        let r = month_entry(&mut rows, &m);
        r.checks = (n, people);
        r.found.0 = found;
    }
    let sql = q(
        k_month,
        format!(
            "COUNT(DISTINCT k.client_id), CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
         FROM rights_checks k WHERE k.finished = 1 AND k.rights_found > 0 AND k.reference_date >= $1 AND k.reference_date <= $2 AND {f_k}"
        ),
    );
    for (m, people, _, _) in grouped(db, &sql, scope, lo, hi).await? {
        month_entry(&mut rows, &m).found.1 = people;
    }
    // Applications (the date stays when the right is later granted or refused).
    let a_month = "substr(f.applied_on, 1, 7)";
    let sql = q(
        a_month,
        format!(
            "COUNT(*), COUNT(DISTINCT f.client_id), CAST(0 AS BIGINT) \
         FROM right_followups f WHERE f.applied_on >= $1 AND f.applied_on <= $2 AND {f_f}"
        ),
    );
    for (m, n, people, _) in grouped(db, &sql, scope, lo, hi).await? {
        month_entry(&mut rows, &m).applied = (n, people);
    }
    // Decisions.
    let d_month = "substr(f.decided_on, 1, 7)";
    for status in ["granted", "refused"] {
        let sql = q(
            d_month,
            format!(
                "COUNT(*), COUNT(DISTINCT f.client_id), CAST(COALESCE(SUM(f.amount_cents), 0) AS BIGINT) \
             FROM right_followups f WHERE f.status = '{status}' AND f.decided_on >= $1 AND f.decided_on <= $2 AND {f_f}"
            ),
        );
        for (m, n, people, cents) in grouped(db, &sql, scope, lo, hi).await? {
            let r = month_entry(&mut rows, &m);
            if status == "granted" {
                r.granted = (n, people);
                r.granted_cents = (cents, people);
            } else {
                r.refused = (n, people);
            }
        }
    }
    Ok(rows.into_values().collect())
}

fn month_entry<'a>(
    rows: &'a mut std::collections::BTreeMap<String, MonthRow>,
    m: &str,
) -> &'a mut MonthRow {
    rows.entry(m.to_owned()).or_insert_with(|| MonthRow {
        month: m.to_owned(),
        ..MonthRow::default()
    })
}

fn next_month((y, m): (i32, u8)) -> (i32, u8) {
    if m >= 12 { (y + 1, 1) } else { (y, m + 1) }
}

/// Midnight UTC of the first day of a month, in ms (0 for impossible months).
fn month_start_ms((y, m): (i32, u8)) -> i64 {
    let Ok(month) = time::Month::try_from(m) else {
        return 0;
    };
    time::Date::from_calendar_date(y, month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_over_new_year() {
        assert_eq!(
            months_between((2025, 11), (2026, 2)),
            vec!["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert!(months_between((2026, 3), (2026, 2)).is_empty());
        assert_eq!(month_start_ms((1970, 1)), 0);
        assert_eq!(month_start_ms((1970, 2)), 31 * 86_400_000);
    }
}
