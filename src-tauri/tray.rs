//! The tray icon and its menu: [`crate::tray_view`] decides what they show (pure, tested); this
//! module builds the Tauri menu from it, rebuilds it when the view changes, and turns clicks into
//! engine commands. Menu ids are an enum, so a typo is a compile error rather than a dead item.

use std::sync::Mutex;

use relay_api::status::intent_label;
use relay_api::ControlRequest;
use relay_core::presence::Intent;
use relay_engine::EngineCommand;
use relay_settings::control;
use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::tray_view::{
    view, For, PanelShade, Snooze, TrayIcon, TrayInput, TrayView, MESSAGE_PRESETS, QUICK_INTENTS,
};
use crate::window_host;

const TRAY_ID: &str = "main";

/// What a menu item does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuAction {
    /// A user line (informational).
    Info,
    SetStatus(Intent, For),
    /// Back to the rules for everyone.
    ClearStatus,
    Message(usize),
    ClearMessage,
    Snooze(Snooze),
    EndSnooze,
    TogglePause,
    OpenSettings,
    Quit,
}

impl MenuAction {
    pub fn id(self) -> String {
        match self {
            MenuAction::Info => "info".into(),
            MenuAction::SetStatus(intent, until) => {
                let until = For::ALL.iter().position(|f| *f == until).unwrap_or(0);
                format!("set:{}:{until}", intent.as_str())
            }
            MenuAction::ClearStatus => "set:clear".into(),
            MenuAction::Message(index) => format!("message:{index}"),
            MenuAction::ClearMessage => "message:clear".into(),
            MenuAction::Snooze(snooze) => format!(
                "snooze:{}",
                Snooze::ALL.iter().position(|s| *s == snooze).unwrap_or(0)
            ),
            MenuAction::EndSnooze => "snooze:end".into(),
            MenuAction::TogglePause => "toggle-pause".into(),
            MenuAction::OpenSettings => "open-settings".into(),
            MenuAction::Quit => "quit".into(),
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split(':').collect();
        Some(match parts.as_slice() {
            ["info"] => MenuAction::Info,
            ["set", "clear"] => MenuAction::ClearStatus,
            ["set", intent, until] => MenuAction::SetStatus(
                *QUICK_INTENTS.iter().find(|i| i.as_str() == *intent)?,
                *For::ALL.get(until.parse::<usize>().ok()?)?,
            ),
            ["message", "clear"] => MenuAction::ClearMessage,
            ["message", index] => {
                let index = index.parse().ok()?;
                (index < MESSAGE_PRESETS.len()).then_some(MenuAction::Message(index))?
            }
            ["snooze", "end"] => MenuAction::EndSnooze,
            ["snooze", index] => {
                MenuAction::Snooze(*Snooze::ALL.get(index.parse::<usize>().ok()?)?)
            }
            ["toggle-pause"] => MenuAction::TogglePause,
            ["open-settings"] => MenuAction::OpenSettings,
            ["quit"] => MenuAction::Quit,
            _ => return None,
        })
    }
}

impl TrayIcon {
    /// The icon's art for a panel of `shade` (scripts/make-icons.sh draws both variants).
    fn png(self, shade: PanelShade) -> &'static [u8] {
        match (self, shade) {
            (TrayIcon::Simulated, PanelShade::Dark) => {
                include_bytes!("../icons/tray-simulated.png")
            }
            (TrayIcon::Simulated, PanelShade::Light) => {
                include_bytes!("../icons/tray-simulated-light-panel.png")
            }
            (TrayIcon::Available, PanelShade::Dark) => {
                include_bytes!("../icons/tray-available.png")
            }
            (TrayIcon::Available, PanelShade::Light) => {
                include_bytes!("../icons/tray-available-light-panel.png")
            }
            (TrayIcon::Busy, PanelShade::Dark) => include_bytes!("../icons/tray-busy.png"),
            (TrayIcon::Busy, PanelShade::Light) => {
                include_bytes!("../icons/tray-busy-light-panel.png")
            }
            (TrayIcon::DoNotDisturb, PanelShade::Dark) => include_bytes!("../icons/tray-dnd.png"),
            (TrayIcon::DoNotDisturb, PanelShade::Light) => {
                include_bytes!("../icons/tray-dnd-light-panel.png")
            }
            (TrayIcon::Away, PanelShade::Dark) => include_bytes!("../icons/tray-away.png"),
            (TrayIcon::Away, PanelShade::Light) => {
                include_bytes!("../icons/tray-away-light-panel.png")
            }
            (TrayIcon::Offline, PanelShade::Dark) => include_bytes!("../icons/tray-offline.png"),
            (TrayIcon::Offline, PanelShade::Light) => {
                include_bytes!("../icons/tray-offline-light-panel.png")
            }
            (TrayIcon::Paused, PanelShade::Dark) => include_bytes!("../icons/tray-paused.png"),
            (TrayIcon::Paused, PanelShade::Light) => {
                include_bytes!("../icons/tray-paused-light-panel.png")
            }
            (TrayIcon::Error, PanelShade::Dark) => include_bytes!("../icons/tray-error.png"),
            (TrayIcon::Error, PanelShade::Light) => {
                include_bytes!("../icons/tray-error-light-panel.png")
            }
        }
    }
}

