//! A small, fast CSV layer: records are found with `memchr` (quote-aware, so
//! a quoted field may hold commas, doubled quotes and line breaks), fields
//! are split without allocation unless a field is quoted.

use std::io::{self, Read};

use memchr::{memchr, memchr_iter};

/// Reads CSV records from a byte stream into an internal buffer.
/// `peek` finds the next record without consuming it; `advance` consumes it.
pub(crate) struct RecordReader<R: Read> {
    r: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Physical line number (1-based) where the next record starts.
    line: u64,
    /// Current peeked record: (start, end-without-newline, consumed end, newlines inside).
    cur: Option<(usize, usize, usize, u64)>,
    /// Bytes consumed so far (for progress).
    pub(crate) consumed: u64,
    /// True when `buf[pos..len]` holds no quote (no quote-aware scanning needed).
    quote_free: bool,
}

const READ_SIZE: usize = 1 << 20;

fn odd_quotes(s: &[u8]) -> bool {
    memchr(b'"', s).is_some() && memchr_iter(b'"', s).count() % 2 == 1
}

impl<R: Read> RecordReader<R> {
    pub(crate) fn new(r: R) -> Self {
        RecordReader {
            r,
            buf: vec![0; READ_SIZE],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
            cur: None,
            consumed: 0,
            quote_free: true,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.len == self.buf.len() {
            let n = self.buf.len() * 2;
            self.buf.resize(n, 0);
        }
        let n = loop {
            match self.r.read(&mut self.buf[self.len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
        }
        self.len += n;
        self.quote_free = memchr(b'"', &self.buf[self.pos..self.len]).is_none();
        Ok(())
    }

    /// The next record (without its line break) and its first line number.
    pub(crate) fn peek(&mut self) -> io::Result<Option<(&[u8], u64)>> {
        if self.cur.is_none() {
            let mut search = self.pos;
            loop {
                match memchr(b'\n', &self.buf[search..self.len]) {
                    Some(i) => {
                        let end = search + i;
                        if self.quote_free {
                            self.cur = Some((self.pos, end, end + 1, 0));
                            break;
                        }
                        if odd_quotes(&self.buf[self.pos..end]) {
                            search = end + 1;
                            continue;
                        }
                        let nl = memchr_iter(b'\n', &self.buf[self.pos..end]).count() as u64;
                        self.cur = Some((self.pos, end, end + 1, nl));
                        break;
                    }
                    None if self.eof => {
                        if self.pos >= self.len {
                            return Ok(None);
                        }
                        let nl = memchr_iter(b'\n', &self.buf[self.pos..self.len]).count() as u64;
                        self.cur = Some((self.pos, self.len, self.len, nl));
                        break;
                    }
                    None => {
                        let done = search - self.pos;
                        self.fill()?;
                        search = self.pos + done;
                    }
                }
            }
        }
        Ok(self.cur.map(|(s, e, _, _)| {
            let mut e = e;
            if e > s && self.buf[e - 1] == b'\r' {
                e -= 1;
            }
            (&self.buf[s..e], self.line)
        }))
    }

    /// Consumes the peeked record.
    pub(crate) fn advance(&mut self) {
        if let Some((_, _, next, nl)) = self.cur.take() {
            self.consumed += (next - self.pos) as u64;
            self.pos = next;
            self.line += 1 + nl;
        }
    }
}

/// High bit set in each byte of `w` equal to `b` (exact, no false positives).
#[inline(always)]
fn eq_mask(w: u64, b: u8) -> u64 {
    const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = w ^ (0x0101_0101_0101_0101u64 * u64::from(b));
    !(((x & LO7).wrapping_add(LO7)) | x) & !LO7
}

/// Splits one record into fields. Unquoted fields are ranges into the
/// record; quoted fields are unescaped into `unq` and flagged.
#[derive(Default)]
pub(crate) struct Fields {
    /// Fast path (no quote in the record): the end of each field; field `i`
    /// starts one byte after the end of field `i - 1` (the comma).
    ends: Vec<u32>,
    /// Slow path (some quote in the record): each field as a range into the
    /// record, or into `unq` when flagged.
    ranges: Vec<(u32, u32, bool)>,
    unq: Vec<u8>,
    /// True when the last record went through the slow path.
    quoted: bool,
}

impl Fields {
    /// Splits `rec`; returns false when a quoted field is malformed.
    pub(crate) fn split(&mut self, rec: &[u8]) -> bool {
        self.ends.clear();
        self.quoted = false;
        // Fast path: eight bytes at a time (SWAR), a mask of the commas and
        // a check that there is no quote; one `u32` per field.
        let mut words = rec.chunks_exact(8);
        let mut base = 0u32;
        for w in words.by_ref() {
            let w = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
            if eq_mask(w, b'"') != 0 {
                return self.split_quoted(rec);
            }
            let mut m = eq_mask(w, b',');
            while m != 0 {
                self.ends.push(base + m.trailing_zeros() / 8);
                m &= m - 1;
            }
            base += 8;
        }
        for (j, &c) in words.remainder().iter().enumerate() {
            if c == b',' {
                self.ends.push(base + j as u32);
            } else if c == b'"' {
                return self.split_quoted(rec);
            }
        }
        self.ends.push(rec.len() as u32);
        true
    }

    /// RFC 4180 quoting (the slow path).
    fn split_quoted(&mut self, rec: &[u8]) -> bool {
        self.ends.clear();
        self.ranges.clear();
        self.unq.clear();
        self.quoted = true;
        let mut i = 0;
        let n = rec.len();
        loop {
            if i < n && rec[i] == b'"' {
                let s = self.unq.len() as u32;
                i += 1;
                loop {
                    match memchr(b'"', &rec[i..]) {
                        None => return false,
                        Some(j) => {
                            self.unq.extend_from_slice(&rec[i..i + j]);
                            i += j + 1;
                            if i < n && rec[i] == b'"' {
                                self.unq.push(b'"');
                                i += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                self.ranges.push((s, self.unq.len() as u32, true));
                if i == n {
                    return true;
                }
                if rec[i] != b',' {
                    return false;
                }
                i += 1;
            } else {
                let end = memchr(b',', &rec[i..]).map_or(n, |j| i + j);
                if memchr(b'"', &rec[i..end]).is_some() {
                    return false;
                }
                self.ranges.push((i as u32, end as u32, false));
                if end == n {
                    return true;
                }
                i = end + 1;
            }
        }
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        if self.quoted {
            self.ranges.len()
        } else {
            self.ends.len()
        }
    }

    /// Field `i` of the record `rec` last split (empty when out of range).
    #[inline]
    pub(crate) fn get<'a>(&'a self, rec: &'a [u8], i: usize) -> &'a [u8] {
        if !self.quoted {
            let Some(&e) = self.ends.get(i) else {
                return &[];
            };
            let s = match i.checked_sub(1).and_then(|p| self.ends.get(p)) {
                Some(&p) => p as usize + 1,
                None => 0,
            };
            return rec.get(s..e as usize).unwrap_or(&[]);
        }
        match self.ranges.get(i) {
            Some(&(s, e, false)) => rec.get(s as usize..e as usize).unwrap_or(&[]),
            Some(&(s, e, true)) => self.unq.get(s as usize..e as usize).unwrap_or(&[]),
            None => &[],
        }
    }
}

/// Field `k` of a record, for the reader's id look-ups.
pub(crate) fn nth_field<'a>(rec: &'a [u8], k: usize, scratch: &'a mut Fields) -> &'a [u8] {
    if k == 0 {
        // Usually the id: a short first field.
        for (i, &c) in rec.iter().enumerate() {
            match c {
                b',' => return &rec[..i],
                b'"' => break,
                _ => {}
            }
        }
        if memchr(b'"', rec).is_none() {
            return rec;
        }
    }
    if memchr(b'"', rec).is_none() {
        let mut start = 0;
        let mut it = memchr_iter(b',', rec);
        for _ in 0..k {
            match it.next() {
                Some(i) => start = i + 1,
                None => return &[],
            }
        }
        let end = it.next().unwrap_or(rec.len());
        return &rec[start..end];
    }
    scratch.split(rec);
    scratch.get(rec, k)
}

/// Appends `s` as a CSV field (quoted when needed).
pub(crate) fn write_field(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in s {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn records_and_fields() {
        let data = b"a,b\n1,\"x,\"\"y\"\"\nz\"\r\n2,3";
        let mut r = RecordReader::new(&data[..]);
        let mut f = Fields::default();
        let (rec, line) = r.peek().unwrap().unwrap();
        assert_eq!((rec, line), (&b"a,b"[..], 1));
        r.advance();
        let (rec, line) = r.peek().unwrap().unwrap();
        assert_eq!(line, 2);
        let rec = rec.to_vec();
        assert!(f.split(&rec));
        assert_eq!(f.get(&rec, 1), b"x,\"y\"\nz");
        r.advance();
        let (rec, line) = r.peek().unwrap().unwrap();
        assert_eq!((rec, line), (&b"2,3"[..], 4));
        r.advance();
        assert!(r.peek().unwrap().is_none());
        assert!(!f.split(b"1,\"open"));
        let mut s = Fields::default();
        assert_eq!(nth_field(b"a,b,c", 2, &mut s), b"c");
        // Long records through the eight-byte path, commas at every offset.
        for len in 0..40 {
            let rec: Vec<u8> = (0..len)
                .map(|i| {
                    if i % 3 == 1 {
                        b','
                    } else {
                        b'a' + (i % 26) as u8
                    }
                })
                .collect();
            assert!(f.split(&rec));
            let want: Vec<&[u8]> = rec.split(|&c| c == b',').collect();
            let got: Vec<&[u8]> = (0..f.len()).map(|i| f.get(&rec, i)).collect();
            assert_eq!(got, want);
        }
        let q = b"aaaaaaaaaaaaaaa,\"x,y\",b";
        assert!(f.split(q));
        assert_eq!(f.get(q, 1), b"x,y");
    }
}
