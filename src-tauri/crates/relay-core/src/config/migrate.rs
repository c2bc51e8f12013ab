//! Schema migrations: a file written by an older build is upgraded step by step to
//! [`CURRENT_SCHEMA_VERSION`] before it is validated.
//!
//! Migrations work on the raw JSON value, because an old file does not fit today's types. Adding a
//! schema version means: bump `CURRENT_SCHEMA_VERSION`, append one [`Migration`] to [`MIGRATIONS`]
//! that upgrades the previous version, and add a fixture of the old shape to the tests.

use serde_json::Value;

use super::issue::ConfigIssue;
use super::model::CURRENT_SCHEMA_VERSION;

/// Upgrades a document from `from` to `from + 1`.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub from: u32,
    pub apply: fn(&mut serde_json::Map<String, Value>),
}

/// Every migration this build knows, oldest first. Version 1 is the first released layout.
pub const MIGRATIONS: &[Migration] = &[];

/// A document brought up to the current version.
#[derive(Clone, Debug, PartialEq)]
pub struct Migrated {
    pub value: Value,
    /// The version the document had on disk.
    pub from_version: u32,
}

impl Migrated {
    pub fn was_migrated(&self) -> bool {
        self.from_version != CURRENT_SCHEMA_VERSION
    }
}

/// Upgrades `value` to the current schema version using [`MIGRATIONS`].
pub fn migrate(value: Value) -> Result<Migrated, ConfigIssue> {
    migrate_with(value, CURRENT_SCHEMA_VERSION, MIGRATIONS)
}

/// Upgrades `value` to `current` with the given steps (separate so the chain itself is tested).
pub fn migrate_with(
    mut value: Value,
    current: u32,
    steps: &[Migration],
) -> Result<Migrated, ConfigIssue> {
    let Some(document) = value.as_object_mut() else {
        return Err(ConfigIssue::error(
            "",
            "the config must be a JSON object such as {\"schema_version\": 1, ...}",
        ));
    };
    let from_version = match document.get("schema_version") {
        None => {
            return Err(ConfigIssue::error(
                "/schema_version",
                format!("missing; add \"schema_version\": {current}"),
            ))
        }
        Some(raw) => match raw.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(version) if version >= 1 => version,
            _ => {
                return Err(ConfigIssue::error(
                    "/schema_version",
                    format!("must be a whole number from 1 to {current}, found {raw}"),
                ))
            }
        },
    };
    if from_version > current {
        return Err(ConfigIssue::error(
            "/schema_version",
            format!(
                "version {from_version} was written by a newer Presence Relay; this build reads \
                 versions up to {current}: update the app, or restore an older config"
            ),
        ));
    }
    for version in from_version..current {
        let step = steps.iter().find(|m| m.from == version).ok_or_else(|| {
            ConfigIssue::error(
                "/schema_version",
                format!("no migration from version {version}; this build cannot read it"),
            )
        })?;
        (step.apply)(document);
        document.insert("schema_version".into(), Value::from(version + 1));
    }
    Ok(Migrated {
        value,
        from_version,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rename_name_to_display_name(doc: &mut serde_json::Map<String, Value>) {
        if let Some(Value::Array(users)) = doc.get_mut("users") {
            for user in users.iter_mut().filter_map(Value::as_object_mut) {
                if let Some(name) = user.remove("name") {
                    user.insert("display_name".into(), name);
                }
            }
        }
    }

    fn add_settings(doc: &mut serde_json::Map<String, Value>) {
        doc.entry("settings").or_insert_with(|| json!({}));
    }

    const TEST_STEPS: &[Migration] = &[
        Migration {
            from: 1,
            apply: rename_name_to_display_name,
        },
        Migration {
            from: 2,
            apply: add_settings,
        },
    ];

    #[test]
    fn current_version_passes_through_untouched() {
        let doc = json!({"schema_version": CURRENT_SCHEMA_VERSION, "users": []});
        let migrated = migrate(doc.clone()).expect("current version migrates");
        assert_eq!(migrated.value, doc);
        assert!(!migrated.was_migrated());
    }

    #[test]
    fn steps_run_in_order_and_bump_the_version() {
        let doc = json!({"schema_version": 1, "users": [{"name": "Ada", "object_id": "x"}]});
        let migrated = migrate_with(doc, 3, TEST_STEPS).expect("chain applies");
        assert_eq!(
            migrated.value,
            json!({"schema_version": 3, "users": [{"display_name": "Ada", "object_id": "x"}], "settings": {}})
        );
        assert_eq!(migrated.from_version, 1);
    }

    #[test]
    fn newer_version_is_refused_with_advice() {
        let err = migrate(json!({"schema_version": CURRENT_SCHEMA_VERSION + 1}))
            .expect_err("newer version must be refused");
        assert_eq!(err.pointer, "/schema_version");
        assert!(err.message.contains("newer Presence Relay"), "{err}");
    }

    #[test]
    fn missing_or_bad_version_names_the_field() {
        for doc in [
            json!({}),
            json!({"schema_version": "1"}),
            json!({"schema_version": 0}),
        ] {
            let err = migrate(doc).expect_err("must be refused");
            assert_eq!(err.pointer, "/schema_version");
        }
        let err = migrate(json!([1, 2])).expect_err("array refused");
        assert_eq!(err.pointer, "");
    }

    #[test]
    fn a_gap_in_the_chain_is_an_error() {
        let err = migrate_with(json!({"schema_version": 1}), 3, &TEST_STEPS[1..])
            .expect_err("missing step");
        assert!(err.message.contains("no migration from version 1"));
    }
}
