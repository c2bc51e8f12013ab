// The small interface the UI uses to talk to the app. Components receive a Backend and never call
// Tauri's `invoke` themselves, so tests can hand them a fake. Argument and result types come from
// ./generated/bindings.ts, which is generated from the Rust types (see docs/DEVELOPING.md).

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type {
  AppInfo,
  AuditPage,
  AuditQuery,
  Commands,
  ConfigFile,
  ConnectionInput,
  ConnectionTestReport,
  ConnectionView,
  ControlRequest,
  ErrorCode,
  Events,
  Issue,
  RulesPreview,
  SaveOutcome,
  SignalView,
  StatusView,
  UiError,
  ValidationReport,
} from "./generated/bindings";
import { ERROR_CODE_VALUES } from "./generated/bindings";

export type { AppInfo, UiError };

/** The pages of the settings window, in navigation order. */
export type PageName =
  | "overview"
  | "connection"
  | "users"
  | "rules"
  | "signals"
  | "activity"
  | "settings";

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Tells the app the page has rendered (logged; the smoke test waits for it). */
  uiReady(page: PageName): Promise<void>;
  status(): Promise<StatusView>;
  configGet(): Promise<ConfigFile>;
  configValidate(config: ConfigFile): Promise<ValidationReport>;
  configSave(config: ConfigFile): Promise<SaveOutcome>;
  /** What Teams would show under `config` (saved or not), now and over the next hours. */
  rulesPreview(config: ConfigFile): Promise<RulesPreview>;
  connectionGet(): Promise<ConnectionView | null>;
  connectionSet(input: ConnectionInput): Promise<ConnectionView>;
  connectionClear(): Promise<void>;
  connectionTest(): Promise<ConnectionTestReport>;
  signals(): Promise<SignalView[]>;
  auditQuery(query: AuditQuery): Promise<AuditPage>;
  control(request: ControlRequest): Promise<void>;
  /** `null` removes the PIN. */
  settingsSetPin(pin: string | null): Promise<void>;
  kioskUnlock(pin: string): Promise<void>;
  /** Calls `handler` with every new status; resolves to a function that stops listening. */
  onStatusChanged(handler: (status: StatusView) => void): Promise<() => void>;
}

/** `invoke`, typed by the generated `Commands` map. */
function call<K extends keyof Commands>(
  name: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["result"]> {
  return invoke<Commands[K]["result"]>(name, args);
}

async function done(pending: Promise<null>): Promise<void> {
  await pending;
}

export function tauriBackend(): Backend {
  return {
    appInfo: () => call("app_info", {}),
    uiReady: (page) => done(call("ui_ready", { page })),
    status: () => call("status", {}),
    configGet: () => call("config_get", {}),
    configValidate: (config) => call("config_validate", { config }),
    configSave: (config) => call("config_save", { config }),
    rulesPreview: (config) => call("rules_preview", { config }),
    connectionGet: () => call("connection_get", {}),
    connectionSet: (input) => call("connection_set", { input }),
    connectionClear: () => done(call("connection_clear", {})),
    connectionTest: () => call("connection_test", {}),
    signals: () => call("signals", {}),
    auditQuery: (query) => call("audit_query", { query }),
    control: (request) => done(call("control", { request })),
    settingsSetPin: (pin) => done(call("settings_set_pin", { pin })),
    kioskUnlock: (pin) => done(call("kiosk_unlock", { pin })),
    onStatusChanged: async (handler) => {
      const event: keyof Events = "status-changed";
      return listen<Events[typeof event]>(event, (e) => handler(e.payload));
    },
  };
}

function isErrorCode(code: unknown): code is ErrorCode {
  return (ERROR_CODE_VALUES as readonly unknown[]).includes(code);
}

/** Normalises whatever a failed call threw into a UiError. */
export function toUiError(thrown: unknown): UiError {
  if (typeof thrown === "object" && thrown !== null && "code" in thrown && "message" in thrown) {
    const { code, message, issues } = thrown as { code: unknown; message: unknown; issues?: unknown };
    const error: UiError = {
      code: isErrorCode(code) ? code : "internal",
      message: String(message),
    };
    if (Array.isArray(issues)) {
      error.issues = issues as Issue[];
    }
    return error;
  }
  return { code: "internal", message: thrown instanceof Error ? thrown.message : String(thrown) };
}
