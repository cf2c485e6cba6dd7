//! Practice search over a synthetic corpus of 100,000 practices (issue 7: p99 < 30 ms).
//!
//! `cargo bench -p sterk-search` first prints the latency distribution (p50, p99, max) of a
//! mix of 2,000 searches of the kinds the search page makes (words with and without facet
//! filters, the empty search with facets, similar practices), then runs criterion on each
//! kind. `PRACTICES=10000` makes a smaller corpus.

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::time::Instant;
use sterk_search::{Filters, PracticeDoc, PracticeIndex};

const WORDS_NL: &[&str] = &[
    "buurt",
    "buurtwerk",
    "armoede",
    "ouderen",
    "jongeren",
    "gezinnen",
    "wonen",
    "huisvesting",
    "onthaal",
    "vrijwilligers",
    "samenwerking",
    "digitale",
    "kloof",
    "rechten",
    "toegang",
    "ontmoeting",
    "school",
    "gezondheid",
    "werk",
    "schulden",
    "energie",
    "eenzaamheid",
    "participatie",
    "signalen",
    "beleid",
    "netwerk",
    "wijk",
    "bewoners",
    "nieuwkomers",
    "taal",
    "vertrouwen",
    "laagdrempelig",
    "aanklampend",
    "outreachend",
    "groepswerk",
    "dienstverlening",
    "mantelzorg",
    "psychisch",
    "welzijn",
    "cultuur",
    "sport",
    "voedsel",
    "kinderen",
    "opvang",
];
const WORDS_FR: &[&str] = &[
    "quartier",
    "pauvreté",
    "personnes",
    "âgées",
    "jeunes",
    "familles",
    "logement",
    "accueil",
    "bénévoles",
    "coopération",
    "numérique",
    "fracture",
    "droits",
    "accès",
    "rencontre",
    "école",
    "santé",
    "travail",
    "dettes",
    "énergie",
    "solitude",
    "participation",
    "politique",
    "réseau",
];
const KRACHTLIJNEN: [&str; 5] = [
    "nabijheid",
    "politiserend",
    "procesmatig",
    "generalistisch",
    "verbindend",
];
const CHALLENGES: [&str; 8] = [
    "vermaatschappelijking",
    "digitalisering",
    "diversiteit",
    "duurzaamheid",
    "vertrouwen",
    "samenwerking",
    "hybridisering",
    "onderbescherming",
];
const REGIONS: [&str; 6] = [
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "west-vlaanderen",
    "vlaams-brabant",
    "brussel",
];
const TARGETS: [&str; 10] = [
    "kinderen-jongeren",
    "gezinnen",
    "ouderen",
    "mensen-in-armoede",
    "nieuwkomers",
    "dak-en-thuislozen",
    "psychisch-kwetsbaren",
    "mensen-met-beperking",
    "buurtbewoners",
    "sociaal-werkers",
];

/// A small deterministic generator (xorshift), so every run indexes the same corpus.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

/// Picks a word rank in `0..n` with a Zipf-like distribution (frequency ~ 1/rank).
fn zipf(r: &mut Rng, n: usize) -> usize {
    // Inverse transform of the continuous approximation: rank = n^u - 1.
    let u = (r.next() % 1_000_000) as f64 / 1_000_000.0;
    ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
}

