// The rules page: the ordered list (reorder, enable, duplicate, delete) and an editor that offers
// only legal choices. Every edit is checked with `config_validate` and its issues are shown at the
// fields they point at; `config_save` stores the list. Below, a preview of what Teams will show
// under the rules as edited (./rulesPreview.ts).

import type { PageContext } from "../app";
import { button, checkbox, el, field, heading, notice, select, showIssues, textInput } from "../dom";
import type { Action, Conditions, ConfigFile, Intent, Issue, Rule, WriteMode } from "../generated/bindings";
import {
  INTENT_VALUES,
  MACHINE_STATE_VALUES,
  POLITE_INTENTS,
  SHOW_AS_VALUES,
  WEEKDAY_VALUES,
  WRITE_MODE_VALUES,
} from "../generated/bindings";
import { strings } from "../strings";
import { copyConfig, saveConfig } from "./config";
import { previewPanel } from "./rulesPreview";

export async function renderRules(context: PageContext): Promise<HTMLElement> {
  const { backend } = context;
  const draft = copyConfig(await backend.configGet());
  const page = el("section", { attrs: { id: "rules" } }, heading(strings.rulesTitle));
  page.append(el("p", { className: "hint", text: strings.rulesIntro }));
  const general = el("div", { className: "form-errors", attrs: { role: "alert" } });
  const saved = el("p", { attrs: { role: "status" } });
  const list = el("ol", { className: "rule-list" });
  const editor = el("div", { className: "rule-editor" });
  // What Teams shows when no enabled rule applies (the config's `default_action`).
  const fallback = el("div", { className: "default-action" });
  let editing: number | null = null;
  let issues: Issue[] = [];
  const preview = previewPanel(backend);
  context.onLeave(preview.stop);

  const validate = async (): Promise<void> => {
    try {
      issues = (await backend.configValidate(draft)).issues;
    } catch {
      issues = [];
    }
    showIssues(page, issues, general);
  };

  const changed = (structural: boolean): void => {
    saved.textContent = "";
    if (structural) draw();
    void validate();
    preview.schedule(draft);
  };

  const draw = (): void => {
    const focused = document.activeElement?.getAttribute("name") ?? null;
    list.replaceChildren(...draft.rules.map((rule, index) => ruleItem(rule, index)));
    if (draft.rules.length === 0) list.replaceChildren(el("li", { className: "empty", text: strings.noRules }));
    editor.replaceChildren();
    if (editing !== null && draft.rules[editing] !== undefined) {
      editor.append(ruleEditor(draft, editing, changed));
    }
    fallback.replaceChildren(
      el("h2", { text: strings.defaultActionTitle }),
      el("p", { className: "hint", text: strings.defaultActionHint }),
      actionFieldset(draft.default_action, "/default_action", strings.defaultActionLegend, "default", changed),
    );
    // Redrawing replaces the controls; keep the keyboard where it was.
    if (focused !== null) {
      [...page.querySelectorAll<HTMLElement>("[name]")].find((node) => node.getAttribute("name") === focused)?.focus();
    }
    showIssues(page, issues, general);
  };

  const move = (from: number, to: number): void => {
    const [rule] = draft.rules.splice(from, 1);
    if (rule === undefined) return;
    draft.rules.splice(to, 0, rule);
    if (editing === from) editing = to;
    else if (editing === to) editing = from;
    changed(true);
  };

  function ruleItem(rule: Rule, index: number): HTMLElement {
    const item = el("li", { attrs: { "data-pointer": `/rules/${index}` } });
    const enabled = checkbox(strings.ruleEnabled, rule.enabled);
    enabled.input.name = `rule-${index}-enabled-toggle`;
    enabled.input.addEventListener("change", () => {
      rule.enabled = enabled.input.checked;
      changed(true);
    });
    const name = rule.name === "" ? strings.unnamedRule : rule.name;
    const actions = el(
      "div",
      { className: "actions" },
      labelled(button(strings.moveUp, () => move(index, index - 1), "secondary"), strings.moveUpLabel(name), index === 0, `rule-${index}-up`),
      labelled(button(strings.moveDown, () => move(index, index + 1), "secondary"), strings.moveDownLabel(name), index === draft.rules.length - 1, `rule-${index}-down`),
      labelled(button(strings.edit, () => { editing = index; changed(true); editor.querySelector<HTMLElement>("input")?.focus(); }, "secondary"), strings.editLabel(name), false, `rule-${index}-edit`),
      labelled(button(strings.duplicate, () => {
        draft.rules.splice(index + 1, 0, { ...structuredClone(rule), name: strings.copyOf(rule.name) });
        changed(true);
      }, "secondary"), strings.duplicateLabel(name), false, `rule-${index}-duplicate`),
      labelled(button(strings.delete, () => {
        draft.rules.splice(index, 1);
        if (editing === index) editing = null;
        else if (editing !== null && editing > index) editing -= 1;
        changed(true);
      }, "secondary"), strings.deleteLabel(name), false, `rule-${index}-delete`),
    );
    item.append(
      el("strong", { text: `${index + 1}. ${name}` }),
      el("span", { className: "rule-summary", text: ` — ${strings.intentName(rule.then.intent)} (${strings.modeName(rule.then.mode)})` }),
      enabled.wrapper,
      actions,
    );
    if (editing === index) item.setAttribute("aria-current", "true");
    return item;
  }

  const add = button(strings.addRule, () => {
    draft.rules.push(newRule());
    editing = draft.rules.length - 1;
    changed(true);
  });
  const save = el("button", { text: strings.saveRules, attrs: { type: "button" } });
  save.addEventListener("click", () => {
    void saveConfig(backend, draft).then((result) => {
      issues = result.saved ? result.warnings : result.issues;
      showIssues(page, issues, general);
      saved.textContent = result.saved ? strings.saved : strings.notSaved;
    });
  });

  page.append(general, list, el("div", { className: "actions" }, add, save), saved, editor, fallback, preview.element);
  draw();
  preview.refresh(draft);
  return page;
}

