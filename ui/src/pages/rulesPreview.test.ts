import { afterEach, describe, expect, it, vi } from "vitest";

import type { ConfigFile, PreviewState, RulesPreview } from "../generated/bindings";
import { strings } from "../strings";
import { ANA, BEN, fakeBackend, nothingHeld, quietPreview, sampleConfig } from "../testing/fakeBackend";
import { byText, change, mountPage } from "../testing/mount";
import { clockTime, PREVIEW_DELAY_MS, previewPanel, stateText } from "./rulesPreview";

const AVAILABLE: PreviewState = {
  intent: { value: "available", label: "Available" },
  shown: { availability: "Available", activity: "Available" },
  message: null,
  reason: { value: { kind: "rule", index: 0, name: "At the desk" }, label: "rule: At the desk" },
  causes: [],
};

const LUNCH: PreviewState = {
  intent: { value: "be_right_back", label: "Be right back" },
  shown: { availability: "BeRightBack", activity: "BeRightBack" },
  message: "Back at 13:00",
  reason: { value: { kind: "rule", index: 1, name: "Lunch" }, label: "rule: Lunch" },
  causes: [{ kind: "time_window", start: "12:00", end: "13:00", timeZone: null }],
};

/** Ana at the desk, out for lunch from 12:00 to 13:00 Berlin time; Ben held by nothing. */
function lunchPreview(): RulesPreview {
  return {
    from: "2026-03-02T09:30:00Z",
    until: "2026-03-02T17:30:00Z",
    timeZone: "Europe/Berlin",
    signals: { screenLocked: false, idleSeconds: 0, doNotDisturb: null, presentation: false },
    users: [
      {
        user: ANA,
        displayName: "Ana",
        now: AVAILABLE,
        changes: [
          { at: "2026-03-02T11:00:00Z", to: LUNCH },
          { at: "2026-03-02T12:00:00Z", to: AVAILABLE },
        ],
      },
      { user: BEN, displayName: "Ben", now: nothingHeld(), changes: [] },
    ],
    usersLeftOut: 0,
  };
}

function previewOf(root: HTMLElement): HTMLElement {
  const found = root.querySelector<HTMLElement>("[data-slot=preview]");
  if (found === null) throw new Error("no preview");
  return found;
}

function userSection(root: HTMLElement, name: string): HTMLElement {
  const heading = [...previewOf(root).querySelectorAll("h3")].find((h) => h.textContent === name);
  const section = heading?.closest<HTMLElement>(".preview-user");
  if (section === null || section === undefined) throw new Error(`no preview for ${name}`);
  return section;
}

