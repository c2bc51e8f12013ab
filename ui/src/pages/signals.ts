// The signals page: each local source's health and the last value of each signal it reports.

import type { PageContext } from "../app";
import { button, el, formatTime, heading, scrollBox } from "../dom";
import type { SignalHealth, SignalValue, SignalView } from "../generated/bindings";
import { strings } from "../strings";

export async function renderSignals(context: PageContext): Promise<HTMLElement> {
  const page = el("section", { attrs: { id: "signals" } }, heading(strings.signalsTitle));
  const body = el("div");
  const refresh = button(strings.refresh, () => {
    void context.backend.signals().then((sources) => body.replaceChildren(sourcesView(sources)));
  }, "secondary");
  body.append(sourcesView(await context.backend.signals()));
  page.append(refresh, body);
  return page;
}

export function healthText(health: SignalHealth): string {
  switch (health.state) {
    case "live":
      return strings.healthLive;
    case "degraded":
      return `${strings.healthDegraded}: ${health.reason}`;
    case "unsupported":
      return `${strings.healthUnsupported}: ${health.reason}`;
  }
}

export function valueText(value: SignalValue): string {
  switch (value.type) {
    case "flag":
      return value.on === null ? strings.unknown : value.on ? strings.on : strings.off;
    case "seconds":
      return strings.seconds(value.seconds);
    case "calendar":
      return value.until === null
        ? `${value.calendarId}: ${strings.showAsName(value.showAs)}`
        : `${value.calendarId}: ${strings.showAsName(value.showAs)} ${strings.until(formatTime(value.until))}`;
  }
}

function sourcesView(sources: SignalView[]): HTMLElement {
  if (sources.length === 0) return el("p", { text: strings.noSignals });
  const list = el("div", { className: "sources" });
  for (const source of sources) {
    const card = el("section", { className: `source source-${source.health.state}`, attrs: { "aria-label": source.source } });
    card.append(el("h2", { text: source.source }), el("p", { className: "health", text: healthText(source.health) }));
    if (source.values.length > 0) {
      const table = el("table", { className: "data" });
      table.append(
        el("thead", {}, el("tr", {}, ...[strings.signal, strings.value, strings.since].map((h) => el("th", { text: h, attrs: { scope: "col" } })))),
      );
      const body = el("tbody");
      for (const reading of source.values) {
        body.append(
          el(
            "tr",
            {},
            el("th", { text: strings.signalName(reading.signal), attrs: { scope: "row" } }),
            el("td", { text: valueText(reading.value) }),
            el("td", { text: formatTime(reading.at) }),
          ),
        );
      }
      table.append(body);
      card.append(scrollBox(table, source.source));
    }
    list.append(card);
  }
  return list;
}
