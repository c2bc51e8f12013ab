// The activity page: the audit log, filterable by user, rule and result, exportable as CSV / JSON.

import type { PageContext } from "../app";
import { toUiError } from "../backend";
import { button, el, field, formatTime, heading, notice, scrollBox, select } from "../dom";
import type { AuditEntry, AuditQuery, ConfigFile, ResultFilter } from "../generated/bindings";
import { RESULT_FILTER_VALUES } from "../generated/bindings";
import { download, toCsv, toJson } from "../export";
import { strings } from "../strings";

/** How many entries the page lists at most. */
const LIMIT = 500;
const ANY = "";

export async function renderActivity(context: PageContext): Promise<HTMLElement> {
  const { backend } = context;
  const config: ConfigFile = await backend.configGet();
  const page = el("section", { attrs: { id: "activity" } }, heading(strings.activityTitle));

  const user = select([ANY, ...config.users.map((u) => u.object_id)], ANY, (id) =>
    id === ANY ? strings.anyUser : (config.users.find((u) => u.object_id === id)?.display_name ?? id),
  );
  user.name = "user";
  const deciders = [ANY, ...config.rules.map((r) => r.name), "manual override", "paused", "default action"];
  const rule = select([...new Set(deciders)], ANY, (name) => (name === ANY ? strings.anyRule : name));
  rule.name = "rule";
  const result = select<ResultFilter | "">([ANY, ...RESULT_FILTER_VALUES], ANY, (value) =>
    value === ANY ? strings.anyResult : strings.resultName(value),
  );
  result.name = "result";

  const table = el("div", { attrs: { "aria-live": "polite" } });
  let shown: AuditEntry[] = [];
  const load = async (): Promise<void> => {
    const query: AuditQuery = { limit: LIMIT };
    if (user.value !== ANY) query.user = user.value;
    if (rule.value !== ANY) query.rule = rule.value;
    if (result.value !== ANY) query.result = result.value as ResultFilter;
    try {
      const found = await backend.auditQuery(query);
      shown = found.entries;
      table.replaceChildren(entriesTable(shown, config));
      if (found.truncated) table.append(el("p", { className: "hint", text: strings.truncated(LIMIT) }));
    } catch (thrown) {
      shown = [];
      table.replaceChildren(notice("warning", strings.auditUnavailable, toUiError(thrown).message));
    }
  };
  for (const filter of [user, rule, result]) filter.addEventListener("change", () => void load());

  const exports = el(
    "div",
    { className: "actions" },
    button(strings.exportCsv, () => download("presence-relay-activity.csv", "text/csv", toCsv(shown)), "secondary"),
    button(strings.exportJson, () => download("presence-relay-activity.json", "application/json", toJson(shown)), "secondary"),
  );
  page.append(
    el("div", { className: "filters" }, field(strings.filterUser, user), field(strings.filterRule, rule), field(strings.filterResult, result)),
    exports,
    table,
  );
  await load();
  return page;
}

function entriesTable(entries: AuditEntry[], config: ConfigFile): HTMLElement {
  if (entries.length === 0) return el("p", { text: strings.noActivity });
  const table = el("table", { className: "data" });
  table.append(
    el(
      "thead",
      {},
      el("tr", {}, ...[strings.time, strings.user, strings.decidedBy, strings.write, strings.result, strings.requestId].map((h) => el("th", { text: h, attrs: { scope: "col" } }))),
    ),
  );
  const body = el("tbody");
  for (const entry of entries) {
    const name = config.users.find((u) => u.object_id.toLowerCase() === entry.user.toLowerCase())?.display_name ?? entry.user;
    body.append(
      el(
        "tr",
        { className: entry.result === "ok" ? "" : "failed" },
        el("td", { text: formatTime(entry.at) }),
        el("td", { text: name }),
        el("td", { text: entry.decidedBy }),
        el("td", { className: "mono", text: entry.write }),
        el("td", { text: entry.result }),
        el("td", { className: "mono", text: entry.requestId ?? "—" }),
      ),
    );
  }
  table.append(body);
  return scrollBox(table, strings.activityTitle);
}