/** A promise the test settles. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the answers' promise callbacks run (they need no timers). */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("rules preview", () => {
  it("shows what Teams shows now and each upcoming change, with times on the desk's clock", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    backend.preview = lunchPreview();
    const root = await mountPage(backend, "rules");
    await vi.waitFor(() => expect(previewOf(root).querySelectorAll(".preview-user")).toHaveLength(2));

    expect(backend.previewed).toHaveLength(1);
    expect(backend.previewed[0]?.rules.map((r) => r.name)).toEqual(["Locked", "Lunch", "Focus"]);
    const panel = previewOf(root);
    expect(panel.getAttribute("aria-busy")).toBeNull();
    expect(panel.textContent).toContain(strings.previewIntro(8));
    expect(panel.textContent).toContain(
      strings.previewAssuming(
        [strings.previewScreen(false), strings.previewIdle(0), strings.previewDnd(null), strings.previewPresentation(false)].join(", "),
      ),
    );

    const ana = userSection(root, "Ana");
    expect(ana.querySelector(".preview-now")?.textContent).toBe(`${strings.previewNow}: ${stateText(AVAILABLE)}`);
    expect(stateText(AVAILABLE)).toBe(`Available — ${strings.previewByRule("At the desk")}`);
    const changes = [...ana.querySelectorAll(".preview-changes li")];
    expect(changes).toHaveLength(2);
    const lunch = changes[0]!;
    expect(lunch.querySelector("time")?.getAttribute("datetime")).toBe("2026-03-02T11:00:00Z");
    expect(lunch.querySelector("time")?.textContent).toBe(clockTime("2026-03-02T11:00:00Z", lunchPreview()));
    expect(lunch.textContent).toContain("Be right back · “Back at 13:00”");
    expect(lunch.textContent).toContain(strings.previewTimeWindow("12:00", "13:00", null));
    expect(ana.querySelector("ol")?.getAttribute("aria-label")).toBe(strings.previewChanges("Ana"));

    const ben = userSection(root, "Ben");
    expect(ben.textContent).toContain(strings.previewNothingHeld);
    expect(ben.textContent).toContain(strings.previewByDefault);
    expect(ben.textContent).toContain(strings.previewNoChanges(8));
  });

  it("reads times on the preview's clock and names the day when it is another one", () => {
    const preview = { from: "2026-03-02T21:00:00Z", timeZone: "Europe/Berlin" };
    const hourMinute = (iso: string) =>
      new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" }).format(new Date(iso));
    // 22:30 in Berlin is still Monday; 23:30 UTC is already Tuesday there.
    expect(clockTime("2026-03-02T21:30:00Z", preview)).toBe(hourMinute("2026-03-02T21:30:00Z"));
    const tuesday = new Intl.DateTimeFormat(undefined, { weekday: "short", timeZone: "Europe/Berlin" }).format(new Date("2026-03-02T23:30:00Z"));
    expect(clockTime("2026-03-02T23:30:00Z", preview)).toBe(`${tuesday} ${hourMinute("2026-03-02T23:30:00Z")}`);
    // A zone this browser does not know falls back to the local one instead of failing.
    expect(clockTime("2026-03-02T21:30:00Z", { ...preview, timeZone: "Not/AZone" })).not.toBe("");
  });

  it("says so when no users are configured and when users were left out", async () => {
    const backend = fakeBackend();
    backend.preview = { ...quietPreview(backend.config), usersLeftOut: 3 };
    const root = await mountPage(backend, "rules");
    await vi.waitFor(() => expect(previewOf(root).textContent).toContain(strings.previewNoUsers));
    expect(previewOf(root).textContent).toContain(strings.previewLeftOut(3));
  });

  it("shows a failure inline with a retry, and invalid rules without a stale preview", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    backend.failing.rulesPreview = { code: "internal", message: "the simulated tenant could not start" };
    const root = await mountPage(backend, "rules");
    await vi.waitFor(() => expect(previewOf(root).textContent).toContain(strings.previewFailed));
    const panel = previewOf(root);
    expect(panel.querySelector("[role=alert]")?.textContent).toContain("the simulated tenant could not start");

    delete backend.failing.rulesPreview;
    backend.preview = lunchPreview();
    byText(panel, "button", strings.retry).click();
    await vi.waitFor(() => expect(panel.querySelectorAll(".preview-user")).toHaveLength(2));
    expect(panel.querySelector("[role=alert]")).toBeNull();

    // An edit that breaks a rule: the page shows the issue at its field, the preview says why
    // it has nothing to show instead of showing the old rules' preview.
    backend.issues = [{ severity: "error", pointer: "/rules/0/name", message: "is empty" }];
    const enabled = root.querySelectorAll<HTMLInputElement>(".rule-list input[type=checkbox]")[2]!;
    change(enabled, true);
    await vi.waitFor(() => expect(panel.textContent).toContain(strings.previewInvalid), { timeout: 3000 });
    expect(panel.querySelectorAll(".preview-user")).toHaveLength(0);
    expect(panel.textContent).not.toContain("the simulated tenant");
  });

  it("asks again once edits pause, with the rules as they are then", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    const root = await mountPage(backend, "rules");
    await vi.waitFor(() => expect(backend.previewed).toHaveLength(1));
    vi.useFakeTimers();
    const toggles = root.querySelectorAll<HTMLInputElement>(".rule-list input[type=checkbox]");
    change(toggles[0]!, false);
    vi.advanceTimersByTime(PREVIEW_DELAY_MS / 2);
    // The redraw replaced the checkboxes: take the new one.
    change(root.querySelectorAll<HTMLInputElement>(".rule-list input[type=checkbox]")[2]!, true);
    vi.advanceTimersByTime(PREVIEW_DELAY_MS - 1);
    expect(backend.previewed).toHaveLength(1);
    expect(previewOf(root).getAttribute("aria-busy")).toBe("true");
    vi.advanceTimersByTime(1);
    expect(backend.previewed).toHaveLength(2);
    expect(backend.previewed[1]?.rules.map((r) => r.enabled)).toEqual([false, true, true]);
  });

  it("shows only the answer to the latest question, whatever order answers come in", async () => {
    const backend = fakeBackend();
    const pending: { config: ConfigFile; answer: ReturnType<typeof deferred<RulesPreview>> }[] = [];
    backend.rulesPreview = (config) => {
      const answer = deferred<RulesPreview>();
      pending.push({ config, answer });
      return answer.promise;
    };
    const panel = previewPanel(backend);
    const older = sampleConfig();
    const newer = sampleConfig();
    newer.users = newer.users.slice(0, 1);
    panel.refresh(older);
    panel.refresh(newer);
    expect(pending.map((p) => p.config.users.length)).toEqual([2, 1]);
    expect(panel.element.textContent).toContain(strings.previewLoading);

    pending[1]!.answer.resolve(quietPreview(newer));
    await flush();
    pending[0]!.answer.resolve(quietPreview(older));
    await flush();
    const names = () => [...panel.element.querySelectorAll("h3")].map((h) => h.textContent);
    expect(names()).toEqual(["Ana"]);

    // A failure of an older question is dropped as well.
    panel.refresh(older);
    panel.refresh(newer);
    pending[3]!.answer.resolve(lunchPreview());
    await flush();
    pending[2]!.answer.reject({ code: "internal", message: "late failure" });
    await flush();
    expect(names()).toEqual(["Ana", "Ben"]);
    expect(panel.element.textContent).not.toContain("late failure");

    // Once the page is left, nothing more is asked or shown.
    panel.refresh(older);
    panel.stop();
    pending[4]!.answer.resolve(quietPreview({ ...sampleConfig(), users: [] }));
    await flush();
    panel.schedule(older);
    expect(pending).toHaveLength(5);
    expect(names()).toEqual(["Ana", "Ben"]);
  });
});