/// A synthetic corpus that reads like a practice database: a vocabulary of 5,000 words
/// with Zipf frequencies, where the real Dutch (or French) topical words sit at ranks
/// 40-110, so each appears in roughly 10-25 % of the practices (as "armoede" or "buurt"
/// would), and 150 words per practice.
fn corpus(n: usize) -> Vec<PracticeDoc> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let vocab = 5_000;
    let word = |rank: usize, words: &[&str]| -> String {
        if (40..40 + words.len()).contains(&rank) {
            words[rank - 40].to_owned()
        } else {
            format!("w{rank}")
        }
    };
    (1..=n)
        .map(|id| {
            let fr = r.next().is_multiple_of(5);
            let words = if fr { WORDS_FR } else { WORDS_NL };
            let title = (0..5)
                .map(|_| word(zipf(&mut r, vocab), words))
                .collect::<Vec<_>>()
                .join(" ");
            let body = (0..150)
                .map(|_| word(zipf(&mut r, vocab), words))
                .collect::<Vec<_>>()
                .join(" ");
            let k = (0..1 + r.next() % 3)
                .map(|_| r.pick(&KRACHTLIJNEN).to_owned())
                .collect();
            PracticeDoc {
                id: id as i64,
                language: if fr { "fr" } else { "nl" }.into(),
                title,
                body,
                krachtlijnen: k,
                challenges: vec![r.pick(&CHALLENGES).to_owned()],
                region: r.pick(&REGIONS).to_owned(),
                target_groups: vec![r.pick(&TARGETS).to_owned(), r.pick(&TARGETS).to_owned()],
            }
        })
        .collect()
}

fn index() -> PracticeIndex {
    let n = std::env::var("PRACTICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let docs = corpus(n);
    let t = Instant::now();
    let idx = PracticeIndex::new().unwrap_or_else(|e| panic!("{e}"));
    idx.replace_all(&docs).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("indexed {} practices in {:?}", idx.len(), t.elapsed());
    idx
}

fn filtered() -> Filters {
    Filters {
        krachtlijn: Some("nabijheid".into()),
        region: Some("oost-vlaanderen".into()),
        ..Filters::default()
    }
}

/// The mix of searches the page makes, with latencies sorted.
fn latency_mix(idx: &PracticeIndex) {
    let queries = [
        "buurten",
        "armoede ouderen",
        "digitale kloof",
        "wonen",
        "pauvreté",
        "jongeren school",
        "",
        "vrijwilligers onthaal",
        "eenzaamheid",
        "familles logement",
    ];
    let mut times = Vec::new();
    let mut r = Rng(42);
    for i in 0..2000 {
        let q = queries[i % queries.len()];
        let f = if i.is_multiple_of(3) {
            filtered()
        } else {
            Filters::default()
        };
        let t = Instant::now();
        if i % 10 == 9 {
            black_box(
                idx.similar((r.next() % 1000 + 1) as i64, 5)
                    .unwrap_or_default(),
            );
        } else {
            black_box(idx.search(q, &f, 0, 20).ok());
        }
        times.push(t.elapsed());
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    eprintln!(
        "search mix over {} searches: p50 {:?}, p99 {:?}, max {:?}",
        times.len(),
        p(0.50),
        p(0.99),
        times[times.len() - 1]
    );
}

fn benches(c: &mut Criterion) {
    let idx = index();
    for q in ["buurten", "armoede ouderen", "pauvreté", ""] {
        let hits = idx
            .search(q, &Filters::default(), 0, 1)
            .map(|r| r.total)
            .unwrap_or(0);
        eprintln!("{q:?} matches {hits} practices");
    }
    latency_mix(&idx);
    let mut g = c.benchmark_group("practice_search_100k");
    g.sample_size(30);
    g.bench_function("one_word_stemmed", |b| {
        b.iter(|| idx.search(black_box("buurten"), &Filters::default(), 0, 20))
    });
    g.bench_function("two_words", |b| {
        b.iter(|| idx.search(black_box("armoede ouderen"), &Filters::default(), 0, 20))
    });
    g.bench_function("words_and_two_facets", |b| {
        b.iter(|| idx.search(black_box("wonen"), &filtered(), 0, 20))
    });
    g.bench_function("everything_with_facets", |b| {
        b.iter(|| idx.search(black_box(""), &Filters::default(), 0, 20))
    });
    g.bench_function("similar", |b| b.iter(|| idx.similar(black_box(17), 5)));
    g.finish();
}

criterion_group!(search, benches);

fn main() {
    search();
    Criterion::default().configure_from_args().final_summary();
}