/// The view the menu was last built from (rebuilding an unchanged menu would close it under
/// the person's pointer), and the panel shade its icon was drawn for.
struct Shown(Mutex<Option<(TrayView, PanelShade)>>);

fn current_view<R: Runtime>(app: &AppHandle<R>) -> TrayView {
    let state = crate::state(app);
    let engine = state.engine_status();
    let status = state.status().clone();
    view(&TrayInput {
        app: &status,
        engine: engine.as_ref(),
        now: state.clock.now(),
    })
}

fn item<R: Runtime>(
    app: &AppHandle<R>,
    action: MenuAction,
    text: &str,
    enabled: bool,
) -> tauri::Result<MenuItem<R>> {
    MenuItem::with_id(app, action.id(), text, enabled, None::<&str>)
}

fn build_menu<R: Runtime>(app: &AppHandle<R>, view: &TrayView) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    if let Some(header) = view.header {
        menu.append(&MenuItem::new(app, header, false, None::<&str>)?)?;
    }
    for line in &view.user_lines {
        menu.append(&MenuItem::new(app, line, false, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;

    let set = Submenu::new(app, "Set status", true)?;
    for intent in QUICK_INTENTS {
        let per_intent = Submenu::new(app, intent_label(intent), true)?;
        for until in For::ALL {
            per_intent.append(&item(
                app,
                MenuAction::SetStatus(intent, until),
                until.label(),
                true,
            )?)?;
        }
        set.append(&per_intent)?;
    }
    set.append(&PredefinedMenuItem::separator(app)?)?;
    set.append(&item(
        app,
        MenuAction::ClearStatus,
        "Back to automatic",
        true,
    )?)?;
    menu.append(&set)?;

    let messages = Submenu::new(app, "Status message", true)?;
    for (index, text) in MESSAGE_PRESETS.iter().enumerate() {
        messages.append(&item(app, MenuAction::Message(index), text, true)?)?;
    }
    messages.append(&item(app, MenuAction::ClearMessage, "No message", true)?)?;
    menu.append(&messages)?;

    let snooze = Submenu::new(app, &view.snooze_label, true)?;
    for choice in Snooze::ALL {
        snooze.append(&item(
            app,
            MenuAction::Snooze(choice),
            choice.label(),
            true,
        )?)?;
    }
    if view.snoozed {
        snooze.append(&item(app, MenuAction::EndSnooze, "End snooze now", true)?)?;
    }
    menu.append(&snooze)?;

    if view.admin_items {
        menu.append(&item(app, MenuAction::TogglePause, view.pause_label, true)?)?;
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        menu.append(&item(
            app,
            MenuAction::OpenSettings,
            "Open settings…",
            true,
        )?)?;
        menu.append(&item(app, MenuAction::Quit, "Quit", true)?)?;
    }
    Ok(menu)
}

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let current = current_view(app);
    let shade = crate::state(app).panel_shade();
    let menu = build_menu(app, &current)?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(current.icon.png(shade))?)
        .tooltip(&current.tooltip)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu_event)
        .build(app)?;
    app.manage(Shown(Mutex::new(Some((current, shade)))));
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Some(action) = MenuAction::from_id(event.id().as_ref()) else {
        tracing::warn!("unknown tray menu item {:?}", event.id());
        return;
    };
    tracing::info!("tray menu: {action:?}");
    let state = crate::state(app);
    let now = state.clock.now();
    let zone = state.zone;
    let status = state.engine_status().unwrap_or_default();
    let commands: Vec<EngineCommand> = match action {
        MenuAction::Info => Vec::new(),
        MenuAction::OpenSettings => {
            window_host::show(app);
            Vec::new()
        }
        MenuAction::Quit => {
            crate::quit(app.clone());
            Vec::new()
        }
        MenuAction::TogglePause => vec![if status.paused {
            EngineCommand::Resume
        } else {
            EngineCommand::Pause
        }],
        MenuAction::Snooze(choice) => {
            let request = ControlRequest::Snooze {
                length: choice.length(),
            };
            match control::engine_commands(request, &status, now, zone) {
                Ok(commands) => commands,
                Err(err) => {
                    tracing::warn!("snooze from the tray refused: {}", err.message);
                    Vec::new()
                }
            }
        }
        MenuAction::EndSnooze => vec![EngineCommand::Snooze(None)],
        MenuAction::SetStatus(intent, until) => {
            control::quick_set(&status, intent, until.until(now, zone))
        }
        MenuAction::ClearStatus => status
            .users
            .iter()
            .map(|user| EngineCommand::Override {
                user: user.user.clone(),
                value: None,
            })
            .collect(),
        MenuAction::Message(index) => {
            control::message_preset(&status, Some(MESSAGE_PRESETS[index]), now)
        }
        MenuAction::ClearMessage => control::message_preset(&status, None, now),
    };
    if commands.is_empty() {
        return;
    }
    let Some(sender) = state.engine_commands() else {
        tracing::warn!("the relay is not running; the tray choice is ignored");
        return;
    };
    tauri::async_runtime::spawn(async move {
        for command in commands {
            if sender.send(command).await.is_err() {
                tracing::warn!("the engine has stopped; the tray choice is ignored");
                return;
            }
        }
    });
}

