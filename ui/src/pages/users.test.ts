import { describe, expect, it, vi } from "vitest";

import type { UserStatusView } from "../generated/bindings";
import { strings } from "../strings";
import { ANA, BEN, fakeBackend, sampleConfig } from "../testing/fakeBackend";
import { byLabel, byText, mountPage, submit } from "../testing/mount";

function anaStatus(): UserStatusView {
  return {
    user: ANA,
    displayName: "Ana",
    intent: { value: "away", label: "Away" },
    mode: { value: "assertive", label: "Assertive" },
    reason: { value: { kind: "rule", index: 0, name: "Locked" }, label: "rule: Locked" },
    message: null,
    shown: { availability: "Away", activity: "Away", canBeOutranked: false },
    observed: {
      at: "2026-03-02T09:00:00Z",
      availability: "Away",
      activity: "Away",
      statusMessage: "Back soon",
      outOfOffice: true,
    },
    disagreement: false,
    userPreferredInEffect: false,
    lastWrite: null,
    nextRefresh: null,
    holding: true,
  };
}

describe("users page", () => {
  it("lists users with live presence and what we hold, and follows status changes", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    backend.statusView = { ...backend.statusView, users: [anaStatus()] };
    const root = await mountPage(backend, "users");
    const rows = [...root.querySelectorAll("tbody tr")];
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Away / Away");
    expect(rows[0]?.textContent).toContain(strings.outOfOffice);
    expect(rows[0]?.textContent).toContain("“Back soon”");
    expect(rows[0]?.textContent).toContain(`${strings.intentName("away")}`);
    expect(rows[0]?.textContent).toContain("rule: Locked");
    expect(rows[1]?.textContent).toContain(strings.holdingNothing);

    backend.emitStatus({ ...backend.statusView, users: [{ ...anaStatus(), holding: false, observed: null }] });
    await vi.waitFor(() => expect(root.querySelector("tbody tr")?.textContent).toContain(strings.holdingNothing));
  });

  it("keeps the keyboard on the same control when a status update redraws the table", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    const root = await mountPage(backend, "users");
    const remove = () => root.querySelector<HTMLButtonElement>(`button[aria-label="${strings.removeUser("Ben")}"]`);
    const before = remove();
    before?.focus();
    expect(document.activeElement).toBe(before);
    backend.emitStatus({ ...backend.statusView, users: [anaStatus()] });
    await vi.waitFor(() => expect(root.querySelector("tbody tr")?.textContent).toContain("Away / Away"));
    expect(remove()).not.toBe(before);
    expect(document.activeElement).toBe(remove());
  });

  it("adds a user by object id", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "users");
    expect(root.textContent).toContain(strings.noUsers);
    byLabel(root, strings.displayName).value = " Cleo ";
    byLabel(root, strings.objectId).value = "33333333-3333-3333-3333-333333333333";
    submit(root.querySelector("form"));
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]?.users).toEqual([
      { display_name: "Cleo", object_id: "33333333-3333-3333-3333-333333333333" },
    ]);
    await vi.waitFor(() => expect(root.querySelector("tbody")?.textContent).toContain("Cleo"));
  });

  it("shows a refused object id at its field", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    backend.issues = [{ severity: "error", pointer: "/users/2/object_id", message: "\"cleo\" is not a GUID" }];
    const root = await mountPage(backend, "users");
    byLabel(root, strings.displayName).value = "Cleo";
    byLabel(root, strings.objectId).value = "cleo";
    submit(root.querySelector("form"));
    const objectId = byLabel(root, strings.objectId);
    await vi.waitFor(() => expect(objectId.getAttribute("aria-invalid")).toBe("true"));
    expect(objectId.closest(".field")?.textContent).toContain("is not a GUID");
    expect(backend.saved).toHaveLength(0);
  });

  it("removes a user after confirming that it releases, with a button named for the user", async () => {
    const backend = fakeBackend();
    backend.config = sampleConfig();
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    const root = await mountPage(backend, "users");
    const remove = [...root.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === strings.removeUser("Ana"));
    expect(remove?.type).toBe("button");
    remove?.click();
    expect(confirm.mock.calls[0]?.[0]).toContain("released");
    await vi.waitFor(() => expect(backend.saved).toHaveLength(1));
    expect(backend.saved[0]?.users.map((u) => u.object_id)).toEqual([BEN]);
    confirm.mockRestore();
    expect(byText(root, "button", strings.addUser)).toBeDefined();
  });
});
