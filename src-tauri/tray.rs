//! The tray icon and its menu. [`view`] turns the app status into what the tray shows (pure, and
//! tested); the rest wires that view into Tauri and routes menu clicks.

use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::settings_window;
use crate::status::{AppStatus, Mode};

const TRAY_ID: &str = "main";

/// Menu entries. Ids are an enum so a typo is a compile error, not a dead menu item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuId {
    Status,
    OpenSettings,
    TogglePause,
    Quit,
}

impl MenuId {
    const ALL: [MenuId; 4] = [
        MenuId::Status,
        MenuId::OpenSettings,
        MenuId::TogglePause,
        MenuId::Quit,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            MenuId::Status => "status",
            MenuId::OpenSettings => "open-settings",
            MenuId::TogglePause => "toggle-pause",
            MenuId::Quit => "quit",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|item| item.id() == id)
    }
}

/// The tray icons, one per visible state of the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayIcon {
    Simulated,
    Available,
    Paused,
    Error,
}

impl TrayIcon {
    fn png(self) -> &'static [u8] {
        match self {
            TrayIcon::Simulated => include_bytes!("../icons/tray-simulated.png"),
            TrayIcon::Available => include_bytes!("../icons/tray-available.png"),
            TrayIcon::Paused => include_bytes!("../icons/tray-paused.png"),
            TrayIcon::Error => include_bytes!("../icons/tray-error.png"),
        }
    }
}

/// Everything the tray shows, derived from the status alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayView {
    pub icon: TrayIcon,
    pub tooltip: String,
    pub status_line: String,
    pub pause_label: &'static str,
}

pub fn view(status: &AppStatus) -> TrayView {
    let users = match status.users {
        0 => "no users configured".to_owned(),
        1 => "1 user".to_owned(),
        n => format!("{n} users"),
    };
    let mode = match status.mode {
        Mode::Simulated => "simulated tenant",
        Mode::Tenant => "connected",
    };
    let (icon, state) = if status.config_problem.is_some() {
        (TrayIcon::Error, "config needs attention")
    } else if status.paused {
        (TrayIcon::Paused, "automation paused")
    } else if status.mode == Mode::Simulated {
        (TrayIcon::Simulated, "running")
    } else {
        (TrayIcon::Available, "running")
    };
    TrayView {
        icon,
        tooltip: format!("Presence Relay: {state} ({mode}, {users})"),
        status_line: format!("{mode}: {users}, {state}"),
        pause_label: if status.paused {
            "Resume automation"
        } else {
            "Pause automation"
        },
    }
}

/// Menu items whose text changes with the status.
struct LiveItems<R: Runtime> {
    status: MenuItem<R>,
    pause: MenuItem<R>,
}

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let current = view(&crate::state(app).status());
    let status = MenuItem::with_id(
        app,
        MenuId::Status.id(),
        &current.status_line,
        false,
        None::<&str>,
    )?;
    let open = MenuItem::with_id(
        app,
        MenuId::OpenSettings.id(),
        "Open settings…",
        true,
        None::<&str>,
    )?;
    let pause = MenuItem::with_id(
        app,
        MenuId::TogglePause.id(),
        current.pause_label,
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, MenuId::Quit.id(), "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &open,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(current.icon.png())?)
        .tooltip(&current.tooltip)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu_event)
        .build(app)?;
    app.manage(LiveItems { status, pause });
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(item) = MenuId::from_id(event.id().as_ref()) else {
        tracing::warn!("unknown tray menu item {:?}", event.id());
        return;
    };
    tracing::debug!("tray menu: {item:?}");
    match item {
        MenuId::Status => {}
        MenuId::OpenSettings => settings_window::show(app),
        MenuId::TogglePause => {
            let paused = {
                let state = crate::state(app);
                let mut status = state.status();
                status.paused = !status.paused;
                status.paused
            };
            tracing::info!(
                "automation {} from the tray",
                if paused { "paused" } else { "resumed" }
            );
            refresh(app);
        }
        MenuId::Quit => {
            tracing::info!("quit from the tray");
            app.exit(0);
        }
    }
}

/// Re-renders icon, tooltip and menu texts from the current status.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let current = view(&crate::state(app).status());
    let result = (|| -> tauri::Result<()> {
        if let Some(tray) = app.tray_by_id(TRAY_ID) {
            tray.set_icon(Some(Image::from_bytes(current.icon.png())?))?;
            tray.set_tooltip(Some(&current.tooltip))?;
        }
        if let Some(items) = app.try_state::<LiveItems<R>>() {
            items.status.set_text(&current.status_line)?;
            items.pause.set_text(current.pause_label)?;
        }
        Ok(())
    })();
    if let Err(err) = result {
        tracing::warn!("cannot update the tray: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> AppStatus {
        AppStatus {
            mode: Mode::Simulated,
            users: 0,
            paused: false,
            config_problem: None,
        }
    }

    #[test]
    fn menu_ids_round_trip() {
        for item in MenuId::ALL {
            assert_eq!(MenuId::from_id(item.id()), Some(item));
        }
        assert_eq!(MenuId::from_id("nope"), None);
    }

    #[test]
    fn simulated_mode_says_so() {
        let view = view(&status());
        assert_eq!(view.icon, TrayIcon::Simulated);
        assert!(view.tooltip.contains("simulated tenant"));
        assert!(view.status_line.contains("no users configured"));
        assert_eq!(view.pause_label, "Pause automation");
    }

    #[test]
    fn paused_shows_the_paused_icon_and_offers_resume() {
        let view = view(&AppStatus {
            paused: true,
            mode: Mode::Tenant,
            users: 2,
            ..status()
        });
        assert_eq!(view.icon, TrayIcon::Paused);
        assert_eq!(view.pause_label, "Resume automation");
        assert!(view.tooltip.contains("2 users"));
    }

    #[test]
    fn a_config_problem_wins_over_everything() {
        let view = view(&AppStatus {
            paused: true,
            config_problem: Some("moved aside".into()),
            ..status()
        });
        assert_eq!(view.icon, TrayIcon::Error);
        assert!(view.tooltip.contains("config needs attention"));
    }

    #[test]
    fn every_icon_decodes() {
        for icon in [
            TrayIcon::Simulated,
            TrayIcon::Available,
            TrayIcon::Paused,
            TrayIcon::Error,
        ] {
            let image = Image::from_bytes(icon.png()).expect("icon decodes");
            assert_eq!((image.width(), image.height()), (64, 64));
        }
    }
}
