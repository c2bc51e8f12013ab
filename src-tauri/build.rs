fn main() {
    // The settings window's JavaScript may call only the commands listed here, and only those its
    // capability in tauri.conf.json grants (least privilege).
    // Exactly relay-api's COMMANDS (tests/shell.rs checks the two agree).
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "ui_ready",
        "status",
        "config_get",
        "config_validate",
        "config_save",
        "connection_get",
        "connection_set",
        "connection_clear",
        "connection_test",
        "signals",
        "audit_query",
        "control",
        "rules_preview",
        "settings_set_pin",
        "kiosk_unlock",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed; if it mentions ui/dist, build the UI first: npm --prefix ui ci && npm --prefix ui run build");
}
