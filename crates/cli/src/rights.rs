//! `sterk rights …` and `sterk rules check`: the command-line front of the
//! rules engine (`sterk-rules`).
//!
//! Rules directory: `--rules DIR`, else `STERK_RULES_DIR`, else `rules/` in
//! the working directory when it exists, else the rule files built into the
//! binary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use sterk_rules::{Evaluation, Model, Severity, Status, Tri};

/// `sterk rights …`
#[derive(clap::Subcommand, Debug)]
pub enum RightsCommand {
    /// Evaluate one household (YAML or JSON file) on a reference date.
    Eval {
        /// The household file (YAML or JSON; see docs/rules-guide.md for the fields).
        file: PathBuf,
        /// Print the JSON result (the API contract) instead of a table.
        #[arg(long)]
        json: bool,
        /// Reference date YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Rules directory (default: $STERK_RULES_DIR, ./rules, or the built-in rules).
        #[arg(long, env = "STERK_RULES_DIR")]
        rules: Option<PathBuf>,
        /// Language of the table: nl, fr or en.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Screen a whole population for rights it probably misses (see docs/screening.md).
    ///
    /// Input files must be sorted by household_id. One result row per
    /// household; bad rows are reported with file, line and field; the exit
    /// status is 1 when any row failed, 2 on a fatal error.
    Screen {
        /// households.csv or .parquet (household-level inputs).
        #[arg(long)]
        households: PathBuf,
        /// persons.csv or .parquet (household_id, role, age, education).
        #[arg(long)]
        persons: Option<PathBuf>,
        /// Result file (.csv or .parquet).
        #[arg(long, required_unless_present = "parse_only")]
        out: Option<PathBuf>,
        /// Also write bad rows to this CSV file (file,line,field,message).
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Format of all files (default: by extension).
        #[arg(long, value_parser = ["csv", "parquet"])]
        format: Option<String>,
        /// Reference date YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Households per block (memory is a few blocks).
        #[arg(long, default_value_t = 16_384)]
        block: usize,
        /// Only read, parse and join the input (the speed limit); no evaluation, no output.
        #[arg(long)]
        parse_only: bool,
        /// Rules directory (default: $STERK_RULES_DIR, ./rules, or the built-in rules).
        #[arg(long, env = "STERK_RULES_DIR")]
        rules: Option<PathBuf>,
    },
    /// Write a synthetic Flemish population (households.csv, persons.csv) in the screen format.
    Synth {
        /// Number of households.
        #[arg(long)]
        households: u64,
        /// Output directory.
        #[arg(long)]
        out_dir: PathBuf,
        /// Random seed (same seed, same files).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Reference date YYYY-MM-DD for ages and waiting lists (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Share of household cells left empty (unknown).
        #[arg(long, default_value_t = 0.02)]
        missing: f64,
        /// Also write households.parquet and persons.parquet.
        #[arg(long)]
        parquet: bool,
    },
    /// Run the YAML test cases in DIR (default: <rules>/tests); prints `N passed, N failed`.
    Test {
        /// Directory with test files.
        dir: Option<PathBuf>,
        /// Rules directory (default: $STERK_RULES_DIR, ./rules, or the built-in rules).
        #[arg(long, env = "STERK_RULES_DIR")]
        rules: Option<PathBuf>,
    },
}

/// `sterk rules …`
#[derive(clap::Subcommand, Debug)]
pub enum RulesCommand {
    /// Check rule files: print diagnostics as file:line:col; fail on errors.
    Check {
        /// Rules directory (default: $STERK_RULES_DIR or ./rules).
        dir: Option<PathBuf>,
    },
}

fn rules_dir(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| std::env::var_os("STERK_RULES_DIR").map(PathBuf::from))
        .or_else(|| {
            let p = PathBuf::from("rules");
            p.join("model.yaml").exists().then_some(p)
        })
}

fn load_model(dir: Option<&Path>) -> Result<Model> {
    let (model, diags) = match dir {
        Some(d) => Model::load(d),
        None => Model::builtin(),
    };
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("{d}");
        }
        return Err(anyhow!(
            "the rule files have {} error(s); run `sterk rules check`",
            errors.len()
        ));
    }
    model.ok_or_else(|| anyhow!("no model could be loaded"))
}

fn parse_date(s: Option<&str>) -> Result<time::Date> {
    match s {
        None => Ok(time::OffsetDateTime::now_utc().date()),
        Some(s) => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(s, &fmt).with_context(|| format!("--date `{s}` is not YYYY-MM-DD"))
        }
    }
}

