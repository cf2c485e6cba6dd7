//! The domain's parsers of outside input never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sterk_domain::values::*;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = Money::parse(&s);
    let _ = KboNumber::parse(&s);
    let _ = Postcode::parse(&s);
    let _ = Refnis::parse(&s);
    let _ = parse_date(&s);
    let _ = BirthDate::parse(&s, time::macros::date!(2026 - 01 - 01));
    let _ = Name::parse(&s);
    let _ = parse_email(&s);
    let _ = parse_phone(&s);
    let _ = parse_text(&s, 100, true);
});
