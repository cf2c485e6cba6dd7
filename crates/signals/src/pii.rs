//! The personal-data check: before a signal is saved, its free text is searched for names of
//! the organisation's clients, Belgian national numbers (rijksregisternummer, with its
//! checksum), phone numbers, e-mail addresses and street addresses.
//!
//! [`scan`] returns every [`Finding`] with its byte positions in the text (always on
//! character boundaries), sorted and without overlaps, so the form can point at what to
//! remove. A finding of a national number or an e-mail address must be removed; the others
//! can be false alarms (a client called "Roos", "de weg 3 keer"), so the worker may confirm
//! them once ([`fingerprint`] ties that confirmation to exactly these findings).

use std::collections::HashSet;

/// What kind of personal data a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    /// A word of the name of one of the organisation's clients.
    ClientName,
    /// A Belgian national number (11 digits with a valid checksum).
    NationalNumber,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A street and house number.
    Address,
}

impl PiiKind {
    /// Stable code (`pii-<code>` in the Fluent files).
    pub fn code(self) -> &'static str {
        match self {
            PiiKind::ClientName => "client_name",
            PiiKind::NationalNumber => "national_number",
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::Address => "address",
        }
    }

    /// Whether the worker may confirm that this is not personal data. A valid national
    /// number or an e-mail address is never a false alarm: it must be removed.
    pub fn can_confirm(self) -> bool {
        !matches!(self, PiiKind::NationalNumber | PiiKind::Email)
    }
}

/// One suspicious piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like.
    pub kind: PiiKind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just after the last character.
    pub end: usize,
}

/// Words of the names of an organisation's clients, lower-cased. Titles ("mevrouw",
/// "famille") and words shorter than three letters are left out: they are not names.
#[derive(Debug, Clone, Default)]
pub struct NameList {
    words: HashSet<String>,
}

const TITLES: [&str; 24] = [
    "mevrouw",
    "meneer",
    "mijnheer",
    "familie",
    "mevr",
    "dhr",
    "heer",
    "vrouw",
    "madame",
    "monsieur",
    "famille",
    "mme",
    "mlle",
    "mademoiselle",
    "mrs",
    "miss",
    "family",
    "van",
    "der",
    "den",
    "het",
    "les",
    "des",
    "del",
];

impl NameList {
    /// Builds the list from full names as recorded (`"Amina B."`, `"Mevrouw X."`).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameList {
        let mut words = HashSet::new();
        for name in names {
            for (_, w) in words_of(name) {
                let lw = w.to_lowercase();
                if lw.chars().count() >= 3
                    && lw.chars().all(char::is_alphabetic)
                    && !TITLES.contains(&lw.as_str())
                {
                    words.insert(lw);
                }
            }
        }
        NameList { words }
    }

    /// Whether `word` (any case) is a word of a client's name.
    pub fn contains(&self, word: &str) -> bool {
        !self.words.is_empty() && self.words.contains(&word.to_lowercase())
    }

    /// How many name words the list holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Words of `text` (runs of letters and digits, with inner `-` and `'`), with byte offsets.
fn words_of(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let inner = (c == '-' || c == '\'' || c == '’')
            && start.is_some()
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// Searches `text` for personal data; findings are sorted by position and do not overlap.
pub fn scan(text: &str, names: &NameList) -> Vec<Finding> {
    let mut found = Vec::new();
    emails(text, &mut found);
    numbers(text, &mut found);
    addresses(text, &mut found);
    for (start, w) in words_of(text) {
        if names.contains(w) {
            found.push(Finding {
                kind: PiiKind::ClientName,
                start,
                end: start + w.len(),
            });
        }
    }
    // Sort; on overlap keep the earlier (then longer) finding.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        if out.last().is_none_or(|l| f.start >= l.end) {
            out.push(f);
        }
    }
    out
}

