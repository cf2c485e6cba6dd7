//! A synthetic Flemish population in the screening format, for benchmarks
//! and demos. Deterministic for a given seed (own SplitMix64 generator, so
//! the output does not change with a dependency's version).
//!
//! The distributions are **rough assumptions**, chosen to be plausible for
//! Flanders, not fitted to data. They are informed by the orders of
//! magnitude published by Statbel (household types: about a third of
//! households are one person, average size about 2.3; fiscal income
//! statistics), the Vlaamse Woonsurvey (about 70% owners, about a fifth
//! private tenants, about 6-7% social tenants) and the take-up figures in
//! the issue (a large share of entitled households not receiving a right).
//! Do not use the output for statistics about the real population.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use time::Date;

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn p(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// Uniform integer in [lo, hi].
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    /// Log-normal with the given median and log-sd.
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }
}

/// The households.csv columns written (all household-level model inputs).
pub const HOUSEHOLD_COLUMNS: [&str; 33] = [
    "household_id",
    "region",
    "receives_leefloon",
    "receives_igo",
    "receives_disability_allowance",
    "annual_taxable_income",
    "monthly_net_income",
    "housing",
    "owns_dwelling",
    "receives_vt",
    "leefloon_months",
    "unemployed_or_unfit_3_months",
    "receives_zorgbudget",
    "monthly_pension",
    "legal_residence",
    "residence_status",
    "lives_with_parents",
    "monthly_rent",
    "on_waiting_list",
    "waiting_list_since",
    "rents_from_relative",
    "disability_recognised",
    "collective_gas_heating",
    "cadastral_income",
    "annual_net_income",
    "annual_health_copayments",
    "move_reason",
    "move_date",
    "debt_mediation",
    "heats_with_fuel_oil",
    "receives_social_tariff",
    "receives_rent_support",
    "receives_school_or_study_allowance",
];

/// Counts written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SynthSummary {
    /// Households written.
    pub households: u64,
    /// Persons written.
    pub persons: u64,
}

fn b(x: bool) -> &'static str {
    if x { "true" } else { "false" }
}

