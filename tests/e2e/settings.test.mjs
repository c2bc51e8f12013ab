// End-to-end tests of the settings window in the real app, driven over WebDriver (WebKitWebDriver
// starts the app with TAURI_WEBVIEW_AUTOMATION=true). Real parts only: the app binary, a
// standalone simulated tenant (`presence-relay simulator`) that outlives the app, a fake logind on
// a private "system" bus (relay-signals' `fake-logind` example), and the gnome-keyring of the
// session the harness runs in. Run it with tests/e2e/run.sh, which sets up display, bus and
// keyring; screenshots go to E2E_SHOTS (target/e2e).
//
// 1. Every page renders (the app logs `settings window rendered page "<page>"`) and is
//    photographed.
// 2. The journey: the setup wizard stores the secret in the keyring and in no file; two users are
//    added; the rule "screen locked for at least 10 s -> away, assertive, message Back soon" is
//    created; an invalid rule shows its error at the field and is not saved; locking the session
//    on the fake logind turns both users Away in the tenant and on the Users page.
//
// Steps that need a command the shell does not offer yet are skipped, naming the command, so the
// suite tracks the shell as its commands land; everything else failing is a failure.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import os from "node:os";
import { Session, TAB, until } from "./webdriver.mjs";

const app = required("E2E_APP");
const fakeLogindBin = required("E2E_FAKE_LOGIND");
const shots = path.resolve(process.env.E2E_SHOTS ?? "target/e2e");
const PAGES = ["overview", "connection", "users", "rules", "signals", "activity", "settings"];

const work = fs.mkdtempSync(path.join(os.tmpdir(), "presence-relay-e2e-"));
const configDir = path.join(work, "config");
const logDir = path.join(work, "logs");
const configFile = path.join(configDir, "config.json");
/** Everything started here, stopped in `after` (last started, first stopped). */
const started = [];
let session;
let tenant; // { url, tenantId, clientId, secret, users: [{id, displayName}] }
let logind; // { address, send(command) }
let missing = new Set(); // commands the shell does not offer (yet)

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with tests/e2e/run.sh`);
  return path.resolve(value);
}

/** Starts `command` as a child that `after` stops; its output goes to `<shots>/<name>.log`. */
function start(name, command, args, options = {}) {
  const out = fs.openSync(path.join(shots, `${name}.log`), "w");
  const child = spawn(command, args, { stdio: [options.stdin ?? "ignore", options.stdout ?? out, out], ...options });
  started.push({ name, child });
  child.on("error", (error) => fs.appendFileSync(path.join(shots, `${name}.log`), `spawn failed: ${error}\n`));
  return child;
}

/** Lines a child prints on stdout, one at a time. */
function lineReader(child) {
  const queue = [];
  const waiting = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  return (seconds, what) =>
    queue.length > 0
      ? Promise.resolve(queue.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out after ${seconds}s waiting for ${what}`)), seconds * 1000);
          waiting.push((line) => {
            clearTimeout(timer);
            resolve(line);
          });
        });
}

function appLog() {
  if (!fs.existsSync(logDir)) return "";
  return fs
    .readdirSync(logDir)
    .filter((name) => name.startsWith("presence-relay") && name.includes(".log"))
    .sort()
    .map((name) => fs.readFileSync(path.join(logDir, name), "utf8"))
    .join("");
}

function renderedCount(page) {
  return appLog().split(`settings window rendered page "${page}"`).length - 1;
}

/** Saves `<shots>/<name>.png` of the window, first scrolled to the element matching `css` when
 * given (for a part of the page below the fold; WebKitWebDriver's element screenshots are clipped
 * to the window). */
async function screenshot(name, css) {
  if (css) await session.execute('arguments[0].scrollIntoView({ block: "start" });', await session.find(css));
  // Typed keys and the scroll may still be on their way; let the page handle them and paint.
  await session
    .executeAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));")
    .catch(() => {});
  const png = await session.screenshot();
  fs.writeFileSync(path.join(shots, `${name}.png`), Buffer.from(png, "base64"));
}

/** Runs a test body; on failure saves a screenshot and prints the end of the app's log. */
function step(name, body) {
  return async (t) => {
    try {
      await body(t);
    } catch (error) {
      const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      await screenshot(`failure-${slug}`).catch(() => {});
      console.log(`${name} failed; screenshot failure-${slug}.png; app log (last 30 lines):`);
      for (const line of appLog().trimEnd().split("\n").slice(-30)) console.log(`  ${line}`);
      throw error;
    }
  };
}

