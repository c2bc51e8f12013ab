// Small DOM helpers shared by the pages: elements, labelled fields, notices. Every input gets a
// visible <label>, so pages are keyboard- and screen-reader-usable without extra work.

import type { Issue } from "./generated/bindings";

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className !== undefined) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

export function button(text: string, onClick: () => void, className = ""): HTMLButtonElement {
  const b = el("button", { text, attrs: { type: "button" } });
  if (className !== "") b.className = className;
  b.addEventListener("click", onClick);
  return b;
}

let nextId = 0;
/** A unique element id (labels and error messages point at inputs by id). */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * A labelled field. `pointer` is the JSON pointer of the value in the config document (or a
 * page-local name): issues for that pointer are shown in the field's error slot.
 */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  pointer?: string,
  hint?: string,
): HTMLElement {
  if (input.id === "") input.id = uniqueId("f");
  const wrapper = el("div", { className: "field" });
  const labelEl = el("label", { text: label, attrs: { for: input.id } });
  wrapper.append(labelEl, input);
  if (hint !== undefined) {
    const hintEl = el("p", { className: "hint", text: hint, attrs: { id: `${input.id}-hint` } });
    input.setAttribute("aria-describedby", hintEl.id);
    wrapper.append(hintEl);
  }
  if (pointer !== undefined) wrapper.dataset.pointer = pointer;
  return wrapper;
}

/** A checkbox with its label after it. */
export function checkbox(label: string, checked: boolean, pointer?: string): {
  wrapper: HTMLElement;
  input: HTMLInputElement;
} {
  const input = el("input", { attrs: { type: "checkbox", id: uniqueId("c") } });
  input.checked = checked;
  const wrapper = el("div", { className: "field field-check" }, input, el("label", { text: label, attrs: { for: input.id } }));
  if (pointer !== undefined) wrapper.dataset.pointer = pointer;
  return { wrapper, input };
}

export function textInput(value: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const input = el("input", { attrs: { type: "text", ...attrs } });
  input.value = value;
  return input;
}

export function select<T extends string>(
  values: readonly T[],
  current: T,
  labelOf: (value: T) => string,
): HTMLSelectElement {
  const s = el("select");
  for (const value of values) {
    const option = el("option", { text: labelOf(value), attrs: { value } });
    option.selected = value === current;
    s.append(option);
  }
  return s;
}

export function notice(kind: "info" | "warning" | "success", title: string, detail?: string): HTMLElement {
  const box = el("section", {
    className: `notice notice-${kind}`,
    attrs: { role: kind === "warning" ? "alert" : "status" },
  });
  box.append(el("strong", { text: title }));
  if (detail !== undefined) box.append(el("p", { text: detail }));
  return box;
}

export function facts(rows: [string, string | Node][]): HTMLDListElement {
  const list = el("dl", { className: "facts" });
  for (const [term, value] of rows) list.append(el("dt", { text: term }), el("dd", {}, value));
  return list;
}

export function heading(text: string): HTMLHeadingElement {
  return el("h1", { text, attrs: { tabindex: "-1" } });
}

/**
 * Shows `issues` at the fields of `container` whose `data-pointer` is the issue's pointer or its
 * nearest ancestor; issues with no field go to `general`. Clears earlier issues first.
 */
export function showIssues(container: HTMLElement, issues: readonly Issue[], general: HTMLElement): void {
  for (const old of container.querySelectorAll(".field-error")) old.remove();
  for (const input of container.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  general.replaceChildren();
  const wrappers = new Map<string, HTMLElement>();
  for (const wrapper of container.querySelectorAll<HTMLElement>("[data-pointer]")) {
    const pointer = wrapper.dataset.pointer;
    if (pointer !== undefined && !wrappers.has(pointer)) wrappers.set(pointer, wrapper);
  }
  const placed = placeIssues([...wrappers.keys()], issues);
  for (const [pointer, list] of placed) {
    const wrapper = pointer === null ? undefined : wrappers.get(pointer);
    for (const issue of list) {
      const message = el("p", {
        className: `field-error field-error-${issue.severity}`,
        text: issue.message,
        attrs: { id: uniqueId("err") },
      });
      if (wrapper === undefined) {
        general.append(message);
        continue;
      }
      wrapper.append(message);
      const input = wrapper.querySelector("input, select, textarea");
      if (input !== null) {
        if (issue.severity === "error") input.setAttribute("aria-invalid", "true");
        const described = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", described === null ? message.id : `${described} ${message.id}`);
      }
    }
  }
}

/**
 * Maps each issue to the field it belongs to: the longest of `pointers` that is the issue's
 * pointer or a JSON-pointer ancestor of it (`/rules/2` holds `/rules/2/then/mode`); `null` when
 * none is.
 */
export function placeIssues(
  pointers: readonly string[],
  issues: readonly Issue[],
): Map<string | null, Issue[]> {
  const placed = new Map<string | null, Issue[]>();
  for (const issue of issues) {
    let best: string | null = null;
    for (const pointer of pointers) {
      const holds = issue.pointer === pointer || issue.pointer.startsWith(`${pointer}/`);
      if (holds && (best === null || pointer.length > best.length)) best = pointer;
    }
    const list = placed.get(best) ?? [];
    list.push(issue);
    placed.set(best, list);
  }
  return placed;
}

export function formatTime(iso: string | null): string {
  if (iso === null) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A data table in a box of its own that scrolls sideways when the window is narrow or zoomed,
 * so the page never has to; keyboard users can focus the box to scroll it. */
export function scrollBox(table: HTMLTableElement, label: string): HTMLElement {
  return el("div", { className: "table-scroll", attrs: { role: "region", tabindex: "0", "aria-label": label } }, table);
}

/** Replaces what `container` shows with `redraw()` and gives the keyboard focus back to the
 * same control (same tag, name, label and text) if it was inside: a live page (status updates
 * every minute) must not drop a keyboard user's place. */
export function keepingFocus(container: HTMLElement, redraw: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? focusKey(active) : null;
  redraw();
  if (key === null) return;
  const again = [...container.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href], [tabindex]")].find(
    (node) => focusKey(node) === key,
  );
  again?.focus();
}

function focusKey(node: HTMLElement): string {
  return [node.tagName, node.getAttribute("name") ?? "", node.getAttribute("aria-label") ?? "", node.textContent?.trim() ?? ""].join("|");
}