fn emails(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && local(bytes[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < bytes.len() && domain(bytes[e]) {
            e += 1;
        }
        while e > at + 1 && bytes[e - 1] == b'.' {
            e -= 1;
        }
        let host = &text[at + 1..e];
        let tld_ok = host
            .rsplit_once('.')
            .is_some_and(|(h, tld)| !h.is_empty() && tld.len() >= 2);
        if s < at && tld_ok {
            out.push(Finding {
                kind: PiiKind::Email,
                start: s,
                end: e,
            });
        }
    }
}

/// Whether 11 digits are a valid Belgian national number (checksum 97 − n mod 97 over the
/// first nine digits, with a 2 in front for people born from 2000).
pub fn is_national_number(digits: &[u8]) -> bool {
    if digits.len() != 11 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |d: &[u8]| d.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    let base = num(&digits[..9]);
    let check = num(&digits[9..]);
    97 - base % 97 == check || 97 - (2_000_000_000 + base) % 97 == check
}

fn classify(digits: &[u8], plus: bool) -> Option<PiiKind> {
    if !plus && is_national_number(digits) {
        return Some(PiiKind::NationalNumber);
    }
    let n = digits.len();
    let phone = if plus {
        (9..=13).contains(&n)
    } else if digits.starts_with(b"0032") {
        (12..=13).contains(&n)
    } else if digits.starts_with(b"00") {
        (11..=15).contains(&n)
    } else {
        digits.first() == Some(&b'0') && (9..=10).contains(&n)
    };
    phone.then_some(PiiKind::Phone)
}

/// Runs of digits with single separators (space, `.`, `-`, `/`) between them, an optional
/// `+` in front; classified as a national number or a phone number, as a whole or per
/// space-separated chunk.
fn numbers(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let sep = |b: u8| b" .-/".contains(&b);
    let mut i = 0;
    while i < bytes.len() {
        let plus = bytes[i] == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        let starts_digit = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit());
        if !(plus || starts_digit) || (i > 0 && bytes[i - 1].is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if plus { i + 1 } else { i };
        let mut end = j;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                j += 1;
                end = j;
            } else if sep(bytes[j]) && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
                j += 1;
            } else {
                break;
            }
        }
        // A number glued to letters ("A123") is a code, not a phone number.
        let glued = bytes.get(end).is_some_and(u8::is_ascii_alphabetic);
        if !glued {
            let run = &text[start..end];
            let digits: Vec<u8> = run.bytes().filter(u8::is_ascii_digit).collect();
            if let Some(kind) = classify(&digits, plus) {
                out.push(Finding { kind, start, end });
            } else {
                // Try each space-separated chunk on its own ("op 12 0470123456").
                let mut off = start;
                for chunk in run.split(' ') {
                    let cplus = chunk.starts_with('+');
                    let d: Vec<u8> = chunk.bytes().filter(u8::is_ascii_digit).collect();
                    if let Some(kind) = classify(&d, cplus) {
                        out.push(Finding {
                            kind,
                            start: off,
                            end: off + chunk.len(),
                        });
                    }
                    off += chunk.len() + 1;
                }
            }
        }
        i = end.max(i + 1);
    }
}

const NL_STREET_SUFFIXES: [&str; 16] = [
    "straat", "laan", "steenweg", "plein", "lei", "dreef", "weg", "kaai", "singel", "baan",
    "markt", "dijk", "vest", "gracht", "plaats", "hof",
];
const FR_STREET_WORDS: [&str; 14] = [
    "rue",
    "avenue",
    "av",
    "chaussée",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "quai",
    "impasse",
    "square",
    "allée",
    "drève",
    "clos",
];

fn is_house_number(w: &str) -> bool {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &w[digits..];
    (1..=4).contains(&digits)
        && (rest.is_empty() || (rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_alphabetic())))
}

fn is_nl_street(w: &str) -> bool {
    let lw = w.to_lowercase();
    NL_STREET_SUFFIXES
        .iter()
        .any(|s| lw.ends_with(s) && lw.chars().count() > s.chars().count() + 1)
}

fn is_fr_street(w: &str) -> bool {
    FR_STREET_WORDS.contains(&w.to_lowercase().as_str())
}

