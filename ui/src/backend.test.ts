import { describe, expect, it, vi } from "vitest";

const invoked: { name: string; args: unknown }[] = [];
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (name: string, args: unknown) => {
    invoked.push({ name, args });
    return Promise.resolve(null);
  },
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => undefined) }));

import { type Backend, tauriBackend } from "./backend";
import { COMMAND_NAMES } from "./generated/bindings";
import { emptyConfig } from "./testing/fakeBackend";

describe("tauriBackend", () => {
  it("invokes every generated command, with the argument names the shell expects", async () => {
    const backend: Backend = tauriBackend();
    await backend.appInfo();
    await backend.uiReady("overview");
    await backend.status();
    await backend.configGet();
    await backend.configValidate(emptyConfig());
    await backend.configSave(emptyConfig());
    await backend.rulesPreview(emptyConfig());
    await backend.connectionGet();
    await backend.connectionSet({ cloud: "global", tenantId: "t", clientId: "c", credential: { kind: "keep" } });
    await backend.connectionClear();
    await backend.connectionTest();
    await backend.signals();
    await backend.auditQuery({ limit: 1 });
    await backend.control({ action: "pause" });
    await backend.settingsSetPin(null);
    await backend.kioskUnlock("4711");
    expect(new Set(invoked.map((call) => call.name))).toEqual(new Set(COMMAND_NAMES));
    expect(invoked.find((call) => call.name === "ui_ready")?.args).toEqual({ page: "overview" });
    expect(invoked.find((call) => call.name === "config_save")?.args).toHaveProperty("config");
    expect(invoked.find((call) => call.name === "rules_preview")?.args).toHaveProperty("config");
    expect(invoked.find((call) => call.name === "settings_set_pin")?.args).toEqual({ pin: null });
  });
});
