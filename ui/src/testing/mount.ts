// Mounts one page of the window against a fake backend and waits until it has rendered.

import { vi } from "vitest";

import { mountApp } from "../app";
import type { PageName } from "../backend";
import type { FakeBackend } from "./fakeBackend";

export async function mountPage(backend: FakeBackend, page: PageName): Promise<HTMLElement> {
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  await mountApp(root, backend, page);
  await vi.waitFor(() => {
    if (!backend.ready.includes(page)) throw new Error(`${page} did not render`);
  });
  return root;
}

export function byText<T extends HTMLElement = HTMLButtonElement>(root: HTMLElement, selector: string, text: string): T {
  const found = [...root.querySelectorAll<T>(selector)].find((node) => node.textContent === text);
  if (found === undefined) throw new Error(`no ${selector} with text ${JSON.stringify(text)}`);
  return found;
}

/** The input a visible label names (what a screen reader user reaches it by). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(root: HTMLElement, label: string): T {
  const labelEl = [...root.querySelectorAll("label")].find((l) => l.textContent === label);
  const id = labelEl?.getAttribute("for");
  const input = [...root.querySelectorAll<T>("[id]")].find((node) => node.id === id);
  if (input === undefined) throw new Error(`no input labelled ${JSON.stringify(label)}`);
  return input;
}

export function submit(form: HTMLFormElement | null): void {
  form?.dispatchEvent(new Event("submit", { cancelable: true }));
}

export function change(input: HTMLInputElement | HTMLSelectElement, value?: string | boolean): void {
  if (typeof value === "boolean" && input instanceof HTMLInputElement) input.checked = value;
  else if (typeof value === "string") input.value = value;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}
