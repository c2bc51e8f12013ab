import { describe, expect, it, vi } from "vitest";

import { mountApp } from "./app";
import type { AppInfo, Backend } from "./backend";
import { toUiError } from "./backend";
import { strings } from "./strings";

function fakeBackend(info: Partial<AppInfo> = {}, fail?: unknown): Backend & { ready: string[] } {
  const ready: string[] = [];
  return {
    ready,
    appInfo: () =>
      fail === undefined
        ? Promise.resolve({
            version: "0.1.0",
            configFile: "/tmp/relay/config.json",
            mode: "simulated",
            users: 0,
            configProblem: null,
            ...info,
          })
        : Promise.reject(fail),
    uiReady: (page) => {
      ready.push(page);
      return Promise.resolve();
    },
  };
}

describe("settings window", () => {
  it("says clearly when nothing real is being changed", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend);
    expect(root.querySelector(".badge")?.textContent).toBe(strings.modeSimulated);
    expect(root.textContent).toContain("nothing real is being changed");
    expect(root.textContent).toContain(strings.noUsers);
    expect(backend.ready).toEqual(["overview"]);
  });

  it("shows a connected tenant without the simulation notice", async () => {
    const root = document.createElement("div");
    await mountApp(root, fakeBackend({ mode: "tenant", users: 2 }));
    expect(root.querySelector(".badge")?.textContent).toBe(strings.modeTenant);
    expect(root.textContent).not.toContain("nothing real is being changed");
    expect(root.textContent).toContain("2 users");
  });

  it("surfaces a config problem as an alert", async () => {
    const root = document.createElement("div");
    await mountApp(root, fakeBackend({ configProblem: "moved aside to config.json.invalid-1" }));
    const alert = root.querySelector("[role=alert]");
    expect(alert?.textContent).toContain("moved aside");
  });

  it("offers a retry when the app does not answer, and the retry works", async () => {
    const root = document.createElement("div");
    const failing = fakeBackend({}, { code: "internal", message: "boom" });
    await mountApp(root, failing);
    expect(root.querySelector("[role=alert]")?.textContent).toContain("boom");
    const healthy = fakeBackend();
    const appInfo = vi.spyOn(healthy, "appInfo");
    failing.appInfo = healthy.appInfo;
    failing.uiReady = healthy.uiReady;
    root.querySelector("button")?.dispatchEvent(new MouseEvent("click"));
    await vi.waitFor(() => expect(root.querySelector(".badge")).not.toBeNull());
    expect(appInfo).toHaveBeenCalledOnce();
  });
});

describe("toUiError", () => {
  it("keeps code and message of a structured error", () => {
    expect(toUiError({ code: "keyring_unavailable", message: "locked" })).toEqual({
      code: "keyring_unavailable",
      message: "locked",
    });
  });
  it("wraps anything else", () => {
    expect(toUiError("plain")).toEqual({ code: "unknown", message: "plain" });
  });
});