fn date_str(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Writes `dir/households.csv` and `dir/persons.csv` with `n` households,
/// sorted by household id, for reference date `date`. `missing` is the share
/// of household cells left empty (unknown), e.g. 0.02.
pub fn generate(
    dir: &Path,
    n: u64,
    seed: u64,
    date: Date,
    missing: f64,
) -> std::io::Result<SynthSummary> {
    std::fs::create_dir_all(dir)?;
    let mut hw = BufWriter::with_capacity(1 << 20, File::create(dir.join("households.csv"))?);
    let mut pw = BufWriter::with_capacity(1 << 20, File::create(dir.join("persons.csv"))?);
    hw.write_all(HOUSEHOLD_COLUMNS.join(",").as_bytes())?;
    hw.write_all(b"\n")?;
    pw.write_all(b"household_id,role,age,education\n")?;
    let mut rng = Rng(seed ^ 0x5EED_0000_0000_0001);
    let mut sum = SynthSummary::default();
    let mut line = String::with_capacity(512);
    let mut pline = String::with_capacity(256);
    let today_jd = i64::from(date.to_julian_day());
    let jd_str = |jd: i64| {
        Date::from_julian_day(jd as i32)
            .map(date_str)
            .unwrap_or_default()
    };
    for id in 1..=n {
        use std::fmt::Write as _;
        line.clear();
        pline.clear();
        // Composition (rough shares): one person 33%, couple without
        // children 27%, couple with children 26%, single parent 9%, other 5%.
        let u = rng.f();
        let (partner, kids, others, app_age) = if u < 0.33 {
            (
                false,
                0,
                0,
                if rng.p(0.35) {
                    rng.range(65, 95)
                } else {
                    rng.range(18, 64)
                },
            )
        } else if u < 0.60 {
            (
                true,
                0,
                0,
                if rng.p(0.45) {
                    rng.range(65, 92)
                } else {
                    rng.range(22, 64)
                },
            )
        } else if u < 0.86 {
            let k = [1, 1, 2, 2, 2, 3, 3, 4][rng.range(0, 7) as usize];
            (true, k, 0, rng.range(24, 58))
        } else if u < 0.95 {
            (false, rng.range(1, 3), 0, rng.range(20, 58))
        } else {
            (false, rng.range(0, 1), rng.range(1, 2), rng.range(18, 80))
        };
        let region = if rng.p(0.88) { "flanders" } else { "brussels" };
        // Persons.
        let mut school_kids = 0;
        let edu_adult = |rng: &mut Rng, age: i64| {
            if age <= 25 && rng.p(0.4) {
                "higher"
            } else {
                "none"
            }
        };
        let e = edu_adult(&mut rng, app_age);
        let _ = writeln!(pline, "{id},applicant,{app_age},{e}");
        if partner {
            let a = (app_age + rng.range(-6, 6)).clamp(18, 99);
            let e = edu_adult(&mut rng, a);
            let _ = writeln!(pline, "{id},partner,{a},{e}");
        }
        for _ in 0..kids {
            let a = rng.range(0, (app_age - 18).clamp(0, 24));
            let e = match a {
                0..=2 => "none",
                3..=17 => {
                    school_kids += 1;
                    "school"
                }
                _ => {
                    if rng.p(0.5) {
                        "higher"
                    } else {
                        "none"
                    }
                }
            };
            let _ = writeln!(pline, "{id},child,{a},{e}");
        }
        for _ in 0..others {
            let a = rng.range(18, 85);
            let e = edu_adult(&mut rng, a);
            let _ = writeln!(pline, "{id},other,{a},{e}");
        }
        let adults = 1 + i64::from(partner) + others;
        sum.persons += (adults + kids) as u64;
        // Incomes (yearly gross taxable, cents). Adults under 65 work with
        // p = 0.7 (median about €36,000 gross a year), else a replacement
        // income with p = 0.6; over 65 a pension (median about €1,700/month).
        let mut taxable = 0i64;
        let mut pension_m = 0i64;
        let mut non_workers_under_65 = 0;
        for k in 0..adults {
            let age = if k == 0 {
                app_age
            } else {
                rng.range(18, 85).min(app_age + 8)
            };
            if age >= 65 {
                let p = rng.lognormal(170_000.0, 0.35) as i64;
                pension_m += p;
                taxable += p * 12;
            } else if rng.p(0.7) {
                taxable += rng.lognormal(3_600_000.0, 0.45) as i64;
            } else {
                non_workers_under_65 += 1;
                if rng.p(0.6) {
                    taxable += rng.lognormal(1_500_000.0, 0.25) as i64;
                }
            }
        }
        let very_low = taxable < 1_400_000;
        let receives_leefloon = very_low && app_age < 65 && rng.p(0.5);
        if receives_leefloon {
            taxable = taxable.max(rng.range(1_100_000, 1_600_000));
        }
        let receives_igo = app_age >= 65 && pension_m < 140_000 && rng.p(0.6);
        let disability = rng.p(0.06);
        let dis_allowance = disability && rng.p(0.5);
        let net_month = taxable * 68 / 100 / 12;
        let annual_net = taxable * 75 / 100;
        let low = taxable < 2_600_000 + 480_000 * (adults + kids - 1);
        let receives_vt = receives_leefloon || receives_igo || dis_allowance || (low && rng.p(0.6));
        // Tenure: owners about 70%, private tenants 22%, social tenants 6%,
        // other 2%; low incomes rent more often.
        let t = rng.f() + if low { 0.35 } else { 0.0 };
        let housing = if t < 0.70 {
            "owner"
        } else if t < 0.92 {
            "private_tenant"
        } else if t < 0.98 || low {
            "social_tenant"
        } else {
            "other"
        };
        let owner = housing == "owner";
        let rent = match housing {
            "private_tenant" => rng.lognormal(82_000.0, 0.22) as i64,
            "social_tenant" => rng.range(25_000, 55_000),
            _ => -1,
        };
        let waiting = housing == "private_tenant" && low && rng.p(0.35);
        let since = today_jd - rng.range(30, 8 * 365);
        let move_reason = if rng.p(0.95) {
            "none"
        } else {
            ["unfit_dwelling", "svk_dwelling", "after_homelessness"][rng.range(0, 2) as usize]
        };
        // Yearly co-payments (remgelden): skewed, most households well under
        // the maximum bill, a tail far above it.
        let copayments = (rng.lognormal(12_000.0, 1.0) * (adults + kids) as f64) as i64;
        let status = if rng.p(0.88) {
            "belgian"
        } else if rng.p(0.6) {
            "eu"
        } else {
            ["refugee", "population_register", "other", "stateless"][rng.range(0, 3) as usize]
        };
        let vals: [String; 32] = [
            region.into(),
            b(receives_leefloon).into(),
            b(receives_igo).into(),
            b(dis_allowance).into(),
            taxable.to_string(),
            net_month.to_string(),
            housing.into(),
            b(owner || rng.p(0.03)).into(),
            b(receives_vt).into(),
            if receives_leefloon {
                rng.range(1, 60).to_string()
            } else {
                "0".into()
            },
            b(non_workers_under_65 > 0 && rng.p(0.6)).into(),
            b(app_age >= 65 && rng.p(0.05)).into(),
            pension_m.to_string(),
            b(rng.p(0.99)).into(),
            status.into(),
            b(!partner && kids == 0 && app_age < 26 && rng.p(0.4)).into(),
            if rent >= 0 {
                rent.to_string()
            } else {
                String::new()
            },
            b(waiting).into(),
            if waiting {
                jd_str(since)
            } else {
                String::new()
            },
            b(!owner && rng.p(0.03)).into(),
            b(disability).into(),
            b(!owner && rng.p(0.1)).into(),
            if owner || rng.p(0.03) {
                rng.range(60_000, 160_000).to_string()
            } else {
                "0".into()
            },
            annual_net.to_string(),
            copayments.to_string(),
            move_reason.into(),
            if move_reason != "none" {
                jd_str(today_jd - rng.range(10, 900))
            } else {
                String::new()
            },
            b(rng.p(if low { 0.06 } else { 0.01 })).into(),
            b(rng.p(if owner { 0.15 } else { 0.05 })).into(),
            b((receives_leefloon || receives_igo || dis_allowance) && rng.p(0.85)).into(),
            b(housing == "private_tenant" && low && rng.p(0.2)).into(),
            b(school_kids > 0 && low && rng.p(0.6)).into(),
        ];
        let _ = write!(line, "{id}");
        for v in &vals {
            line.push(',');
            if !rng.p(missing) {
                line.push_str(v);
            }
        }
        line.push('\n');
        hw.write_all(line.as_bytes())?;
        pw.write_all(pline.as_bytes())?;
        sum.households += 1;
    }
    hw.flush()?;
    pw.flush()?;
    Ok(sum)
}
