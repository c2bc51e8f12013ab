// An in-memory Backend for the page tests: holds a config, a status, a connection, signals and an
// audit log, records the calls made, and validates the way the tests tell it to.

import type { Backend, PageName } from "../backend";
import type {
  AppInfo,
  AuditEntry,
  AuditQuery,
  ConfigFile,
  ConnectionInput,
  ConnectionTestReport,
  ConnectionView,
  ControlRequest,
  Issue,
  PreviewState,
  RulesPreview,
  SignalView,
  StatusView,
  UiError,
} from "../generated/bindings";

export interface FakeBackend extends Backend {
  info: AppInfo;
  config: ConfigFile;
  statusView: StatusView;
  connection: ConnectionView | null;
  testReport: ConnectionTestReport;
  sources: SignalView[];
  audit: AuditEntry[];
  /** Issues `configValidate`, `configSave` and `rulesPreview` report for the next documents. */
  issues: Issue[];
  /** What `rulesPreview` answers; `null`: nothing held for anyone, nothing changing. */
  preview: RulesPreview | null;
  /** The documents `rulesPreview` was asked about, in order. */
  previewed: ConfigFile[];
  ready: PageName[];
  saved: ConfigFile[];
  connectionInputs: ConnectionInput[];
  controls: ControlRequest[];
  queries: AuditQuery[];
  pins: (string | null)[];
  /** Makes the named method reject with this error. */
  failing: Partial<Record<keyof Backend, UiError>>;
  emitStatus(status: StatusView): void;
}

export function emptyConfig(): ConfigFile {
  return {
    schema_version: 1,
    users: [],
    calendars: [],
    rules: [],
    default_action: { intent: "release", mode: "polite" },
    settings: {
      start_at_login: true,
      log_level: "info",
      notifications: { enabled: true, on_state_change: false },
      kiosk: { locked: false },
      engine: { idle_exit_seconds: 15, min_dwell_seconds: 30, default_hold_minutes: 15, respect_user_preferred: true },
    },
  };
}

export const ANA = "11111111-1111-1111-1111-111111111111";
export const BEN = "22222222-2222-2222-2222-222222222222";

export function sampleConfig(): ConfigFile {
  const config = emptyConfig();
  config.users = [
    { display_name: "Ana", object_id: ANA },
    { display_name: "Ben", object_id: BEN },
  ];
  config.calendars = [{ id: "front-desk", source: { file: "/tmp/desk.ics" } }];
  config.rules = [
    { name: "Locked", enabled: true, users: "all", when: { screen: { locked: true } }, then: { intent: "away", mode: "assertive" } },
    { name: "Lunch", enabled: true, users: [ANA], when: { time: { start: "12:00", end: "13:00" } }, then: { intent: "be_right_back", mode: "assertive", message: "Back at {back_at}" } },
    { name: "Focus", enabled: false, users: "all", when: { do_not_disturb: true }, then: { intent: "do_not_disturb", mode: "polite" } },
  ];
  return config;
}

/** What Teams shows while we hold nothing. */
export function nothingHeld(): PreviewState {
  return {
    intent: { value: "release", label: "Released (Teams decides)" },
    shown: null,
    message: null,
    reason: { value: { kind: "default" }, label: "default action" },
    causes: [],
  };
}

/** A preview in which no rule applies to anyone for eight hours from 09:00 UTC. */
export function quietPreview(config: ConfigFile): RulesPreview {
  return {
    from: "2026-03-02T09:00:00Z",
    until: "2026-03-02T17:00:00Z",
    timeZone: "UTC",
    signals: { screenLocked: null, idleSeconds: null, doNotDisturb: null, presentation: null },
    users: config.users.map((user) => ({
      user: user.object_id.toLowerCase(),
      displayName: user.display_name,
      now: nothingHeld(),
      changes: [],
    })),
    usersLeftOut: 0,
  };
}

