import { describe, expect, it, vi } from "vitest";

import { mountApp } from "./app";
import { toUiError } from "./backend";
import { strings } from "./strings";
import { fakeBackend } from "./testing/fakeBackend";

function navButton(root: HTMLElement, title: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>("nav button")].find((b) => b.textContent === title);
  if (found === undefined) throw new Error(`no nav button ${title}`);
  return found;
}

describe("settings window", () => {
  it("says clearly when nothing real is being changed, and renders the overview first", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend);
    expect(root.querySelector(".badge")?.textContent).toBe(strings.modeSimulated);
    expect(root.querySelector(".demo-banner")?.textContent).toContain("nothing real is being changed");
    expect(root.textContent).toContain(strings.noUsers);
    expect(backend.ready).toEqual(["overview"]);
  });

  it("shows a connected tenant without the simulation notice", async () => {
    const root = document.createElement("div");
    await mountApp(root, fakeBackend({ mode: "tenant", demo: false, users: 2 }));
    expect(root.querySelector(".badge")?.textContent).toBe(strings.modeTenant);
    expect(root.textContent).not.toContain("nothing real is being changed");
    expect(root.textContent).toContain("2 users");
  });

  it("says when presence updates have been failing, and since when", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    backend.statusView = { ...backend.statusView, failingSince: "2026-03-02T08:00:00Z" };
    await mountApp(root, backend);
    expect(root.textContent).toContain(strings.failingTitle);
    expect(root.textContent).toContain("No write has gone through since");
  });

  it("follows the mode when the relay restarts on a new connection", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend);
    expect(root.querySelector(".badge")?.textContent).toBe(strings.modeSimulated);
    backend.info = { ...backend.info, mode: "tenant", demo: false };
    backend.emitStatus(backend.statusView);
    await vi.waitFor(() => expect(root.querySelector(".badge")?.textContent).toBe(strings.modeTenant));
    expect(root.querySelector(".demo-banner")).toBeNull();
  });

  it("keeps what the user is typing when the mode changes under the page", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend, "users");
    const name = root.querySelector<HTMLInputElement>('input[name="displayName"]');
    if (name === null) throw new Error("the Users page has no name field");
    name.value = "Ada Abara";
    backend.info = { ...backend.info, mode: "tenant", demo: false };
    backend.emitStatus(backend.statusView);
    await vi.waitFor(() => expect(root.querySelector(".badge")?.textContent).toBe(strings.modeTenant));
    expect(root.querySelector<HTMLInputElement>('input[name="displayName"]')).toBe(name);
    expect(name.value).toBe("Ada Abara");
    expect(backend.ready).toEqual(["users"]);
  });

  it("says why the relay is not running, and what to do", async () => {
    const root = document.createElement("div");
    await mountApp(root, fakeBackend({ startProblem: "the OS keyring is locked; unlock it and restart" }));
    const alert = root.querySelector("[role=alert]");
    expect(alert?.textContent).toContain(strings.startProblemTitle);
    expect(alert?.textContent).toContain("unlock it and restart");
  });

  it("surfaces a config problem as an alert", async () => {
    const root = document.createElement("div");
    await mountApp(root, fakeBackend({ configProblem: "moved aside to config.json.invalid-1" }));
    const alert = root.querySelector("[role=alert]");
    expect(alert?.textContent).toContain("moved aside");
  });

  it("offers a retry when the app does not answer, and the retry works", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    backend.failing.appInfo = { code: "internal", message: "boom" };
    await mountApp(root, backend);
    expect(root.querySelector("[role=alert]")?.textContent).toContain("boom");
    delete backend.failing.appInfo;
    const appInfo = vi.spyOn(backend, "appInfo");
    root.querySelector("button")?.click();
    await vi.waitFor(() => expect(root.querySelector(".badge")).not.toBeNull());
    expect(appInfo).toHaveBeenCalledOnce();
  });

  it("navigates with buttons, marks the current page and reports each page rendered", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend);
    const pages = [...root.querySelectorAll<HTMLButtonElement>("nav button")];
    expect(pages.map((b) => b.textContent)).toEqual([
      strings.overviewTitle,
      strings.connectionTitle,
      strings.usersTitle,
      strings.rulesTitle,
      strings.signalsTitle,
      strings.activityTitle,
      strings.settingsTitle,
    ]);
    expect(pages.every((b) => b.type === "button")).toBe(true);
    for (const button of pages.slice(1)) {
      button.click();
      await vi.waitFor(() => expect(button.getAttribute("aria-current")).toBe("page"));
      await vi.waitFor(() => expect(root.querySelector("main h1")?.textContent).toBe(button.textContent));
    }
    await vi.waitFor(() =>
      expect(backend.ready).toEqual(["overview", "connection", "users", "rules", "signals", "activity", "settings"]),
    );
  });

  it("pauses and resumes from the overview", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend();
    await mountApp(root, backend);
    const pause = [...root.querySelectorAll("button")].find((b) => b.textContent === strings.pause);
    pause?.click();
    await vi.waitFor(() => expect(backend.controls).toEqual([{ action: "pause" }]));
    backend.emitStatus({ ...backend.statusView, paused: true });
    await vi.waitFor(() => expect(root.textContent).toContain(strings.statePaused));
    expect([...root.querySelectorAll("button")].some((b) => b.textContent === strings.resume)).toBe(true);
  });

  it("keeps settings behind the PIN while the kiosk lock is on", async () => {
    const root = document.createElement("div");
    const backend = fakeBackend({ kiosk: { locked: true, pinSet: true, unlocked: false } });
    await mountApp(root, backend);
    navButton(root, strings.rulesTitle).click();
    await vi.waitFor(() => expect(root.querySelector("main h1")?.textContent).toBe(strings.kioskLockedTitle));
    const pin = root.querySelector<HTMLInputElement>("input[name=pin]");
    expect(pin?.type).toBe("password");
    expect(root.querySelector(`label[for="${pin?.id}"]`)?.textContent).toBe(strings.kioskPin);
    pin!.value = "0000";
    root.querySelector("form")?.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(root.textContent).toContain(strings.wrongPin));
    root.querySelector<HTMLInputElement>("input[name=pin]")!.value = "4711";
    root.querySelector("form")?.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector("main h1")?.textContent).toBe(strings.rulesTitle));
  });
});

describe("toUiError", () => {
  it("keeps code, message and issues of a structured error", () => {
    const issues = [{ severity: "error", pointer: "/users/0/object_id", message: "not a GUID" }];
    expect(toUiError({ code: "invalid_config", message: "bad", issues })).toEqual({
      code: "invalid_config",
      message: "bad",
      issues,
    });
  });
  it("wraps anything else as internal", () => {
    expect(toUiError("plain")).toEqual({ code: "internal", message: "plain" });
    expect(toUiError({ code: "no_such_code", message: "m" }).code).toBe("internal");
  });
});