/// "Kerkstraat 12", "Brusselsesteenweg 45a", "rue de la Loi 16", "16, rue de la Loi".
fn addresses(text: &str, out: &mut Vec<Finding>) {
    let words = words_of(text);
    let only_space_or_comma = |a: usize, b: usize| {
        text.get(a..b)
            .is_some_and(|s| s.chars().all(|c| c.is_whitespace() || c == ','))
    };
    for (k, &(start, w)) in words.iter().enumerate() {
        let end_of = |idx: usize| words[idx].0 + words[idx].1.len();
        if is_nl_street(w)
            && let Some(&(ns, nw)) = words.get(k + 1)
            && is_house_number(nw)
            && only_space_or_comma(start + w.len(), ns)
        {
            out.push(Finding {
                kind: PiiKind::Address,
                start,
                end: end_of(k + 1),
            });
            continue;
        }
        if is_fr_street(w) {
            // Up to six words of the street's name, then the number.
            let mut m = k + 1;
            while m < words.len() && m <= k + 7 {
                if is_house_number(words[m].1) {
                    if m > k + 1 && only_space_or_comma(end_of(m - 1), words[m].0) {
                        out.push(Finding {
                            kind: PiiKind::Address,
                            start,
                            end: end_of(m),
                        });
                    }
                    break;
                }
                if words[m].1.bytes().any(|b| b.is_ascii_digit()) {
                    break;
                }
                m += 1;
            }
            // The number in front: "16, rue de la Loi".
            if k > 0
                && is_house_number(words[k - 1].1)
                && only_space_or_comma(end_of(k - 1), start)
                && words.get(k + 1).is_some()
            {
                out.push(Finding {
                    kind: PiiKind::Address,
                    start: words[k - 1].0,
                    end: end_of(k + 1),
                });
            }
        }
    }
}

/// A short fingerprint of the findings in `text` (their kinds and the text they cover), so
/// a confirmation of "this is not personal data" holds for exactly these findings and no
/// others.
pub fn fingerprint(text: &str, findings: &[Finding]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in findings {
        eat(f.kind.code().as_bytes());
        eat(b"\0");
        eat(text
            .get(f.start..f.end)
            .unwrap_or("")
            .to_lowercase()
            .as_bytes());
        eat(b"\0");
    }
    format!("{h:016x}")
}

