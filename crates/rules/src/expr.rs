//! The expression language of conditions, definitions and amount formulas.
//!
//! A hand-written lexer and recursive-descent parser. It never panics (nesting
//! depth is bounded so hostile input cannot overflow the stack) and never stops
//! at the first error: it returns a tree with `Error` holes and every problem
//! with its byte offset in the expression text.
//!
//! Grammar (lowest precedence first):
//! ```text
//! expr    := 'if' expr 'then' expr 'else' expr | or
//! or      := and ('or' and)*
//! and     := not ('and' not)*
//! not     := 'not' not | cmp
//! cmp     := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?
//! sum     := product (('+'|'-') product)*
//! product := unary (('*'|'/') unary)*
//! unary   := '-' unary | atom
//! atom    := INT | MONEY (e.g. 1314.20, euros with two decimals) | DATE (2024-05-01)
//!          | 'text' | true | false | name | name '(' expr (',' expr)* ')' | '(' expr ')'
//! ```

use time::Date;

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// An expression with the byte offset where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Expr {
    pub off: usize,
    pub kind: ExprKind,
}

#[derive(Clone, Debug)]
pub(crate) enum ExprKind {
    Bool(bool),
    Int(i64),
    /// Money literal in cents.
    Money(i64),
    Date(Date),
    Text(String),
    Var(String),
    Call(String, Vec<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A hole left where the parser could not understand the text.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i64),
    Money(i64),
    Date(Date),
    Text(String),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    Eof,
}

const MAX_DEPTH: usize = 48;

fn lex(src: &str, errors: &mut Vec<(usize, String)>) -> Vec<(usize, Tok)> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            // A date literal: exactly dddd-dd-dd.
            if let Some(d) = src.get(i..i + 10).and_then(parse_date_literal) {
                let after = bytes.get(i + 10).copied();
                if !after.is_some_and(|b| b.is_ascii_alphanumeric()) {
                    toks.push((start, Tok::Date(d)));
                    i += 10;
                    continue;
                }
            }
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                i += 1;
            }
            let int_part: String = src[start..i].chars().filter(|c| *c != '_').collect();
            if i < bytes.len() && bytes[i] == b'.' {
                // Money in euros: exactly two decimals, so no rounding hides here.
                let frac_start = i + 1;
                let mut j = frac_start;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                let frac = &src[frac_start..j];
                i = j;
                if frac.len() != 2 {
                    errors.push((
                        start,
                        "a money amount is written with exactly two decimals, e.g. 1314.20".into(),
                    ));
                    toks.push((start, Tok::Money(0)));
                    continue;
                }
                let cents = int_part
                    .parse::<i64>()
                    .ok()
                    .and_then(|e| e.checked_mul(100))
                    .and_then(|e| frac.parse::<i64>().ok().and_then(|f| e.checked_add(f)));
                match cents {
                    Some(c) => toks.push((start, Tok::Money(c))),
                    None => {
                        errors.push((start, "number too large".into()));
                        toks.push((start, Tok::Money(0)));
                    }
                }
                continue;
            }
            match int_part.parse::<i64>() {
                Ok(n) => toks.push((start, Tok::Int(n))),
                Err(_) => {
                    errors.push((start, "number too large".into()));
                    toks.push((start, Tok::Int(0)));
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            toks.push((start, Tok::Ident(src[start..i].to_string())));
            continue;
        }
        if c == b'\'' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'\'' {
                j += 1;
            }
            if j >= bytes.len() {
                errors.push((start, "text literal is not closed with '".into()));
                toks.push((start, Tok::Text(src[i + 1..].to_string())));
                i = bytes.len();
            } else {
                toks.push((start, Tok::Text(src[i + 1..j].to_string())));
                i = j + 1;
            }
            continue;
        }
        let two = src.get(i..i + 2);
        let op2 = match two {
            Some("==") => Some("=="),
            Some("!=") => Some("!="),
            Some("<=") => Some("<="),
            Some(">=") => Some(">="),
            _ => None,
        };
        if let Some(op) = op2 {
            toks.push((start, Tok::Op(op)));
            i += 2;
            continue;
        }
        let tok = match c {
            b'<' => Some(Tok::Op("<")),
            b'>' => Some(Tok::Op(">")),
            b'+' => Some(Tok::Op("+")),
            b'-' => Some(Tok::Op("-")),
            b'*' => Some(Tok::Op("*")),
            b'/' => Some(Tok::Op("/")),
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b',' => Some(Tok::Comma),
            _ => None,
        };
        match tok {
            Some(t) => {
                toks.push((start, t));
                i += 1;
            }
            None => {
                // Skip a whole UTF-8 character so offsets stay on char boundaries.
                let ch = src[i..].chars().next().unwrap_or('?');
                errors.push((start, format!("unexpected character `{ch}`")));
                i += ch.len_utf8().max(1);
            }
        }
    }
    toks.push((src.len(), Tok::Eof));
    toks
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date_literal(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u8 = s.get(5..7)?.parse().ok()?;
    let d: u8 = s.get(8..10)?.parse().ok()?;
    let month = time::Month::try_from(m).ok()?;
    Date::from_calendar_date(y, month, d).ok()
}

