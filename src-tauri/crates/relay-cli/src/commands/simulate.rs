//! `presence-relay simulate`: the rule tester. Reads a timeline and a config, replays them with
//! `relay-timeline` and prints the report (text, or JSON with --json). Stdout carries only the
//! report, so the same input prints the same bytes; which config was used goes to stderr.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use relay_config::{AppPaths, ConfigParser, ConfigStore};
use relay_core::config::{ConfigIssue, ValidConfig};
use relay_timeline::{
    parse_timeline, simulate, timeline_schema_text, Document, Timeline, TimelineError,
};
use serde::Serialize;

use crate::args::SimulateArgs;
use crate::commands::connect::runtime;
use crate::{exit, output};

pub fn run(args: SimulateArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    if args.schema {
        output::raw(&timeline_schema_text())?;
        return Ok(exit::OK);
    }
    let Some(timeline_file) = args.timeline else {
        // clap requires --timeline or --schema; this is only reached if that changes.
        eprintln!("error: give --timeline FILE (or --schema)");
        return Ok(exit::INVALID);
    };
    let timeline_name = name(&timeline_file);
    let timeline = match parse_timeline(&read(&timeline_file)?) {
        Ok(timeline) => timeline,
        Err(err) => return refuse(&timeline_name, None, &err, json),
    };
    let (config, config_name) = match pick_config(args.config.as_deref(), &timeline, paths)? {
        Picked::Config { config, described } => (config.map(|c| *c), described),
        Picked::Invalid { file, issues } => return refuse_config(&file, &issues, json),
    };
    eprintln!("{timeline_name}: replaying with {config_name}");
    let report = runtime()?.block_on(simulate(&timeline, config));
    match report {
        Ok(report) if json => {
            output::line(
                &serde_json::to_string_pretty(&report).context("serializing the report")?,
            )?;
            Ok(exit::OK)
        }
        Ok(report) => {
            output::raw(&report.render_text())?;
            Ok(exit::OK)
        }
        Err(err) if err.is_invalid_input() => {
            refuse(&timeline_name, args.config.as_deref(), &err, json)
        }
        Err(err) => Err(err).context("the simulation could not run"),
    }
}

/// Which config a replay uses.
enum Picked {
    /// `None`: the timeline's own config, or the starter set; `described` says which.
    Config {
        config: Option<Box<ValidConfig>>,
        described: String,
    },
    /// A config file that does not validate.
    Invalid {
        file: String,
        issues: Vec<ConfigIssue>,
    },
}

/// `--config FILE`, else the timeline's own config, else the config in use, else the starter
/// set of `config example`.
fn pick_config(
    file: Option<&Path>,
    timeline: &Timeline,
    paths: &AppPaths,
) -> anyhow::Result<Picked> {
    let parser = ConfigParser::new();
    if let Some(file) = file {
        return Ok(match parser.parse(&read(file)?) {
            Ok(parsed) => Picked::Config {
                config: Some(Box::new(parsed.config)),
                described: format!("the config {}", name(file)),
            },
            Err(issues) => Picked::Invalid {
                file: name(file),
                issues,
            },
        });
    }
    if timeline.config.is_some() {
        return Ok(Picked::Config {
            config: None,
            described: "the timeline's own config".to_owned(),
        });
    }
    let store = ConfigStore::new(paths.config_file());
    Ok(match store.read(&parser)? {
        Some(Ok(parsed)) => Picked::Config {
            config: Some(Box::new(parsed.config)),
            described: format!("the config in use, {}", store.path().display()),
        },
        Some(Err(issues)) => Picked::Invalid {
            file: store.path().display().to_string(),
            issues,
        },
        None => Picked::Config {
            config: None,
            described: "the starter rules of `presence-relay config example` (no config in use)"
                .to_owned(),
        },
    })
}

/// Problems as printed with --json.
#[derive(Serialize)]
struct Refusal<'a, T: Serialize> {
    file: &'a str,
    valid: bool,
    issues: &'a [T],
}

/// Prints a timeline's (or the replayed config's) located problems; exit 2.
fn refuse(
    timeline: &str,
    config: Option<&Path>,
    err: &TimelineError,
    json: bool,
) -> anyhow::Result<u8> {
    if json {
        let refusal = Refusal {
            file: timeline,
            valid: false,
            issues: err.issues(),
        };
        output::line(&serde_json::to_string_pretty(&refusal)?)?;
    } else {
        for issue in err.issues() {
            let file = match (issue.document, config) {
                (Document::Config, Some(config)) => name(config),
                _ => timeline.to_owned(),
            };
            eprintln!("{file}: {issue}");
        }
        eprintln!("{timeline}: not replayed; fix the problems above");
    }
    Ok(exit::INVALID)
}

/// Prints a config file's problems as `config validate` does; exit 2.
fn refuse_config(file: &str, issues: &[ConfigIssue], json: bool) -> anyhow::Result<u8> {
    if json {
        let refusal = Refusal {
            file,
            valid: false,
            issues,
        };
        output::line(&serde_json::to_string_pretty(&refusal)?)?;
    } else {
        for issue in issues {
            eprintln!("{file}: {issue}");
        }
        eprintln!("{file}: the config does not validate; nothing was replayed");
    }
    Ok(exit::INVALID)
}

fn name(file: &Path) -> String {
    if file.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        file.display().to_string()
    }
}

fn read(file: &Path) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}