/// Re-renders icon and tooltip, and the menu when its content changed.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let current = current_view(app);
    let shade = crate::state(app).panel_shade();
    let result = (|| -> tauri::Result<()> {
        let Some(tray) = app.tray_by_id(TRAY_ID) else {
            return Ok(());
        };
        let Some(shown) = app.try_state::<Shown>() else {
            return Ok(());
        };
        let mut last = shown.0.lock().unwrap_or_else(|p| p.into_inner());
        let last_view = last.as_ref().map(|(view, _)| view);
        let last_art = last.as_ref().map(|(view, shade)| (view.icon, *shade));
        if last_art != Some((current.icon, shade)) {
            tray.set_icon(Some(Image::from_bytes(current.icon.png(shade))?))?;
        }
        if last_view != Some(&current) {
            tray.set_tooltip(Some(&current.tooltip))?;
            tray.set_menu(Some(build_menu(app, &current)?))?;
        }
        *last = Some((current, shade));
        Ok(())
    })();
    if let Err(err) = result {
        tracing::warn!("cannot update the tray: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        let mut actions = vec![
            MenuAction::Info,
            MenuAction::ClearStatus,
            MenuAction::ClearMessage,
            MenuAction::EndSnooze,
            MenuAction::TogglePause,
            MenuAction::OpenSettings,
            MenuAction::Quit,
        ];
        for intent in QUICK_INTENTS {
            for until in For::ALL {
                actions.push(MenuAction::SetStatus(intent, until));
            }
        }
        actions.extend((0..MESSAGE_PRESETS.len()).map(MenuAction::Message));
        actions.extend(Snooze::ALL.map(MenuAction::Snooze));
        for action in actions {
            assert_eq!(
                MenuAction::from_id(&action.id()),
                Some(action),
                "{}",
                action.id()
            );
        }
        for bad in [
            "nope",
            "set:release:0",
            "set:away:9",
            "message:99",
            "snooze:7",
        ] {
            assert_eq!(MenuAction::from_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_icon_decodes_in_both_variants_and_the_variants_differ() {
        for icon in [
            TrayIcon::Simulated,
            TrayIcon::Available,
            TrayIcon::Busy,
            TrayIcon::DoNotDisturb,
            TrayIcon::Away,
            TrayIcon::Offline,
            TrayIcon::Paused,
            TrayIcon::Error,
        ] {
            for shade in [PanelShade::Light, PanelShade::Dark] {
                let image = Image::from_bytes(icon.png(shade)).expect("icon decodes");
                assert_eq!(
                    (image.width(), image.height()),
                    (64, 64),
                    "{icon:?} {shade:?}"
                );
            }
            assert_ne!(
                icon.png(PanelShade::Light),
                icon.png(PanelShade::Dark),
                "{icon:?}"
            );
        }
    }
}
