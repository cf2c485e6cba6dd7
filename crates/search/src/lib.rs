//! # sterk-search: full-text search of the good-practice database
//!
//! [`PracticeIndex`] is a tantivy index held in memory (RAM directory), rebuilt from the
//! database's published practices when the application starts and kept in sync on every
//! publish, change and withdrawal ([`PracticeIndex::upsert`], [`PracticeIndex::remove`]).
//!
//! Each practice is written in Dutch or French. Its text goes into the fields of its
//! language, analysed with that language's Snowball stemmer (tokenise, lower-case, stop
//! words, stem, fold accents), so `buurten` finds `buurt` and `pauvreté` finds `pauvres`.
//! A query is analysed with both analysers and searched in both languages' fields.
//!
//! Facets (krachtlijn, challenge, region, target group) are counted over the matches of
//! the query with the chosen filters. "Similar practices" is tantivy's more-like-this over
//! the stored text of one practice.
//!
//! **Architecture Invariant:** tantivy is a dependency of this crate only (and of the
//! crates that use it: web and cli). It knows nothing of the database or the web; it takes
//! [`PracticeDoc`]s and returns ids.
#![warn(missing_docs)]

use std::sync::Mutex;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, MoreLikeThisQuery, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, OwnedValue, STORED, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

/// What can go wrong; the web layer logs it and answers 500.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The writer's lock was poisoned by a panic elsewhere.
    #[error("search index writer unavailable")]
    Poisoned,
}

/// The facet dimensions, in the order pages show them.
pub const DIMENSIONS: [&str; 4] = ["krachtlijn", "challenge", "region", "target"];

/// One practice as the index needs it.
#[derive(Debug, Clone, Default)]
pub struct PracticeDoc {
    /// The practice's id in the database.
    pub id: i64,
    /// `nl` or `fr` (anything else is indexed as Dutch).
    pub language: String,
    /// Title.
    pub title: String,
    /// Everything else that is searched: summary, description, working ingredients,
    /// conditions, organisation.
    pub body: String,
    /// Krachtlijn codes.
    pub krachtlijnen: Vec<String>,
    /// Challenge codes.
    pub challenges: Vec<String>,
    /// Region (platform code).
    pub region: String,
    /// Target group codes.
    pub target_groups: Vec<String>,
}

/// Chosen facet filters: codes, at most one per dimension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Krachtlijn code.
    pub krachtlijn: Option<String>,
    /// Challenge code.
    pub challenge: Option<String>,
    /// Region code.
    pub region: Option<String>,
    /// Target group code.
    pub target: Option<String>,
}

/// Counts per value of one dimension, largest first.
pub type FacetValues = Vec<(String, u64)>;

/// The answer to a search.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    /// How many practices match.
    pub total: usize,
    /// The ids of the asked page, best first.
    pub ids: Vec<i64>,
    /// Counts per dimension (same order as [`DIMENSIONS`]).
    pub facets: [FacetValues; 4],
}

struct Fields {
    id: Field,
    title_nl: Field,
    body_nl: Field,
    title_fr: Field,
    body_fr: Field,
    facets: [Field; 4],
}

/// The in-memory index of published practices.
pub struct PracticeIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    /// The facet counts and total of the unfiltered list (the search page without words),
    /// kept until the next change: counting them means visiting every practice.
    everything: Mutex<Option<(usize, [FacetValues; 4])>>,
}

fn analyzer(lang: Language) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let builder = match StopWordFilter::new(lang) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder,
    };
    builder
        .filter_dynamic(Stemmer::new(lang))
        .filter_dynamic(AsciiFoldingFilter)
        .build()
}

fn text_field(tokenizer: &str) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

fn facet(code: &str) -> Facet {
    Facet::from_path([code])
}

impl PracticeIndex {
    /// An empty index.
    pub fn new() -> Result<PracticeIndex, SearchError> {
        let mut sb = Schema::builder();
        let id = sb.add_u64_field("id", INDEXED | FAST | STORED);
        let title_nl = sb.add_text_field("title_nl", text_field("nl"));
        let body_nl = sb.add_text_field("body_nl", text_field("nl"));
        let title_fr = sb.add_text_field("title_fr", text_field("fr"));
        let body_fr = sb.add_text_field("body_fr", text_field("fr"));
        let facets = DIMENSIONS.map(|d| sb.add_facet_field(d, FacetOptions::default()));
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register("nl", analyzer(Language::Dutch));
        index
            .tokenizers()
            .register("fr", analyzer(Language::French));
        let writer = index.writer_with_num_threads(1, 30_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(PracticeIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            everything: Mutex::new(None),
            f: Fields {
                id,
                title_nl,
                body_nl,
                title_fr,
                body_fr,
                facets,
            },
        })
    }

