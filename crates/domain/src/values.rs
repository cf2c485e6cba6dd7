//! Parsed values: each type can only hold a valid value.
//!
//! Every `parse` takes untrusted text, never panics, and returns a stable error code that
//! names what is wrong (see [`crate::error`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

/// An amount of money in euro cents. Money is never a float.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// Parses an amount as people type it: `1234`, `1234.5`, `1.234,56`, `€ 12,30`, `-5`.
    /// A comma or a point followed by one or two digits at the end is the decimal separator;
    /// other points, commas, spaces and the euro sign are grouping and are ignored.
    pub fn parse(input: &str) -> Result<Money, &'static str> {
        let s: String = input
            .trim()
            .trim_start_matches('€')
            .trim_end_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        if s.is_empty() {
            return Err("required");
        }
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        // Find a decimal separator: the last '.' or ',' followed by 1 or 2 digits only.
        let mut euros_part = s;
        let mut cents: i64 = 0;
        if let Some(pos) = s.rfind(['.', ',']) {
            let tail = &s[pos + 1..];
            if !tail.is_empty() && tail.len() <= 2 && tail.bytes().all(|b| b.is_ascii_digit()) {
                euros_part = &s[..pos];
                let digits: i64 = tail.parse().map_err(|_| "money_invalid")?;
                cents = if tail.len() == 1 { digits * 10 } else { digits };
            }
        }
        let digits: String = euros_part
            .chars()
            .filter(|c| *c != '.' && *c != ',')
            .collect();
        if digits.is_empty() && cents == 0 && euros_part.is_empty() {
            return Err("money_invalid");
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("money_invalid");
        }
        let euros: i64 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| "money_too_large")?
        };
        let total = euros
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or("money_too_large")?;
        Ok(Money(if negative { -total } else { total }))
    }

    /// The amount in cents.
    pub fn cents(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    /// Belgian notation: `€ 1.234,56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = abs / 100;
        let cents = abs % 100;
        let raw = euros.to_string();
        let mut grouped = String::new();
        for (i, ch) in raw.chars().enumerate() {
            if i > 0 && (raw.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}€ {grouped},{cents:02}")
    }
}

/// A KBO/BCE enterprise number: ten digits, starting with 0 or 1, whose last two digits are
/// 97 minus the first eight modulo 97.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KboNumber(u64);

impl KboNumber {
    /// Parses `0123.456.749`, `0123 456 749`, `BE0123456749` or `123456749` (nine digits:
    /// the old notation without the leading zero).
    pub fn parse(input: &str) -> Result<KboNumber, &'static str> {
        let trimmed = input.trim();
        let trimmed = trimmed
            .strip_prefix("BE")
            .or_else(|| trimmed.strip_prefix("be"))
            .unwrap_or(trimmed);
        let mut digits = String::with_capacity(10);
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | ' ' | '-' | '\u{a0}' => {}
                _ => return Err("kbo_invalid"),
            }
        }
        if digits.is_empty() {
            return Err("required");
        }
        if digits.len() == 9 {
            digits.insert(0, '0');
        }
        if digits.len() != 10 {
            return Err("kbo_length");
        }
        if !digits.starts_with('0') && !digits.starts_with('1') {
            return Err("kbo_invalid");
        }
        let n: u64 = digits.parse().map_err(|_| "kbo_invalid")?;
        let body = n / 100;
        let check = n % 100;
        if 97 - (body % 97) != check {
            return Err("kbo_checksum");
        }
        Ok(KboNumber(n))
    }

    /// The ten digits without separators, as stored.
    pub fn digits(&self) -> String {
        format!("{:010}", self.0)
    }
}

impl fmt::Display for KboNumber {
    /// The official notation `0123.456.749`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{}.{}.{}", &d[0..4], &d[4..7], &d[7..10])
    }
}

impl TryFrom<String> for KboNumber {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        KboNumber::parse(&value)
    }
}

impl From<KboNumber> for String {
    fn from(value: KboNumber) -> Self {
        value.digits()
    }
}

/// A Belgian postal code (1000–9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(u16);

impl Postcode {
    /// Parses four digits from 1000 to 9999, optionally prefixed `B-` or `BE-`.
    pub fn parse(input: &str) -> Result<Postcode, &'static str> {
        let s = input.trim();
        let s = s
            .strip_prefix("BE-")
            .or_else(|| s.strip_prefix("B-"))
            .unwrap_or(s);
        if s.is_empty() {
            return Err("required");
        }
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("postcode_invalid");
        }
        let n: u16 = s.parse().map_err(|_| "postcode_invalid")?;
        if n < 1000 {
            return Err("postcode_invalid");
        }
        Ok(Postcode(n))
    }
    /// The code as a number.
    pub fn value(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl TryFrom<String> for Postcode {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Postcode::parse(&value)
    }
}
impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.to_string()
    }
}

