//! The diversity self-assessment (issue 7 point 8): an organisation's assessments over
//! time and the anonymous comparison with organisations of the same kind.
//!
//! The comparison reads only the scores of each other organisation's latest assessment and
//! returns an average, and nothing at all when fewer than
//! [`sterk_domain::diversity::MIN_GROUP`] organisations took part.

use crate::audit::{self, Entry};
use crate::{Db, StoreError, now_ms};
use sterk_domain::access::Actor;
use sterk_domain::diversity::{self, Answers};

/// One assessment.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AssessmentRow {
    /// Id.
    pub id: i64,
    /// Date (ISO).
    pub taken_on: String,
    /// Employees.
    pub score_employees: i64,
    /// Offer.
    pub score_offer: i64,
    /// Target group.
    pub score_target_group: i64,
    /// Identity.
    pub score_identity: i64,
}

impl AssessmentRow {
    /// The scores in the order of [`diversity::DOMAINS`].
    pub fn scores(&self) -> [i64; 4] {
        [
            self.score_employees,
            self.score_offer,
            self.score_target_group,
            self.score_identity,
        ]
    }
}

/// Saves an assessment of `actor`'s organisation dated `taken_on` (ISO).
pub async fn save(
    db: &Db,
    actor: &Actor,
    taken_on: &str,
    answers: &Answers,
) -> Result<i64, StoreError> {
    let org = actor.org.ok_or(StoreError::NotFound)?;
    let s = answers.scores();
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO diversity_assessments (org_id, taken_on, answers, score_employees, score_offer, score_target_group, score_identity, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org)
    .bind(taken_on)
    .bind(answers.to_storage())
    .bind(s[0])
    .bind(s[1])
    .bind(s[2])
    .bind(s[3])
    .bind(actor.account)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            account: Some(actor.account),
            org: Some(org),
            action: "diversity.assess",
            entity: "diversity_assessment",
            entity_id: Some(id),
            detail: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An organisation's assessments, oldest first.
pub async fn history(db: &Db, org: i64) -> Result<Vec<AssessmentRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, taken_on, score_employees, score_offer, score_target_group, score_identity FROM diversity_assessments \
         WHERE org_id = $1 ORDER BY taken_on, id",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?)
}

/// The comparison for `org`: how many other organisations of the same kind took part, and
/// their average scores when there are enough of them.
pub async fn comparison(db: &Db, org: i64) -> Result<(usize, Option<[i64; 4]>), StoreError> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.org_id, a.score_employees, a.score_offer, a.score_target_group, a.score_identity \
         FROM diversity_assessments a JOIN organisations o ON o.id = a.org_id \
         WHERE o.kind = (SELECT kind FROM organisations WHERE id = $1) AND a.org_id <> $1 \
         ORDER BY a.org_id, a.taken_on DESC, a.id DESC",
    )
    .bind(org)
    .fetch_all(db.reader())
    .await?;
    let mut latest: Vec<[i64; 4]> = Vec::new();
    let mut last_org = None;
    for (o, a, b, c, d) in rows {
        if last_org != Some(o) {
            latest.push([a, b, c, d]);
            last_org = Some(o);
        }
    }
    Ok((latest.len(), diversity::comparison(&latest)))
}
