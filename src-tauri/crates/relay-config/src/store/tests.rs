use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::TimeZone;
use relay_core::config::{ConfigFile, User};

use super::*;
use crate::example::example_config;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0)
        .single()
        .expect("valid time")
}

fn valid(file: ConfigFile) -> ValidConfig {
    relay_core::config::validate(file).expect("valid")
}

fn store_in(dir: &tempfile::TempDir) -> ConfigStore {
    ConfigStore::new(dir.path().join("config.json"))
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn save_then_load_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(&dir);
    let parser = ConfigParser::new();
    assert_eq!(
        store.load_at_start(&parser, now()).expect("load"),
        LoadOutcome::Missing
    );
    store.save(&valid(example_config())).expect("save");
    match store.load_at_start(&parser, now()).expect("load") {
        LoadOutcome::Loaded {
            config,
            migrated_from,
        } => {
            assert_eq!(config.file(), &example_config());
            assert_eq!(migrated_from, None);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(dir_names(dir.path()), ["config.json"]);
}

fn changed_config() -> ValidConfig {
    let mut file = example_config();
    file.users.push(User {
        display_name: "Cy".into(),
        object_id: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into(),
    });
    valid(file)
}

#[test]
fn a_failure_between_write_and_rename_leaves_the_old_file_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(&dir);
    store.save(&valid(example_config())).expect("first save");
    let before = fs::read(store.path()).expect("read");

    let mut saw_temp = false;
    let err = store
        .save_with_hook(&changed_config(), |temp| {
            saw_temp = fs::read(temp).map(|b| !b.is_empty()).unwrap_or(false);
            Err(io::Error::other("power cut"))
        })
        .expect_err("injected fault surfaces");
    assert!(saw_temp, "the hook runs after the new text is written");
    assert!(err.to_string().contains("power cut"));
    assert_eq!(fs::read(store.path()).expect("read"), before);
    assert_eq!(
        dir_names(dir.path()),
        ["config.json"],
        "temp file cleaned up"
    );
}

#[test]
fn a_crash_between_write_and_rename_leaves_the_old_file_and_the_next_start_cleans_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(&dir);
    store.save(&valid(example_config())).expect("first save");
    let before = fs::read(store.path()).expect("read");

    // A panic unwinds straight out of the save, like a process killed at that instant: nothing
    // after the hook runs, not even the temp-file cleanup.
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        let _ = store.save_with_hook(&changed_config(), |_| panic!("killed before rename"));
    }));
    assert!(crashed.is_err());
    assert_eq!(fs::read(store.path()).expect("read"), before);
    assert_eq!(
        dir_names(dir.path()).len(),
        2,
        "the temp file is left behind"
    );

    let outcome = store
        .load_at_start(&ConfigParser::new(), now())
        .expect("load");
    assert!(matches!(outcome, LoadOutcome::Loaded { .. }));
    assert_eq!(
        dir_names(dir.path()),
        ["config.json"],
        "leftover removed at start"
    );
    assert_eq!(fs::read(store.path()).expect("read"), before);
}

#[test]
fn a_corrupt_file_at_start_is_moved_aside_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(&dir);
    let corrupt = b"{\"schema_version\": 1, \"users\": [ oops";
    fs::write(store.path(), corrupt).expect("write");

    let outcome = store
        .load_at_start(&ConfigParser::new(), now())
        .expect("load");
    let LoadOutcome::MovedAside { moved_to, issues } = &outcome else {
        panic!("expected MovedAside, got {outcome:?}");
    };
    assert_eq!(
        moved_to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        Some("config.json.invalid-20261127T093000Z".into())
    );
    assert_eq!(fs::read(moved_to).expect("aside kept"), corrupt);
    assert!(!store.path().exists());
    assert!(issues[0].message.contains("line 1"));
    assert_eq!(outcome.config(), ValidConfig::empty());
}

#[test]
fn an_invalid_but_well_formed_file_is_also_moved_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(&dir);
    fs::write(
        store.path(),
        r#"{"schema_version": 1, "users": [{"display_name": "A", "object_id": "a@b.c"}]}"#,
    )
    .expect("write");
    let outcome = store
        .load_at_start(&ConfigParser::new(), now())
        .expect("load");
    let LoadOutcome::MovedAside { issues, .. } = outcome else {
        panic!("expected MovedAside");
    };
    assert_eq!(issues[0].pointer, "/users/0/object_id");
}

#[test]
fn saving_into_a_missing_directory_creates_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ConfigStore::new(dir.path().join("nested/deeper/config.json"));
    store.save(&ValidConfig::empty()).expect("save");
    assert!(store.path().exists());
}
