//! Text similarity in Dutch and French, for bundling suggestions.
//!
//! A text is split into words, lower-cased, stripped of stop words of both languages and
//! stemmed with the Snowball stemmer of its language (guessed from its stop words), so
//! "woningen", "woning" and "de woning" meet, and "logements" meets "logement".
//! [`terms`] gives these stems, which the store keeps with every signal. [`rank`] weighs
//! the terms by TF-IDF over the candidates and scores each candidate by cosine similarity
//! plus small bonuses for the same right or life domain, the same challenge and the same
//! region.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;

const NL_STOP: [&str; 60] = [
    "de", "het", "een", "en", "van", "in", "op", "te", "dat", "die", "is", "zijn", "voor", "met",
    "niet", "aan", "er", "om", "ook", "als", "bij", "of", "door", "maar", "nog", "naar", "dan",
    "wel", "geen", "wordt", "worden", "hun", "zij", "ze", "hij", "we", "wij", "je", "heeft",
    "hebben", "was", "waren", "kan", "kunnen", "moet", "moeten", "uit", "tot", "over", "dit",
    "deze", "omdat", "want", "zo", "al", "meer", "veel", "na", "nu", "zich",
];
const FR_STOP: [&str; 60] = [
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "en", "à", "au", "aux", "que", "qui",
    "ne", "pas", "pour", "par", "sur", "dans", "avec", "est", "sont", "ont", "il", "elle", "ils",
    "elles", "nous", "vous", "se", "sa", "son", "ses", "leur", "leurs", "ce", "cette", "ces",
    "plus", "mais", "ou", "si", "été", "être", "avoir", "a", "y", "on", "lui", "d", "l", "qu", "n",
    "s", "c", "j", "même", "car",
];

/// The language of a text, as far as stemming is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLang {
    /// Dutch.
    Nl,
    /// French.
    Fr,
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Guesses Dutch or French from the stop words (Dutch when in doubt).
pub fn guess_lang(text: &str) -> TextLang {
    let (mut nl, mut fr) = (0, 0);
    for w in words(text) {
        nl += usize::from(NL_STOP.contains(&w.as_str()));
        fr += usize::from(FR_STOP.contains(&w.as_str()));
    }
    if fr > nl { TextLang::Fr } else { TextLang::Nl }
}

/// The stemmed terms of a text, in order (stop words, numbers and one-letter words left
/// out), joined by spaces: what the store keeps next to a signal.
pub fn terms(text: &str) -> String {
    let stemmer = Stemmer::create(match guess_lang(text) {
        TextLang::Nl => Algorithm::Dutch,
        TextLang::Fr => Algorithm::French,
    });
    let mut out = String::new();
    for w in words(text) {
        if w.chars().count() < 2
            || w.chars().all(|c| c.is_ascii_digit())
            || NL_STOP.contains(&w.as_str())
            || FR_STOP.contains(&w.as_str())
        {
            continue;
        }
        let stem = stemmer.stem(&w);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stem);
    }
    out
}

/// What the ranking compares of a signal.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// Stemmed terms ([`terms`]).
    pub terms: &'a str,
    /// The right's id or the life domain's code.
    pub subject: &'a str,
    /// The challenge's code.
    pub challenge: &'a str,
    /// The region (platform id).
    pub region: i64,
}

/// A candidate's score and its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The index of the candidate in the slice given to [`rank`].
    pub index: usize,
    /// Total score in 0..=1.
    pub total: f64,
    /// Cosine similarity of the texts in 0..=1.
    pub text: f64,
    /// Same right or life domain.
    pub same_subject: bool,
    /// Same challenge.
    pub same_challenge: bool,
    /// Same region.
    pub same_region: bool,
}

/// Term counts of one document over a shared vocabulary (term id, count), in the order the
/// terms first occur.
fn counts<'a>(terms: &'a str, vocab: &mut HashMap<&'a str, usize>) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = Vec::new();
    for t in terms.split(' ').filter(|t| !t.is_empty()) {
        let next = vocab.len();
        let id = *vocab.entry(t).or_insert(next);
        match v.iter_mut().find(|(i, _)| *i == id) {
            Some((_, c)) => *c += 1.0,
            None => v.push((id, 1.0)),
        }
    }
    v
}

/// Scores `candidates` against `query` and returns the best `limit` with a score of at least
/// `min`, best first (equal scores in the order of `candidates`). Weights: text 60 %, same
/// subject 20 %, same challenge 10 %, same region 10 %. Terms are numbered once over the
/// query and the candidates, so scoring a candidate costs one pass over its terms (no
/// allocation per term).
pub fn rank(query: &Doc<'_>, candidates: &[Doc<'_>], min: f64, limit: usize) -> Vec<Score> {
    let mut vocab: HashMap<&str, usize> = HashMap::new();
    let q = counts(query.terms, &mut vocab);
    let docs: Vec<Vec<(usize, f64)>> = candidates
        .iter()
        .map(|d| counts(d.terms, &mut vocab))
        .collect();
    let same: Vec<Same> = candidates
        .iter()
        .map(|c| Same {
            subject: !c.subject.is_empty() && c.subject == query.subject,
            challenge: c.challenge == query.challenge,
            region: c.region == query.region,
        })
        .collect();
    let views: Vec<&[(usize, f64)]> = docs.iter().map(Vec::as_slice).collect();
    score(&q, &views, &same, vocab.len(), min, limit)
}

