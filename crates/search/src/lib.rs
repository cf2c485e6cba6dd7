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

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::collector::{
    Collector, Count, FacetCollector, FacetCounts, SegmentCollector, TopDocs,
};
use tantivy::columnar::{Cardinality, Column, ColumnValues};
use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
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
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
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

/// The fast field that holds each practice's facet values as a bit set (see [`Codes`]).
const TAGS: &str = "tags";

/// How many distinct facet values the bit set holds.
const TAG_BITS: usize = 64;

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
    tags: Field,
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
    /// The unfiltered list (the search page without words or filters) of one searcher
    /// generation: counting its facets and sorting it means visiting every practice.
    everything: Mutex<Option<Arc<Everything>>>,
    /// The decoded `tags` column of each segment ([`TagColumns`]).
    tag_columns: TagColumns,
    /// The facet values that have a bit in the `tags` fast field.
    codes: RwLock<Codes>,
    /// Set (for good) when a practice carried a facet value beyond the [`TAG_BITS`] that
    /// have a bit: facets are then counted with tantivy's `FacetCollector`.
    overflow: AtomicBool,
}

/// The unfiltered list of one searcher generation.
struct Everything {
    generation: u64,
    /// Every practice's id, newest (highest) first.
    ids: Vec<i64>,
    facets: [FacetValues; 4],
}

/// Facet values numbered in the order they were first indexed: value `n` is bit `n` of a
/// practice's `tags`. Values are only ever added, so the bits of every indexed practice
/// stay valid; a value no practice carries any more counts 0 and is not shown.
#[derive(Default)]
struct Codes {
    /// (dimension, code) of each bit.
    values: Vec<(usize, String)>,
}

impl Codes {
    /// The bit of `code` in `dimension`, numbering it if it is new; `None` when every bit
    /// is taken.
    fn bit(&mut self, dimension: usize, code: &str) -> Option<u32> {
        let found = self
            .values
            .iter()
            .position(|(d, c)| *d == dimension && c == code);
        let n = match found {
            Some(n) => n,
            None if self.values.len() < TAG_BITS => {
                self.values.push((dimension, code.to_owned()));
                self.values.len() - 1
            }
            None => return None,
        };
        u32::try_from(n).ok()
    }

    /// The facet values of `counts` (per bit), per dimension, largest first, then by code.
    fn facets(&self, counts: &[u64; TAG_BITS]) -> [FacetValues; 4] {
        let mut out: [FacetValues; 4] = Default::default();
        for ((dimension, code), n) in self.values.iter().zip(counts) {
            if *n > 0
                && let Some(values) = out.get_mut(*dimension)
            {
                values.push((code.clone(), *n));
            }
        }
        for v in &mut out {
            sort_values(v);
        }
        out
    }
}

fn sort_values(v: &mut FacetValues) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// Counts, per bit, the matches whose `tags` have it: one fast-field read per match.
struct TagCounts<'a>(&'a TagColumns);

/// The `tags` of every document of each segment, decoded once per segment and kept: a
/// segment never changes, and reading a plain array per match is several times cheaper than
/// decoding the bit-packed fast field (profile of a broad search: 13 % of the CPU was
/// `BitpackedReader::get_val`). Entries of segments that left the index are dropped when
/// the searcher generation changes. 100,000 practices take 800 KB.
#[derive(Default)]
struct TagColumns {
    inner: Mutex<TagColumnsInner>,
}

#[derive(Default)]
struct TagColumnsInner {
    generation: u64,
    columns: std::collections::HashMap<tantivy::index::SegmentId, Arc<[u64]>>,
}

impl TagColumns {
    /// Forgets the columns of segments that `searcher` no longer holds (once per generation).
    fn prune(&self, searcher: &tantivy::Searcher) {
        let generation = searcher.generation().generation_id();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            let live: Vec<tantivy::index::SegmentId> = searcher
                .segment_readers()
                .iter()
                .map(|r| r.segment_id())
                .collect();
            inner.columns.retain(|id, _| live.contains(id));
            inner.generation = generation;
        }
    }

    fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<[u64]>> {
        let id = segment.segment_id();
        if let Some(c) = self
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .columns
            .get(&id)
        {
            return Ok(Arc::clone(c));
        }
        // Decoded outside the lock; two searches may both decode a new segment once.
        let column = values(segment.fast_fields().u64(TAGS)?);
        let decoded: Arc<[u64]> = (0..segment.max_doc()).map(|d| column.get_val(d)).collect();
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .columns
            .insert(id, Arc::clone(&decoded));
        Ok(decoded)
    }
}

