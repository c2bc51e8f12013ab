// A small W3C WebDriver client over fetch, for WebKitWebDriver driving the app's web view (the
// driver starts the app itself). Only what the end-to-end tests use; every call is bounded.

/** The W3C key under which an element reference travels. */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
/** WebDriver's code for the Tab key (ends an edit, so the page sees `change`). */
export const TAB = "\uE004";

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    const what = value?.message ?? JSON.stringify(value);
    super(`${method} ${path}: HTTP ${status} ${value?.error ?? ""}: ${what}`);
    this.status = status;
    this.code = value?.error;
  }
}

async function call(base, method, path, body, timeoutMs = 30_000) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebDriverError(method, path, response.status, { message: text.slice(0, 300) });
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, parsed.value);
  return parsed.value;
}

/** Polls `probe` every 200 ms until it returns a truthy value, which it returns; throws after
 * `seconds` with `what` and the last value or error seen. An error with `final` set ends the wait
 * at once (the probe saw something that will not change). */
export async function until(seconds, what, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      if (error?.final) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${seconds}s waiting for ${what} (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export class Session {
  /** Opens a session on the driver at `base` (e.g. http://127.0.0.1:4444); `capabilities` are
   * the alwaysMatch capabilities. Starting the app can take a while on a cold machine. */
  static async open(base, capabilities) {
    const value = await call(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }, 90_000);
    return new Session(base, value.sessionId, value.capabilities);
  }

  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  cmd(method, path, body, timeoutMs) {
    return call(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  close() {
    return this.cmd("DELETE", "", undefined, 15_000);
  }

  title() {
    return this.cmd("GET", "/title");
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page. */
  execute(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args: args.map(toWire) });
  }

  /** Runs `script` in the page; it must call `arguments[arguments.length - 1](result)`. */
  executeAsync(script, ...args) {
    return this.cmd("POST", "/execute/async", { script, args: args.map(toWire) });
  }

  /** A base64 PNG of the window. */
  screenshot() {
    return this.cmd("GET", "/screenshot");
  }

  async find(css, from) {
    const path = from ? `/element/${from.id}/element` : "/element";
    const value = await this.cmd("POST", path, { using: "css selector", value: css });
    return new Element(this, value[ELEMENT]);
  }

  async findAll(css, from) {
    const path = from ? `/element/${from.id}/elements` : "/elements";
    const value = await this.cmd("POST", path, { using: "css selector", value: css });
    return value.map((v) => new Element(this, v[ELEMENT]));
  }

  /** The element that has the keyboard focus. */
  async active() {
    const value = await this.cmd("GET", "/element/active");
    return new Element(this, value[ELEMENT]);
  }

  /** Waits until `css` matches an element and returns it. */
  waitFor(css, seconds = 15) {
    return until(seconds, `an element matching ${css}`, () => this.find(css));
  }

  /** The first element matching `css` whose text contains `text`, waiting for it. */
  async waitForText(css, text, seconds = 15) {
    return until(seconds, `${css} with the text "${text}"`, async () => {
      for (const element of await this.findAll(css)) {
        if ((await element.text()).includes(text)) return element;
      }
      return null;
    });
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.cmd("POST", "/click", {});
  }

  clear() {
    return this.cmd("POST", "/clear", {});
  }

  type(text) {
    return this.cmd("POST", "/value", { text });
  }

  text() {
    return this.cmd("GET", "/text");
  }

  attribute(name) {
    return this.cmd("GET", `/attribute/${encodeURIComponent(name)}`);
  }

  property(name) {
    return this.cmd("GET", `/property/${encodeURIComponent(name)}`);
  }

  find(css) {
    return this.session.find(css, this);
  }

  findAll(css) {
    return this.session.findAll(css, this);
  }

  /** Chooses the option with `value` in this <select> by clicking it, as a person does. */
  async choose(value) {
    const option = await this.find(`option[value="${value}"]`);
    await option.click();
  }
}

function toWire(arg) {
  return arg instanceof Element ? { [ELEMENT]: arg.id } : arg;
}