    fn document(&self, p: &PracticeDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.f.id, id_u64(p.id));
        let (title, body) = if p.language == "fr" {
            (self.f.title_fr, self.f.body_fr)
        } else {
            (self.f.title_nl, self.f.body_nl)
        };
        doc.add_text(title, &p.title);
        doc.add_text(body, &p.body);
        let lists: [&[String]; 4] = [
            &p.krachtlijnen,
            &p.challenges,
            std::slice::from_ref(&p.region),
            &p.target_groups,
        ];
        for (field, values) in self.f.facets.iter().zip(lists) {
            for v in values.iter().filter(|v| !v.is_empty()) {
                doc.add_facet(*field, facet(v));
            }
        }
        doc
    }

    fn commit(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        writer.commit()?;
        self.reader.reload()?;
        if let Ok(mut e) = self.everything.lock() {
            *e = None;
        }
        Ok(())
    }

    /// Replaces the whole index with `docs` (at start-up).
    pub fn replace_all<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a PracticeDoc>,
    ) -> Result<(), SearchError> {
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        w.delete_all_documents()?;
        for d in docs {
            w.add_document(self.document(d))?;
        }
        self.commit(&mut w)
    }

    /// Adds or replaces one practice (on publish or change).
    pub fn upsert(&self, doc: &PracticeDoc) -> Result<(), SearchError> {
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        w.delete_term(Term::from_field_u64(self.f.id, id_u64(doc.id)));
        w.add_document(self.document(doc))?;
        self.commit(&mut w)
    }

    /// Removes one practice (when it is no longer published).
    pub fn remove(&self, id: i64) -> Result<(), SearchError> {
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        w.delete_term(Term::from_field_u64(self.f.id, id_u64(id)));
        self.commit(&mut w)
    }

    /// How many practices the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn text_query(&self, text: &str) -> Box<dyn Query> {
        if text.trim().is_empty() {
            return Box::new(AllQuery);
        }
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![
                self.f.title_nl,
                self.f.body_nl,
                self.f.title_fr,
                self.f.body_fr,
            ],
        );
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.f.title_nl, 2.0);
        parser.set_field_boost(self.f.title_fr, 2.0);
        // People type words, not query syntax: quotes, colons and brackets are spaces.
        let cleaned: String = text
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '\'' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let cleaned = cleaned.replace('-', " ");
        if cleaned.trim().is_empty() {
            return Box::new(AllQuery);
        }
        let (q, _errors) = parser.parse_query_lenient(&cleaned);
        q
    }

    /// Searches: `text` (may be empty: everything), narrowed by `filters`; returns the
    /// page `offset..offset+limit` and the facet counts of all matches.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResult, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.text_query(text))];
        let chosen = [
            &filters.krachtlijn,
            &filters.challenge,
            &filters.region,
            &filters.target,
        ];
        for (field, value) in self.f.facets.iter().zip(chosen) {
            if let Some(v) = value {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_facet(*field, &facet(v)),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        let ranked_by_text = !text.trim().is_empty();
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let unfiltered = !ranked_by_text && *filters == Filters::default();
        if unfiltered
            && let Some((total, facets)) = self.everything.lock().ok().and_then(|e| e.clone())
        {
            let top = TopDocs::with_limit(limit.max(1))
                .and_offset(offset)
                .order_by_fast_field::<u64>("id", Order::Desc);
            let hits = searcher.search(&AllQuery, &top)?;
            let addresses: Vec<DocAddress> = hits.into_iter().map(|(_, a)| a).collect();
            let ids = self.ids(&searcher, &addresses)?;
            return Ok(SearchResult { total, ids, facets });
        }
        let collectors = DIMENSIONS.map(|d| {
            let mut c = FacetCollector::for_field(d);
            c.add_facet(Facet::root());
            c
        });
        let [c0, c1, c2, c3] = collectors;
        let limit = limit.max(1);
        let (addresses, total, counts): (Vec<DocAddress>, usize, [FacetCounts; 4]) =
            if ranked_by_text {
                let top = TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_score();
                let ((hits, total), ((f0, f1), (f2, f3))) =
                    searcher.search(&query, &((top, Count), ((c0, c1), (c2, c3))))?;
                (
                    hits.into_iter().map(|(_, a)| a).collect(),
                    total,
                    [f0, f1, f2, f3],
                )
            } else {
                // Without words: newest practices first.
                let top = TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_fast_field::<u64>("id", Order::Desc);
                let ((hits, total), ((f0, f1), (f2, f3))) =
                    searcher.search(&query, &((top, Count), ((c0, c1), (c2, c3))))?;
                (
                    hits.into_iter().map(|(_, a)| a).collect(),
                    total,
                    [f0, f1, f2, f3],
                )
            };
        let ids = self.ids(&searcher, &addresses)?;
        let facets = counts.map(|c| {
            let mut v: FacetValues = c
                .get(Facet::root())
                .map(|(f, n)| {
                    (
                        f.to_path()
                            .first()
                            .map(|s| (*s).to_owned())
                            .unwrap_or_default(),
                        n,
                    )
                })
                .collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        });
        if unfiltered && let Ok(mut e) = self.everything.lock() {
            *e = Some((total, facets.clone()));
        }
        Ok(SearchResult { total, ids, facets })
    }

    fn ids(
        &self,
        searcher: &tantivy::Searcher,
        addresses: &[DocAddress],
    ) -> Result<Vec<i64>, SearchError> {
        let mut ids = Vec::with_capacity(addresses.len());
        for a in addresses {
            let doc: TantivyDocument = searcher.doc(*a)?;
            if let Some(id) = doc.get_first(self.f.id).and_then(|v| v.as_u64()) {
                ids.push(i64::try_from(id).unwrap_or(i64::MAX));
            }
        }
        Ok(ids)
    }

    /// Up to `limit` practices most like practice `id` (never `id` itself); empty when `id`
    /// is not in the index.
    pub fn similar(&self, id: i64, limit: usize) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let me = Term::from_field_u64(self.f.id, id_u64(id));
        let found = searcher.search(
            &TermQuery::new(me.clone(), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let mut fields: Vec<(Field, Vec<OwnedValue>)> = Vec::new();
        for field in [
            self.f.title_nl,
            self.f.body_nl,
            self.f.title_fr,
            self.f.body_fr,
        ] {
            let values: Vec<OwnedValue> = doc
                .get_all(field)
                .filter_map(|v| v.as_str().map(|s| OwnedValue::Str(s.to_owned())))
                .collect();
            if !values.is_empty() {
                fields.push((field, values));
            }
        }
        if fields.is_empty() {
            return Ok(Vec::new());
        }
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_min_term_frequency(1)
            .with_max_query_terms(25)
            .with_min_word_length(3)
            .with_document_fields(fields);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(mlt) as Box<dyn Query>),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(me, IndexRecordOption::Basic)),
            ),
        ]);
        let hits = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let addresses: Vec<DocAddress> = hits.into_iter().map(|(_, a)| a).collect();
        self.ids(&searcher, &addresses)
    }
}

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, lang: &str, title: &str, body: &str, k: &[&str], region: &str) -> PracticeDoc {
        PracticeDoc {
            id,
            language: lang.into(),
            title: title.into(),
            body: body.into(),
            krachtlijnen: k.iter().map(|s| (*s).to_owned()).collect(),
            challenges: vec!["vermaatschappelijking".into()],
            region: region.into(),
            target_groups: vec!["ouderen".into()],
        }
    }

    fn sample() -> PracticeIndex {
        let idx = PracticeIndex::new().unwrap();
        idx.replace_all(&[
            doc(
                1,
                "nl",
                "Buurtpensioen",
                "Buren helpen elkaar met kleine diensten in de buurt.",
                &["nabijheid", "verbindend"],
                "oost-vlaanderen",
            ),
            doc(
                2,
                "nl",
                "Samenlevingsopbouw in wijken",
                "Bewoners van kwetsbare wijken organiseren zich tegen armoede.",
                &["politiserend"],
                "antwerpen",
            ),
            doc(
                3,
                "fr",
                "Maison de quartier",
                "Un lieu d'accueil pour les familles pauvres et la lutte contre la pauvreté.",
                &["nabijheid"],
                "brussel",
            ),
            doc(
                4,
                "nl",
                "Buurtwerk met ouderen",
                "Buurtwerkers bezoeken ouderen thuis in de buurt en helpen buren elkaar te vinden.",
                &["nabijheid"],
                "oost-vlaanderen",
            ),
        ])
        .unwrap();
        idx
    }

    #[test]
    fn dutch_words_are_stemmed() {
        let idx = sample();
        // "buurten" (plural) finds "buurt"; "wijk" finds "wijken".
        let r = idx.search("buurten", &Filters::default(), 0, 10).unwrap();
        assert!(r.ids.contains(&1) && r.ids.contains(&4), "{:?}", r.ids);
        let r = idx.search("wijk", &Filters::default(), 0, 10).unwrap();
        assert_eq!(r.ids, vec![2]);
        assert_eq!(r.total, 1);
    }

    #[test]
    fn french_words_are_stemmed_and_accents_folded() {
        let idx = sample();
        let r = idx.search("pauvres", &Filters::default(), 0, 10).unwrap();
        assert_eq!(r.ids, vec![3]);
        let r = idx.search("pauvrete", &Filters::default(), 0, 10).unwrap();
        assert_eq!(r.ids, vec![3]);
        let r = idx.search("familles", &Filters::default(), 0, 10).unwrap();
        assert_eq!(r.ids, vec![3]);
    }

    #[test]
    fn facets_count_and_filter() {
        let idx = sample();
        let r = idx.search("", &Filters::default(), 0, 10).unwrap();
        assert_eq!(r.total, 4);
        // Newest (highest id) first without words.
        assert_eq!(r.ids, vec![4, 3, 2, 1]);
        assert!(r.facets[0].contains(&("nabijheid".to_owned(), 3)));
        assert!(r.facets[2].contains(&("oost-vlaanderen".to_owned(), 2)));
        let f = Filters {
            krachtlijn: Some("nabijheid".into()),
            region: Some("oost-vlaanderen".into()),
            ..Filters::default()
        };
        let r = idx.search("", &f, 0, 10).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(
            r.facets[0],
            vec![("nabijheid".to_owned(), 2), ("verbindend".to_owned(), 1)]
        );
        let r = idx.search("buurt", &f, 0, 1).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(r.ids.len(), 1);
    }

    #[test]
    fn upsert_replaces_and_remove_removes() {
        let idx = sample();
        let before = idx.search("", &Filters::default(), 0, 10).unwrap();
        assert!(before.facets[2].contains(&("antwerpen".to_owned(), 1)));
        idx.upsert(&doc(
            2,
            "nl",
            "Iets anders",
            "Over digitale kloof.",
            &["procesmatig"],
            "limburg",
        ))
        .unwrap();
        assert_eq!(idx.len(), 4);
        assert!(
            idx.search("wijk", &Filters::default(), 0, 10)
                .unwrap()
                .ids
                .is_empty()
        );
        assert_eq!(
            idx.search("digitaal", &Filters::default(), 0, 10)
                .unwrap()
                .ids,
            vec![2]
        );
        // The cached counts of the unfiltered list follow the change.
        let after = idx.search("", &Filters::default(), 0, 10).unwrap();
        assert!(!after.facets[2].iter().any(|(r, _)| r == "antwerpen"));
        assert!(after.facets[2].contains(&("limburg".to_owned(), 1)));
        assert_eq!(after.ids, vec![4, 3, 2, 1]);
        idx.remove(2).unwrap();
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.search("", &Filters::default(), 0, 10).unwrap().total, 3);
    }

    #[test]
    fn similar_practices_share_words_and_exclude_themselves() {
        let idx = sample();
        let s = idx.similar(1, 3).unwrap();
        assert_eq!(s.first(), Some(&4), "{s:?}");
        assert!(!s.contains(&1));
        assert!(idx.similar(99, 3).unwrap().is_empty());
    }

    #[test]
    fn query_syntax_never_fails() {
        let idx = sample();
        for q in [
            "\"", "title:", "((", "AND OR", "buurt -", "*", "🙂", "a:b:c",
        ] {
            assert!(idx.search(q, &Filters::default(), 0, 10).is_ok(), "{q}");
        }
    }
}
