// The users page: who this machine speaks for, each with their live presence and what we hold;
// add by Entra object id, remove (which releases what we hold for them).

import type { PageContext } from "../app";
import { toUiError } from "../backend";
import { button, el, field, heading, keepingFocus, notice, scrollBox, showIssues, textInput } from "../dom";
import type { ConfigFile, StatusView, User, UserStatusView } from "../generated/bindings";
import { strings } from "../strings";
import { copyConfig, saveConfig } from "./config";

export async function renderUsers(context: PageContext): Promise<HTMLElement> {
  const { backend } = context;
  const config = await backend.configGet();
  const page = el("section", { attrs: { id: "users" } }, heading(strings.usersTitle));
  const general = el("div", { className: "form-errors", attrs: { role: "alert" } });
  const tableBox = el("div");
  page.append(general, tableBox);

  let status: StatusView | null = null;
  try {
    status = await backend.status();
    context.onLeave(await backend.onStatusChanged((next) => {
      status = next;
      keepingFocus(tableBox, draw);
    }));
  } catch (thrown) {
    page.insertBefore(notice("warning", strings.statusUnavailable, toUiError(thrown).message), tableBox);
  }

  const save = async (next: ConfigFile, form: HTMLElement): Promise<boolean> => {
    const result = await saveConfig(backend, next);
    if (!result.saved) {
      showIssues(form, result.issues, general);
      return false;
    }
    return true;
  };

  function draw(): void {
    tableBox.replaceChildren(usersTable(config.users, status, (index) => {
      const next = copyConfig(config);
      next.users.splice(index, 1);
      void save(next, page).then((ok) => {
        if (ok) void context.reload("users");
      });
    }));
  }
  draw();

  const name = textInput("", { name: "displayName", autocomplete: "off" });
  const objectId = textInput("", { name: "objectId", autocomplete: "off", spellcheck: "false" });
  const index = config.users.length;
  const form = el(
    "form",
    { attrs: { "aria-labelledby": "add-user-heading" } },
    el("h2", { text: strings.addUser, attrs: { id: "add-user-heading" } }),
    field(strings.displayName, name, `/users/${index}/display_name`),
    field(strings.objectId, objectId, `/users/${index}/object_id`, strings.objectIdHint),
    el("button", { text: strings.addUser, attrs: { type: "submit" } }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = copyConfig(config);
    next.users.push({ display_name: name.value.trim(), object_id: objectId.value.trim() });
    void save(next, form).then((ok) => {
      if (ok) void context.reload("users");
    });
  });
  page.append(form);
  return page;
}

function presenceText(view: UserStatusView | undefined): string {
  if (view?.observed === null || view?.observed === undefined) return strings.unknown;
  const { availability, activity, outOfOffice, statusMessage } = view.observed;
  let text = [availability, activity].filter((part) => part !== null).join(" / ") || strings.unknown;
  if (outOfOffice) text += ` · ${strings.outOfOffice}`;
  if (statusMessage !== null && statusMessage !== "") text += ` · “${statusMessage}”`;
  return text;
}

function holdingText(view: UserStatusView | undefined): string {
  if (view === undefined || !view.holding) return strings.holdingNothing;
  const intent = strings.intentName(view.intent.value);
  const mode = strings.modeName(view.mode.value);
  return `${intent} (${mode}) · ${view.reason.label}`;
}

function usersTable(users: User[], status: StatusView | null, remove: (index: number) => void): HTMLElement {
  if (users.length === 0) return el("p", { text: strings.noUsers });
  const table = el("table", { className: "data" });
  table.append(
    el("caption", { className: "visually-hidden", text: strings.usersTitle }),
    el(
      "thead",
      {},
      el("tr", {}, ...[strings.displayName, strings.objectId, strings.presenceNow, strings.weHold, ""].map((h) => el("th", { text: h, attrs: { scope: "col" } }))),
    ),
  );
  const body = el("tbody");
  users.forEach((user, index) => {
    const view = status?.users.find((u) => u.user.toLowerCase() === user.object_id.toLowerCase());
    const removeButton = button(strings.remove, () => {
      if (window.confirm(strings.removeUserConfirm(user.display_name))) remove(index);
    }, "secondary");
    removeButton.setAttribute("aria-label", strings.removeUser(user.display_name));
    const row = el(
      "tr",
      {},
      el("th", { text: user.display_name, attrs: { scope: "row" } }),
      el("td", { className: "mono", text: user.object_id }),
      el("td", { text: presenceText(view) }),
      el("td", { text: holdingText(view) }),
      el("td", {}, removeButton),
    );
    body.append(row);
  });
  table.append(body);
  return scrollBox(table, strings.usersTitle);
}