/// A REFNIS (NIS) code of Statbel: five digits; municipalities have a non-zero last three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Refnis(u32);

impl Refnis {
    /// Parses five digits (10000–99999).
    pub fn parse(input: &str) -> Result<Refnis, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("required");
        }
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("refnis_invalid");
        }
        let n: u32 = s.parse().map_err(|_| "refnis_invalid")?;
        if n < 1000 {
            return Err("refnis_invalid");
        }
        Ok(Refnis(n))
    }
    /// The code as a number.
    pub fn value(self) -> u32 {
        self.0
    }
}
impl fmt::Display for Refnis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}
impl TryFrom<String> for Refnis {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Refnis::parse(&value)
    }
}
impl From<Refnis> for String {
    fn from(value: Refnis) -> Self {
        value.to_string()
    }
}

/// Parses an ISO date `YYYY-MM-DD`, or the Belgian `DD/MM/YYYY` and `DD-MM-YYYY`.
pub fn parse_date(input: &str) -> Result<Date, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("required");
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("date_invalid");
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return Err("date_invalid");
    };
    let year: i32 = y.parse().map_err(|_| "date_invalid")?;
    let month: u8 = m.parse().map_err(|_| "date_invalid")?;
    let day: u8 = d.parse().map_err(|_| "date_invalid")?;
    if !(1850..=2200).contains(&year) {
        return Err("date_out_of_range");
    }
    let month = Month::try_from(month).map_err(|_| "date_invalid")?;
    Date::from_calendar_date(year, month, day).map_err(|_| "date_invalid")
}

/// A birth date, or only the birth year when that is all a person wants to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum BirthDate {
    /// Only the year is known.
    Year(i32),
    /// The full date is known.
    Date(Date),
}

impl BirthDate {
    /// Parses a year (`1948`) or a date; a birth date may not lie after `today`.
    pub fn parse(input: &str, today: Date) -> Result<BirthDate, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("required");
        }
        let parsed = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = s.parse().map_err(|_| "birth_invalid")?;
            if !(1880..=2200).contains(&y) {
                return Err("birth_invalid");
            }
            BirthDate::Year(y)
        } else {
            BirthDate::Date(parse_date(s).map_err(|_| "birth_invalid")?)
        };
        let too_late = match parsed {
            BirthDate::Year(y) => y > today.year(),
            BirthDate::Date(d) => d > today,
        };
        if too_late {
            return Err("birth_in_future");
        }
        Ok(parsed)
    }

    /// Age in whole years on `at`; with only a year, the age reached at the end of that year
    /// minus one is not knowable, so the lower bound is returned.
    pub fn age_on(&self, at: Date) -> i32 {
        match *self {
            BirthDate::Year(y) => at.year() - y - 1,
            BirthDate::Date(d) => {
                let mut age = at.year() - d.year();
                if (at.month() as u8, at.day()) < (d.month() as u8, d.day()) {
                    age -= 1;
                }
                age
            }
        }
    }

    /// Stored form: `1948` or `1948-03-07`.
    pub fn to_storage(&self) -> String {
        match self {
            BirthDate::Year(y) => format!("{y:04}"),
            BirthDate::Date(d) => format_date(*d),
        }
    }

    /// Reads the stored form back.
    pub fn from_storage(s: &str) -> Option<BirthDate> {
        if s.len() == 4 {
            s.parse().ok().map(BirthDate::Year)
        } else {
            parse_date(s).ok().map(BirthDate::Date)
        }
    }
}

/// Formats a date as ISO `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A name or pseudonym: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// Parses a name.
    pub fn parse(input: &str) -> Result<Name, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("required");
        }
        if s.chars().count() > 200 {
            return Err("too_long");
        }
        if s.chars().any(|c| c.is_control()) {
            return Err("invalid_characters");
        }
        Ok(Name(s.to_owned()))
    }
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Name {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Name::parse(&value)
    }
}
impl From<Name> for String {
    fn from(value: Name) -> Self {
        value.0
    }
}

/// Free text with a maximum length (notes, descriptions). Control characters other than
/// newlines and tabs are refused.
pub fn parse_text(input: &str, max_chars: usize, required: bool) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() && required {
        return Err("required");
    }
    if s.chars().count() > max_chars {
        return Err("too_long");
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("invalid_characters");
    }
    Ok(s.replace("\r\n", "\n"))
}

/// An e-mail address, checked loosely (one `@`, a dot in the domain, no spaces).
pub fn parse_email(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("required");
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("email_invalid");
    };
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || s.len() > 254
        || s.chars().any(char::is_whitespace)
    {
        return Err("email_invalid");
    }
    Ok(s.to_lowercase())
}