function labelled(b: HTMLButtonElement, label: string, disabled: boolean, name: string): HTMLButtonElement {
  b.setAttribute("aria-label", label);
  b.disabled = disabled;
  b.name = name;
  return b;
}

function newRule(): Rule {
  return {
    name: strings.newRuleName,
    enabled: true,
    users: "all",
    when: { screen: { locked: true } },
    then: { intent: "away", mode: "assertive" },
  };
}

/** Whether `mode` is a legal way to write `intent`. Exported for tests. */
export function modeAllowed(intent: Intent, mode: WriteMode): boolean {
  return mode === "assertive" || POLITE_INTENTS.includes(intent);
}

type Changed = (structural: boolean) => void;

function ruleEditor(config: ConfigFile, index: number, changed: Changed): HTMLElement {
  const rule = config.rules[index] as Rule;
  const at = `/rules/${index}`;
  const form = el("form", { attrs: { "aria-labelledby": "rule-editor-heading" } });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.append(el("h2", { text: strings.editRule(rule.name === "" ? strings.unnamedRule : rule.name), attrs: { id: "rule-editor-heading" } }));

  const name = textInput(rule.name, { name: "rule-name" });
  name.addEventListener("change", () => {
    rule.name = name.value;
    changed(true);
  });
  form.append(field(strings.ruleName, name, `${at}/name`));
  form.append(usersFieldset(config, rule, at, changed));
  form.append(conditionsFieldset(config, rule, at, changed));
  form.append(actionFieldset(rule.then, `${at}/then`, strings.ruleAction, "rule", changed));
  return form;
}

function usersFieldset(config: ConfigFile, rule: Rule, at: string, changed: Changed): HTMLElement {
  const box = el("fieldset", { attrs: { "data-pointer": `${at}/users` } }, el("legend", { text: strings.ruleUsers }));
  const all = checkbox(strings.allUsers, rule.users === "all");
  all.input.name = "rule-users-all";
  all.input.addEventListener("change", () => {
    rule.users = all.input.checked ? "all" : config.users.slice(0, 1).map((u) => u.object_id);
    changed(true);
  });
  box.append(all.wrapper);
  if (rule.users !== "all") {
    const chosen = rule.users;
    config.users.forEach((user) => {
      const one = checkbox(user.display_name, chosen.includes(user.object_id));
      one.input.name = `rule-user-${user.object_id}`;
      one.input.addEventListener("change", () => {
        rule.users = one.input.checked
          ? [...chosen, user.object_id]
          : chosen.filter((id) => id !== user.object_id);
        changed(true);
      });
      box.append(one.wrapper);
    });
  }
  return box;
}

type ConditionKey = keyof Conditions;
const CONDITION_KEYS: readonly ConditionKey[] = [
  "screen",
  "idle_minutes",
  "do_not_disturb",
  "presentation",
  "calendar",
  "time",
  "machine",
];

function startCondition(when: Conditions, key: ConditionKey, config: ConfigFile): void {
  switch (key) {
    case "screen":
      when.screen = { locked: true };
      break;
    case "idle_minutes":
      when.idle_minutes = 5;
      break;
    case "do_not_disturb":
      when.do_not_disturb = true;
      break;
    case "presentation":
      when.presentation = true;
      break;
    case "calendar":
      when.calendar = { calendar: config.calendars[0]?.id ?? "", show_as: ["busy"] };
      break;
    case "time":
      when.time = { start: "12:00", end: "13:00" };
      break;
    case "machine":
      when.machine = "suspending";
      break;
  }
}