/** Skips `t` when the shell lacks any of `commands`; true when skipped. */
function needs(t, ...commands) {
  const absent = commands.filter((c) => missing.has(c));
  if (absent.length === 0) return false;
  t.skip(`the shell does not offer ${absent.join(", ")} yet`);
  return true;
}

async function tenantState() {
  const response = await fetch(`${tenant.url}/_sim/state`, { signal: AbortSignal.timeout(10_000) });
  return response.json();
}

function describeUsers(state) {
  return state.users
    .map((u) => `${u.displayName}: ${u.presence.availability}/${u.presence.activity}, message ${JSON.stringify(u.statusMessage?.content ?? null)}`)
    .join("; ");
}

/** Clicks the page's entry in the nav and waits until the app logs that it rendered. Throws with
 * the page's error text when it shows one instead. */
async function showPage(page, seconds = 30) {
  const before = renderedCount(page);
  const entry = await session.waitFor(`nav button[data-page="${page}"]`);
  await entry.click();
  await until(seconds, `the ${page} page to render`, async () => {
    if (renderedCount(page) > before) return true;
    const errors = await session.findAll("#page > section.notice[role=alert]");
    if (errors.length > 0) throw new PageError(page, await errors[0].text());
    return false;
  });
}

class PageError extends Error {
  constructor(page, text) {
    super(`page "${page}" failed: ${text.replace(/\s+/g, " ").trim()}`);
    this.notOffered = /Command not found/.test(text);
    this.final = true;
  }
}

/** The first element matching `css` whose text contains `text`. */
function byText(css, text) {
  return session.waitForText(css, text);
}

/** Replaces the value of the named input: clear, type, Tab out (pages act on `change`). A page may
 * redraw on any change, so the input is looked up by name again after clearing. (WebKitWebDriver
 * ignores Ctrl+A in typed keys, so select-all-and-type cannot be used.) */
async function fill(name, text) {
  await (await session.waitFor(`[name="${name}"]`)).clear();
  await (await session.waitFor(`[name="${name}"]`)).type(`${text}${TAB}`);
}

function readConfig() {
  return JSON.parse(fs.readFileSync(configFile, "utf8"));
}

/** Every file under `dir` that contains `needle`. */
function filesContaining(dir, needle) {
  const found = [];
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (fs.readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  fs.mkdirSync(configDir, { recursive: true });

  // The tenant: its own process, so it outlives the app and can be read after a quit.
  const sim = start("simulator", app, ["simulator", "--users", "2"], { stdout: "pipe" });
  const simLine = lineReader(sim);
  const banner = [];
  while (!banner.join("\n").includes("Press Ctrl+C to stop")) banner.push(await simLine(30, "the simulator's banner"));
  const field = (label) => new RegExp(`^\\s*${label}\\s+(\\S+)`, "m").exec(banner.join("\n"))?.[1];
  tenant = { url: field("Graph URL"), tenantId: field("Tenant ID"), clientId: field("Client ID"), secret: field("Client secret") };
  assert.ok(tenant.url && tenant.tenantId && tenant.clientId && tenant.secret, `cannot read the simulator's banner:\n${banner.join("\n")}`);
  tenant.users = (await tenantState()).users.map((u) => ({ id: u.id, displayName: u.displayName }));

  // The "system" bus with a fake logind the test locks and unlocks.
  const fake = start("fake-logind", fakeLogindBin, [], { stdin: "pipe", stdout: "pipe" });
  const fakeLine = lineReader(fake);
  const first = await fakeLine(30, "the fake logind's bus address");
  assert.match(first, /^address=/, `fake-logind said ${first}`);
  logind = {
    address: first.slice("address=".length),
    async send(command) {
      fake.stdin.write(`${command}\n`);
      const answer = await fakeLine(10, `the fake logind's answer to ${command}`);
      assert.equal(answer, `ok ${command}`);
    },
  };

  // WebKitWebDriver starts the app with its own environment.
  const env = {
    ...process.env,
    TAURI_WEBVIEW_AUTOMATION: "true",
    PRESENCE_RELAY_SHOW_SETTINGS: "1",
    PRESENCE_RELAY_CONFIG_DIR: configDir,
    PRESENCE_RELAY_LOG_DIR: logDir,
    // The start-at-login entry goes to $XDG_CONFIG_HOME/autostart: keep it out of the real home.
    XDG_CONFIG_HOME: path.join(work, "xdg-config"),
    PRESENCE_RELAY_AUTHORITY_URL: tenant.url,
    PRESENCE_RELAY_GRAPH_URL: tenant.url,
    DBUS_SYSTEM_BUS_ADDRESS: logind.address,
    RUST_LOG: "info",
  };
  const port = await freePort();
  start("webdriver", "WebKitWebDriver", [`--port=${port}`], { env });
  const base = `http://127.0.0.1:${port}`;
  await until(15, "WebKitWebDriver to listen", async () => (await fetch(`${base}/status`)).ok);
  session = await Session.open(base, { "webkitgtk:browserOptions": { binary: app, args: [] } });
  await until(30, "the overview page to render", () => renderedCount("overview") > 0);

  // Which commands the shell offers: an absent one answers "<name> not allowed. Command not
  // found"; a present one called without its arguments answers something else (or succeeds).
  const probe = ["status", "config_get", "config_validate", "config_save", "connection_get", "connection_set", "signals", "audit_query"];
  const answers = await session.executeAsync(
    `const done = arguments[arguments.length - 1];
     Promise.all(arguments[0].map((name) => window.__TAURI_INTERNALS__.invoke(name, {}).then(() => "", (e) => String(e?.message ?? e)))).then(done);`,
    probe,
  );
  missing = new Set(probe.filter((name, i) => /Command not found/.test(answers[i])));
  if (missing.size > 0) console.log(`the shell does not offer yet: ${[...missing].join(", ")}`);
});