/// A phone number: digits with an optional leading `+`, spaces, dots, slashes and dashes
/// ignored; 8 to 15 digits.
pub fn parse_phone(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("required");
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        match c {
            '+' if i == 0 => out.push(c),
            '0'..='9' => out.push(c),
            ' ' | '.' | '/' | '-' | '(' | ')' => {}
            _ => return Err("phone_invalid"),
        }
    }
    let digits = out.trim_start_matches('+').len();
    if !(8..=15).contains(&digits) {
        return Err("phone_invalid");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn money_parses_belgian_and_plain_notation() {
        let check = |s: &str, cents: i64| assert_eq!(Money::parse(s), Ok(Money(cents)), "{s}");
        check("1234", 123_400);
        check("1234.5", 123_450);
        check("1.234,56", 123_456);
        check("€ 1 314,20", 131_420);
        check("-5", -500);
        check("0,07", 7);
        check("1,234,567", 123_456_700);
        assert_eq!(Money::parse(""), Err("required"));
        assert_eq!(Money::parse("abc"), Err("money_invalid"));
        assert_eq!(Money::parse("99999999999999999999"), Err("money_too_large"));
        assert_eq!(Money(131_420).to_string(), "€ 1.314,20");
        assert_eq!(Money(-5).to_string(), "-€ 0,05");
    }

    #[test]
    fn kbo_checks_its_digits() {
        // 0403.170.701 is a real enterprise number (check digits 97 - 4031707 mod 97 = 01).
        let body = 4_031_707u64;
        let check = 97 - body % 97;
        let number = format!("0{body}{check:02}");
        let kbo = KboNumber::parse(&number).unwrap();
        assert_eq!(kbo.digits(), number);
        assert!(KboNumber::parse(&format!("BE{number}")).is_ok());
        let wrong = format!("0{body}{:02}", (check + 1) % 100);
        assert_eq!(KboNumber::parse(&wrong), Err("kbo_checksum"));
        assert_eq!(KboNumber::parse("12345"), Err("kbo_length"));
        assert_eq!(KboNumber::parse("2000000000"), Err("kbo_invalid"));
        assert_eq!(KboNumber::parse("04x3170701"), Err("kbo_invalid"));
    }

    #[test]
    fn postcode_and_refnis_bounds() {
        assert!(Postcode::parse("1000").is_ok());
        assert!(Postcode::parse("B-9000").is_ok());
        assert_eq!(Postcode::parse("0999"), Err("postcode_invalid"));
        assert_eq!(Postcode::parse("10000"), Err("postcode_invalid"));
        assert_eq!(Refnis::parse("11002").unwrap().to_string(), "11002");
        assert_eq!(Refnis::parse("1100"), Err("refnis_invalid"));
    }

    #[test]
    fn dates_in_iso_and_belgian_notation() {
        assert_eq!(parse_date("2024-02-29"), Ok(date!(2024 - 02 - 29)));
        assert_eq!(parse_date("29/02/2024"), Ok(date!(2024 - 02 - 29)));
        assert_eq!(parse_date("2023-02-29"), Err("date_invalid"));
        assert_eq!(parse_date("1/1/1"), Err("date_invalid"));
        let today = date!(2026 - 11 - 23);
        assert_eq!(BirthDate::parse("1948", today), Ok(BirthDate::Year(1948)));
        assert_eq!(BirthDate::parse("2030", today), Err("birth_in_future"));
        assert_eq!(BirthDate::Date(date!(1946 - 11 - 24)).age_on(today), 79);
        assert_eq!(BirthDate::Date(date!(1946 - 11 - 23)).age_on(today), 80);
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,40}") {
            let _ = Money::parse(&s);
            let _ = KboNumber::parse(&s);
            let _ = Postcode::parse(&s);
            let _ = Refnis::parse(&s);
            let _ = parse_date(&s);
            let _ = BirthDate::parse(&s, time::macros::date!(2026 - 01 - 01));
            let _ = Name::parse(&s);
            let _ = parse_email(&s);
            let _ = parse_phone(&s);
        }

        #[test]
        fn valid_kbo_numbers_round_trip(body in 0u64..20_000_000) {
            let check = 97 - body % 97;
            let n = body * 100 + check;
            let text = format!("{n:010}");
            let kbo = KboNumber::parse(&text).unwrap();
            prop_assert_eq!(KboNumber::parse(&kbo.to_string()).unwrap(), kbo);
        }

        #[test]
        fn money_display_round_trips(cents in -10_000_000_000i64..10_000_000_000) {
            let shown = Money(cents).to_string();
            prop_assert_eq!(Money::parse(&shown.replace("-€", "-")).unwrap(), Money(cents));
        }

        #[test]
        fn iso_dates_round_trip(days in 0i32..100_000) {
            let d = time::macros::date!(1900 - 01 - 01) + time::Duration::days(days.into());
            prop_assert_eq!(parse_date(&format_date(d)).unwrap(), d);
        }
    }
}
