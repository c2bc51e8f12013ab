//! `presence-relay config …`: where the config lives, an example, validation, the schema, import.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use relay_config::example::example_config;
use relay_config::schema::config_schema_text;
use relay_config::{AppPaths, ConfigParser, ConfigStore};
use relay_core::config::{ConfigIssue, Severity};
use serde::Serialize;

use crate::args::ConfigCommand;
use crate::{exit, output};

pub fn run(command: ConfigCommand, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    match command {
        ConfigCommand::Path => path(paths, json),
        ConfigCommand::Example => {
            let text = serde_json::to_string_pretty(&example_config())
                .context("serializing the example config")?;
            output::line(&text)?;
            Ok(exit::OK)
        }
        ConfigCommand::Schema => {
            output::raw(&config_schema_text())?;
            Ok(exit::OK)
        }
        ConfigCommand::Validate { file } => validate(file, paths, json),
        ConfigCommand::Import { file } => import(&file, paths, json),
    }
}

#[derive(Serialize)]
struct PathReport<'a> {
    config_file: &'a Path,
    config_exists: bool,
    log_dir: &'a Path,
}

fn path(paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let config_file = paths.config_file();
    if json {
        let report = PathReport {
            config_file: &config_file,
            config_exists: config_file.exists(),
            log_dir: &paths.log_dir,
        };
        output::line(&serde_json::to_string_pretty(&report)?)?;
    } else {
        output::line(&config_file.display().to_string())?;
    }
    Ok(exit::OK)
}

/// The outcome of checking one file, as printed with `--json`.
#[derive(Serialize)]
struct ValidationReport<'a> {
    file: String,
    valid: bool,
    migrated_from: Option<u32>,
    issues: &'a [ConfigIssue],
}

/// Where config text comes from: a file, or standard input for `-`.
enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    fn new(path: PathBuf) -> Self {
        if path.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(path)
        }
    }

    fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "<stdin>".into(),
        }
    }

    fn read(&self) -> anyhow::Result<String> {
        match self {
            Input::File(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display())),
            Input::Stdin => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("cannot read standard input")?;
                Ok(text)
            }
        }
    }
}

/// Parses the input and prints the findings. Returns the parse result for callers that go on.
fn check(input: &Input, json: bool) -> anyhow::Result<Result<relay_config::Parsed, ()>> {
    let text = input.read()?;
    let name = input.name();
    let parsed = ConfigParser::new().parse(&text);
    let (issues, migrated_from): (Vec<ConfigIssue>, Option<u32>) = match &parsed {
        Ok(parsed) => (parsed.config.warnings().to_vec(), parsed.migrated_from),
        Err(issues) => (issues.clone(), None),
    };
    if json {
        let report = ValidationReport {
            file: name,
            valid: parsed.is_ok(),
            migrated_from,
            issues: &issues,
        };
        output::line(&serde_json::to_string_pretty(&report)?)?;
    } else {
        for issue in &issues {
            eprintln!("{name}: {issue}");
        }
        let errors = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count();
        let warnings = issues.len() - errors;
        if parsed.is_ok() {
            if let Some(version) = migrated_from {
                eprintln!("{name}: schema version {version} will be upgraded when saved");
            }
            eprintln!("{name}: valid ({warnings} {})", plural(warnings, "warning"));
        } else {
            eprintln!(
                "{name}: invalid: {errors} {}, {warnings} {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        }
    }
    Ok(parsed.map_err(|_| ()))
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn validate(file: Option<PathBuf>, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let input = match file {
        Some(file) => Input::new(file),
        None => {
            let path = paths.config_file();
            if !path.exists() {
                anyhow::bail!(
                    "there is no config at {} yet; pass a file to check, or create one with \
                     `presence-relay config example > my.json` and `presence-relay config import my.json`",
                    path.display()
                );
            }
            Input::File(path)
        }
    };
    Ok(match check(&input, json)? {
        Ok(_) => exit::OK,
        Err(()) => exit::INVALID,
    })
}

fn import(file: &Path, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let input = Input::new(file.to_path_buf());
    let Ok(parsed) = check(&input, json)? else {
        eprintln!("nothing was changed: the config in use stays as it was");
        return Ok(exit::INVALID);
    };
    let store = ConfigStore::new(paths.config_file());
    store.save(&parsed.config)?;
    tracing::info!(target: "config", "imported {} as {}", input.name(), store.path().display());
    if !json {
        eprintln!("installed {} as {}", input.name(), store.path().display());
    }
    Ok(exit::OK)
}
