fn main() {
    // The settings window's JavaScript may call only the commands listed here, and only those its
    // capability in tauri.conf.json grants (least privilege).
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "ui_ready"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed; if it mentions ui/dist, build the UI first: npm --prefix ui ci && npm --prefix ui run build");
}
