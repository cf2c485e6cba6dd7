//! A small YAML tree with positions, built on `saphyr-parser`'s event stream.
//!
//! serde_yaml cannot tell where a scalar stood, and every diagnostic in a rule
//! file must name a line and column, so rule files are read into this tree first
//! and interpreted by hand. Anchors and aliases are not supported (a rule file
//! is meant to be read top to bottom by a policy expert); an alias is reported.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A position in a source file: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1.
    pub col: u32,
}

/// One node of a YAML document.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A scalar and whether it was written plain (unquoted): `null` and
    /// numbers are only recognised in plain scalars.
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, true) if s.is_empty() || s == "~" || s == "null")
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
            _ => &[],
        }
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        col: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// Parses one YAML document. Returns the root (if any) and errors with positions.
/// Never panics: scanner errors end the parse and are reported.
pub(crate) fn parse(src: &str) -> (Option<Node>, Vec<(Pos, String)>) {
    let mut errors = Vec::new();
    // A stack of containers under construction: (node, pending map key).
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut root: Option<Node> = None;
    let mut parser = Parser::new_from_str(src);
    let mut docs = 0;
    loop {
        let (ev, span) = match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                let m = e.marker();
                errors.push((
                    Pos {
                        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                        col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                    },
                    format!("YAML syntax error: {}", e.info()),
                ));
                break;
            }
            Some(Ok(x)) => x,
        };
        let pos = pos_of(&span);
        let finished: Option<Node> = match ev {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                docs += 1;
                if docs > 1 {
                    errors.push((pos, "only one YAML document per file is read".into()));
                    break;
                }
                None
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => None,
            Event::Alias(_) => {
                errors.push((
                    pos,
                    "YAML aliases (*name) are not supported in rule files".into(),
                ));
                Some(Node {
                    pos,
                    kind: Kind::Scalar(String::new(), true),
                })
            }
            Event::Scalar(s, style, _, _) => Some(Node {
                pos,
                kind: Kind::Scalar(s.into_owned(), style == ScalarStyle::Plain),
            }),
            Event::SequenceStart(..) => {
                stack.push((
                    Node {
                        pos,
                        kind: Kind::Seq(Vec::new()),
                    },
                    None,
                ));
                None
            }
            Event::MappingStart(..) => {
                stack.push((
                    Node {
                        pos,
                        kind: Kind::Map(Vec::new()),
                    },
                    None,
                ));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|(n, _)| n),
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                None => {
                    if root.is_none() {
                        root = Some(node);
                    }
                }
                Some((parent, pending)) => match &mut parent.kind {
                    Kind::Seq(items) => items.push(node),
                    Kind::Map(entries) => match pending.take() {
                        None => *pending = Some(node),
                        Some(key) => {
                            if let Some(k) = key.as_str()
                                && entries.iter().any(|(e, _)| e.as_str() == Some(k))
                            {
                                errors.push((key.pos, format!("duplicate key `{k}`")));
                            }
                            entries.push((key, node));
                        }
                    },
                    Kind::Scalar(..) => {}
                },
            }
        }
    }
    // On a syntax error, keep what was understood: close open containers.
    while let Some((node, _)) = stack.pop() {
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
            Some((parent, pending)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(entries) => {
                    if let Some(key) = pending.take() {
                        entries.push((key, node));
                    }
                }
                Kind::Scalar(..) => {}
            },
        }
    }
    (root, errors)
}
