// Mounts the settings window: a header with the mode badge, then the current page.

import { type Backend, toUiError } from "./backend";
import { renderOverview } from "./overview";
import { strings } from "./strings";

export async function mountApp(root: HTMLElement, backend: Backend): Promise<void> {
  root.replaceChildren(loadingView());
  try {
    const info = await backend.appInfo();
    const header = document.createElement("header");
    const title = document.createElement("span");
    title.className = "app-name";
    title.textContent = strings.appName;
    const badge = document.createElement("span");
    badge.className = `badge badge-${info.mode}`;
    badge.textContent = info.mode === "simulated" ? strings.modeSimulated : strings.modeTenant;
    header.append(title, badge);
    root.replaceChildren(header, renderOverview(info));
    await backend.uiReady("overview");
  } catch (thrown) {
    root.replaceChildren(errorView(root, backend, toUiError(thrown).message));
  }
}

function loadingView(): HTMLElement {
  const p = document.createElement("p");
  p.className = "loading";
  p.textContent = strings.loading;
  return p;
}

function errorView(root: HTMLElement, backend: Backend, message: string): HTMLElement {
  const box = document.createElement("section");
  box.className = "notice notice-warning";
  box.setAttribute("role", "alert");
  const title = document.createElement("strong");
  title.textContent = strings.backendError;
  const detail = document.createElement("p");
  detail.textContent = message;
  const retry = document.createElement("button");
  retry.type = "button";
  retry.textContent = strings.retry;
  retry.addEventListener("click", () => void mountApp(root, backend));
  box.append(title, detail, retry);
  return box;
}
