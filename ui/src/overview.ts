// The overview page: what mode the app is in, where its config lives, and any config problem.

import type { AppInfo } from "./backend";
import { strings, userCount } from "./strings";

export function renderOverview(info: AppInfo): HTMLElement {
  const page = document.createElement("main");
  page.id = "overview";

  const heading = document.createElement("h1");
  heading.textContent = strings.overviewTitle;
  page.append(heading);

  if (info.mode === "simulated") {
    page.append(notice("info", strings.modeSimulated, strings.modeSimulatedDetail));
  }
  if (info.configProblem !== null) {
    page.append(notice("warning", strings.configProblemTitle, info.configProblem));
  }

  const facts = document.createElement("dl");
  facts.className = "facts";
  addFact(facts, strings.version, info.version);
  addFact(facts, strings.configFile, info.configFile);
  addFact(facts, strings.users, info.users === 0 ? strings.noUsers : userCount(info.users));
  page.append(facts);
  return page;
}

function notice(kind: "info" | "warning", title: string, detail: string): HTMLElement {
  const box = document.createElement("section");
  box.className = `notice notice-${kind}`;
  box.setAttribute("role", kind === "warning" ? "alert" : "status");
  const strong = document.createElement("strong");
  strong.textContent = title;
  const text = document.createElement("p");
  text.textContent = detail;
  box.append(strong, text);
  return box;
}

function addFact(list: HTMLDListElement, term: string, value: string): void {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  list.append(dt, dd);
}
