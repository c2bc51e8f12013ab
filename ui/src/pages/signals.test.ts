import { describe, expect, it, vi } from "vitest";

import { strings } from "../strings";
import { fakeBackend } from "../testing/fakeBackend";
import { byText, mountPage } from "../testing/mount";
import { healthText, valueText } from "./signals";

describe("signals page", () => {
  it("shows each source's health and its values, and refreshes", async () => {
    const backend = fakeBackend();
    backend.sources = [
      {
        source: "logind",
        health: { state: "live" },
        values: [
          { signal: "locked", value: { type: "flag", on: true }, at: "2026-03-02T09:00:00Z" },
          { signal: "idle_seconds", value: { type: "seconds", seconds: 300 }, at: "2026-03-02T09:00:00Z" },
        ],
      },
      { source: "gnome-dnd", health: { state: "degraded", reason: "service restarting" }, values: [] },
    ];
    const root = await mountPage(backend, "signals");
    const cards = root.querySelectorAll(".source");
    expect(cards).toHaveLength(2);
    expect(cards[0]?.textContent).toContain(strings.healthLive);
    expect(cards[0]?.textContent).toContain(strings.signalName("locked"));
    expect(cards[0]?.textContent).toContain("300 s");
    expect(cards[1]?.textContent).toContain("service restarting");

    backend.sources = [];
    byText(root, "button", strings.refresh).click();
    await vi.waitFor(() => expect(root.textContent).toContain(strings.noSignals));
  });
});

describe("signal texts", () => {
  it("never shows an unknown flag as off", () => {
    expect(valueText({ type: "flag", on: null })).toBe(strings.unknown);
    expect(valueText({ type: "flag", on: false })).toBe(strings.off);
    expect(valueText({ type: "calendar", calendarId: "desk", showAs: "busy", until: null })).toBe("desk: Busy");
    expect(healthText({ state: "unsupported", reason: "no logind" })).toContain("no logind");
  });
});