after(async () => {
  if (session) await session.close().catch(() => {});
  // The driver started the app; stop what is left of both (children first).
  for (const { child } of started.reverse()) {
    for (const pid of descendants(child.pid)) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
    }
    child.stdin?.end();
    child.kill("SIGTERM");
  }
  fs.rmSync(work, { recursive: true, force: true });
});

/** A loopback port nobody listens on now (the driver binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The process ids below `pid`, deepest first (read from /proc). */
function descendants(pid) {
  if (pid === undefined) return [];
  const parents = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const below = [];
  const visit = (parent) => {
    for (const [child, p] of parents) {
      if (p === parent) {
        visit(child);
        below.push(child);
      }
    }
  };
  visit(pid);
  return below;
}

for (const page of PAGES) {
  test(`the ${page} page renders`, step(`page ${page}`, async (t) => {
    try {
      await showPage(page);
    } catch (error) {
      if (error instanceof PageError && error.notOffered) {
        await screenshot(page);
        t.skip(error.message);
        return;
      }
      throw error;
    }
    assert.equal(await (await session.find(`nav button[data-page="${page}"]`)).attribute("aria-current"), "page");
    await screenshot(page);
  }));
}

test("the setup wizard stores the secret in the keyring and in no file", step("setup wizard", async (t) => {
  if (needs(t, "connection_get", "connection_set")) return;
  await showPage("connection");
  await fill("tenantId", tenant.tenantId);
  await fill("clientId", tenant.clientId);
  await fill("secret", tenant.secret);
  await screenshot("journey-1-wizard");
  await (await byText("form.connection-form button[type=submit]", "Save connection")).click();
  await session.waitFor("#current-connection", 30);
  await screenshot("journey-2-connected");

  const connection = readConfig().connection;
  assert.equal(connection?.tenant_id, tenant.tenantId);
  assert.equal(connection?.client_id, tenant.clientId);
  const status = spawnSync(app, ["credentials", "status"], {
    env: { ...process.env, PRESENCE_RELAY_CONFIG_DIR: configDir, PRESENCE_RELAY_LOG_DIR: path.join(work, "cli-logs") },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(status.status, 0, `credentials status says the keyring does not hold the secret: ${status.stdout}${status.stderr}`);
  for (const dir of [configDir, logDir]) {
    assert.deepEqual(filesContaining(dir, tenant.secret), [], `the secret was written under ${dir}`);
  }
  // The page must not keep it either.
  assert.equal(await (await session.find('[name="secret"]')).property("value"), "");
}));

test("two users are added on the Users page", step("add users", async (t) => {
  if (needs(t, "config_get", "config_save")) return;
  await showPage("users");
  for (const user of tenant.users) {
    await fill("displayName", user.displayName);
    await fill("objectId", user.id);
    const before = renderedCount("users");
    await (await byText("form button[type=submit]", "Add user")).click();
    await until(30, `the Users page to show ${user.displayName}`, async () => {
      if (renderedCount("users") <= before) return false;
      const rows = await session.findAll("table.data tbody th");
      const names = await Promise.all(rows.map((row) => row.text()));
      return names.includes(user.displayName);
    });
  }
  assert.deepEqual(
    readConfig().users.map((u) => u.object_id),
    tenant.users.map((u) => u.id),
  );
  await screenshot("journey-3-users");
}));

test("the rule 'screen locked for at least 10 s -> away, assertive, Back soon' is saved", step("create rule", async (t) => {
  if (needs(t, "config_get", "config_validate", "config_save")) return;
  await showPage("rules");
  const rulesBefore = readConfig().rules.length;
  await (await byText("button", "Add rule")).click();
  const at = `/rules/${rulesBefore}`;
  await session.waitFor('[name="rule-name"]');
  await fill("rule-name", "Screen locked");
  assert.equal(await (await session.find('[name="rule-screen-state"]')).property("value"), "locked");
  await fill("rule-screen-seconds", "10");
  await (await session.find('[name="rule-intent"]')).choose("away");
  await (await session.find('[name="rule-mode"]')).choose("assertive");
  await fill("rule-message", "Back soon");
  await screenshot("journey-4-rule", `fieldset[data-pointer="${at}/then"]`);
  await (await byText("button", "Save rules")).click();
  await session.waitForText("#rules [role=status]", "Saved.", 15);

  const rule = readConfig().rules[rulesBefore];
  assert.ok(rule, `no rule at ${at} in the saved config`);
  assert.equal(rule.name, "Screen locked");
  assert.equal(rule.users, "all");
  assert.deepEqual(rule.when, { screen: { locked: true, for_seconds: 10 } });
  assert.equal(rule.then.intent, "away");
  assert.equal(rule.then.mode, "assertive");
  assert.equal(rule.then.message, "Back soon");

  // The preview replays the saved rules for both users (the engine's simulate path).
  await until(30, "the preview to show both users", async () => {
    if ((await (await session.find("[data-slot=preview]")).attribute("aria-busy")) === "true") return false;
    const names = await Promise.all((await session.findAll("[data-slot=preview] .preview-user h3")).map((h) => h.text()));
    return tenant.users.every((user) => names.some((name) => name.includes(user.displayName)));
  });
  await screenshot("journey-4b-preview", "[data-slot=preview]");
}));

test("an invalid rule shows its error at the field and is not saved", step("invalid rule", async (t) => {
  if (needs(t, "config_get", "config_validate", "config_save")) return;
  await showPage("rules");
  const saved = fs.readFileSync(configFile, "utf8");
  const index = readConfig().rules.length;
  await (await byText("button", "Add rule")).click();
  await session.waitFor('[name="rule-hold"]');
  // Graph keeps a write 5 to 240 minutes; 1 is refused.
  await fill("rule-hold", "1");
  const pointer = `/rules/${index}/then/hold_minutes`;
  const error = await session.waitFor(`[data-pointer="${pointer}"] .field-error`, 15);
  assert.notEqual((await error.text()).trim(), "", "the error at the field is empty");
  assert.equal(await (await session.find(`[data-pointer="${pointer}"] input`)).attribute("aria-invalid"), "true");
  await (await byText("button", "Save rules")).click();
  await session.waitForText("#rules [role=status]", "Not saved", 15);
  await screenshot("journey-5-invalid-rule", `fieldset[data-pointer="/rules/${index}/then"]`);
  assert.equal(fs.readFileSync(configFile, "utf8"), saved, "the config file changed although the rule is invalid");
}));

test("locking the session turns both users Away in the tenant and on the Users page", step("lock", async (t) => {
  if (needs(t, "config_get", "status")) return;
  const config = readConfig();
  if (!config.connection || config.users.length < 2 || !config.rules.some((r) => r.then?.message === "Back soon")) {
    t.skip("needs the connection, the two users and the rule from the steps before");
    return;
  }
  await showPage("users");
  await logind.send("lock");
  // The rule waits 10 s of lock; the engine may also keep the state before it for its dwell time.
  const awayWithMessage = (u) => u?.presence.availability === "Away" && u?.statusMessage?.content === "Back soon";
  let state;
  await until(90, "both users to show Away with 'Back soon' in the tenant", async () => {
    state = await tenantState();
    return tenant.users.every((user) => awayWithMessage(state.users.find((u) => u.id === user.id)));
  }).catch((error) => {
    const log = appLog();
    const sinceConnected = log.slice(log.lastIndexOf("connection set from the settings window"));
    const hint = sinceConnected.includes("relay running")
      ? ""
      : "; the app log shows no restart of the relay since the connection was saved, so it may still write to its built-in simulated tenant";
    throw new Error(`${error.message}; the tenant shows: ${describeUsers(state ?? { users: [] })}${hint}`);
  });
  // Columns: name (th), object id, presence now (the engine's read-back of the tenant, every
  // 60 s), what we hold (the engine's decision, at once).
  const awayOnPage = (column, seconds, what) => {
    let shown = [];
    return until(seconds, `the Users page to show both users Away in "${what}"`, async () => {
      shown = [];
      for (const row of await session.findAll("table.data tbody tr")) {
        const name = await (await row.find("th")).text();
        const cell = await (await row.find(`td:nth-of-type(${column})`)).text();
        shown.push(`${name}: ${cell}`);
      }
      return tenant.users.every((user) => shown.some((line) => line.startsWith(`${user.displayName}: Away`)));
    }).catch((error) => {
      throw new Error(`${error.message}; the page shows: ${shown.join("; ")}`);
    });
  };
  await awayOnPage(3, 30, "we hold");
  await awayOnPage(2, 90, "presence now");
  await screenshot("journey-6-locked");
  await logind.send("unlock");
}));

// WCAG 2.1.1 / 2.4.3: every control can be reached with Tab, in reading order, with no trap and
// nothing skipped. Pages whose controls are plain (date and time inputs have their own inner
// stops in WebKitGTK, so the connection form and the rule editor are left out).
test("Tab reaches every control of a page in reading order", step("keyboard order", async () => {
  for (const page of ["overview", "users", "rules", "settings"]) {
    await showPage(page);
    const expected = await session.execute(
      `const focusable = [...document.querySelectorAll("button, input, select, textarea, a[href], [tabindex]")]
         .filter((node) => node.tabIndex >= 0 && !node.disabled && node.getClientRects().length > 0 && !node.closest("[hidden], [inert]"));
       const start = document.querySelector('nav button[data-page="${page}"]');
       focusable.forEach((node, index) => node.setAttribute("data-tab-order", String(index)));
       start.focus();
       return focusable.slice(focusable.indexOf(start) + 1)
         .map((node) => node.getAttribute("data-tab-order") + " " + node.tagName.toLowerCase() + " " + (node.getAttribute("name") || node.textContent.trim().slice(0, 30)));`,
    );
    assert.ok(expected.length > 0, `the ${page} page has no control after its navigation button`);
    const reached = [];
    for (let step = 0; step < expected.length; step += 1) {
      await (await session.active()).type("\uE004");
      reached.push(
        await session.execute(
          `const node = document.activeElement;
           return (node.getAttribute("data-tab-order") ?? "?") + " " + node.tagName.toLowerCase() + " " + (node.getAttribute("name") || node.textContent.trim().slice(0, 30));`,
        ),
      );
    }
    assert.deepEqual(reached, expected, `Tab order on the ${page} page`);
  }
}));

// WCAG 1.4.4 / 1.4.10: at 200% zoom every page still fits its window: nothing needs sideways
// scrolling and nothing is cut off. Last, so the pages hold what the journey added (two users in
// the table, rules, the activity of the lock).
test("every page is readable at 200% zoom without sideways scrolling", step("zoom 200%", async () => {
  const zoom = (factor) => session.execute(`document.documentElement.style.zoom = "${factor}";`);
  try {
    for (const page of PAGES) {
      await showPage(page);
      await zoom(2);
      const overflow = await session.execute(
        `const root = document.documentElement;
         const wide = [...document.querySelectorAll("#page *")]
           .filter((node) => node.getBoundingClientRect().right > root.clientWidth + 1 && !node.closest(".table-scroll"))
           .slice(0, 3)
           .map((node) => node.tagName.toLowerCase() + (node.className ? "." + String(node.className).split(" ")[0] : ""));
         return { scroll: root.scrollWidth, client: root.clientWidth, wide };`,
      );
      await screenshot(`zoom-200-${page}`);
      assert.ok(
        overflow.scroll <= overflow.client + 1 && overflow.wide.length === 0,
        `the ${page} page scrolls sideways at 200% (${overflow.scroll} > ${overflow.client} px; widest: ${overflow.wide.join(", ")})`,
      );
      await zoom(1);
    }
  } finally {
    await zoom(1).catch(() => {});
  }
}));