/// Runs `sterk rights …`.
pub fn run_rights(cmd: RightsCommand) -> Result<ExitCode> {
    match cmd {
        RightsCommand::Eval {
            file,
            json,
            date,
            rules,
            lang,
        } => {
            let model = load_model(rules_dir(rules).as_deref())?;
            let date = parse_date(date.as_deref())?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let household = sterk_rules::parse_household(&text)
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let ev = model
                .evaluate(&household, date)
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&ev.to_json())?);
            } else {
                print!("{}", render_table(&ev, &lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        RightsCommand::Screen {
            households,
            persons,
            out,
            errors,
            format,
            date,
            threads,
            block,
            parse_only,
            rules,
        } => {
            let model = load_model(rules_dir(rules).as_deref())?;
            let date = parse_date(date.as_deref())?;
            let mut opts = sterk_batch::ScreenOptions::new(households, persons, out, date);
            opts.format = format.as_deref().map(|f| match f {
                "parquet" => sterk_batch::Format::Parquet,
                _ => sterk_batch::Format::Csv,
            });
            opts.threads = threads;
            opts.block_households = block;
            opts.parse_only = parse_only;
            run_screen(&model, &opts, errors.as_deref())
        }
        RightsCommand::Synth {
            households,
            out_dir,
            seed,
            date,
            missing,
            parquet,
        } => {
            let date = parse_date(date.as_deref())?;
            let s = sterk_batch::synth::generate(&out_dir, households, seed, date, missing)
                .with_context(|| format!("cannot write to {}", out_dir.display()))?;
            if parquet {
                for name in ["households", "persons"] {
                    sterk_batch::csv_to_parquet(
                        &out_dir.join(format!("{name}.csv")),
                        &out_dir.join(format!("{name}.parquet")),
                    )?;
                }
            }
            eprintln!(
                "wrote {} households and {} persons to {}",
                s.households,
                s.persons,
                out_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        RightsCommand::Test { dir, rules } => {
            let rdir = rules_dir(rules);
            let model = load_model(rdir.as_deref())?;
            let tdir = dir
                .or_else(|| rdir.map(|d| d.join("tests")))
                .unwrap_or_else(|| PathBuf::from("rules/tests"));
            let report = sterk_rules::run_test_dir(&model, &tdir)
                .with_context(|| format!("cannot read tests in {}", tdir.display()))?;
            for f in &report.failures {
                eprintln!("FAIL {}:{}: {}\n    {}", f.file, f.line, f.name, f.message);
            }
            println!("{} passed, {} failed", report.passed, report.failures.len());
            Ok(if report.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// At most this many bad rows are printed on stderr (all go to `--errors`).
const MAX_PRINTED_ERRORS: u64 = 50;

fn run_screen(
    model: &Model,
    opts: &sterk_batch::ScreenOptions,
    errors_path: Option<&Path>,
) -> Result<ExitCode> {
    use std::io::{IsTerminal, Write};
    let mut errors_file = match errors_path {
        Some(p) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            );
            f.write_all(sterk_batch::ERRORS_HEADER.as_bytes())?;
            Some(f)
        }
        None => None,
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent}% {msg} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut printed = 0u64;
    let mut write_failed = None;
    let started = std::time::Instant::now();
    let summary = {
        let mut on_error = |e: &sterk_batch::RowError| {
            if printed < MAX_PRINTED_ERRORS {
                bar.suspend(|| eprintln!("{e}"));
            }
            printed += 1;
            if let Some(f) = errors_file.as_mut()
                && let Err(err) = sterk_batch::write_error_csv(f, e)
            {
                write_failed.get_or_insert(err);
            }
        };
        let mut progress = |p: sterk_batch::Progress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
            bar.set_message(format!("{} households", p.households));
        };
        sterk_batch::screen(model, opts, &mut on_error, &mut progress)
    };
    bar.finish_and_clear();
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sterk: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if let Some(e) = write_failed {
        return Err(anyhow!("cannot write the errors file: {e}"));
    }
    if let Some(mut f) = errors_file {
        f.flush()?;
    }
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    if summary.errors > MAX_PRINTED_ERRORS {
        eprintln!(
            "… {} more bad rows{}",
            summary.errors - MAX_PRINTED_ERRORS,
            if errors_path.is_some() {
                " (all are in the errors file)"
            } else {
                " (use --errors FILE to get them all)"
            }
        );
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} households read, {} screened, {} persons, {} bad rows; {} households miss at least one right; {:.2} s ({:.0} households/s)",
        summary.households_read,
        summary.households_screened,
        summary.persons_read,
        summary.errors,
        summary.households_with_non_take_up,
        secs,
        summary.households_read as f64 / secs.max(1e-9)
    );
    Ok(if summary.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs `sterk rules check`.
pub fn run_rules(cmd: RulesCommand) -> Result<ExitCode> {
    match cmd {
        RulesCommand::Check { dir } => {
            let dir = rules_dir(dir).unwrap_or_else(|| PathBuf::from("rules"));
            let (model, diags) = Model::load(&dir);
            for d in &diags {
                println!("{d}");
            }
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let warnings = diags.len() - errors;
            match &model {
                Some(m) => println!(
                    "{}: {} rights, {} inputs, {} parameters; {errors} error(s), {warnings} warning(s)",
                    dir.display(),
                    m.rights.len(),
                    m.inputs.len(),
                    m.params.len()
                ),
                None => println!("{}: no model; {errors} error(s)", dir.display()),
            }
            Ok(if errors == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Eligible => "ELIGIBLE",
        Status::Likely => "LIKELY",
        Status::NotEligible => "not eligible",
        Status::NeedsInfo => "needs info",
        Status::AlreadyReceives => "already receives",
    }
}

fn mark(t: Tri) -> &'static str {
    match t {
        Tri::Pass => "[x]",
        Tri::Fail => "[ ]",
        Tri::Unknown => "[?]",
    }
}

/// The readable table: one block per right with its explanation.
pub fn render_table(ev: &Evaluation<'_>, lang: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "Reference date: {}\n", ev.reference_date);
    let _ = writeln!(s, "{:<44} {:<17} {:>12}", "right", "status", "amount");
    let _ = writeln!(s, "{}", "-".repeat(75));
    for r in &ev.rights {
        let o = &r.outcome;
        let amount = o
            .amount
            .map(|a| {
                format!(
                    "{a}/{}",
                    r.right
                        .amount_period
                        .as_deref()
                        .unwrap_or("")
                        .split(' ')
                        .next()
                        .unwrap_or("")
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{:<44} {:<17} {:>12}{}",
            r.right.name.get(lang),
            status_label(o.status),
            amount,
            if o.unverified {
                "  (uses unverified figures)"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(s);
    for r in &ev.rights {
        let o = &r.outcome;
        let _ = writeln!(
            s,
            "== {} — {}",
            r.right.name.get(lang),
            status_label(o.status)
        );
        let reasons = r.reasons();
        if !reasons.is_empty() {
            let _ = writeln!(s, "   reasons: {}", reasons.join(", "));
        }
        if let Some(d) = o.eligible_from {
            let _ = writeln!(s, "   eligible from: {d}");
        }
        let missing = r.missing(ev.model);
        if !missing.is_empty() {
            let _ = writeln!(s, "   missing (ask in this order): {}", missing.join(", "));
        }
        for (c, t) in r.right.conditions.iter().zip(&r.conditions) {
            let _ = writeln!(s, "   {} {}", mark(t.outcome), c.description.get(lang));
            for (ro, rt) in c.routes().iter().zip(&t.routes) {
                let _ = writeln!(s, "       {} {}", mark(*rt), ro.description.get(lang));
            }
            if let Some(d) = t.from_date {
                let _ = writeln!(s, "       (from {d})");
            }
        }
        for (c, t) in r.right.caveats.iter().zip(&r.caveats) {
            if t != &Tri::Fail {
                let _ = writeln!(s, "   (!) {}", c.description.get(lang));
            }
        }
        for p in &r.parameters {
            match p.value {
                Some(v) => {
                    let val = match (p.param.ty, v.value) {
                        (_, None) => "unknown".to_string(),
                        (sterk_rules::Ty::Money, Some(c)) => sterk_rules::Money(c).to_string(),
                        (_, Some(x)) => x.to_string(),
                    };
                    let _ = writeln!(
                        s,
                        "   param {} = {val} (from {}; {}{}){}",
                        p.param.name,
                        v.from,
                        v.source.as_deref().unwrap_or("no source"),
                        v.retrieved
                            .map(|d| format!(", retrieved {d}"))
                            .unwrap_or_default(),
                        if v.unverified || v.value.is_none() {
                            " UNVERIFIED"
                        } else {
                            ""
                        }
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "   param {} = no value on this date UNVERIFIED",
                        p.param.name
                    );
                }
            }
        }
        for l in &r.right.legal {
            let _ = writeln!(
                s,
                "   ref: {}{}",
                l.title,
                l.url
                    .as_deref()
                    .map(|u| format!(" <{u}>"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(s);
    }
    let next: Vec<_> = ev
        .next_questions
        .iter()
        .filter_map(|i| ev.model.inputs.get(i))
        .collect();
    if let Some(first) = next.first() {
        let _ = writeln!(
            s,
            "Next question: {} ({})",
            first.question.get(lang),
            first.name
        );
        if next.len() > 1 {
            let rest: Vec<&str> = next[1..].iter().map(|d| d.name.as_str()).collect();
            let _ = writeln!(s, "Then: {}", rest.join(", "));
        }
    }
    s
}
