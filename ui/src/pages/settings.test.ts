import { describe, expect, it, vi } from "vitest";

import { strings } from "../strings";
import { fakeBackend } from "../testing/fakeBackend";
import { byLabel, byText, change, mountPage, submit } from "../testing/mount";
import { pinProblem } from "./settings";

describe("settings page", () => {
  it("saves start at login, notifications and the log level", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "settings");
    change(byLabel(root, strings.startAtLogin), false);
    change(byLabel(root, strings.notifyOnChange), true);
    change(byLabel<HTMLSelectElement>(root, strings.logLevel), "debug");
    submit(root.querySelector("form"));
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    const settings = backend.saved[0]!.settings;
    expect(settings.start_at_login).toBe(false);
    expect(settings.notifications).toEqual({ enabled: true, on_state_change: true });
    expect(settings.log_level).toBe("debug");
  });

  it("offers the kiosk lock only once a PIN is set, and shows a refusal at the field", async () => {
    const withoutPin = await mountPage(fakeBackend(), "settings");
    expect(byLabel(withoutPin, strings.kioskLock).disabled).toBe(true);
    expect(withoutPin.textContent).toContain(strings.kioskNeedsPin);

    const backend = fakeBackend({ kiosk: { locked: false, pinSet: true, unlocked: false } });
    backend.issues = [{ severity: "error", pointer: "/settings/kiosk/pin_hash", message: "the kiosk lock needs a PIN" }];
    const root = await mountPage(backend, "settings");
    const lock = byLabel(root, strings.kioskLock);
    expect(lock.disabled).toBe(false);
    change(lock, true);
    submit(root.querySelector("form"));
    await vi.waitFor(() => expect(lock.closest(".field")?.textContent).toContain("needs a PIN"));
    expect(root.textContent).toContain(strings.notSaved);
  });

  it("sets a PIN write-only and checks it before sending", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "settings");
    const pin = byLabel(root, strings.newPin);
    expect(pin.type).toBe("password");
    pin.value = "12";
    const pinForm = pin.closest("form");
    submit(pinForm);
    expect(pin.closest(".field")?.textContent).toContain(strings.pinInvalid);
    pin.value = "4711";
    byLabel(root, strings.confirmPin).value = "4711";
    submit(pinForm);
    await vi.waitFor(() => expect(backend.pins).toEqual(["4711"]));
  });

  it("removes a PIN", async () => {
    const backend = fakeBackend({ kiosk: { locked: false, pinSet: true, unlocked: false } });
    const root = await mountPage(backend, "settings");
    expect(root.textContent).toContain(strings.pinIsSet);
    byText(root, "button", strings.removePin).click();
    await vi.waitFor(() => expect(backend.pins).toEqual([null]));
  });
});

describe("pinProblem", () => {
  it("wants 4 to 12 digits, typed twice", () => {
    expect(pinProblem("4711", "4711")).toBeNull();
    expect(pinProblem("47a1", "47a1")?.field).toBe("pin");
    expect(pinProblem("1234567890123", "1234567890123")?.field).toBe("pin");
    expect(pinProblem("4711", "4712")?.field).toBe("pinConfirm");
  });
});
