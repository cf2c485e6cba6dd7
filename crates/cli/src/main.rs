//! The `sterk` binary: `serve`, `migrate`, `bench-seed`, and the rights engine's commands.
//!
//! This is glue: it reads the configuration, opens the database and starts the web server.
//! Everything with rules lives in the library crates.

mod config;
mod rights;

use clap::{Parser, Subcommand};
use config::Config;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use sterk_store::{Db, demo};

#[derive(Parser)]
#[command(
    name = "sterk",
    version,
    about = "Sterk: the platform for Sterk Sociaal Werk in Flanders and Brussels"
)]
struct Cli {
    /// A TOML configuration file (default: ./sterk.toml when it exists, or $STERK_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrations are applied first).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080, or $STERK_ADDR).
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo data set into an empty database and print the demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and reference data, then exit.
    Migrate,
    /// Fill an empty database with the benchmark data set.
    BenchSeed {
        /// Organisations.
        #[arg(long, default_value_t = 200)]
        orgs: usize,
        /// Clients.
        #[arg(long, default_value_t = 100_000)]
        clients: usize,
        /// Audit rows.
        #[arg(long, default_value_t = 1_000_000)]
        audit: usize,
        /// Signals (signals module), spread over the organisations.
        #[arg(long, default_value_t = 0)]
        signals: usize,
    },
    /// Erase the registrations (names, e-mail addresses) of events held more than
    /// `registration_retention_days` days ago; the server also does this at start and every
    /// hour.
    EraseRegistrations {
        /// Days after the event (default: the configuration's
        /// `registration_retention_days`, 30).
        #[arg(long)]
        after_days: Option<u32>,
    },
    /// The rights engine: evaluate, test, screen.
    #[command(subcommand)]
    Rights(rights::RightsCommand),
    /// Rule files: check them.
    #[command(subcommand)]
    Rules(rights::RulesCommand),
}

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// mimalloc instead of the system allocator: the server renders many short-lived strings and
/// rows per request, and the batch screening allocates per chunk; measured in
/// docs/benchmarks.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sterk: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Rights(cmd) => rights::run_rights(cmd),
        Command::Rules(cmd) => rights::run_rules(cmd),
        other => {
            init_logs(&config);
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.enable_all();
            if let Some(n) = std::env::var("STERK_GLOBAL_QUEUE_INTERVAL")
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|n| *n > 0)
            {
                builder.global_queue_interval(n);
            }
            let runtime = match builder.build() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("sterk: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            runtime.block_on(run(other, config))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sterk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Migrate => {
            let db = Db::open(&config.database_url).await?;
            db.close().await;
            println!("Database is up to date.");
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchSeed {
            orgs,
            clients,
            audit,
            signals,
        } => {
            let db = Db::open(&config.database_url).await?;
            if !demo::is_empty(&db).await? {
                anyhow::bail!(
                    "the database already holds organisations; bench-seed needs an empty database"
                );
            }
            demo::seed_bench(&db, orgs, clients, audit).await?;
            sterk_store::signals::seed_bench(&db, orgs, signals).await?;
            db.close().await;
            println!(
                "Seeded {orgs} organisations, {clients} clients and {audit} audit rows. Accounts: bench1@sterk.bench … bench{orgs}@sterk.bench, password {}.",
                demo::DEMO_PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::EraseRegistrations { after_days } => {
            let db = Db::open(&config.database_url).await?;
            let days = after_days.unwrap_or(config.registration_retention_days);
            let n = sterk_store::events::erase_past_registrations(&db, today(), days).await?;
            db.close().await;
            println!("Erased {n} registrations of events held more than {days} days ago.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            demo: with_demo,
        } => {
            if let Some(a) = addr {
                config.addr = a;
            }
            serve(config, with_demo).await
        }
        Command::Rights(_) | Command::Rules(_) => Ok(ExitCode::SUCCESS),
    }
}

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<ExitCode> {
    let db = Db::open(&config.database_url).await?;
    if with_demo && demo::load(&db).await? {
        println!("Demo data loaded.");
    }
    if with_demo {
        println!("Demo accounts (password {}):", demo::DEMO_PASSWORD);
        for a in demo::DEMO_ACCOUNTS {
            println!("  {:<45} {:?} ({})", a.email, a.role, a.context);
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let local = listener.local_addr()?;
    let web = sterk_web::WebConfig {
        secure_cookies: config.secure_cookies,
        session_minutes: config.session_minutes,
        trust_forwarded_for: config.trust_forwarded_for,
        data_dir: Some(config.data_dir.clone()),
    };
    let state = sterk_web::AppState::new(db.clone(), web, sterk_web::install_metrics())
        .map_err(|e| anyhow::anyhow!(e))?;
    let app = sterk_web::app(state);
    println!("Sterk is listening on http://{local}");
    tracing::info!(server.addr = %local, "listening");
    // Expired sessions are removed, and the registrations of past events erased, at start
    // and every hour.
    let cleaner = db.clone();
    let retention = config.registration_retention_days;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = sterk_store::sessions::delete_expired(&cleaner).await {
                tracing::warn!(error.detail = %e, "could not remove expired sessions");
            }
            if let Err(e) =
                sterk_store::events::erase_past_registrations(&cleaner, today(), retention).await
            {
                tracing::warn!(error.detail = %e, "could not erase past event registrations");
            }
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Today's date (UTC; the erasure runs hourly, so the hour of difference with Brussels
/// does not matter).
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Ctrl-C or SIGTERM (what service managers and orchestrators send): stop accepting
/// connections and let running requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
