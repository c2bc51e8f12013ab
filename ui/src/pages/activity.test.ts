import { describe, expect, it, vi } from "vitest";

import { strings } from "../strings";
import { ANA, BEN, fakeBackend, sampleConfig } from "../testing/fakeBackend";
import { byLabel, byText, change, mountPage } from "../testing/mount";

/** jsdom's Blob has no text(); FileReader reads it. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

function withLog() {
  const backend = fakeBackend();
  backend.config = sampleConfig();
  backend.audit = [
    { at: "2026-03-02T09:02:00Z", user: ANA, decidedBy: "rule: Lunch", write: "setPresence Away/Away PT15M", result: "ok", requestId: "r-3" },
    { at: "2026-03-02T09:01:00Z", user: BEN, decidedBy: "rule: Locked", write: "setPresence Away/Away PT15M", result: "throttled", requestId: null },
    { at: "2026-03-02T09:00:00Z", user: ANA, decidedBy: "manual override", write: "clearPresence", result: "ok", requestId: "r-1" },
  ];
  return backend;
}

describe("activity page", () => {
  it("lists the log with user names and filters by user, rule and result", async () => {
    const backend = withLog();
    const root = await mountPage(backend, "activity");
    expect(root.querySelectorAll("tbody tr")).toHaveLength(3);
    expect(root.querySelector("tbody tr")?.textContent).toContain("Ana");

    change(byLabel<HTMLSelectElement>(root, strings.filterUser), ANA);
    await vi.waitFor(() => expect(root.querySelectorAll("tbody tr")).toHaveLength(2));
    change(byLabel<HTMLSelectElement>(root, strings.filterRule), "Lunch");
    await vi.waitFor(() => expect(root.querySelectorAll("tbody tr")).toHaveLength(1));
    expect(backend.queries[backend.queries.length - 1]).toEqual({ limit: 500, user: ANA, rule: "Lunch" });

    change(byLabel<HTMLSelectElement>(root, strings.filterUser), "");
    change(byLabel<HTMLSelectElement>(root, strings.filterRule), "");
    change(byLabel<HTMLSelectElement>(root, strings.filterResult), "failed");
    await vi.waitFor(() => expect(root.querySelectorAll("tbody tr")).toHaveLength(1));
    expect(root.querySelector("tbody tr")?.textContent).toContain("throttled");
  });

  it("exports what is shown as CSV through a download link", async () => {
    const backend = withLog();
    const root = await mountPage(backend, "activity");
    change(byLabel<HTMLSelectElement>(root, strings.filterResult), "ok");
    await vi.waitFor(() => expect(root.querySelectorAll("tbody tr")).toHaveLength(2));
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:activity";
    });
    URL.revokeObjectURL = vi.fn();
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    byText(root, "button", strings.exportCsv).click();
    expect(clicked).toEqual(["presence-relay-activity.csv"]);
    const csv = await readBlob(blobs[0]!);
    expect(csv.trim().split("\r\n")).toHaveLength(3);
    expect(csv).not.toContain("throttled");
    byText(root, "button", strings.exportJson).click();
    expect(JSON.parse(await readBlob(blobs[1]!))).toHaveLength(2);
    click.mockRestore();
  });

  it("says when the log cannot be read", async () => {
    const backend = withLog();
    backend.failing.auditQuery = { code: "io", message: "cannot read audit.jsonl" };
    const root = await mountPage(backend, "activity");
    expect(root.querySelector("[role=alert]")?.textContent).toContain("cannot read audit.jsonl");
  });
});
