// The Rules page's preview: what Teams would show for each user now and over the next hours under
// the rules being edited (saved or not), as the engine's simulate path works it out
// (`rules_preview`). It is asked for when the page opens and again once edits pause; only the
// answer to the latest question is shown, so a slow answer about an older draft never replaces a
// newer one.

import type { Backend } from "../backend";
import { toUiError } from "../backend";
import { button, el, notice, uniqueId } from "../dom";
import type {
  ConfigFile,
  PreviewCause,
  PreviewPresence,
  PreviewSignals,
  PreviewState,
  RulesPreview,
  UiError,
  UserPreview,
} from "../generated/bindings";
import { strings } from "../strings";

/** How long edits must pause before the preview is asked again. */
export const PREVIEW_DELAY_MS = 400;

export interface PreviewPanel {
  element: HTMLElement;
  /** Asks for the preview of `config` at once. */
  refresh(config: ConfigFile): void;
  /** Asks for the preview of `config` as it is once edits have paused for PREVIEW_DELAY_MS. */
  schedule(config: ConfigFile): void;
  /** No more questions; answers still on their way are dropped. */
  stop(): void;
}

export function previewPanel(backend: Backend): PreviewPanel {
  const status = el("p", { className: "preview-status", attrs: { role: "status" } });
  const body = el("div", { className: "preview-body" }, el("p", { className: "hint", text: strings.previewLoading }));
  const element = el(
    "section",
    { className: "preview", attrs: { "data-slot": "preview", "aria-labelledby": "preview-heading" } },
    el("h2", { text: strings.previewTitle, attrs: { id: "preview-heading" } }),
    status,
    body,
  );
  /** Numbers the questions; an answer counts only while its question is the latest. */
  let latest = 0;
  let answered = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const busy = (): void => {
    element.setAttribute("aria-busy", "true");
    // Before the first answer the body already says it is loading.
    if (answered) status.textContent = strings.previewUpdating;
  };
  const show = (ticket: number, content: Node[]): void => {
    if (ticket !== latest || stopped) return;
    answered = true;
    element.removeAttribute("aria-busy");
    status.textContent = "";
    body.replaceChildren(...content);
  };
  const ask = (config: ConfigFile): void => {
    if (stopped) return;
    clearTimeout(timer);
    latest += 1;
    const ticket = latest;
    const question = structuredClone(config);
    busy();
    backend.rulesPreview(question).then(
      (preview) => show(ticket, previewView(preview)),
      (thrown) => show(ticket, [failureView(toUiError(thrown), () => ask(question))]),
    );
  };
  return {
    element,
    refresh: ask,
    schedule: (config) => {
      if (stopped) return;
      clearTimeout(timer);
      busy();
      timer = setTimeout(() => ask(config), PREVIEW_DELAY_MS);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

function failureView(error: UiError, retry: () => void): HTMLElement {
  // The issues themselves are shown at their fields by the page's own validation.
  if (error.code === "invalid_config") return notice("warning", strings.previewInvalid);
  const box = notice("warning", strings.previewFailed, error.message);
  box.append(button(strings.retry, retry, "secondary"));
  return box;
}

function previewView(preview: RulesPreview): Node[] {
  const hours = Math.round((Date.parse(preview.until) - Date.parse(preview.from)) / 3_600_000);
  const nodes: Node[] = [
    el("p", { className: "hint", text: strings.previewIntro(hours) }),
    el("p", { className: "hint preview-assumptions", text: strings.previewAssuming(assumptions(preview.signals)) }),
  ];
  if (preview.users.length === 0) nodes.push(el("p", { text: strings.previewNoUsers }));
  for (const user of preview.users) nodes.push(userView(user, preview, hours));
  if (preview.usersLeftOut > 0) nodes.push(notice("info", strings.previewLeftOut(preview.usersLeftOut)));
  return nodes;
}

function assumptions(signals: PreviewSignals): string {
  return [
    strings.previewScreen(signals.screenLocked),
    strings.previewIdle(signals.idleSeconds),
    strings.previewDnd(signals.doNotDisturb),
    strings.previewPresentation(signals.presentation),
  ].join(", ");
}

function userView(user: UserPreview, preview: RulesPreview, hours: number): HTMLElement {
  const headingId = uniqueId("preview-user");
  const section = el(
    "section",
    { className: "preview-user", attrs: { "aria-labelledby": headingId } },
    el("h3", { text: user.displayName, attrs: { id: headingId } }),
    el("p", { className: "preview-now" }, el("strong", { text: `${strings.previewNow}: ` }), stateText(user.now)),
  );
  if (user.changes.length === 0) {
    section.append(el("p", { className: "hint", text: strings.previewNoChanges(hours) }));
    return section;
  }
  const list = el("ol", { className: "preview-changes", attrs: { "aria-label": strings.previewChanges(user.displayName) } });
  for (const change of user.changes) {
    list.append(
      el("li", {}, el("time", { text: clockTime(change.at, preview), attrs: { datetime: change.at } }), " ", stateText(change.to)),
    );
  }
  section.append(list);
  return section;
}

/** What Teams shows, then who decided and what makes it apply. Exported for tests. */
export function stateText(state: PreviewState): string {
  let what = state.shown === null ? strings.previewNothingHeld : presenceText(state.shown);
  if (state.shown !== null && state.message !== null) what += ` · “${state.message}”`;
  const decided =
    state.reason.value.kind === "rule"
      ? strings.previewByRule(state.reason.value.name)
      : state.reason.value.kind === "default"
        ? strings.previewByDefault
        : state.reason.label;
  return `${what} — ${[decided, ...state.causes.map(causeText)].join(", ")}`;
}

function presenceText(shown: PreviewPresence): string {
  const availability = strings.availabilityName(shown.availability);
  return shown.activity === shown.availability ? availability : `${availability} (${shown.activity})`;
}

function causeText(cause: PreviewCause): string {
  switch (cause.kind) {
    case "time_window":
      return strings.previewTimeWindow(cause.start, cause.end, cause.timeZone);
    case "calendar":
      return strings.previewCalendar(cause.calendar);
  }
}

/** `zone` if this browser knows it (the engine's zone names are IANA ones), else the local zone. */
function knownZone(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/**
 * The time of `iso` on the desk's clock (the preview's zone, which is the machine's), with the
 * weekday when it falls on another day than the preview's start. Exported for tests.
 */
export function clockTime(iso: string, preview: Pick<RulesPreview, "from" | "timeZone">): string {
  const timeZone = knownZone(preview.timeZone);
  const zoned = timeZone === undefined ? {} : { timeZone };
  const at = new Date(iso);
  const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", ...zoned }).format(at);
  const day = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", ...zoned });
  if (day.format(at) === day.format(new Date(preview.from))) return time;
  return `${new Intl.DateTimeFormat(undefined, { weekday: "short", ...zoned }).format(at)} ${time}`;
}