/// Whether the findings may be saved after the worker's confirmation `confirmed` (the
/// fingerprint they confirmed): there are none, or all can be confirmed and the
/// confirmation names exactly these.
pub fn cleared(text: &str, findings: &[Finding], confirmed: &str) -> bool {
    findings.is_empty()
        || (findings.iter().all(|f| f.kind.can_confirm())
            && fingerprint(text, findings) == confirmed.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str, names: &NameList) -> Vec<(PiiKind, String)> {
        scan(text, names)
            .into_iter()
            .map(|f| (f.kind, text[f.start..f.end].to_owned()))
            .collect()
    }

    #[test]
    fn national_numbers_need_a_valid_checksum() {
        // 85.07.30-033.28: born 1985, 97 - (850730033 mod 97) = 28.
        assert!(is_national_number(b"85073003328"));
        assert!(!is_national_number(b"85073003329"));
        // Born in 2000 or later: a 2 in front of the nine digits.
        let base = 10_203_004u64; // 01.02.03-004
        let check = 97 - (2_000_000_000 + base) % 97;
        let s = format!("{base:09}{check:02}");
        assert!(is_national_number(s.as_bytes()));
        let none = NameList::default();
        assert_eq!(
            kinds("rijksregister 85.07.30-033.28 gekend", &none),
            vec![(PiiKind::NationalNumber, "85.07.30-033.28".to_owned())]
        );
        assert_eq!(
            kinds("nummer 85073003328.", &none),
            vec![(PiiKind::NationalNumber, "85073003328".to_owned())]
        );
        // A wrong checksum is not a national number (and not a phone number).
        assert!(kinds("code 85073003329", &none).is_empty());
    }

    #[test]
    fn phone_numbers_in_belgian_and_international_forms() {
        let none = NameList::default();
        for (text, hit) in [
            ("bel 0470 12 34 56 morgen", "0470 12 34 56"),
            ("tel. 09/123.45.67", "09/123.45.67"),
            ("+32 470 12 34 56", "+32 470 12 34 56"),
            ("op 0032470123456", "0032470123456"),
            ("op 12 0470123456", "0470123456"),
        ] {
            assert_eq!(
                kinds(text, &none),
                vec![(PiiKind::Phone, hit.to_owned())],
                "{text}"
            );
        }
        // Years, counts and amounts are not phone numbers.
        for text in [
            "sinds 2020 al 35 gezinnen",
            "14 mensen, 1.250 euro per maand",
            "dossier A1234567890",
            "in 2019-2020",
        ] {
            assert!(kinds(text, &none).is_empty(), "{text}");
        }
    }

    #[test]
    fn e_mail_addresses() {
        let none = NameList::default();
        assert_eq!(
            kinds("mail naar jan.peeters@example.be.", &none),
            vec![(PiiKind::Email, "jan.peeters@example.be".to_owned())]
        );
        assert!(kinds("wij @ het OCMW", &none).is_empty());
    }

    #[test]
    fn street_addresses_in_dutch_and_french() {
        let none = NameList::default();
        for (text, hit) in [
            ("woont in de Kerkstraat 12 te Gent", "Kerkstraat 12"),
            ("Brusselsesteenweg 45a", "Brusselsesteenweg 45a"),
            ("habite rue de la Loi 16, Bruxelles", "rue de la Loi 16"),
            ("au 16, rue Haute", "16, rue Haute"),
        ] {
            assert_eq!(
                kinds(text, &none),
                vec![(PiiKind::Address, hit.to_owned())],
                "{text}"
            );
        }
        for text in [
            "de weg naar het OCMW is lang",
            "de huurprijzen in de straat 3 keer hoger",
            "la rue est longue",
        ] {
            assert!(kinds(text, &none).is_empty(), "{text}");
        }
    }

    #[test]
    fn names_of_the_organisations_clients() {
        let names = NameList::new(["Amina B.", "Mevrouw X.", "Familie Kaya", "Dirk V."]);
        assert_eq!(
            names.len(),
            3,
            "amina, kaya, dirk; titles and initials left out"
        );
        assert_eq!(
            kinds(
                "Amina kreeg geen antwoord, net als de familie KAYA.",
                &names
            ),
            vec![
                (PiiKind::ClientName, "Amina".to_owned()),
                (PiiKind::ClientName, "KAYA".to_owned())
            ]
        );
        assert!(kinds("Mevrouw en de familie wachten", &names).is_empty());
    }

    #[test]
    fn a_confirmation_holds_for_exactly_these_findings() {
        let names = NameList::new(["Roos V."]);
        let text = "De roos van de huurpremie";
        let found = scan(text, &names);
        assert_eq!(found.len(), 1);
        let fp = fingerprint(text, &found);
        assert!(cleared(text, &found, &fp));
        assert!(!cleared(text, &found, ""));
        let other = "De roos en de Kerkstraat 5";
        let found2 = scan(other, &names);
        assert!(
            !cleared(other, &found2, &fp),
            "a new finding needs a new look"
        );
        let nn = "85073003328";
        let f3 = scan(nn, &names);
        assert!(!cleared(nn, &f3, &fingerprint(nn, &f3)), "must be removed");
        assert!(cleared("niets", &[], ""));
    }

    proptest! {
        #[test]
        fn scanning_never_panics_and_findings_are_sound(text in "\\PC{0,200}") {
            let names = NameList::new(["Amina B.", "Élodie Ç."]);
            let found = scan(&text, &names);
            let mut last = 0;
            for f in &found {
                prop_assert!(f.start < f.end && f.end <= text.len());
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                prop_assert!(f.start >= last);
                last = f.end;
            }
            let _ = fingerprint(&text, &found);
        }

        #[test]
        fn numbers_and_separators_never_panic(text in "[0-9 +./@a-z-]{0,80}") {
            let found = scan(&text, &NameList::default());
            for f in &found {
                prop_assert!(text.get(f.start..f.end).is_some());
            }
        }

        #[test]
        fn every_valid_national_number_is_found(base in 0u64..1_000_000_000, sep in prop::bool::ANY) {
            let check = 97 - base % 97;
            let d = format!("{base:09}{check:02}");
            let text = if sep {
                format!("nr {}.{}.{}-{}.{} ok", &d[0..2], &d[2..4], &d[4..6], &d[6..9], &d[9..11])
            } else {
                format!("nr {d} ok")
            };
            let found = scan(&text, &NameList::default());
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].kind, PiiKind::NationalNumber);
        }
    }
}