struct P {
    toks: Vec<(usize, Tok)>,
    i: usize,
    errors: Vec<(usize, String)>,
    depth: usize,
}

impl P {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map_or(&Tok::Eof, |t| &t.1)
    }
    fn off(&self) -> usize {
        self.toks.get(self.i).map_or(0, |t| t.0)
    }
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn expect_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            let off = self.off();
            self.errors.push((off, format!("expected `{kw}`")));
            false
        }
    }
    fn err(&mut self, off: usize, msg: String) -> Expr {
        self.errors.push((off, msg));
        Expr {
            off,
            kind: ExprKind::Error,
        }
    }

    fn expr(&mut self) -> Expr {
        if self.depth > MAX_DEPTH {
            let off = self.off();
            // Consume the rest so we do not report the same problem again.
            self.i = self.toks.len() - 1;
            return self.err(off, "expression nested too deeply".into());
        }
        self.depth += 1;
        let e = if self.is_kw("if") {
            let off = self.off();
            self.bump();
            let c = self.expr();
            self.expect_kw("then");
            let a = self.expr();
            self.expect_kw("else");
            let b = self.expr();
            Expr {
                off,
                kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
            }
        } else {
            self.or()
        };
        self.depth -= 1;
        e
    }
    fn bin(&mut self, lhs: Expr, op: BinOp, rhs: Expr) -> Expr {
        Expr {
            off: lhs.off,
            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        }
    }
    fn or(&mut self) -> Expr {
        let mut l = self.and();
        while self.is_kw("or") {
            self.bump();
            let r = self.and();
            l = self.bin(l, BinOp::Or, r);
        }
        l
    }
    fn and(&mut self) -> Expr {
        let mut l = self.not();
        while self.is_kw("and") {
            self.bump();
            let r = self.not();
            l = self.bin(l, BinOp::And, r);
        }
        l
    }
    fn not(&mut self) -> Expr {
        if self.is_kw("not") {
            let off = self.off();
            self.bump();
            if self.depth > MAX_DEPTH {
                return self.err(off, "expression nested too deeply".into());
            }
            self.depth += 1;
            let e = self.not();
            self.depth -= 1;
            return Expr {
                off,
                kind: ExprKind::Not(Box::new(e)),
            };
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Expr {
        let l = self.sum();
        let op = match self.peek() {
            Tok::Op("==") => BinOp::Eq,
            Tok::Op("!=") => BinOp::Ne,
            Tok::Op("<") => BinOp::Lt,
            Tok::Op("<=") => BinOp::Le,
            Tok::Op(">") => BinOp::Gt,
            Tok::Op(">=") => BinOp::Ge,
            _ => return l,
        };
        self.bump();
        let r = self.sum();
        if matches!(self.peek(), Tok::Op("==" | "!=" | "<" | "<=" | ">" | ">=")) {
            let off = self.off();
            self.errors.push((
                off,
                "comparisons cannot be chained; use `and` (a < b and b < c)".into(),
            ));
        }
        self.bin(l, op, r)
    }
    fn sum(&mut self) -> Expr {
        let mut l = self.product();
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return l,
            };
            self.bump();
            let r = self.product();
            l = self.bin(l, op, r);
        }
    }
    fn product(&mut self) -> Expr {
        let mut l = self.unary();
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                _ => return l,
            };
            self.bump();
            let r = self.unary();
            l = self.bin(l, op, r);
        }
    }
    fn unary(&mut self) -> Expr {
        if matches!(self.peek(), Tok::Op("-")) {
            let off = self.off();
            self.bump();
            if self.depth > MAX_DEPTH {
                return self.err(off, "expression nested too deeply".into());
            }
            self.depth += 1;
            let e = self.unary();
            self.depth -= 1;
            return Expr {
                off,
                kind: ExprKind::Neg(Box::new(e)),
            };
        }
        self.atom()
    }
    fn atom(&mut self) -> Expr {
        let off = self.off();
        match self.bump() {
            Tok::Int(n) => Expr {
                off,
                kind: ExprKind::Int(n),
            },
            Tok::Money(n) => Expr {
                off,
                kind: ExprKind::Money(n),
            },
            Tok::Date(d) => Expr {
                off,
                kind: ExprKind::Date(d),
            },
            Tok::Text(s) => Expr {
                off,
                kind: ExprKind::Text(s),
            },
            Tok::Ident(name) => match name.as_str() {
                "true" => Expr {
                    off,
                    kind: ExprKind::Bool(true),
                },
                "false" => Expr {
                    off,
                    kind: ExprKind::Bool(false),
                },
                "and" | "or" | "not" | "if" | "then" | "else" => {
                    self.err(off, format!("expected a value, found `{name}`"))
                }
                _ => {
                    if matches!(self.peek(), Tok::LParen) {
                        self.bump();
                        let mut args = Vec::new();
                        if !matches!(self.peek(), Tok::RParen) {
                            loop {
                                args.push(self.expr());
                                if matches!(self.peek(), Tok::Comma) {
                                    self.bump();
                                    continue;
                                }
                                break;
                            }
                        }
                        if matches!(self.peek(), Tok::RParen) {
                            self.bump();
                        } else {
                            let o = self.off();
                            self.errors.push((o, "expected `)` or `,`".into()));
                        }
                        Expr {
                            off,
                            kind: ExprKind::Call(name, args),
                        }
                    } else {
                        Expr {
                            off,
                            kind: ExprKind::Var(name),
                        }
                    }
                }
            },
            Tok::LParen => {
                let e = self.expr();
                if matches!(self.peek(), Tok::RParen) {
                    self.bump();
                } else {
                    let o = self.off();
                    self.errors.push((o, "expected `)`".into()));
                }
                e
            }
            Tok::Eof => self.err(off, "expression ends too early".into()),
            t => self.err(off, format!("unexpected {}", describe(&t))),
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Op(o) => format!("`{o}`"),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        _ => "token".into(),
    }
}

