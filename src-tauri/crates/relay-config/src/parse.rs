//! Text -> validated config, reporting every problem with its JSON pointer.
//!
//! The pipeline: JSON syntax (line and column), schema migration, structural check against the
//! generated JSON Schema (wrong types, unknown fields, missing fields: all of them at once), typed
//! decoding, then the semantic checks of [`relay_core::config::validate`].

use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use relay_core::config::{migrate, validate, ConfigFile, ConfigIssue, ValidConfig};

use crate::schema::config_schema;

/// Longest message taken from the schema validator; longer ones quote whole objects.
const MAX_SCHEMA_MESSAGE: usize = 240;

/// A successfully parsed config.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub config: ValidConfig,
    /// The schema version found on disk when it was older than the current one.
    pub migrated_from: Option<u32>,
}

/// Parses config text. Holds the compiled schema, so build it once and reuse it.
#[derive(Debug)]
pub struct ConfigParser {
    schema: jsonschema::Validator,
}

impl ConfigParser {
    pub fn new() -> Self {
        let schema = jsonschema::validator_for(&config_schema())
            .expect("the schema generated from our own types always compiles");
        Self { schema }
    }

    /// Parses and validates `text`. On failure, returns every issue found (errors and warnings).
    pub fn parse(&self, text: &str) -> Result<Parsed, Vec<ConfigIssue>> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|err| {
            vec![ConfigIssue::error(
                "",
                format!(
                    "not valid JSON at line {}, column {}: {}",
                    err.line(),
                    err.column(),
                    syntax_message(&err)
                ),
            )]
        })?;
        let migrated = migrate::migrate(value).map_err(|issue| vec![issue])?;
        let structural = structural_issues(&self.schema, &migrated.value);
        if !structural.is_empty() {
            return Err(structural);
        }
        let file: ConfigFile = serde_json::from_value(migrated.value.clone())
            .map_err(|err| vec![ConfigIssue::error("", err.to_string())])?;
        let config = validate(file)?;
        Ok(Parsed {
            config,
            migrated_from: migrated.was_migrated().then_some(migrated.from_version),
        })
    }
}

impl Default for ConfigParser {
    fn default() -> Self {
        Self::new()
    }
}

/// Which schema check an issue came from (to merge overlapping reports).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Type,
    Choice,
    Other,
}

/// Collects the structural issues of a document, each at the most precise place.
fn structural_issues(
    schema: &jsonschema::Validator,
    document: &serde_json::Value,
) -> Vec<ConfigIssue> {
    let mut found = Vec::new();
    for err in schema.iter_errors(document) {
        locate(&err, &mut found);
    }
    // A wrong value for a field with a fixed set of choices fails both the type and the choice
    // check; the choice message says more, so the type message at the same place is dropped.
    let choice_pointers: Vec<String> = found
        .iter()
        .filter(|(_, check)| *check == Check::Choice)
        .map(|(issue, _)| issue.pointer.clone())
        .collect();
    found
        .into_iter()
        .filter(|(issue, check)| {
            !(*check == Check::Type && choice_pointers.contains(&issue.pointer))
        })
        .map(|(issue, _)| issue)
        .collect()
}

/// Turns a schema error into issues at the most precise place. A value that fits none of the
/// alternatives of an `anyOf`/`oneOf` (an optional section, `"all"` or a list) is reported inside
/// the alternative it was evidently meant to be, so a wrong item in a list points at that item.
fn locate(err: &ValidationError<'_>, out: &mut Vec<(ConfigIssue, Check)>) {
    let here = err.instance_path().as_str();
    let context = match err.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context
        }
        ValidationErrorKind::Enum { options } => {
            let message = enum_message(err.instance(), options);
            out.push((ConfigIssue::error(here, message), Check::Choice));
            return;
        }
        ValidationErrorKind::Type { .. } => {
            out.push((
                ConfigIssue::error(here, shorten(err.to_string())),
                Check::Type,
            ));
            return;
        }
        _ => {
            out.push((
                ConfigIssue::error(here, shorten(err.to_string())),
                Check::Other,
            ));
            return;
        }
    };
    // Alternatives that are all fixed values (an enum whose variants carry their own docs) form
    // one set of choices: report them together.
    if let Some(choices) = choices_of(context, here) {
        let message = enum_message(err.instance(), &serde_json::Value::Array(choices));
        out.push((ConfigIssue::error(here, message), Check::Choice));
        return;
    }
    // An alternative whose own type does not fit the value was not the one meant.
    let meant = context
        .iter()
        .filter(|branch| {
            !branch.iter().any(|e| {
                matches!(e.kind(), ValidationErrorKind::Type { .. })
                    && e.instance_path().as_str() == here
            })
        })
        .max_by_key(|branch| {
            let depth = branch
                .iter()
                .map(|e| e.instance_path().as_str().len())
                .max()
                .unwrap_or_default();
            (depth, usize::MAX - branch.len())
        });
    match meant {
        Some(branch) if !branch.is_empty() => {
            for inner in branch {
                locate(inner, out);
            }
        }
        _ => out.push((
            ConfigIssue::error(here, shorten(err.to_string())),
            Check::Other,
        )),
    }
}

