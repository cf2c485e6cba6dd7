//! Screening without the `sterk` binary (for profiling the library):
//! `cargo run --release -p sterk-batch --example screen -- HOUSEHOLDS PERSONS OUT|- [THREADS] [parse-only]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (m, _) = sterk_rules::Model::builtin();
    let m = m.unwrap();
    let out = (a[3] != "-").then(|| a[3].clone().into());
    let mut o = sterk_batch::ScreenOptions::new(
        a[1].clone().into(),
        Some(a[2].clone().into()),
        out,
        time::macros::date!(2025 - 03 - 01),
    );
    o.threads = a.get(4).map_or(0, |t| t.parse().unwrap());
    o.parse_only = a.get(5).is_some_and(|s| s == "parse-only");
    let t = std::time::Instant::now();
    let s = sterk_batch::screen(&m, &o, &mut |e| eprintln!("{e}"), &mut |_| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "{} households, {} errors, {secs:.3} s, {:.0}/s",
        s.households_read,
        s.errors,
        s.households_read as f64 / secs
    );
}
