// Mounts the settings window: a header with the mode badge, the demo notice, the page navigation,
// then the current page. Every page renders through the Backend it is given and reports that it
// rendered with `uiReady`.

import { type AppInfo, type Backend, type PageName, toUiError } from "./backend";
import { button, el, notice } from "./dom";
import { renderKioskGate } from "./pages/kiosk";
import { renderActivity } from "./pages/activity";
import { renderConnection } from "./pages/connection";
import { renderOverview } from "./overview";
import { renderRules } from "./pages/rules";
import { renderSettings } from "./pages/settings";
import { renderSignals } from "./pages/signals";
import { renderUsers } from "./pages/users";
import { strings } from "./strings";

/** What a page gets to work with. */
export interface PageContext {
  backend: Backend;
  info: AppInfo;
  /** Reads the app info again and shows `page` (default: the current one), e.g. after a
   * connection or kiosk change. */
  reload: (page?: PageName) => Promise<void>;
  /** Runs `cleanup` when the window leaves this page (event listeners, timers). */
  onLeave: (cleanup: () => void) => void;
}

type PageRenderer = (context: PageContext) => Promise<HTMLElement>;

const PAGES: readonly { name: PageName; title: string; render: PageRenderer }[] = [
  { name: "overview", title: strings.overviewTitle, render: renderOverview },
  { name: "connection", title: strings.connectionTitle, render: renderConnection },
  { name: "users", title: strings.usersTitle, render: renderUsers },
  { name: "rules", title: strings.rulesTitle, render: renderRules },
  { name: "signals", title: strings.signalsTitle, render: renderSignals },
  { name: "activity", title: strings.activityTitle, render: renderActivity },
  { name: "settings", title: strings.settingsTitle, render: renderSettings },
];

/** Pages shown even while the kiosk lock is on (they change nothing). */
const OPEN_WHILE_LOCKED: ReadonlySet<PageName> = new Set(["overview"]);

export async function mountApp(root: HTMLElement, backend: Backend, page: PageName = "overview"): Promise<void> {
  root.replaceChildren(loadingView());
  let info: AppInfo;
  try {
    info = await backend.appInfo();
  } catch (thrown) {
    root.replaceChildren(errorView(toUiError(thrown).message, () => void mountApp(root, backend, page)));
    return;
  }
  let stopWatching: () => void = () => undefined;
  const remount = (next: PageName): Promise<void> => {
    stopWatching();
    return mountApp(root, backend, next);
  };
  const main = el("main", { attrs: { id: "page" } });
  const nav = el("nav", { attrs: { "aria-label": strings.navLabel } });
  const list = el("ul");
  nav.append(list);
  let leave: (() => void)[] = [];

  const show = async (name: PageName): Promise<void> => {
    for (const cleanup of leave) cleanup();
    leave = [];
    for (const item of list.querySelectorAll("button")) {
      if (item.dataset.page === name) item.setAttribute("aria-current", "page");
      else item.removeAttribute("aria-current");
    }
    main.replaceChildren(loadingView());
    const context: PageContext = {
      backend,
      info,
      reload: (next) => remount(next ?? name),
      onLeave: (cleanup) => leave.push(cleanup),
    };
    const entry = PAGES.find((p) => p.name === name) ?? PAGES[0];
    // `?.`: a shell from before the kiosk fields must still render the overview (smoke test).
    const locked = info.kiosk?.locked === true && !info.kiosk.unlocked && !OPEN_WHILE_LOCKED.has(name);
    try {
      const content = locked ? await renderKioskGate(context) : await entry.render(context);
      main.replaceChildren(content);
    } catch (thrown) {
      main.replaceChildren(errorView(toUiError(thrown).message, () => void show(name)));
      return;
    }
    await backend.uiReady(name);
  };

  for (const entry of PAGES) {
    const item = button(entry.title, () => {
      void show(entry.name).then(() => main.querySelector<HTMLElement>("h1")?.focus());
    });
    item.dataset.page = entry.name;
    list.append(el("li", {}, item));
  }

  const badge = el("span");
  const header = el("header", {}, el("span", { className: "app-name", text: strings.appName }), badge);
  let banner: HTMLElement | null = null;
  const showMode = (): void => {
    badge.className = `badge badge-${info.mode}`;
    badge.textContent = info.mode === "simulated" ? strings.modeSimulated : strings.modeTenant;
    if (info.demo && banner === null) {
      banner = demoBanner();
      header.after(banner);
    } else if (!info.demo && banner !== null) {
      banner.remove();
      banner = null;
    }
  };
  root.replaceChildren(header, nav, main);
  showMode();
  // The mode changes when a connection is saved or cleared (the relay restarts on the new
  // tenant). The header follows it in place: re-rendering the page would throw away whatever
  // the user is typing there at that moment (the Users form right after the wizard, say).
  try {
    stopWatching = await backend.onStatusChanged(() => {
      backend.appInfo().then((fresh) => {
        if (fresh.mode === info.mode && fresh.demo === info.demo) return;
        info = fresh;
        showMode();
      }, () => undefined);
    });
  } catch {
    // Without events the header is refreshed at the next reload; nothing else depends on it.
  }
  await show(page);
}

function demoBanner(): HTMLElement {
  const banner = notice("info", strings.modeSimulated, strings.modeSimulatedDetail);
  banner.classList.add("demo-banner");
  return banner;
}

function loadingView(): HTMLElement {
  return el("p", { className: "loading", text: strings.loading });
}

function errorView(message: string, retry: () => void): HTMLElement {
  const box = el("section", { className: "notice notice-warning", attrs: { role: "alert" } });
  box.append(el("strong", { text: strings.backendError }), el("p", { text: message }), button(strings.retry, retry));
  return box;
}
