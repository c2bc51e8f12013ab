//! GNOME do-not-disturb through `gsettings`, against a throw-away schema and key file: the real
//! `gsettings get` / `gsettings monitor` programs, with the GSettings keyfile back end so a
//! change made by another process is seen as on a desktop.
#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::Command;

use common::Events;
use relay_signals::linux::{GSettings, GnomeDndSource};
use relay_signals::{Health, Signal, Tri};

const SCHEMA_XML: &str = r#"<schemalist>
  <schema id="org.gnome.desktop.notifications" path="/org/gnome/desktop/notifications/">
    <key name="show-banners" type="b"><default>true</default></key>
  </schema>
</schemalist>
"#;

/// `gsettings` confined to `dir`: no system schemas, settings in a key file under `dir`.
fn sandboxed(dir: &Path, with_schema: bool) -> GSettings {
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).expect("schema dir");
    if with_schema {
        std::fs::write(
            schemas.join("org.gnome.desktop.notifications.gschema.xml"),
            SCHEMA_XML,
        )
        .expect("schema");
        let status = Command::new("glib-compile-schemas")
            .arg(&schemas)
            .status()
            .expect("glib-compile-schemas");
        assert!(status.success(), "glib-compile-schemas failed");
    }
    GSettings::new("gsettings")
        .env("GSETTINGS_SCHEMA_DIR", &schemas)
        .env("XDG_DATA_DIRS", dir.join("no-system-data"))
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("XDG_CONFIG_HOME", dir.join("config"))
}

fn tools_present(test: &str) -> bool {
    let found = ["gsettings", "glib-compile-schemas"]
        .iter()
        .all(|tool| Command::new(tool).arg("--version").output().is_ok());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: CI must install libglib2.0-bin (gsettings, glib-compile-schemas)"
        );
        eprintln!("SKIPPED {test}: gsettings / glib-compile-schemas not installed (apt-get install libglib2.0-bin)");
    }
    found
}

fn set_banners(dir: &Path, on: bool) {
    let status = Command::new("gsettings")
        .env("GSETTINGS_SCHEMA_DIR", dir.join("schemas"))
        .env("XDG_DATA_DIRS", dir.join("no-system-data"))
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .args([
            "set",
            "org.gnome.desktop.notifications",
            "show-banners",
            if on { "true" } else { "false" },
        ])
        .status()
        .expect("gsettings set");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_banners_off_is_dnd_on_and_changes_are_followed() {
    if !tools_present("show_banners_off_is_dnd_on") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let gsettings = sandboxed(dir.path(), true);
    let mut events = Events::start(vec![Box::new(GnomeDndSource::new(gsettings))]);
    let name = "gnome-dnd";
    events
        .expect(name, &[Signal::Health(Health::Live), Signal::Dnd(Tri::Off)])
        .await;
    set_banners(dir.path(), false);
    events.expect(name, &[Signal::Dnd(Tri::On)]).await;
    set_banners(dir.path(), true);
    events.expect(name, &[Signal::Dnd(Tri::Off)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_schema_is_unsupported_and_does_not_abort() {
    if !tools_present("a_missing_schema_is_unsupported") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let gsettings = sandboxed(dir.path(), false);
    let probe = gsettings.has_gnome_dnd().await;
    assert!(probe.is_err(), "the probe sees the schema is missing");
    let mut events = Events::start(vec![Box::new(GnomeDndSource::new(gsettings))]);
    match events.next_from("gnome-dnd").await {
        Signal::Health(Health::Unsupported(reason)) => assert!(
            reason.starts_with("GSettings has no org.gnome.desktop.notifications show-banners")
                && reason.ends_with("not a GNOME desktop"),
            "{reason}"
        ),
        other => panic!("expected unsupported, got {other:?}"),
    }
}
