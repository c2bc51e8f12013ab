// The small interface the UI uses to talk to the app. Components receive a Backend and never call
// Tauri's `invoke` themselves, so tests can hand them a fake.

import { invoke } from "@tauri-apps/api/core";

/** Mirrors `AppInfo` in src-tauri/commands.rs. */
export interface AppInfo {
  version: string;
  configFile: string;
  mode: "simulated" | "tenant";
  users: number;
  /** Why the config in use is not the file on disk (moved aside at start), if it is not. */
  configProblem: string | null;
}

/** Mirrors `UiError` in src-tauri/commands.rs: branch on `code`, show `message`. */
export interface UiError {
  code: string;
  message: string;
}

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Tells the app the page has rendered (logged; the smoke test waits for it). */
  uiReady(page: string): Promise<void>;
}

export function tauriBackend(): Backend {
  return {
    appInfo: () => invoke<AppInfo>("app_info"),
    uiReady: (page) => invoke<void>("ui_ready", { page }),
  };
}

/** Normalises whatever a failed call threw into a UiError. */
export function toUiError(thrown: unknown): UiError {
  if (typeof thrown === "object" && thrown !== null && "code" in thrown && "message" in thrown) {
    const { code, message } = thrown as { code: unknown; message: unknown };
    return { code: String(code), message: String(message) };
  }
  return { code: "unknown", message: String(thrown) };
}
