// Exports of the audit entries the Activity page shows: CSV (RFC 4180) and JSON, plus a download
// through a Blob link.

import type { AuditEntry } from "./generated/bindings";

const CSV_COLUMNS: readonly (keyof AuditEntry)[] = ["at", "user", "decidedBy", "write", "result", "requestId"];

function csvCell(value: string | null): string {
  const text = value ?? "";
  // Quote when needed; a leading =, +, - or @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: readonly AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const entry of entries) lines.push(CSV_COLUMNS.map((column) => csvCell(entry[column])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function toJson(entries: readonly AuditEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** Offers `text` as a file download. */
export function download(fileName: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