/// Which of the three fields a candidate shares with the query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Same {
    pub(crate) subject: bool,
    pub(crate) challenge: bool,
    pub(crate) region: bool,
}

/// The TF-IDF cosine and the total of [`rank`], on documents whose terms are already numbered
/// `0..vocab` (term id, count; in the order the terms first occur in the document). The
/// inverse document frequency is taken over the candidates and the query. [`rank`] and
/// [`crate::candidates::CandidateIndex`] both score through here, so their numbers are the
/// same to the bit.
pub(crate) fn score(
    q: &[(usize, f64)],
    docs: &[&[(usize, f64)]],
    same: &[Same],
    vocab: usize,
    min: f64,
    limit: usize,
) -> Vec<Score> {
    let n = docs.len() as f64 + 1.0;
    let mut df = vec![0.0f64; vocab];
    for d in docs.iter().copied().chain(std::iter::once(q)) {
        for (t, _) in d {
            df[*t] += 1.0;
        }
    }
    let idf: Vec<f64> = df.iter().map(|d| (1.0 + n / d.max(1.0)).ln()).collect();
    let weight = |t: usize, c: f64| (1.0 + c.ln()) * idf[t];
    let mut qdense = vec![0.0f64; vocab];
    let mut qn = 0.0;
    for (t, c) in q {
        let w = weight(*t, *c);
        qdense[*t] = w;
        qn += w * w;
    }
    let qn = qn.sqrt();
    let mut scores: Vec<Score> = docs
        .iter()
        .zip(same)
        .enumerate()
        .map(|(index, (d, s))| {
            let (mut dot, mut cn) = (0.0, 0.0);
            for (t, cnt) in d.iter() {
                let w = weight(*t, *cnt);
                cn += w * w;
                dot += w * qdense[*t];
            }
            let cn = cn.sqrt();
            let text = if qn > 0.0 && cn > 0.0 {
                (dot / (qn * cn)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let total = 0.6 * text
                + 0.2 * f64::from(u8::from(s.subject))
                + 0.1 * f64::from(u8::from(s.challenge))
                + 0.1 * f64::from(u8::from(s.region));
            Score {
                index,
                total,
                text,
                same_subject: s.subject,
                same_challenge: s.challenge,
                same_region: s.region,
            }
        })
        .filter(|s| s.total >= min)
        .collect();
    scores.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.index.cmp(&b.index)));
    scores.truncate(limit);
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dutch_and_french_words_are_stemmed() {
        assert_eq!(
            guess_lang("Les loyers sont trop chers pour les familles"),
            TextLang::Fr
        );
        assert_eq!(
            guess_lang("De huurprijzen zijn te hoog voor de gezinnen"),
            TextLang::Nl
        );
        let a = terms("De woningen worden niet aangeboden");
        let b = terms("de woning wordt niet aangeboden");
        assert_eq!(a.split(' ').next(), b.split(' ').next(), "{a} / {b}");
        let f1 = terms("Les logements sociaux manquent");
        let f2 = terms("le logement social manque");
        assert_eq!(f1.split(' ').next(), f2.split(' ').next(), "{f1} / {f2}");
        assert!(!terms("in 2024 de 35").contains("2024"));
    }

    #[test]
    fn similar_texts_rank_first() {
        let q_terms =
            terms("Ouderen vragen de huurpremie niet aan omdat het formulier te moeilijk is");
        let c = [
            terms("Het formulier voor de huurpremie is te moeilijk voor ouderen"),
            terms("Jongeren vinden geen studentenjob in de zomer"),
            terms("Wachtlijsten voor sociale woningen worden langer"),
        ];
        let q = Doc {
            terms: &q_terms,
            subject: "vlaamse_huurpremie",
            challenge: "onderbescherming",
            region: 4,
        };
        let docs: Vec<Doc<'_>> = c
            .iter()
            .map(|t| Doc {
                terms: t,
                subject: "",
                challenge: "digitalisering",
                region: 2,
            })
            .collect();
        let r = rank(&q, &docs, 0.0, 3);
        assert_eq!(r[0].index, 0);
        assert!(r[0].text > 0.3, "{:?}", r[0]);
        assert!(r[0].text > r[1].text);
        // The bonuses count: a same-challenge, same-region signal with another text.
        let same = [Doc {
            terms: &c[1],
            subject: "vlaamse_huurpremie",
            challenge: "onderbescherming",
            region: 4,
        }];
        let r = rank(&q, &same, 0.0, 1);
        assert!(r[0].same_subject && r[0].same_challenge && r[0].same_region);
        assert!((r[0].total - 0.4 - 0.6 * r[0].text).abs() < 1e-9);
        assert!(rank(&q, &[], 0.0, 5).is_empty());
    }

    proptest! {
        #[test]
        fn ranking_never_panics_and_stays_in_bounds(a in "\\PC{0,80}", b in "\\PC{0,80}") {
            let (ta, tb) = (terms(&a), terms(&b));
            let q = Doc { terms: &ta, subject: "x", challenge: "y", region: 1 };
            let r = rank(&q, &[Doc { terms: &tb, subject: "x", challenge: "z", region: 1 }], 0.0, 5);
            prop_assert_eq!(r.len(), 1);
            prop_assert!((0.0..=1.0 + 1e-9).contains(&r[0].total));
        }
    }
}
