// The overview page: mode, config file, any config problem, the engine's state and the controls
// that act above the rules (pause, snooze).

import type { PageContext } from "./app";
import { toUiError } from "./backend";
import { button, el, facts, formatTime, heading, keepingFocus, notice } from "./dom";
import type { ControlRequest, StatusView } from "./generated/bindings";
import { strings, userCount } from "./strings";

export async function renderOverview(context: PageContext): Promise<HTMLElement> {
  const { info, backend } = context;
  const page = el("section", { attrs: { id: "overview" } }, heading(strings.overviewTitle));
  if (info.startProblem !== null) {
    page.append(notice("warning", strings.startProblemTitle, info.startProblem));
  }
  if (info.configProblem !== null) {
    page.append(notice("warning", strings.configProblemTitle, info.configProblem));
  }
  page.append(
    facts([
      [strings.version, info.version],
      [strings.configFile, info.configFile],
      [strings.users, info.users === 0 ? strings.noUsers : userCount(info.users)],
    ]),
  );

  const engine = el("section", { attrs: { "aria-labelledby": "engine-heading" } });
  engine.append(el("h2", { text: strings.engineTitle, attrs: { id: "engine-heading" } }));
  const body = el("div");
  engine.append(body);
  page.append(engine);

  const draw = (status: StatusView): void =>
    keepingFocus(body, () => body.replaceChildren(...engineView(status, context, draw)));
  try {
    draw(await backend.status());
    const stop = await backend.onStatusChanged(draw);
    context.onLeave(stop);
  } catch (thrown) {
    body.replaceChildren(notice("warning", strings.statusUnavailable, toUiError(thrown).message));
  }
  return page;
}

function engineView(status: StatusView, context: PageContext, redraw: (status: StatusView) => void): Node[] {
  const { backend } = context;
  const result = el("p", { className: "control-result", attrs: { role: "status" } });
  const send = (request: ControlRequest): void => {
    result.textContent = "";
    backend
      .control(request)
      .then(() => backend.status())
      .then(redraw, (thrown: unknown) => {
        result.textContent = toUiError(thrown).message;
      });
  };
  const nodes: Node[] = [];
  if (status.writesHalted !== null) nodes.push(notice("warning", strings.writesHalted, status.writesHalted));
  if (status.failingSince !== null) {
    nodes.push(notice("warning", strings.failingTitle, strings.failingSince(formatTime(status.failingSince))));
  }
  const state = status.paused
    ? strings.statePaused
    : status.snoozedUntil !== null
      ? strings.stateSnoozed(formatTime(status.snoozedUntil))
      : strings.stateRunning;
  nodes.push(facts([[strings.engineState, state], [strings.updatedAt, formatTime(status.updatedAt)]]));
  const controls = el("div", { className: "actions" });
  if (status.paused) controls.append(button(strings.resume, () => send({ action: "resume" })));
  else controls.append(button(strings.pause, () => send({ action: "pause" })));
  if (status.snoozedUntil !== null) {
    controls.append(button(strings.endSnooze, () => send({ action: "end_snooze" })));
  } else {
    controls.append(
      button(strings.snoozeHour, () => send({ action: "snooze", length: { kind: "minutes", minutes: 60 } })),
      button(strings.snoozeTomorrow, () => send({ action: "snooze", length: { kind: "until_tomorrow" } })),
    );
  }
  nodes.push(controls, result);
  return nodes;
}