/// Parses an expression. Always returns a tree (with `Error` holes) and the
/// problems found, each with its byte offset in `src`.
pub(crate) fn parse(src: &str) -> (Expr, Vec<(usize, String)>) {
    let mut errors = Vec::new();
    let toks = lex(src, &mut errors);
    let mut p = P {
        toks,
        i: 0,
        errors,
        depth: 0,
    };
    let e = p.expr();
    if !matches!(p.peek(), Tok::Eof) {
        let off = p.off();
        p.errors.push((
            off,
            "unexpected text after the end of the expression".into(),
        ));
    }
    p.errors.sort_by_key(|e| e.0);
    (e, p.errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_precedence_and_literals() {
        let (e, errs) = parse("a + 2 * b >= 1314.20 and not c or d == 'x' and r >= 2024-05-01");
        assert!(errs.is_empty(), "{errs:?}");
        assert!(matches!(e.kind, ExprKind::Binary(BinOp::Or, _, _)));
    }

    #[test]
    fn reports_positions_and_keeps_going() {
        let (_, errs) = parse("a + * b ) 1.5");
        assert!(errs.len() >= 2, "{errs:?}");
        assert_eq!(errs[0].0, 4);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let s = "(".repeat(10_000);
        let (_, errs) = parse(&s);
        assert!(!errs.is_empty());
        let s = "-".repeat(10_000) + "1";
        let (_, errs) = parse(&s);
        assert!(!errs.is_empty());
    }
}
