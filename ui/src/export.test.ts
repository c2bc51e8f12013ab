import { describe, expect, it } from "vitest";

import { toCsv, toJson } from "./export";
import type { AuditEntry } from "./generated/bindings";

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: "2026-03-02T09:00:00Z",
  user: "aaaa",
  decidedBy: "rule: Lunch",
  write: "setPresence Away/Away PT15M",
  result: "ok",
  requestId: null,
  ...over,
});

describe("toCsv", () => {
  it("writes a header and one row per entry, CRLF-terminated", () => {
    expect(toCsv([entry({ requestId: "r-1" })])).toBe(
      "at,user,decidedBy,write,result,requestId\r\n2026-03-02T09:00:00Z,aaaa,rule: Lunch,setPresence Away/Away PT15M,ok,r-1\r\n",
    );
  });
  it("quotes commas, quotes and newlines, and defuses spreadsheet formulas", () => {
    const csv = toCsv([entry({ decidedBy: 'rule: "A, B"', write: "line1\nline2", result: "=HYPERLINK(1)" })]);
    const row = csv.split("\r\n")[1];
    expect(row).toContain('"rule: ""A, B"""');
    expect(row).toContain('"line1\nline2"');
    expect(row).toContain(`"'=HYPERLINK(1)"`);
  });
  it("writes only the header for no entries", () => {
    expect(toCsv([])).toBe("at,user,decidedBy,write,result,requestId\r\n");
  });
});

describe("toJson", () => {
  it("round-trips the entries", () => {
    const entries = [entry(), entry({ result: "throttled", requestId: "r-2" })];
    expect(JSON.parse(toJson(entries))).toEqual(entries);
  });
});