function conditionsFieldset(config: ConfigFile, rule: Rule, at: string, changed: Changed): HTMLElement {
  const box = el("fieldset", { attrs: { "data-pointer": `${at}/when` } }, el("legend", { text: strings.ruleConditions }));
  box.append(el("p", { className: "hint", text: strings.conditionsHint }));
  for (const key of CONDITION_KEYS) {
    const present = rule.when[key] !== undefined && rule.when[key] !== null;
    const unavailable = key === "calendar" && config.calendars.length === 0 && !present;
    const use = checkbox(strings.conditionName(key), present);
    use.input.name = `rule-use-${key}`;
    use.input.disabled = unavailable;
    use.input.addEventListener("change", () => {
      if (use.input.checked) startCondition(rule.when, key, config);
      else delete rule.when[key];
      changed(true);
    });
    const group = el("div", { className: "condition", attrs: { "data-pointer": `${at}/when/${key}` } }, use.wrapper);
    if (unavailable) group.append(el("p", { className: "hint", text: strings.noCalendars }));
    if (present) group.append(conditionFields(config, rule.when, key, `${at}/when/${key}`, changed));
    box.append(group);
  }
  return box;
}

function onOff(current: boolean, name: string, apply: (on: boolean) => void, changed: Changed): HTMLSelectElement {
  const s = select<"on" | "off">(["on", "off"], current ? "on" : "off", (v) => (v === "on" ? strings.on : strings.off));
  s.name = name;
  s.addEventListener("change", () => {
    apply(s.value === "on");
    changed(false);
  });
  return s;
}

function numberInput(value: number | null | undefined, name: string, min: number, max: number): HTMLInputElement {
  const input = el("input", { attrs: { type: "number", name, min: String(min), max: String(max), inputmode: "numeric" } });
  input.value = value === null || value === undefined ? "" : String(value);
  return input;
}

function conditionFields(config: ConfigFile, when: Conditions, key: ConditionKey, at: string, changed: Changed): HTMLElement {
  const box = el("div", { className: "condition-fields" });
  switch (key) {
    case "screen": {
      const screen = when.screen;
      if (screen === undefined || screen === null) break;
      const state = select<"locked" | "unlocked">(["locked", "unlocked"], screen.locked ? "locked" : "unlocked", (v) =>
        v === "locked" ? strings.screenLocked : strings.screenUnlocked,
      );
      state.name = "rule-screen-state";
      state.addEventListener("change", () => {
        screen.locked = state.value === "locked";
        changed(false);
      });
      const seconds = numberInput(screen.for_seconds, "rule-screen-seconds", 0, 86400);
      seconds.addEventListener("change", () => {
        if (seconds.value === "") delete screen.for_seconds;
        else screen.for_seconds = Number(seconds.value);
        changed(false);
      });
      box.append(field(strings.screenState, state, `${at}/locked`), field(strings.forSeconds, seconds, `${at}/for_seconds`, strings.forSecondsHint));
      break;
    }
    case "idle_minutes": {
      const minutes = numberInput(when.idle_minutes, "rule-idle-minutes", 1, 1440);
      minutes.addEventListener("change", () => {
        when.idle_minutes = Number(minutes.value);
        changed(false);
      });
      box.append(field(strings.idleMinutes, minutes, at));
      break;
    }
    case "do_not_disturb":
      box.append(field(strings.conditionName(key), onOff(when.do_not_disturb === true, "rule-dnd", (on) => (when.do_not_disturb = on), changed), at));
      break;
    case "presentation":
      box.append(field(strings.conditionName(key), onOff(when.presentation === true, "rule-presentation", (on) => (when.presentation = on), changed), at));
      break;
    case "calendar": {
      const calendar = when.calendar;
      if (calendar === undefined || calendar === null) break;
      const ids = config.calendars.map((c) => c.id);
      if (!ids.includes(calendar.calendar)) ids.unshift(calendar.calendar);
      const which = select(ids, calendar.calendar, (id) => id);
      which.name = "rule-calendar";
      which.addEventListener("change", () => {
        calendar.calendar = which.value;
        changed(false);
      });
      const showAs = el("fieldset", { attrs: { "data-pointer": `${at}/show_as` } }, el("legend", { text: strings.showAs }));
      for (const value of SHOW_AS_VALUES) {
        const one = checkbox(strings.showAsName(value), calendar.show_as.includes(value));
        one.input.name = `rule-show-as-${value}`;
        one.input.addEventListener("change", () => {
          calendar.show_as = SHOW_AS_VALUES.filter((v) => (v === value ? one.input.checked : calendar.show_as.includes(v)));
          changed(false);
        });
        showAs.append(one.wrapper);
      }
      const keywords = textInput((calendar.title_keywords ?? []).join(", "), { name: "rule-calendar-keywords" });
      keywords.addEventListener("change", () => {
        const words = keywords.value.split(",").map((w) => w.trim()).filter((w) => w !== "");
        if (words.length === 0) delete calendar.title_keywords;
        else calendar.title_keywords = words;
        changed(false);
      });
      box.append(field(strings.calendar, which, `${at}/calendar`), showAs, field(strings.titleKeywords, keywords, `${at}/title_keywords`, strings.titleKeywordsHint));
      break;
    }
    case "time": {
      const time = when.time;
      if (time === undefined || time === null) break;
      const days = el("fieldset", { attrs: { "data-pointer": `${at}/days` } }, el("legend", { text: strings.days }));
      for (const day of WEEKDAY_VALUES) {
        const one = checkbox(strings.weekdayName(day), (time.days ?? []).includes(day));
        one.input.name = `rule-day-${day}`;
        one.input.addEventListener("change", () => {
          const next = WEEKDAY_VALUES.filter((d) => (d === day ? one.input.checked : (time.days ?? []).includes(d)));
          if (next.length === 0) delete time.days;
          else time.days = next;
          changed(false);
        });
        days.append(one.wrapper);
      }
      const start = el("input", { attrs: { type: "time", name: "rule-time-start" } });
      start.value = time.start;
      start.addEventListener("change", () => {
        time.start = start.value;
        changed(false);
      });
      const end = el("input", { attrs: { type: "time", name: "rule-time-end" } });
      end.value = time.end;
      end.addEventListener("change", () => {
        time.end = end.value;
        changed(false);
      });
      const zone = textInput(time.time_zone ?? "", { name: "rule-time-zone", spellcheck: "false" });
      zone.addEventListener("change", () => {
        if (zone.value.trim() === "") delete time.time_zone;
        else time.time_zone = zone.value.trim();
        changed(false);
      });
      box.append(
        el("p", { className: "hint", text: strings.daysHint }),
        days,
        field(strings.start, start, `${at}/start`),
        field(strings.end, end, `${at}/end`, strings.endHint),
        field(strings.timeZone, zone, `${at}/time_zone`, strings.timeZoneHint),
      );
      break;
    }
    case "machine": {
      const machine = select(MACHINE_STATE_VALUES, when.machine ?? "suspending", strings.machineStateName);
      machine.name = "rule-machine";
      machine.addEventListener("change", () => {
        when.machine = machine.value as (typeof MACHINE_STATE_VALUES)[number];
        changed(false);
      });
      box.append(field(strings.conditionName(key), machine, at));
      break;
    }
  }
  return box;
}

