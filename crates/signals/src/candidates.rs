//! The open signals in memory, for bundling suggestions without reading them from the
//! database on every request.
//!
//! [`CandidateIndex`] holds, for every signal that is in no dossier yet, what the ranking
//! needs: its id, organisation, stemmed terms (numbered once over one vocabulary), subject,
//! challenge and region, with a list of signals per subject, per challenge and per region in
//! id order. [`CandidateIndex::suggest`] takes the same candidates as the database query it
//! replaces (the newest `per_key` open signals of other organisations with the same subject,
//! the same challenge and the same region, together) and scores them with
//! [`crate::similarity`]'s TF-IDF cosine and bonuses, to the bit the same numbers as
//! [`crate::similarity::rank`] over those candidates, newest first.
//!
//! The index only grows by [`CandidateIndex::insert`] and shrinks by
//! [`CandidateIndex::close`] (a signal bundled into a dossier never leaves it); the caller
//! keeps it in line with the database. Closed signals are skipped, and dropped from memory
//! once they are a third of the index.

use crate::similarity::{Same, Score, score};
use std::collections::HashMap;

/// A signal as the index takes it.
#[derive(Debug, Clone, Copy)]
pub struct Open<'a> {
    /// The signal's id.
    pub id: i64,
    /// Its organisation.
    pub org: i64,
    /// Stemmed terms ([`crate::similarity::terms`]).
    pub terms: &'a str,
    /// The right's id or the life domain's code.
    pub subject: &'a str,
    /// The challenge's code.
    pub challenge: &'a str,
    /// The region (platform id).
    pub region: i64,
}

/// A suggestion: the candidate's id and its score ([`Score::index`] is its place among the
/// candidates, newest first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggested {
    /// The signal's id.
    pub id: i64,
    /// Its score.
    pub score: Score,
}

/// Codes numbered in the order they are first seen.
#[derive(Debug, Default, Clone)]
struct Codes<K: std::hash::Hash + Eq> {
    ids: HashMap<K, u32>,
}

impl Codes<Box<str>> {
    fn id(&mut self, key: &str) -> u32 {
        if let Some(id) = self.ids.get(key) {
            return *id;
        }
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(key.into(), next);
        next
    }
}

impl Codes<i64> {
    fn id(&mut self, key: i64) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        *self.ids.entry(key).or_insert(next)
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    id: i64,
    org: i64,
    /// Where its terms start in `terms`/`counts`.
    start: u32,
    /// How many distinct terms.
    len: u32,
    subject: u32,
    challenge: u32,
    region: u32,
    /// Whether `subject` may count as the same (an empty subject never does).
    has_subject: bool,
    open: bool,
}

/// The open signals, for suggestions. See the module's documentation.
#[derive(Debug, Default, Clone)]
pub struct CandidateIndex {
    /// Stemmed term → number.
    vocab: HashMap<Box<str>, u32>,
    subjects: Codes<Box<str>>,
    challenges: Codes<Box<str>>,
    regions: Codes<i64>,
    /// In id order; a slot is an index in here.
    entries: Vec<Entry>,
    /// The terms of every entry (in the order they first occur in its text) and their counts.
    terms: Vec<u32>,
    counts: Vec<u32>,
    /// Slots per subject, challenge and region, in id order.
    by_subject: Vec<Vec<u32>>,
    by_challenge: Vec<Vec<u32>>,
    by_region: Vec<Vec<u32>>,
    closed: usize,
}

fn list(lists: &mut Vec<Vec<u32>>, code: u32) -> &mut Vec<u32> {
    let i = code as usize;
    if lists.len() <= i {
        lists.resize_with(i + 1, Vec::new);
    }
    &mut lists[i]
}

impl CandidateIndex {
    /// An empty index.
    pub fn new() -> CandidateIndex {
        CandidateIndex::default()
    }

    /// How many open signals it holds.
    pub fn open_len(&self) -> usize {
        self.entries.len() - self.closed
    }

