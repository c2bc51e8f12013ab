//! Checking and saving the config document the window edits (relay-core's `ConfigFile`, whose
//! wire names are the config file's own snake_case names).

use relay_core::config::{ConfigIssue, ValidConfig};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Issue, IssueSeverity};

/// Answer of `config_validate`: every problem, errors and warnings, each at its JSON pointer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    /// No errors: `config_save` would accept the document (warnings do not block).
    pub ok: bool,
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    /// From relay-core's `validate`: its warnings when the document is valid, its issues when not.
    pub fn from_result(result: &Result<ValidConfig, Vec<ConfigIssue>>) -> Self {
        let issues: Vec<Issue> = match result {
            Ok(valid) => valid.warnings().iter().map(Issue::from).collect(),
            Err(issues) => issues.iter().map(Issue::from).collect(),
        };
        Self {
            ok: !issues
                .iter()
                .any(|issue| issue.severity == IssueSeverity::Error),
            issues,
        }
    }
}

/// Answer of `config_save` when the document was saved (a refusal is a `UiError` with code
/// `invalid_config` and the issues).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveOutcome {
    /// Warnings validation found; saved anyway.
    pub warnings: Vec<Issue>,
}

impl SaveOutcome {
    pub fn saved(valid: &ValidConfig) -> Self {
        Self {
            warnings: valid.warnings().iter().map(Issue::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use relay_core::config::{validate, Action, ConfigFile, Rule, Targets};
    use relay_core::presence::{Intent, WriteMode};

    use super::*;

    fn with_rule(intent: Intent, mode: WriteMode) -> ConfigFile {
        let mut file = ConfigFile::empty();
        file.rules.push(Rule {
            name: "Lunch".into(),
            enabled: true,
            users: Targets::All,
            when: Default::default(),
            then: Action {
                intent,
                mode,
                message: None,
                hold_minutes: None,
            },
        });
        file
    }

    #[test]
    fn an_invalid_document_reports_its_errors_at_their_fields() {
        let report = ValidationReport::from_result(&validate(with_rule(
            Intent::BeRightBack,
            WriteMode::Polite,
        )));
        assert!(!report.ok);
        assert!(
            report
                .issues
                .iter()
                .any(|issue| issue.pointer == "/rules/0/then/mode"
                    && issue.severity == IssueSeverity::Error),
            "{report:?}"
        );
    }

    #[test]
    fn warnings_alone_still_validate_and_are_kept_on_save() {
        let result = validate(with_rule(Intent::Away, WriteMode::Polite));
        let report = ValidationReport::from_result(&result);
        assert!(report.ok, "{report:?}");
        assert!(report
            .issues
            .iter()
            .all(|issue| issue.severity == IssueSeverity::Warning));
        assert!(!report.issues.is_empty(), "polite away warns");
        let valid = result.expect("valid");
        assert_eq!(SaveOutcome::saved(&valid).warnings, report.issues);
    }
}
