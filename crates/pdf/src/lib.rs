//! `sterk-pdf`: tagged (accessible) PDF documents from a small document model.
//!
//! Sterk prints reports (yearly progress reports of the regional platforms, evaluation
//! reports of the action plan, later signal dossiers and practices). They must be
//! accessible, so this crate produces **tagged PDF** conforming to PDF/UA-1 where the
//! content allows it, with [typst](https://typst.app) used as a library.
//!
//! The API is deliberately small:
//!
//! ```
//! use sterk_pdf::{Block, Document};
//! let doc = Document::new("Jaarverslag 2024", "nl")
//!     .with(Block::heading(1, "Stand van zaken"))
//!     .with(Block::paragraph("Alles loopt volgens plan."))
//!     .with(Block::list(vec!["eerste".into(), "tweede".into()]));
//! let pdf = sterk_pdf::render(&doc).unwrap();
//! assert!(pdf.starts_with(b"%PDF-"));
//! ```
//!
//! **No IO**: the fonts are embedded in the binary (`typst-assets`), the document is
//! generated as typst source in memory and never reads files. **No panics and no markup
//! injection**: every text of the model is passed to typst as an escaped string literal in
//! code mode, so `*`, `#`, `$`, `[`, `\` or `"` in a text are printed as they are (a
//! property test feeds random text). This crate is a leaf: only the web crate depends on it.

use std::fmt::Write as _;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// A document: a title, a language and a list of blocks, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document title: shown at the top and stored as the PDF title (PDF/UA needs one).
    pub title: String,
    /// An ISO 639-1 language code (`nl`, `fr`, `en`); anything else is treated as `nl`.
    pub lang: String,
    /// An optional line under the title (organisation, period, date of printing).
    pub subtitle: Option<String>,
    /// The content.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document with a title and a language.
    pub fn new(title: impl Into<String>, lang: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            lang: lang.into(),
            subtitle: None,
            blocks: Vec::new(),
        }
    }

    /// Adds a block (builder style).
    #[must_use]
    pub fn with(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    /// Adds a block.
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }
}

/// One block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; level 1 is the highest under the document title (levels are clamped to 1–5).
    Heading { level: u8, text: String },
    /// A paragraph of plain text. Line breaks in the text are kept.
    Paragraph(String),
    /// A bulleted (or numbered) list of plain-text items.
    List { ordered: bool, items: Vec<String> },
    /// A table with a header row (repeated on every page) and body rows. Rows shorter than the
    /// header are padded with empty cells, longer ones are cut to the header's width.
    Table {
        caption: Option<String>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A figure: a captioned bar chart of percentages (0–100, clamped), drawn as a table with
    /// the figure in text and a bar, so it reads the same to a screen reader.
    Bars {
        caption: String,
        bars: Vec<(String, f64)>,
    },
}

impl Block {
    /// A heading.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Self::Heading {
            level,
            text: text.into(),
        }
    }
    /// A paragraph.
    pub fn paragraph(text: impl Into<String>) -> Self {
        Self::Paragraph(text.into())
    }
    /// A bulleted list.
    pub fn list(items: Vec<String>) -> Self {
        Self::List {
            ordered: false,
            items,
        }
    }
}

/// Why no PDF could be made. The messages are for logs, never shown to people as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// typst could not lay out the generated source (a bug in this crate).
    Compile(String),
    /// The PDF writer refused the document.
    Export(String),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Compile(m) => write!(f, "pdf layout failed: {m}"),
            Self::Export(m) => write!(f, "pdf export failed: {m}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Renders the document as a tagged PDF: PDF/UA-1 when the content allows it, otherwise
/// (should PDF/UA validation refuse something) a tagged PDF without the PDF/UA claim.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let world = SterkWorld::new(typst_source(doc));
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| PdfError::Compile(diagnostics(&e)))?;
    let ua = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1]);
    if let Ok(standards) = ua {
        let options = typst_pdf::PdfOptions {
            standards,
            ..Default::default()
        };
        if let Ok(bytes) = typst_pdf::pdf(&document, &options) {
            return Ok(bytes);
        }
    }
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError::Export(diagnostics(&e)))
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Escapes a text as a typst string literal (with the quotes). Every character outside
/// printable text is written as a `\u{…}` escape, so no text can end the literal.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || is_unusual(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that are valid but confuse layout or tooling (bidi controls, separators).
fn is_unusual(c: char) -> bool {
    matches!(c as u32, 0x2028 | 0x2029 | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff)
}

fn lang_code(lang: &str) -> &'static str {
    match lang {
        "fr" => "fr",
        "en" => "en",
        _ => "nl",
    }
}