    /// The slot of `id`, open or closed.
    fn slot(&self, id: i64) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&id, |e| e.id)
    }

    /// Whether the index holds `id` (open or closed but not yet dropped).
    pub fn contains(&self, id: i64) -> bool {
        self.slot(id).is_ok()
    }

    /// Whether `id` is held and open.
    pub fn is_open(&self, id: i64) -> bool {
        self.slot(id).is_ok_and(|s| self.entries[s].open)
    }

    /// Adds an open signal; `false` (and nothing changes) when it is already there. Signals
    /// usually come in id order; one that comes late is put in its place (which costs a pass
    /// over the index).
    pub fn insert(&mut self, s: &Open<'_>) -> bool {
        let at = match self.slot(s.id) {
            Ok(_) => return false,
            Err(at) => at,
        };
        let start = u32::try_from(self.terms.len()).unwrap_or(u32::MAX);
        for t in s.terms.split(' ').filter(|t| !t.is_empty()) {
            let id = match self.vocab.get(t) {
                Some(id) => *id,
                None => {
                    let next = u32::try_from(self.vocab.len()).unwrap_or(u32::MAX);
                    self.vocab.insert(t.into(), next);
                    next
                }
            };
            let mine = &self.terms[start as usize..];
            match mine.iter().position(|x| *x == id) {
                Some(p) => self.counts[start as usize + p] += 1,
                None => {
                    self.terms.push(id);
                    self.counts.push(1);
                }
            }
        }
        let len = u32::try_from(self.terms.len()).unwrap_or(u32::MAX) - start;
        let entry = Entry {
            id: s.id,
            org: s.org,
            start,
            len,
            subject: self.subjects.id(s.subject),
            challenge: self.challenges.id(s.challenge),
            region: self.regions.id(s.region),
            has_subject: !s.subject.is_empty(),
            open: true,
        };
        let slot = u32::try_from(at).unwrap_or(u32::MAX);
        if at < self.entries.len() {
            // A late one: every later slot moves up by one.
            for l in self
                .by_subject
                .iter_mut()
                .chain(self.by_challenge.iter_mut())
                .chain(self.by_region.iter_mut())
            {
                for x in l.iter_mut().filter(|x| **x >= slot) {
                    *x += 1;
                }
            }
        }
        self.entries.insert(at, entry);
        for (lists, code) in [
            (&mut self.by_subject, entry.subject),
            (&mut self.by_challenge, entry.challenge),
            (&mut self.by_region, entry.region),
        ] {
            let l = list(lists, code);
            let p = l.partition_point(|x| *x < slot);
            l.insert(p, slot);
        }
        true
    }

    /// Marks `id` as bundled: it is no candidate any more. `false` when it was not open here.
    pub fn close(&mut self, id: i64) -> bool {
        let Ok(s) = self.slot(id) else {
            return false;
        };
        if !self.entries[s].open {
            return false;
        }
        self.entries[s].open = false;
        self.closed += 1;
        if self.closed > 1024 && self.closed * 3 > self.entries.len() {
            self.compact();
        }
        true
    }

    /// Drops the closed signals from memory.
    fn compact(&mut self) {
        let mut fresh = CandidateIndex {
            vocab: std::mem::take(&mut self.vocab),
            subjects: std::mem::take(&mut self.subjects),
            challenges: std::mem::take(&mut self.challenges),
            regions: std::mem::take(&mut self.regions),
            ..CandidateIndex::default()
        };
        fresh.entries.reserve(self.open_len());
        for e in self.entries.iter().filter(|e| e.open) {
            let start = u32::try_from(fresh.terms.len()).unwrap_or(u32::MAX);
            let range = e.start as usize..(e.start + e.len) as usize;
            fresh.terms.extend_from_slice(&self.terms[range.clone()]);
            fresh.counts.extend_from_slice(&self.counts[range]);
            let slot = u32::try_from(fresh.entries.len()).unwrap_or(u32::MAX);
            fresh.entries.push(Entry { start, ..*e });
            list(&mut fresh.by_subject, e.subject).push(slot);
            list(&mut fresh.by_challenge, e.challenge).push(slot);
            list(&mut fresh.by_region, e.region).push(slot);
        }
        *self = fresh;
    }

    /// The best `limit` suggestions for a signal of organisation `org` with `query`'s terms,
    /// subject, challenge and region, scoring `min` or more, best first: the candidates are
    /// the newest `per_key` open signals of other organisations with the same subject, the
    /// newest `per_key` with the same challenge and the newest `per_key` in the same region,
    /// together, newest first (so equal scores favour the newest).
    pub fn suggest(
        &self,
        org: i64,
        query: &crate::similarity::Doc<'_>,
        per_key: usize,
        min: f64,
        limit: usize,
    ) -> Vec<Suggested> {
        let subject = self.subjects.ids.get(query.subject).copied();
        let challenge = self.challenges.ids.get(query.challenge).copied();
        let region = self.regions.ids.get(&query.region).copied();
        let mut slots: Vec<u32> = Vec::with_capacity(3 * per_key);
        for (lists, code) in [
            (&self.by_subject, subject),
            (&self.by_challenge, challenge),
            (&self.by_region, region),
        ] {
            let Some(l) = code.and_then(|c| lists.get(c as usize)) else {
                continue;
            };
            slots.extend(
                l.iter()
                    .rev()
                    .filter(|s| {
                        let e = &self.entries[**s as usize];
                        e.open && e.org != org
                    })
                    .take(per_key),
            );
        }
        slots.sort_unstable_by(|a, b| b.cmp(a));
        slots.dedup();
        // Number the terms of the query and the candidates from 0, as `rank` does.
        let mut local: HashMap<u32, usize> = HashMap::new();
        let mut unknown: HashMap<&str, usize> = HashMap::new();
        let mut q: Vec<(usize, f64)> = Vec::new();
        for t in query.terms.split(' ').filter(|t| !t.is_empty()) {
            let next = local.len() + unknown.len();
            let id = match self.vocab.get(t) {
                Some(g) => *local.entry(*g).or_insert(next),
                None => *unknown.entry(t).or_insert(next),
            };
            match q.iter_mut().find(|(i, _)| *i == id) {
                Some((_, c)) => *c += 1.0,
                None => q.push((id, 1.0)),
            }
        }
        let mut flat: Vec<(usize, f64)> = Vec::new();
        let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(slots.len());
        let mut same: Vec<Same> = Vec::with_capacity(slots.len());
        for s in &slots {
            let e = &self.entries[*s as usize];
            let from = flat.len();
            let range = e.start as usize..(e.start + e.len) as usize;
            for (t, c) in self.terms[range.clone()].iter().zip(&self.counts[range]) {
                let next = local.len() + unknown.len();
                let id = *local.entry(*t).or_insert(next);
                flat.push((id, f64::from(*c)));
            }
            bounds.push((from, flat.len()));
            same.push(Same {
                subject: e.has_subject && Some(e.subject) == subject,
                challenge: Some(e.challenge) == challenge,
                region: Some(e.region) == region,
            });
        }
        let docs: Vec<&[(usize, f64)]> = bounds.iter().map(|(a, b)| &flat[*a..*b]).collect();
        let vocab = local.len() + unknown.len();
        score(&q, &docs, &same, vocab, min, limit)
            .into_iter()
            .map(|score| Suggested {
                id: self.entries[slots[score.index] as usize].id,
                score,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::{Doc, rank, terms};
    use proptest::prelude::*;

    struct Sig {
        id: i64,
        org: i64,
        terms: String,
        subject: String,
        challenge: String,
        region: i64,
        open: bool,
    }

    /// What the database query does: the newest `per_key` open signals of other
    /// organisations per key, together, newest first, ranked with `rank`.
    fn reference(all: &[Sig], org: i64, q: &Doc<'_>, per_key: usize) -> Vec<(i64, Score)> {
        let mut ids: Vec<i64> = Vec::new();
        for key in 0..3 {
            let mut l: Vec<&Sig> = all
                .iter()
                .filter(|s| s.open && s.org != org)
                .filter(|s| match key {
                    0 => s.subject == q.subject,
                    1 => s.challenge == q.challenge,
                    _ => s.region == q.region,
                })
                .collect();
            l.sort_by_key(|s| std::cmp::Reverse(s.id));
            ids.extend(l.iter().take(per_key).map(|s| s.id));
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        let rows: Vec<&Sig> = ids
            .iter()
            .filter_map(|id| all.iter().find(|s| s.id == *id))
            .collect();
        let docs: Vec<Doc<'_>> = rows
            .iter()
            .map(|s| Doc {
                terms: &s.terms,
                subject: &s.subject,
                challenge: &s.challenge,
                region: s.region,
            })
            .collect();
        rank(q, &docs, 0.25, 10)
            .into_iter()
            .map(|s| (rows[s.index].id, s))
            .collect()
    }

    fn open(s: &Sig) -> Open<'_> {
        Open {
            id: s.id,
            org: s.org,
            terms: &s.terms,
            subject: &s.subject,
            challenge: &s.challenge,
            region: s.region,
        }
    }

    const TEXTS: [&str; 6] = [
        "De huurpremie wordt niet aangevraagd omdat het formulier te moeilijk is",
        "Afspraken bij het OCMW kunnen enkel online",
        "Les rendez-vous au CPAS se prennent uniquement en ligne",
        "Het formulier voor de huurpremie is te moeilijk voor ouderen",
        "Wachtlijsten voor sociale woningen worden langer",
        "",
    ];

    fn signals(spec: &[(u8, u8, u8, u8, u8, bool)]) -> Vec<Sig> {
        spec.iter()
            .enumerate()
            .map(|(i, (org, text, subject, challenge, region, open))| Sig {
                id: i as i64 * 3 + 1,
                org: i64::from(*org % 4),
                terms: terms(TEXTS[*text as usize % TEXTS.len()]),
                subject: ["huurpremie", "digital", ""][*subject as usize % 3].to_owned(),
                challenge: ["a", "b"][*challenge as usize % 2].to_owned(),
                region: i64::from(*region % 3),
                open: *open,
            })
            .collect()
    }

    #[test]
    fn the_index_ranks_as_the_query_would() {
        let all = signals(&[
            (1, 0, 0, 0, 0, true),
            (2, 3, 0, 1, 1, true),
            (2, 1, 1, 0, 2, true),
            (3, 2, 1, 0, 0, true),
            (0, 3, 0, 0, 0, true),
            (2, 0, 0, 0, 0, false),
            (3, 4, 2, 1, 2, true),
        ]);
        let mut index = CandidateIndex::new();
        // Out of order on purpose.
        for s in all.iter().rev() {
            assert!(index.insert(&open(s)));
        }
        assert!(!index.insert(&open(&all[0])));
        for s in all.iter().filter(|s| !s.open) {
            assert!(index.close(s.id));
            assert!(!index.close(s.id));
        }
        let qt = terms(TEXTS[0]);
        let q = Doc {
            terms: &qt,
            subject: "huurpremie",
            challenge: "a",
            region: 0,
        };
        let got: Vec<(i64, Score)> = index
            .suggest(0, &q, 700, 0.25, 10)
            .into_iter()
            .map(|s| (s.id, s.score))
            .collect();
        let want = reference(&all, 0, &q, 700);
        assert_eq!(got, want);
        assert_eq!(got[0].0, all[0].id, "{got:?}");
        assert!(
            !got.iter().any(|(id, _)| *id == all[4].id),
            "own organisation"
        );
        assert!(!got.iter().any(|(id, _)| *id == all[5].id), "bundled");
    }

    #[test]
    fn compaction_keeps_the_open_signals() {
        let spec: Vec<(u8, u8, u8, u8, u8, bool)> = (0..3000u32)
            .map(|i| {
                let b = |k: u32| (i / k % 7) as u8;
                (b(1), b(2), b(3), b(5), b(11), i % 2 != 0)
            })
            .collect();
        let all = signals(&spec);
        let mut index = CandidateIndex::new();
        for s in &all {
            index.insert(&open(s));
        }
        for s in all.iter().filter(|s| !s.open) {
            index.close(s.id);
        }
        assert!(index.closed < 1000, "compacted: {}", index.closed);
        assert_eq!(index.open_len(), all.iter().filter(|s| s.open).count());
        let qt = terms(TEXTS[3]);
        let q = Doc {
            terms: &qt,
            subject: "huurpremie",
            challenge: "b",
            region: 1,
        };
        let got: Vec<(i64, Score)> = index
            .suggest(1, &q, 50, 0.25, 10)
            .into_iter()
            .map(|s| (s.id, s.score))
            .collect();
        assert_eq!(got, reference(&all, 1, &q, 50));
        assert_eq!(got.len(), 10);
    }

    proptest! {
        #[test]
        fn the_index_and_the_query_agree(
            spec in proptest::collection::vec((0u8..4, 0u8..6, 0u8..3, 0u8..2, 0u8..3, proptest::bool::weighted(0.8)), 0..60),
            org in 0i64..4,
            text in 0usize..6,
            per_key in 1usize..8,
            late in proptest::bool::ANY,
        ) {
            let all = signals(&spec);
            let mut index = CandidateIndex::new();
            if late {
                for s in all.iter().rev() { index.insert(&open(s)); }
            } else {
                for s in &all { index.insert(&open(s)); }
            }
            for s in all.iter().filter(|s| !s.open) { index.close(s.id); }
            let qt = terms(TEXTS[text]);
            let q = Doc { terms: &qt, subject: "huurpremie", challenge: "a", region: 1 };
            let got: Vec<(i64, Score)> = index.suggest(org, &q, per_key, 0.25, 10).into_iter().map(|s| (s.id, s.score)).collect();
            prop_assert_eq!(got, reference(&all, org, &q, per_key));
        }
    }
}