export function fakeBackend(overrides: Partial<AppInfo> = {}): FakeBackend {
  const listeners = new Set<(status: StatusView) => void>();
  const fake: FakeBackend = {
    info: {
      version: "0.1.0",
      configFile: "/tmp/relay/config.json",
      mode: "simulated",
      demo: true,
      users: 0,
      kiosk: { locked: false, pinSet: false, unlocked: false },
      configProblem: null,
      startProblem: null,
      ...overrides,
    },
    config: emptyConfig(),
    statusView: { paused: false, snoozedUntil: null, writesHalted: null, users: [], updatedAt: null, failingSince: null },
    connection: null,
    testReport: { steps: [], ok: true, consentUrl: null },
    sources: [],
    audit: [],
    issues: [],
    preview: null,
    previewed: [],
    ready: [],
    saved: [],
    connectionInputs: [],
    controls: [],
    queries: [],
    pins: [],
    failing: {},
    emitStatus: (status) => {
      fake.statusView = status;
      for (const listener of listeners) listener(status);
    },

    appInfo: () => answer("appInfo", () => fake.info),
    uiReady: (page) => answer("uiReady", () => void fake.ready.push(page)),
    status: () => answer("status", () => fake.statusView),
    configGet: () => answer("configGet", () => structuredClone(fake.config)),
    configValidate: () =>
      answer("configValidate", () => ({ ok: !fake.issues.some((i) => i.severity === "error"), issues: fake.issues })),
    configSave: (config) =>
      answer("configSave", () => {
        if (fake.issues.some((i) => i.severity === "error")) {
          throw { code: "invalid_config", message: "not saved", issues: fake.issues } satisfies UiError;
        }
        fake.saved.push(structuredClone(config));
        fake.config = structuredClone(config);
        return { warnings: fake.issues };
      }),
    rulesPreview: (config) =>
      answer("rulesPreview", () => {
        fake.previewed.push(structuredClone(config));
        if (fake.issues.some((i) => i.severity === "error")) {
          throw { code: "invalid_config", message: "no preview", issues: fake.issues } satisfies UiError;
        }
        return fake.preview ?? quietPreview(config);
      }),
    connectionGet: () => answer("connectionGet", () => fake.connection),
    connectionSet: (input) =>
      answer("connectionSet", () => {
        fake.connectionInputs.push(input);
        fake.connection = {
          cloud: input.cloud,
          tenantId: input.tenantId.toLowerCase(),
          clientId: input.clientId.toLowerCase(),
          credentialKind: input.credential.kind === "certificate" ? "certificate" : "client_secret",
          credential: "configured",
          credentialDetail: "stored",
          secretExpiresAt: null,
          certificate: null,
        };
        return fake.connection;
      }),
    connectionClear: () => answer("connectionClear", () => void (fake.connection = null)),
    connectionTest: () => answer("connectionTest", () => fake.testReport),
    signals: () => answer("signals", () => fake.sources),
    auditQuery: (query) =>
      answer("auditQuery", () => {
        fake.queries.push(query);
        const entries = fake.audit.filter(
          (e) =>
            (query.user === undefined || e.user === query.user) &&
            (query.rule === undefined || e.decidedBy === `rule: ${query.rule}` || e.decidedBy === query.rule) &&
            (query.result === undefined || (query.result === "ok") === (e.result === "ok")),
        );
        return { entries: entries.slice(0, query.limit), truncated: entries.length > query.limit };
      }),
    control: (request) => answer("control", () => void fake.controls.push(request)),
    settingsSetPin: (pin) => answer("settingsSetPin", () => void fake.pins.push(pin)),
    kioskUnlock: (pin) =>
      answer("kioskUnlock", () => {
        if (pin !== "4711") throw { code: "wrong_pin", message: "wrong PIN" } satisfies UiError;
        fake.info = { ...fake.info, kiosk: { ...fake.info.kiosk, unlocked: true } };
      }),
    onStatusChanged: (handler) => {
      listeners.add(handler);
      return Promise.resolve(() => listeners.delete(handler));
    },
  };

  function answer<T>(method: keyof Backend, produce: () => T): Promise<T> {
    const failure = fake.failing[method];
    if (failure !== undefined) return Promise.reject(failure);
    try {
      return Promise.resolve(produce());
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }
  return fake;
}

/** Waits until every pending promise chain has settled (the fake answers immediately). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}