/** The "then show" part of a rule, or the default action: `at` is its JSON pointer, `prefix`
 * names its controls (`rule-intent`, `default-intent`, ...). */
function actionFieldset(action: Action, at: string, legend: string, prefix: string, changed: Changed): HTMLElement {
  const box = el("fieldset", { attrs: { "data-pointer": at } }, el("legend", { text: legend }));
  const intent = select(INTENT_VALUES, action.intent, strings.intentName);
  intent.name = `${prefix}-intent`;
  intent.addEventListener("change", () => {
    action.intent = intent.value as Intent;
    // Only legal pairs: an intent without a polite form is written assertively.
    if (!modeAllowed(action.intent, action.mode)) action.mode = "assertive";
    if (action.intent === "release") delete action.message;
    changed(true);
  });
  const mode = select(WRITE_MODE_VALUES, action.mode, strings.modeName);
  mode.name = `${prefix}-mode`;
  for (const option of mode.options) option.disabled = !modeAllowed(action.intent, option.value as WriteMode);
  mode.addEventListener("change", () => {
    action.mode = mode.value as WriteMode;
    changed(false);
  });
  box.append(field(strings.intent, intent, `${at}/intent`), field(strings.writeMode, mode, `${at}/mode`, strings.writeModeHint));
  if (action.intent !== "release") {
    const message = textInput(action.message ?? "", { name: `${prefix}-message`, maxlength: "280" });
    message.addEventListener("change", () => {
      if (message.value === "") delete action.message;
      else action.message = message.value;
      changed(false);
    });
    box.append(field(strings.statusMessage, message, `${at}/message`, strings.statusMessageHint));
  }
  const hold = numberInput(action.hold_minutes, `${prefix}-hold`, 5, 240);
  hold.addEventListener("change", () => {
    if (hold.value === "") delete action.hold_minutes;
    else action.hold_minutes = Number(hold.value);
    changed(false);
  });
  box.append(field(strings.holdMinutes, hold, `${at}/hold_minutes`, strings.holdMinutesHint));
  if (!POLITE_INTENTS.includes(action.intent)) box.append(notice("info", strings.assertiveOnly));
  return box;
}