/// The allowed values when every alternative is a fixed value (`enum` or `const`) at `here`.
fn choices_of(context: &[Vec<ValidationError<'_>>], here: &str) -> Option<Vec<serde_json::Value>> {
    let mut choices = Vec::new();
    for branch in context {
        let [only] = branch.as_slice() else {
            return None;
        };
        if only.instance_path().as_str() != here {
            return None;
        }
        match only.kind() {
            ValidationErrorKind::Enum { options } => {
                choices.extend(options.as_array()?.iter().cloned());
            }
            ValidationErrorKind::Constant { expected_value } => {
                choices.push(expected_value.as_ref().clone());
            }
            _ => return None,
        }
    }
    Some(choices)
}

/// Names every allowed value (the validator's own message elides all but two).
fn enum_message(found: &serde_json::Value, options: &serde_json::Value) -> String {
    let allowed = match options.as_array() {
        Some(values) => values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        None => options.to_string(),
    };
    shorten(format!("{found} is not allowed here; use one of {allowed}"))
}

/// serde_json appends " at line X column Y" itself; we already say where.
fn syntax_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn shorten(message: String) -> String {
    if message.chars().count() <= MAX_SCHEMA_MESSAGE {
        return message;
    }
    let mut short: String = message.chars().take(MAX_SCHEMA_MESSAGE).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::example::example_config;

    fn example_value() -> serde_json::Value {
        serde_json::to_value(example_config()).expect("example serializes")
    }

    fn issues_of(value: &serde_json::Value) -> Vec<ConfigIssue> {
        ConfigParser::new()
            .parse(&value.to_string())
            .expect_err("should be invalid")
    }

    #[test]
    fn the_example_parses() {
        let text = serde_json::to_string_pretty(&example_config()).expect("serializes");
        let parsed = ConfigParser::new().parse(&text).expect("example is valid");
        assert_eq!(parsed.config.file(), &example_config());
        assert_eq!(parsed.migrated_from, None);
    }

    /// Every string in the example, replaced by a number, is reported at its own pointer.
    #[test]
    fn each_string_turned_into_a_number_is_reported_at_its_pointer() {
        let example = example_value();
        let mut pointers = Vec::new();
        collect_string_pointers(&example, String::new(), &mut pointers);
        assert!(pointers.len() > 20, "example should exercise many fields");
        for pointer in pointers {
            let mut broken = example.clone();
            *broken.pointer_mut(&pointer).expect("pointer exists") = json!(42);
            let issues = issues_of(&broken);
            assert!(
                issues.iter().any(|i| i.pointer == pointer),
                "no issue at {pointer}: {issues:?}"
            );
        }
    }

    fn collect_string_pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(_) => out.push(at),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    collect_string_pointers(item, format!("{at}/{i}"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    collect_string_pointers(item, format!("{at}/{key}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn three_structural_errors_are_reported_together() {
        let mut broken = example_value();
        broken["users"][0]["object_id"] = json!(7);
        broken["rules"][1]["then"]["intent"] = json!("sleeping");
        broken["settings"]["log_levle"] = json!("debug");
        let issues = issues_of(&broken);
        let pointers: Vec<_> = issues.iter().map(|i| i.pointer.as_str()).collect();
        assert!(pointers.contains(&"/users/0/object_id"), "{issues:?}");
        assert!(pointers.contains(&"/rules/1/then/intent"), "{issues:?}");
        assert!(pointers.contains(&"/settings"), "{issues:?}");
        let unknown = issues
            .iter()
            .find(|i| i.pointer == "/settings")
            .expect("found");
        assert!(unknown.message.contains("log_levle"), "{unknown}");
        let intent = issues
            .iter()
            .find(|i| i.pointer == "/rules/1/then/intent")
            .expect("found");
        assert!(
            intent.message.contains("\"appear_offline\""),
            "all choices listed: {intent}"
        );
    }

    #[test]
    fn a_wrong_type_for_a_choice_is_reported_once_with_the_choices() {
        let mut broken = example_value();
        broken["settings"]["log_level"] = json!(true);
        let issues = issues_of(&broken);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].pointer, "/settings/log_level");
        assert!(issues[0].message.contains("\"trace\""), "{}", issues[0]);
    }

    #[test]
    fn three_semantic_errors_are_reported_together() {
        let mut broken = example_value();
        broken["users"][0]["object_id"] = json!("ada@contoso.com");
        broken["rules"][0]["then"]["hold_minutes"] = json!(1000);
        broken["connection"]["cloud"] = json!("china");
        let issues = issues_of(&broken);
        let pointers: Vec<_> = issues.iter().map(|i| i.pointer.as_str()).collect();
        for expected in [
            "/users/0/object_id",
            "/rules/0/then/hold_minutes",
            "/connection/cloud",
        ] {
            assert!(
                pointers.contains(&expected),
                "{expected} missing: {issues:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let issues = ConfigParser::new()
            .parse("{\n  \"schema_version\": 1,\n  \"users\": [,]\n}")
            .expect_err("bad json");
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].message.contains("line 3, column"),
            "{}",
            issues[0]
        );
    }

    #[test]
    fn a_minimal_file_gets_defaults() {
        let parsed = ConfigParser::new()
            .parse(r#"{"schema_version": 1}"#)
            .expect("minimal is valid");
        assert_eq!(parsed.config.file(), &ConfigFile::empty());
    }
}
