// The settings page: start at login, notifications, log level, and the kiosk lock with its PIN.
// The PIN is write-only: only whether one is set is known here.

import type { PageContext } from "../app";
import { toUiError } from "../backend";
import { checkbox, el, field, heading, select, showIssues } from "../dom";
import type { LogLevel } from "../generated/bindings";
import { LOG_LEVEL_VALUES } from "../generated/bindings";
import { strings } from "../strings";
import { copyConfig, saveConfig } from "./config";

export async function renderSettings(context: PageContext): Promise<HTMLElement> {
  const { backend, info } = context;
  const draft = copyConfig(await backend.configGet());
  const settings = draft.settings;
  const page = el("section", { attrs: { id: "settings" } }, heading(strings.settingsTitle));

  const general = el("div", { className: "form-errors", attrs: { role: "alert" } });
  const status = el("p", { attrs: { role: "status" } });
  const startAtLogin = checkbox(strings.startAtLogin, settings.start_at_login, "/settings/start_at_login");
  const notify = checkbox(strings.notifications, settings.notifications.enabled, "/settings/notifications/enabled");
  const notifyChanges = checkbox(strings.notifyOnChange, settings.notifications.on_state_change, "/settings/notifications/on_state_change");
  const level = select<LogLevel>(LOG_LEVEL_VALUES, settings.log_level, strings.logLevelName);
  level.name = "logLevel";
  const locked = checkbox(strings.kioskLock, settings.kiosk.locked, "/settings/kiosk");
  // The lock needs a PIN: offered only once one is set.
  locked.input.disabled = !info.kiosk.pinSet && !settings.kiosk.locked;

  const form = el(
    "form",
    { attrs: { "aria-labelledby": "settings-general" } },
    el("h2", { text: strings.general, attrs: { id: "settings-general" } }),
    general,
    startAtLogin.wrapper,
    notify.wrapper,
    notifyChanges.wrapper,
    field(strings.logLevel, level, "/settings/log_level", strings.logLevelHint),
    el("h2", { text: strings.kiosk }),
    locked.wrapper,
    el("p", { className: "hint", text: info.kiosk.pinSet ? strings.kioskHint : strings.kioskNeedsPin }),
    el("button", { text: strings.saveSettings, attrs: { type: "submit" } }),
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    settings.start_at_login = startAtLogin.input.checked;
    settings.notifications.enabled = notify.input.checked;
    settings.notifications.on_state_change = notifyChanges.input.checked;
    settings.log_level = level.value as LogLevel;
    settings.kiosk.locked = locked.input.checked;
    void saveConfig(backend, draft).then((result) => {
      showIssues(form, result.saved ? result.warnings : result.issues, general);
      status.textContent = result.saved ? strings.saved : strings.notSaved;
      if (result.saved && info.kiosk.locked !== settings.kiosk.locked) void context.reload("settings");
    });
  });
  page.append(form, pinForm(context));
  return page;
}

function pinForm(context: PageContext): HTMLElement {
  const pin = el("input", { attrs: { type: "password", inputmode: "numeric", autocomplete: "new-password", name: "pin" } });
  const confirm = el("input", { attrs: { type: "password", inputmode: "numeric", autocomplete: "new-password", name: "pinConfirm" } });
  const general = el("div", { className: "form-errors", attrs: { role: "alert" } });
  const status = el("p", { attrs: { role: "status" } });
  const form = el(
    "form",
    { attrs: { "aria-labelledby": "pin-heading" } },
    el("h2", { text: strings.kioskPin, attrs: { id: "pin-heading" } }),
    el("p", { text: context.info.kiosk.pinSet ? strings.pinIsSet : strings.pinNotSet }),
    general,
    field(strings.newPin, pin, "pin", strings.pinHint),
    field(strings.confirmPin, confirm, "pinConfirm"),
    el("button", { text: strings.setPin, attrs: { type: "submit" } }),
    status,
  );
  const done = (): void => {
    pin.value = "";
    confirm.value = "";
    void context.reload("settings");
  };
  const failed = (thrown: unknown): void => {
    showIssues(form, [{ severity: "error", pointer: "pin", message: toUiError(thrown).message }], general);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = pinProblem(pin.value, confirm.value);
    if (problem !== null) {
      showIssues(form, [{ severity: "error", pointer: problem.field, message: problem.message }], general);
      return;
    }
    showIssues(form, [], general);
    context.backend.settingsSetPin(pin.value).then(done, failed);
  });
  if (context.info.kiosk.pinSet) {
    const remove = el("button", { text: strings.removePin, className: "secondary", attrs: { type: "button" } });
    remove.addEventListener("click", () => context.backend.settingsSetPin(null).then(done, failed));
    form.append(remove);
  }
  return form;
}

/** What is wrong with a new PIN, at which field; `null` when it is fine. Exported for tests. */
export function pinProblem(pin: string, confirm: string): { field: "pin" | "pinConfirm"; message: string } | null {
  if (!/^[0-9]{4,12}$/.test(pin)) return { field: "pin", message: strings.pinInvalid };
  if (pin !== confirm) return { field: "pinConfirm", message: strings.pinMismatch };
  return null;
}