/// Per-bit counts of a segment's matches, kept bit-sliced: `planes[k]` holds bit `k` of a
/// 8-bit counter for each of the 64 tag bits, so adding a match's tags is a few word
/// operations (a ripple carry) instead of a loop over its set bits. The counters are
/// flushed into `counts` before they can overflow (every 255 matches).
struct TagSegment {
    tags: Arc<[u64]>,
    planes: [u64; 8],
    pending: u32,
    counts: [u64; TAG_BITS],
}

impl TagSegment {
    fn new(tags: Arc<[u64]>) -> TagSegment {
        TagSegment {
            tags,
            planes: [0; 8],
            pending: 0,
            counts: [0; TAG_BITS],
        }
    }

    #[inline]
    fn add(&mut self, tags: u64) {
        let mut carry = tags;
        for plane in &mut self.planes {
            let sum = *plane ^ carry;
            carry &= *plane;
            *plane = sum;
            if carry == 0 {
                break;
            }
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (bit, count) in self.counts.iter_mut().enumerate() {
            let mut n = 0u64;
            for (k, plane) in self.planes.iter().enumerate() {
                n |= ((plane >> bit) & 1) << k;
            }
            *count += n;
        }
        self.planes = [0; 8];
        self.pending = 0;
    }

    #[inline]
    fn tags_of(&self, doc: DocId) -> u64 {
        self.tags.get(doc as usize).copied().unwrap_or(0)
    }
}

impl Collector for TagCounts<'_> {
    type Fruit = [u64; TAG_BITS];
    type Child = TagSegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<TagSegment> {
        Ok(TagSegment::new(self.0.of(segment)?))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<[u64; TAG_BITS]>) -> tantivy::Result<[u64; TAG_BITS]> {
        let mut total = [0; TAG_BITS];
        for counts in fruits {
            for (t, n) in total.iter_mut().zip(counts) {
                *t += n;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for TagSegment {
    type Fruit = [u64; TAG_BITS];

    fn collect(&mut self, doc: DocId, _: Score) {
        let tags = self.tags_of(doc);
        self.add(tags);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for doc in docs {
            let tags = self.tags_of(*doc);
            self.add(tags);
        }
    }

    fn harvest(mut self) -> [u64; TAG_BITS] {
        self.flush();
        self.counts
    }
}

/// A column's value per document (0 when it has none), without the column index when
/// every document has exactly one value (as `id` and `tags` have).
fn values(column: Column<u64>) -> Arc<dyn ColumnValues<u64>> {
    if column.get_cardinality() == Cardinality::Full {
        column.values
    } else {
        column.first_or_default_col(0)
    }
}

/// Collects every match's id (no scores).
struct AllIds;

struct IdSegment {
    ids: Arc<dyn ColumnValues<u64>>,
    found: Vec<u64>,
}

impl Collector for AllIds {
    type Fruit = Vec<u64>;
    type Child = IdSegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<IdSegment> {
        Ok(IdSegment {
            ids: values(segment.fast_fields().u64("id")?),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for IdSegment {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.found.push(self.ids.get_val(doc));
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let start = self.found.len();
        self.found.resize(start + docs.len(), 0);
        if let Some(out) = self.found.get_mut(start..) {
            self.ids.get_vals(docs, out);
        }
    }

    fn harvest(self) -> Vec<u64> {
        self.found
    }
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
        let tags = sb.add_u64_field(TAGS, FAST);
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
            tag_columns: TagColumns::default(),
            codes: RwLock::new(Codes::default()),
            overflow: AtomicBool::new(false),
            f: Fields {
                id,
                tags,
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
        let mut tags = 0u64;
        let mut codes = self.codes.write().unwrap_or_else(|e| e.into_inner());
        for (dimension, (field, values)) in self.f.facets.iter().zip(lists).enumerate() {
            for v in values.iter().filter(|v| !v.is_empty()) {
                doc.add_facet(*field, facet(v));
                match codes.bit(dimension, v) {
                    Some(bit) => tags |= 1u64 << bit,
                    // Set before the practice is added, so a searcher that holds it sees
                    // the flag.
                    None => self.overflow.store(true, AtomicOrdering::SeqCst),
                }
            }
        }
        doc.add_u64(self.f.tags, tags);
        doc
    }

    fn commit(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        writer.commit()?;
        self.reader.reload()?;
        // The cached list belongs to the previous searcher generation.
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
        // One segment: a search pays per segment (term lookups, union buffers, collectors),
        // and the reader would only see the background merges at the next commit.
        w.set_merge_policy(Box::new(NoMergePolicy));
        self.commit(&mut w)?;
        let segments = self.index.searchable_segment_ids()?;
        // Best effort: if the merge fails the index stays as it is, with the same answers.
        if segments.len() > 1 && w.merge(&segments).wait().is_ok() {
            self.reader.reload()?;
        }
        w.set_merge_policy(Box::<LogMergePolicy>::default());
        Ok(())
    }

    /// How many segments the current searcher reads.
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
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
        self.search_with(text, filters, offset, limit, true)
    }

    /// [`PracticeIndex::search`]; `fast` false counts facets with tantivy's
    /// `FacetCollector` (as when the bit set overflows) and never uses the cached list.
    fn search_with(
        &self,
        text: &str,
        filters: &Filters,
        offset: usize,
        limit: usize,
        fast: bool,
    ) -> Result<SearchResult, SearchError> {
        let ranked_by_text = !text.trim().is_empty();
        let unfiltered = !ranked_by_text && *filters == Filters::default();
        let limit = limit.max(1);
        let searcher = self.reader.searcher();
        self.tag_columns.prune(&searcher);
        // Read before the counting: a practice whose values have no bit sets the flag
        // before it is added, so it is set for every searcher that holds such a practice.
        let fast = fast && !self.overflow.load(AtomicOrdering::SeqCst);
        if fast && unfiltered {
            let all = self.everything(&searcher)?;
            let ids = all.ids.iter().skip(offset).take(limit).copied().collect();
            return Ok(SearchResult {
                total: all.ids.len(),
                ids,
                facets: all.facets.clone(),
            });
        }
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
        let query = BooleanQuery::new(clauses);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (addresses, total, facets) = if fast {
            // The facets of every match from one fast-field read each (the `tags` bit set).
            let (addresses, total, counts) = if ranked_by_text {
                let ((hits, total), counts) = searcher.search(
                    &query,
                    &((top.order_by_score(), Count), TagCounts(&self.tag_columns)),
                )?;
                (addresses(hits), total, counts)
            } else {
                // Without words: newest practices first.
                let top = top.order_by_fast_field::<u64>("id", Order::Desc);
                let ((hits, total), counts) =
                    searcher.search(&query, &((top, Count), TagCounts(&self.tag_columns)))?;
                (addresses(hits), total, counts)
            };
            let codes = self.codes.read().unwrap_or_else(|e| e.into_inner());
            (addresses, total, codes.facets(&counts))
        } else {
            let collectors = DIMENSIONS.map(|d| {
                let mut c = FacetCollector::for_field(d);
                c.add_facet(Facet::root());
                c
            });
            let [c0, c1, c2, c3] = collectors;
            let (addresses, total, counts): (Vec<DocAddress>, usize, [FacetCounts; 4]) =
                if ranked_by_text {
                    let ((hits, total), ((f0, f1), (f2, f3))) = searcher.search(
                        &query,
                        &((top.order_by_score(), Count), ((c0, c1), (c2, c3))),
                    )?;
                    (addresses(hits), total, [f0, f1, f2, f3])
                } else {
                    let top = top.order_by_fast_field::<u64>("id", Order::Desc);
                    let ((hits, total), ((f0, f1), (f2, f3))) =
                        searcher.search(&query, &((top, Count), ((c0, c1), (c2, c3))))?;
                    (addresses(hits), total, [f0, f1, f2, f3])
                };
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
                sort_values(&mut v);
                v
            });
            (addresses, total, facets)
        };
        let ids = self.ids(&searcher, &addresses)?;
        Ok(SearchResult { total, ids, facets })
    }

    /// The unfiltered list of `searcher`'s generation, computed on first use.
    fn everything(&self, searcher: &tantivy::Searcher) -> Result<Arc<Everything>, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.everything.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = cached.as_ref()
            && e.generation == generation
        {
            return Ok(Arc::clone(e));
        }
        let (mut ids, counts) =
            searcher.search(&AllQuery, &(AllIds, TagCounts(&self.tag_columns)))?;
        // Newest (highest id) first, as the ranked-by-id page of the general path.
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let facets = self
            .codes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .facets(&counts);
        let e = Arc::new(Everything {
            generation,
            ids: ids.into_iter().map(id_i64).collect(),
            facets,
        });
        *cached = Some(Arc::clone(&e));
        Ok(e)
    }

    /// The ids of `addresses`, read from the `id` fast field (no stored document).
    fn ids(
        &self,
        searcher: &tantivy::Searcher,
        addresses: &[DocAddress],
    ) -> Result<Vec<i64>, SearchError> {
        let mut columns: Vec<Option<Column<u64>>> =
            searcher.segment_readers().iter().map(|_| None).collect();
        let mut ids = Vec::with_capacity(addresses.len());
        for a in addresses {
            let Some(slot) = usize::try_from(a.segment_ord)
                .ok()
                .and_then(|s| columns.get_mut(s))
            else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(
                    searcher
                        .segment_reader(a.segment_ord)
                        .fast_fields()
                        .u64("id")?,
                );
            }
            if let Some(id) = slot.as_ref().and_then(|c| c.first(a.doc_id)) {
                ids.push(id_i64(id));
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

fn id_i64(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

fn addresses<K>(hits: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    hits.into_iter().map(|(_, a)| a).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sliced_counts_equal_a_plain_count() {
        // A simple generator (xorshift) of tag words, dense and sparse, over several
        // flushes (every 255 additions) and a remainder.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut words = Vec::new();
        for i in 0..2_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            words.push(match i % 4 {
                0 => x,
                1 => x & x.rotate_left(11) & x.rotate_left(29),
                2 => u64::MAX,
                _ => 0,
            });
        }
        for n in [0, 1, 254, 255, 256, 511, 2_000] {
            let mut seg = TagSegment::new(Arc::from(words[..n].to_vec()));
            let mut plain = [0u64; TAG_BITS];
            for (doc, w) in words[..n].iter().enumerate() {
                for (bit, count) in plain.iter_mut().enumerate() {
                    *count += (w >> bit) & 1;
                }
                seg.collect(doc as DocId, 0.0);
            }
            // A document beyond the column counts as no tags.
            seg.collect(n as DocId, 0.0);
            assert_eq!(seg.harvest(), plain, "{n} words");
        }
    }

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

    /// A deterministic corpus with random words and facet values (duplicates included).
    fn random_corpus(n: i64, extra_targets: usize) -> Vec<PracticeDoc> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let words = [
            "buurt",
            "buurten",
            "armoede",
            "ouderen",
            "wijk",
            "jongeren",
            "quartier",
            "pauvreté",
            "familles",
            "logement",
            "school",
            "werk",
            "ontmoeting",
        ];
        let kr = [
            "nabijheid",
            "politiserend",
            "procesmatig",
            "generalistisch",
            "verbindend",
        ];
        let ch = [
            "vermaatschappelijking",
            "digitalisering",
            "diversiteit",
            "vertrouwen",
        ];
        let regions = ["antwerpen", "limburg", "oost-vlaanderen", "brussel", ""];
        let mut targets: Vec<String> = ["ouderen", "gezinnen", "nieuwkomers"]
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        targets.extend((0..extra_targets).map(|i| format!("doelgroep-{i}")));
        (1..=n)
            .map(|id| {
                let mut text = |k: usize| {
                    (0..k)
                        .map(|_| words[next(words.len())])
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let title = text(3);
                let body = text(12);
                PracticeDoc {
                    id,
                    language: if id % 4 == 0 { "fr" } else { "nl" }.into(),
                    title,
                    body,
                    krachtlijnen: (0..1 + next(3))
                        .map(|_| kr[next(kr.len())].into())
                        .collect(),
                    challenges: (0..next(3)).map(|_| ch[next(ch.len())].into()).collect(),
                    region: regions[next(regions.len())].into(),
                    target_groups: (0..1 + next(2))
                        .map(|_| targets[next(targets.len())].clone())
                        .collect(),
                }
            })
            .collect()
    }

    /// The facet counts of the practices `ids`, counted the plain way.
    fn plain_counts(docs: &[PracticeDoc], ids: &[i64]) -> [FacetValues; 4] {
        let mut out: [FacetValues; 4] = Default::default();
        for d in docs.iter().filter(|d| ids.contains(&d.id)) {
            let lists: [Vec<String>; 4] = [
                d.krachtlijnen.clone(),
                d.challenges.clone(),
                vec![d.region.clone()],
                d.target_groups.clone(),
            ];
            for (values, counts) in lists.iter().zip(out.iter_mut()) {
                let mut seen: Vec<&String> = Vec::new();
                for v in values.iter().filter(|v| !v.is_empty()) {
                    if seen.contains(&v) {
                        continue;
                    }
                    seen.push(v);
                    match counts.iter_mut().find(|(c, _)| c == v) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((v.clone(), 1)),
                    }
                }
            }
        }
        for v in &mut out {
            sort_values(v);
        }
        out
    }

    fn check_counts(idx: &PracticeIndex, docs: &[PracticeDoc]) {
        let filters = [
            Filters::default(),
            Filters {
                krachtlijn: Some("nabijheid".into()),
                ..Filters::default()
            },
            Filters {
                region: Some("brussel".into()),
                target: Some("ouderen".into()),
                ..Filters::default()
            },
            Filters {
                challenge: Some("geen-uitdaging".into()),
                ..Filters::default()
            },
        ];
        for q in [
            "",
            "buurten",
            "armoede ouderen",
            "pauvreté",
            "((",
            "onbekend",
        ] {
            for f in &filters {
                let all = idx.search(q, f, 0, 100_000).unwrap();
                assert_eq!(all.total, all.ids.len(), "{q:?} {f:?}");
                assert_eq!(all.facets, plain_counts(docs, &all.ids), "{q:?} {f:?}");
                // The same page, total and counts as tantivy's facet collector.
                for (offset, limit) in [(0, 20), (20, 20), (0, 1), (5_000, 20)] {
                    let fast = idx.search(q, f, offset, limit).unwrap();
                    let slow = idx.search_with(q, f, offset, limit, false).unwrap();
                    assert_eq!(fast.ids, slow.ids, "{q:?} {f:?} {offset}");
                    assert_eq!(fast.total, slow.total, "{q:?} {f:?}");
                    assert_eq!(fast.facets, slow.facets, "{q:?} {f:?}");
                    assert_eq!(fast.total, all.total);
                    assert_eq!(fast.facets, all.facets);
                }
            }
        }
    }

    #[test]
    fn facet_counts_equal_a_plain_count() {
        let mut docs = random_corpus(600, 4);
        let idx = PracticeIndex::new().unwrap();
        idx.replace_all(&docs).unwrap();
        assert!(!idx.overflow.load(AtomicOrdering::SeqCst));
        check_counts(&idx, &docs);
        // After a change, a new value and a withdrawal.
        let mut changed = docs[10].clone();
        changed.region = "limburg".into();
        changed.target_groups = vec!["nieuwe-doelgroep".into()];
        idx.upsert(&changed).unwrap();
        docs[10] = changed;
        idx.remove(docs[20].id).unwrap();
        docs.remove(20);
        check_counts(&idx, &docs);
    }

    #[test]
    fn facet_counts_stay_right_beyond_the_bit_set() {
        // More distinct values than bits: counted by tantivy's facet collector.
        let docs = random_corpus(400, TAG_BITS);
        let idx = PracticeIndex::new().unwrap();
        idx.replace_all(&docs).unwrap();
        assert!(idx.overflow.load(AtomicOrdering::SeqCst));
        check_counts(&idx, &docs);
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