/// The typst source the document becomes (public for tests and debugging).
pub fn typst_source(doc: &Document) -> String {
    let mut s = String::with_capacity(1024);
    let lang = lang_code(&doc.lang);
    let title = if doc.title.trim().is_empty() {
        "Sterk".to_string()
    } else {
        doc.title.clone()
    };
    let _ = writeln!(
        s,
        "#set document(title: {})\n#set text(font: \"Libertinus Serif\", size: 11pt, lang: \"{lang}\")\n#set page(paper: \"a4\", margin: 2cm, numbering: \"1 / 1\")\n#set par(justify: false)\n#set heading(numbering: none)\n#show heading: set block(above: 1.2em, below: 0.6em)",
        literal(&title)
    );
    let _ = writeln!(s, "#title({})", literal(&title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(s, "#par(text(size: 10pt, {}))", literal(sub));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let level = (*level).clamp(1, 5);
                let _ = writeln!(s, "#heading(level: {level}, {})", literal(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(s, "#par({})", literal(text));
            }
            Block::List { ordered, items } => {
                if items.is_empty() {
                    continue;
                }
                let func = if *ordered { "enum" } else { "list" };
                let cells: Vec<String> = items.iter().map(|i| literal(i)).collect();
                let _ = writeln!(s, "#{func}({})", cells.join(", "));
            }
            Block::Table {
                caption,
                header,
                rows,
            } => {
                let width = header.len();
                if width == 0 {
                    continue;
                }
                let mut t = format!("table(columns: {width}, align: left, table.header(");
                t.push_str(
                    &header
                        .iter()
                        .map(|h| format!("strong({})", literal(h)))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                t.push(')');
                for row in rows {
                    for i in 0..width {
                        t.push_str(", ");
                        t.push_str(&literal(row.get(i).map(String::as_str).unwrap_or("")));
                    }
                }
                t.push(')');
                match caption {
                    Some(c) => {
                        let _ = writeln!(s, "#figure(kind: table, caption: {}, {t})", literal(c));
                    }
                    None => {
                        let _ = writeln!(s, "#{t}");
                    }
                }
            }
            Block::Bars { caption, bars } => {
                if bars.is_empty() {
                    continue;
                }
                let mut t = String::from(
                    "table(columns: (auto, auto, 1fr), align: (left, right, left), stroke: none",
                );
                for (label, value) in bars {
                    let v = if value.is_finite() {
                        value.clamp(0.0, 100.0)
                    } else {
                        0.0
                    };
                    let _ = write!(
                        t,
                        ", {}, \"{:.0}%\", box(width: {:.1}%, height: 0.7em, fill: rgb(\"#1d5c8a\"))",
                        literal(label),
                        v,
                        v
                    );
                }
                t.push(')');
                let _ = writeln!(
                    s,
                    "#figure(kind: table, caption: {}, {t})",
                    literal(caption)
                );
            }
        }
    }
    s
}

/// The embedded fonts and their book, loaded once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    Fonts {
        book: LazyHash::new(book),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(<Library as LibraryExt>::default()));

/// A typst world with one in-memory source file and the embedded fonts; it reads nothing.
struct SterkWorld {
    main: Source,
}

impl SterkWorld {
    fn new(text: String) -> Self {
        let id = FileId::new(None, VirtualPath::new("/main.typ"));
        Self {
            main: Source::new(id, text),
        }
    }
}

impl World for SterkWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Document {
        Document::new("Jaarverslag regionaal platform Antwerpen 2024", "nl")
            .with(Block::heading(1, "Stand van zaken"))
            .with(Block::paragraph(
                "Tekst met *sterretjes*, #hash, $dollar$ en [haken] \\ \"quotes\".",
            ))
            .with(Block::list(vec!["één".into(), "twee".into()]))
            .with(Block::Table {
                caption: Some("Acties".into()),
                header: vec!["Actie".into(), "Voortgang".into()],
                rows: vec![
                    vec!["4.1 Actie 1".into(), "40%".into()],
                    vec!["kort".into()],
                ],
            })
            .with(Block::Bars {
                caption: "Voortgang per thema".into(),
                bars: vec![
                    ("4.1".into(), 40.0),
                    ("4.2".into(), f64::NAN),
                    ("4.3".into(), 150.0),
                ],
            })
    }

    #[test]
    fn renders_a_tagged_pdf() {
        let pdf = render(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("/StructTreeRoot"),
            "no structure tree: not tagged"
        );
        assert!(text.contains("/MarkInfo"), "not marked as tagged");
        assert!(text.contains("pdfuaid"), "no PDF/UA identification");
    }

    #[test]
    fn markup_is_not_interpreted() {
        let src = typst_source(&sample());
        assert!(
            src.contains(r#""Tekst met *sterretjes*, #hash, $dollar$ en [haken] \\ \"quotes\".""#)
        );
    }

    #[test]
    fn literal_escapes() {
        assert_eq!(literal("a\"b\\c\nd\u{0}"), "\"a\\\"b\\\\c\\nd\\u{0}\"");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn any_text_renders(title in any::<String>(), para in any::<String>(), cell in any::<String>(), level in any::<u8>()) {
            let doc = Document::new(title.clone(), "fr")
                .with(Block::heading(level, para.clone()))
                .with(Block::paragraph(para.clone()))
                .with(Block::list(vec![cell.clone(), title]))
                .with(Block::Table { caption: Some(cell.clone()), header: vec![cell.clone()], rows: vec![vec![para, cell]] });
            let pdf = render(&doc);
            prop_assert!(pdf.is_ok(), "{:?}", pdf.err());
        }
    }
}
