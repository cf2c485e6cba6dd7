//! Configuration: one typed struct. Defaults make a bare `sterk serve` work; an optional
//! TOML file overrides them; environment variables (`STERK_…`) override the file; command
//! line flags override everything.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub addr: String,
    /// Database URL: `sqlite://data/sterk.db` (default) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Mark cookies `Secure` (keep on; browsers allow secure cookies on http://127.0.0.1).
    pub secure_cookies: bool,
    /// Session lifetime without activity, in minutes.
    pub session_minutes: i64,
    /// Behind a reverse proxy: count login attempts per `X-Forwarded-For` client address.
    pub trust_forwarded_for: bool,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Log filter (tracing's env-filter syntax).
    pub log: String,
    /// Folder for files Sterk keeps besides the database (uploaded population files of
    /// screenings). Default `data`, next to the default SQLite database.
    pub data_dir: PathBuf,
    /// Days after an event when its participants' names and e-mail addresses are erased
    /// (0: the day after the event). Default 30.
    pub registration_retention_days: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/sterk.db".into(),
            secure_cookies: true,
            session_minutes: 8 * 60,
            trust_forwarded_for: false,
            log_format: "text".into(),
            log: "info".into(),
            data_dir: PathBuf::from("data"),
            registration_retention_days: 30,
        }
    }
}

impl Config {
    /// Loads the configuration: defaults, then `file` (or `./sterk.toml` when it exists and
    /// no file is named), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let path: Option<PathBuf> = match file {
            Some(p) => Some(p.to_owned()),
            None => std::env::var_os("STERK_CONFIG")
                .map(PathBuf::from)
                .or_else(|| {
                    let p = PathBuf::from("sterk.toml");
                    p.exists().then_some(p)
                }),
        };
        let mut config = match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    anyhow::anyhow!("cannot read configuration file {}: {e}", p.display())
                })?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("configuration file {}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    /// Applies `STERK_*` variables read through `get`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        if let Some(v) = get("STERK_ADDR") {
            self.addr = v;
        }
        if let Some(v) = get("STERK_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = get("STERK_SECURE_COOKIES") {
            self.secure_cookies = parse_bool(&v).ok_or_else(|| {
                anyhow::anyhow!("STERK_SECURE_COOKIES must be true or false, not {v:?}")
            })?;
        }
        if let Some(v) = get("STERK_SESSION_MINUTES") {
            self.session_minutes = v.parse().map_err(|_| {
                anyhow::anyhow!(
                    "STERK_SESSION_MINUTES must be a whole number of minutes, not {v:?}"
                )
            })?;
        }
        if let Some(v) = get("STERK_TRUST_FORWARDED_FOR") {
            self.trust_forwarded_for = parse_bool(&v).ok_or_else(|| {
                anyhow::anyhow!("STERK_TRUST_FORWARDED_FOR must be true or false, not {v:?}")
            })?;
        }
        if let Some(v) = get("STERK_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = get("STERK_LOG") {
            self.log = v;
        }
        if let Some(v) = get("STERK_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("STERK_REGISTRATION_RETENTION_DAYS") {
            self.registration_retention_days = v.trim().parse().ok().filter(|d| *d <= 3650).ok_or_else(|| {
                anyhow::anyhow!(
                    "STERK_REGISTRATION_RETENTION_DAYS must be a whole number of days (0 to 3650), not {v:?}"
                )
            })?;
        }
        Ok(())
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_file_then_environment() {
        let mut c: Config = toml::from_str("addr = \"0.0.0.0:9000\"\nlog = \"debug\"").unwrap();
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.database_url, Config::default().database_url);
        c.apply_env(|k| (k == "STERK_DATABASE_URL").then(|| "postgres://x@y/z".to_owned()))
            .unwrap();
        assert_eq!(c.database_url, "postgres://x@y/z");
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.data_dir, PathBuf::from("data"));
        c.apply_env(|k| (k == "STERK_DATA_DIR").then(|| "/srv/sterk".to_owned()))
            .unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/srv/sterk"));
        assert!(
            c.apply_env(|k| (k == "STERK_SECURE_COOKIES").then(|| "maybe".to_owned()))
                .is_err()
        );
        assert_eq!(c.registration_retention_days, 30);
        c.apply_env(|k| (k == "STERK_REGISTRATION_RETENTION_DAYS").then(|| "7".to_owned()))
            .unwrap();
        assert_eq!(c.registration_retention_days, 7);
        assert!(
            c.apply_env(|k| (k == "STERK_REGISTRATION_RETENTION_DAYS").then(|| "-1".to_owned()))
                .is_err()
        );
        assert!(
            toml::from_str::<Config>("adress = 1").is_err(),
            "unknown keys are refused"
        );
    }
}
