import { describe, expect, it, vi } from "vitest";

import { INTENT_VALUES, POLITE_INTENTS } from "../generated/bindings";
import { strings } from "../strings";
import { fakeBackend, sampleConfig } from "../testing/fakeBackend";
import { byLabel, byText, change, mountPage } from "../testing/mount";
import { modeAllowed } from "./rules";

function labelled(root: HTMLElement, label: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>("button")].find((b) => b.getAttribute("aria-label") === label);
  if (found === undefined) throw new Error(`no button labelled ${label}`);
  return found;
}

async function rulesPage() {
  const backend = fakeBackend();
  backend.config = sampleConfig();
  const root = await mountPage(backend, "rules");
  return { backend, root };
}

const names = (root: HTMLElement): string[] =>
  [...root.querySelectorAll(".rule-list > li > strong")].map((s) => s.textContent ?? "");

describe("rules page", () => {
  it("lists the rules in order with keyboard-reachable, named actions and a preview slot", async () => {
    const { root } = await rulesPage();
    expect(names(root)).toEqual(["1. Locked", "2. Lunch", "3. Focus"]);
    expect(labelled(root, strings.moveUpLabel("Locked")).disabled).toBe(true);
    expect(labelled(root, strings.moveDownLabel("Focus")).disabled).toBe(true);
    expect(root.querySelector("[data-slot=preview]")?.textContent).toContain(strings.previewTitle);
  });

  it("reorders, enables, duplicates and deletes, then saves the new order", async () => {
    const { backend, root } = await rulesPage();
    labelled(root, strings.moveDownLabel("Locked")).click();
    expect(names(root)).toEqual(["1. Lunch", "2. Locked", "3. Focus"]);
    const focusEnabled = root.querySelectorAll<HTMLInputElement>(".rule-list input[type=checkbox]")[2];
    change(focusEnabled!, true);
    labelled(root, strings.duplicateLabel("Lunch")).click();
    expect(names(root)).toEqual(["1. Lunch", "2. Lunch (copy)", "3. Locked", "4. Focus"]);
    labelled(root, strings.deleteLabel("Locked")).click();
    expect(names(root)).toEqual(["1. Lunch", "2. Lunch (copy)", "3. Focus"]);
    byText(root, "button", strings.saveRules).click();
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    const saved = backend.saved[0]!.rules;
    expect(saved.map((r) => r.name)).toEqual(["Lunch", "Lunch (copy)", "Focus"]);
    expect(saved[2]?.enabled).toBe(true);
    await vi.waitFor(() => expect(root.textContent).toContain(strings.saved));
  });

  it("offers only legal choices: assertive-only intents disable the polite mode", async () => {
    const { root } = await rulesPage();
    labelled(root, strings.editLabel("Focus")).click();
    const intent = byLabel<HTMLSelectElement>(root, strings.intent);
    expect([...intent.options].map((o) => o.value)).toEqual([...INTENT_VALUES]);
    const polite = (): HTMLOptionElement | undefined =>
      [...byLabel<HTMLSelectElement>(root, strings.writeMode).options].find((o) => o.value === "polite");
    expect(polite()?.disabled).toBe(false);
    change(intent, "be_right_back");
    expect(byLabel<HTMLSelectElement>(root, strings.writeMode).value).toBe("assertive");
    expect(polite()?.disabled).toBe(true);
    expect(root.textContent).toContain(strings.assertiveOnly);
  });

  it("edits conditions and shows the compile step's issues at the field", async () => {
    const { backend, root } = await rulesPage();
    labelled(root, strings.editLabel("Lunch")).click();
    const end = root.querySelector<HTMLInputElement>("input[name=rule-time-end]")!;
    backend.issues = [
      { severity: "error", pointer: "/rules/1/when/time/end", message: "equals start, so the window would be empty" },
      { severity: "warning", pointer: "/rules/0/then/mode", message: "a polite away loses" },
    ];
    change(end, "12:00");
    await vi.waitFor(() => expect(end.getAttribute("aria-invalid")).toBe("true"));
    expect(end.closest(".field")?.textContent).toContain("would be empty");
    // An issue of a rule not being edited shows at that rule in the list.
    expect(root.querySelector(".rule-list > li")?.textContent).toContain("a polite away loses");

    change(root.querySelector<HTMLInputElement>("input[name=rule-use-idle_minutes]")!, true);
    const idle = byLabel(root, strings.idleMinutes);
    change(idle, "10");
    change(root.querySelector<HTMLInputElement>("input[name=rule-use-time]")!, false);
    backend.issues = [];
    byText(root, "button", strings.saveRules).click();
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]?.rules[1]?.when).toEqual({ idle_minutes: 10 });
  });

  it("edits what Teams shows when no rule applies, with issues at its fields", async () => {
    const { backend, root } = await rulesPage();
    const intent = root.querySelector<HTMLSelectElement>("select[name=default-intent]")!;
    expect(intent.value).toBe(backend.config.default_action.intent);
    change(intent, "away");
    change(root.querySelector<HTMLSelectElement>("select[name=default-mode]")!, "assertive");
    const message = root.querySelector<HTMLInputElement>("input[name=default-message]")!;
    change(message, "Back at {back_at}");
    const hold = root.querySelector<HTMLInputElement>("input[name=default-hold]")!;
    backend.issues = [{ severity: "error", pointer: "/default_action/hold_minutes", message: "must be 5 to 240" }];
    change(hold, "1");
    await vi.waitFor(() => expect(hold.getAttribute("aria-invalid")).toBe("true"));
    expect(hold.closest(".field")?.textContent).toContain("must be 5 to 240");
    backend.issues = [];
    change(hold, "30");
    byText(root, "button", strings.saveRules).click();
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]?.default_action).toEqual({
      intent: "away",
      mode: "assertive",
      message: "Back at {back_at}",
      hold_minutes: 30,
    });
  });

  it("adds a rule and opens it in the editor", async () => {
    const { root } = await rulesPage();
    byText(root, "button", strings.addRule).click();
    expect(names(root)).toContain(`4. ${strings.newRuleName}`);
    expect(byLabel(root, strings.ruleName).value).toBe(strings.newRuleName);
  });
});

describe("modeAllowed", () => {
  it("allows polite only for intents with a session form", () => {
    for (const intent of INTENT_VALUES) {
      expect(modeAllowed(intent, "assertive")).toBe(true);
      expect(modeAllowed(intent, "polite")).toBe(POLITE_INTENTS.includes(intent));
    }
  });
});
