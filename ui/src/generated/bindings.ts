// Generated from the Rust types in src-tauri/crates/relay-api: do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p relay-api --test bindings` (run from the repository root).

/**
 * What to show.
 */
export type Action = { intent: Intent, 
/**
 * `polite`: our own presence session only (a running Teams client still counts).
 * `assertive`: the user-preferred presence as well, which wins over every client.
 */
mode: WriteMode, 
/**
 * Status message template; `{until}` and `{back_at}` are filled in.
 */
message?: string | null, 
/**
 * How long each write may live, in minutes (5 to 240). Writes are refreshed while the rule
 * holds, so this bounds how long a dead machine can leave the state behind.
 */
hold_minutes?: number | null, };

/**
 * Answer of `app_info`.
 */
export type AppInfo = { version: string, configFile: string, mode: Mode, 
/**
 * Nothing real is being changed: the simulated tenant is in use. The window shows this on
 * every page.
 */
demo: boolean, 
/**
 * Configured users.
 */
users: number, kiosk: KioskView, 
/**
 * Why the config in use is not the file on disk (moved aside at start), if it is not.
 */
configProblem: string | null, 
/**
 * Why the relay is not running (the keyring cannot be used, the stored credential is
 * missing), with what to do; the tray says the same.
 */
startProblem: string | null, };

/**
 * One write and how it went.
 */
export type AuditEntry = { at: string, 
/**
 * Entra object id.
 */
user: string, 
/**
 * `rule: Lunch`, `manual override`, `paused`, `default action`, ...
 */
decidedBy: string, 
/**
 * e.g. `setPresence Available/Available PT15M`.
 */
write: string, 
/**
 * `ok`, or the error code.
 */
result: string, 
/**
 * Graph's request id, for Microsoft support.
 */
requestId: string | null, };

/**
 * Answer of `audit_query`.
 */
export type AuditPage = { 
/**
 * Newest first.
 */
entries: Array<AuditEntry>, 
/**
 * More entries matched than `limit`.
 */
truncated: boolean, };

/**
 * Argument of `audit_query`. Absent filters match everything.
 */
export type AuditQuery = { 
/**
 * Object id (any case).
 */
user?: string, 
/**
 * A rule's name (the entries `rule: <name>` decided), or another decider exactly as
 * written (`manual override`).
 */
rule?: string, result?: ResultFilter, 
/**
 * At most this many entries, newest first.
 */
limit: number, };

/**
 * A calendar that rules can consult.
 */
export type Calendar = { 
/**
 * Short name that rules use to refer to this calendar, e.g. `front-desk`.
 */
id: string, 
/**
 * Where the ICS data comes from.
 */
source: CalendarSource, };

/**
 * Calendar condition: the named calendar currently shows one of these states.
 */
export type CalendarCondition = { 
/**
 * The `id` of an entry in `calendars`.
 */
calendar: string, 
/**
 * Any of these states matches.
 */
show_as: Array<ShowAs>, 
/**
 * Only events whose title contains one of these words (case-insensitive). Empty: any event.
 */
title_keywords?: Array<string>, };

/**
 * An ICS file on this machine or an ICS URL (`https://` or `webcal://`).
 */
export type CalendarSource = { "file": string } | { "url": string };

/**
 * The certificate in use, for the expiry warning and for matching it in Entra.
 */
export type CertificateView = { subject: string, 
/**
 * SHA-1 thumbprint, as Entra lists it.
 */
thumbprint: string, notAfter: string, };

/**
 * The Microsoft cloud the tenant lives in.
 */
export type Cloud = "global" | "us_gov_l4" | "us_gov_l5" | "china";

/**
 * Conditions of a rule. Each one is optional; those present must all hold.
 */
export type Conditions = { 
/**
 * The screen is locked (`true`) or unlocked (`false`), optionally for a while.
 */
screen?: ScreenCondition | null, 
/**
 * No keyboard or mouse input for at least this many minutes.
 */
idle_minutes?: number | null, 
/**
 * Focus / do-not-disturb mode is on (`true`) or off (`false`).
 */
do_not_disturb?: boolean | null, 
/**
 * A presentation or full-screen app is (`true`) or is not (`false`) running.
 */
presentation?: boolean | null, 
/**
 * The state of a calendar right now.
 */
calendar?: CalendarCondition | null, 
/**
 * A weekly time window.
 */
time?: TimeWindow | null, 
/**
 * The machine is about to sleep or the session is ending.
 */
machine?: MachineState | null, };

/**
 * Presence Relay configuration. Secrets are never stored here: they live in the OS keyring.
 */
export type ConfigFile = { 
/**
 * Version of this file's layout. Older versions are migrated on load.
 */
schema_version: number, 
/**
 * The Entra application used to write presence. Absent: the built-in simulated tenant is used.
 */
connection?: Connection | null, 
/**
 * The people whose Teams presence this machine keeps.
 */
users: Array<User>, 
/**
 * Calendars (ICS files or URLs) that rules can refer to by `id`.
 */
calendars: Array<Calendar>, 
/**
 * Rules, checked in order; the first enabled rule whose conditions all hold decides.
 */
rules: Array<Rule>, 
/**
 * What to do when no rule matches.
 */
default_action: Action, 
/**
 * App behaviour.
 */
settings: Settings, };

/**
 * The Entra application registration (application permission Presence.ReadWrite.All).
 */
export type Connection = { cloud: Cloud, 
/**
 * Directory (tenant) ID: a GUID, or a verified domain such as `contoso.onmicrosoft.com`.
 */
tenant_id: string, 
/**
 * Application (client) ID of the app registration: a GUID.
 */
client_id: string, credential: CredentialKind, 
/**
 * Overrides the cloud's sign-in host root, e.g. `https://login.microsoftonline.com`
 * (for proxies and tests). The token scope stays the cloud's own.
 */
authority_url?: string | null, 
/**
 * Overrides the cloud's Graph root, e.g. `https://graph.microsoft.com`.
 */
graph_url?: string | null, 
/**
 * When the client secret stops working, as Entra showed it when the secret was created
 * (RFC 3339). Only for the warning ahead of it; written by the settings window.
 */
secret_expires_at?: string | null, };

/**
 * Argument of `connection_set`: the app registration and its credential. The credential goes to
 * the OS keyring; the rest to the config's `connection` section.
 */
export type ConnectionInput = { cloud: Cloud, 
/**
 * Directory (tenant) id: a GUID or a verified domain.
 */
tenantId: string, 
/**
 * Application (client) id: a GUID.
 */
clientId: string, credential: CredentialInput, };

/**
 * Answer of `connection_test`.
 */
export type ConnectionTestReport = { steps: Array<TestStep>, 
/**
 * Every step passed.
 */
ok: boolean, 
/**
 * Where an admin grants consent for this app registration (shown when consent is missing,
 * and on the wizard's last page).
 */
consentUrl: string | null, };

/**
 * Answer of `connection_get` (`null` there when no connection is configured: demo mode).
 * Holds nothing secret.
 */
export type ConnectionView = { cloud: Cloud, tenantId: string, clientId: string, credentialKind: CredentialKind, credential: CredentialStatus, 
/**
 * One line for people about `credential`, with what to do when it is not `configured`.
 */
credentialDetail: string, 
/**
 * When the secret or certificate stops working, if known (the UI warns ahead of it).
 */
secretExpiresAt: string | null, certificate: CertificateView | null, };

/**
 * Argument of `control`.
 */
export type ControlRequest = { "action": "pause" } | { "action": "resume" } | { "action": "snooze", length: SnoozeLength, } | { "action": "end_snooze" } | { "action": "override", target: OverrideTarget, intent: Intent, mode: WriteMode, message?: string, length: OverrideLength, } | { "action": "clear_override", target: OverrideTarget, };

/**
 * The credential handed in. Write-only: nothing here is ever sent back.
 */
export type CredentialInput = { "kind": "client_secret", secret: string, 
/**
 * The expiry Entra showed when the secret was created, for the warning.
 */
expiresAt?: string, } | { "kind": "certificate", path: string, password?: string, } | { "kind": "keep" };

/**
 * How the app proves who it is. The secret or certificate itself is in the OS keyring.
 */
export type CredentialKind = "client_secret" | "certificate";

/**
 * Whether the credential of the configured connection is in the OS keyring. A locked or
 * unreachable keyring is not "missing": the UI must not ask for the secret again then.
 */
export type CredentialStatus = "configured" | "missing" | "keyring_unavailable" | "keyring_locked";

/**
 * How the engine damps flapping signals and how long writes live by default.
 */
export type EngineSettings = { 
/**
 * After someone was idle, input must go on this many seconds before they count as back
 * (a single touch of the mouse does not end "idle").
 */
idle_exit_seconds: number, 
/**
 * A rule-driven state is kept at least this many seconds before another rule may replace
 * it (manual changes, pause and shutdown are never delayed).
 */
min_dwell_seconds: number, 
/**
 * `hold_minutes` of actions that do not set one.
 */
default_hold_minutes: number, 
/**
 * Never override a presence a person chose in Teams themselves (one we did not write):
 * assertive writes are held back while it is in effect.
 */
respect_user_preferred: boolean, };

/**
 * What kind of failure a command reports. The UI decides what to offer (retry, re-enter the
 * secret, unlock) from this alone, never by reading `message`.
 */
export type ErrorCode = "invalid_input" | "invalid_config" | "keyring_unavailable" | "keyring_locked" | "certificate_unusable" | "kiosk_locked" | "wrong_pin" | "too_many_pin_attempts" | "engine_unavailable" | "io" | "internal";

/**
 * What the desk wants Teams to show for a user.
 */
export type Intent = "available" | "busy" | "do_not_disturb" | "be_right_back" | "away" | "appear_offline" | "release";

export type IntentView = { value: Intent, label: string, };

/**
 * One problem in the config document, located by a JSON pointer (RFC 6901) such as
 * `/rules/2/then/mode`, so the UI can show it at the field.
 */
export type Issue = { severity: IssueSeverity, 
/**
 * Empty for the whole document.
 */
pointer: string, 
/**
 * What is wrong and what would be valid.
 */
message: string, };

/**
 * How bad an [`Issue`] is: errors block a save, warnings are shown and kept.
 */
export type IssueSeverity = "error" | "warning";

/**
 * Kiosk lock: hides admin items from the tray and puts settings behind a PIN.
 */
export type KioskSettings = { locked: boolean, 
/**
 * Salted hash of the PIN (never the PIN itself), as written by the app.
 */
pin_hash?: string | null, };

/**
 * The kiosk lock as the window needs it. The PIN's hash never leaves the shell.
 */
export type KioskView = { 
/**
 * Settings are behind the PIN (`kiosk_unlock`) and admin items are hidden from the tray.
 */
locked: boolean, 
/**
 * A PIN has been set (`settings_set_pin`).
 */
pinSet: boolean, 
/**
 * This window has been unlocked with the PIN (until it closes).
 */
unlocked: boolean, };

export type LastWriteView = { at: string, 
/**
 * e.g. `setPresence Available/Available PT15M`.
 */
what: string, ok: boolean, error: string | null, };

/**
 * Log verbosity.
 */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

/**
 * Machine transitions a rule can react to.
 */
export type MachineState = "suspending" | "session_ending";

/**
 * Whether presence goes to a real tenant or to the built-in simulation.
 */
export type Mode = "simulated" | "tenant";

/**
 * Desktop notifications.
 */
export type NotificationSettings = { 
/**
 * Notify about problems that need a person (consent missing, secret expiring, offline).
 */
enabled: boolean, 
/**
 * Also notify whenever a user's shown presence changes.
 */
on_state_change: boolean, };

export type ObservedView = { at: string, availability: string | null, activity: string | null, statusMessage: string | null, outOfOffice: boolean, };

export type OverrideLength = { "kind": "for", minutes: number, } | { "kind": "until", at: string, } | { "kind": "until_changed" };

export type OverrideTarget = { "kind": "user", objectId: string, } | { "kind": "all" };

/**
 * A kiosk PIN as typed: 4 to 12 digits (see [`Pin::is_acceptable`]).
 */
export type Pin = string;

/**
 * A condition of the deciding rule that depends on time rather than on the desk's signals.
 */
export type PreviewCause = { "kind": "time_window", start: string, end: string, timeZone: string | null, } | { "kind": "calendar", calendar: string, };

/**
 * From `at` on, Teams shows `to`.
 */
export type PreviewChange = { at: string, to: PreviewState, };

/**
 * A presence as Graph names it (`Away` / `Away`).
 */
export type PreviewPresence = { availability: string, activity: string, };

/**
 * What the preview assumes of the desk. `null`: the signal is unknown (no source reports it, or
 * the relay is not running), which rules treat as neither on nor off.
 */
export type PreviewSignals = { screenLocked: boolean | null, 
/**
 * Seconds since the last keyboard or mouse input, at `from`; the preview assumes no input
 * comes after it, unless the desk is in use (then it stays in use).
 */
idleSeconds: number | null, doNotDisturb: boolean | null, presentation: boolean | null, };

/**
 * What Teams shows for one user, and why.
 */
export type PreviewState = { 
/**
 * What the rules want (`release`: hold nothing).
 */
intent: IntentView, 
/**
 * What Teams shows from our writes; `null` when we hold nothing and Teams shows whatever
 * the person's own clients say.
 */
shown: PreviewPresence | null, 
/**
 * The status message Teams shows, placeholders filled in.
 */
message: string | null, 
/**
 * Which rule (or the default action) decided.
 */
reason: ReasonView, 
/**
 * The time window or calendar that makes the deciding rule apply, if it has one.
 */
causes: Array<PreviewCause>, };

/**
 * Who decided, as data.
 */
export type ReasonValue = { "kind": "paused" } | { "kind": "shutting_down" } | { "kind": "override", until: string | null, } | { "kind": "snoozed", until: string, } | { "kind": "machine_leaving" } | { "kind": "rule", index: number, name: string, } | { "kind": "default" };

export type ReasonView = { value: ReasonValue, 
/**
 * As the audit log writes it: `rule: Lunch`, `manual override`, `paused`, ...
 */
label: string, };

/**
 * Which results to list.
 */
export type ResultFilter = "ok" | "failed";

/**
 * One rule: when every condition holds, the action applies to the rule's users.
 */
export type Rule = { 
/**
 * A name people recognise in the tray, the audit log and error messages.
 */
name: string, enabled: boolean, 
/**
 * Who the rule applies to.
 */
users: Targets, 
/**
 * Conditions that must all hold. An empty object always holds.
 */
when: Conditions, 
/**
 * What to show while the rule decides.
 */
then: Action, };

/**
 * Answer of `rules_preview`.
 */
export type RulesPreview = { 
/**
 * "Now": when the preview starts.
 */
from: string, 
/**
 * Where the preview ends (`from` plus its hours).
 */
until: string, 
/**
 * The IANA zone time windows without a zone were read in (the machine's).
 */
timeZone: string, 
/**
 * The desk's signals as the preview holds them for its whole length.
 */
signals: PreviewSignals, 
/**
 * One per configured user, in the config's order.
 */
users: Array<UserPreview>, 
/**
 * The preview replays the config's first 200 users; how many more it has, not previewed.
 */
usersLeftOut: number, };

/**
 * Answer of `config_save` when the document was saved (a refusal is a `UiError` with code
 * `invalid_config` and the issues).
 */
export type SaveOutcome = { 
/**
 * Warnings validation found; saved anyway.
 */
warnings: Array<Issue>, };

/**
 * Screen lock condition.
 */
export type ScreenCondition = { 
/**
 * `true`: locked; `false`: unlocked.
 */
locked: boolean, 
/**
 * Only once the screen has been in that state for at least this many seconds.
 */
for_seconds?: number | null, };

/**
 * App behaviour.
 */
export type Settings = { 
/**
 * Start the tray app when the user logs in.
 */
start_at_login: boolean, 
/**
 * Log level of the log file; `RUST_LOG` overrides it.
 */
log_level: LogLevel, notifications: NotificationSettings, kiosk: KioskSettings, engine: EngineSettings, };

/**
 * How a calendar block shows its owner.
 */
export type ShowAs = "free" | "tentative" | "busy" | "oof" | "working_elsewhere";

/**
 * A presence as Graph names it (`Busy` / `InACall`).
 */
export type ShownView = { availability: string, activity: string, 
/**
 * A Teams client the person runs can show something stronger: our write may not win.
 */
canBeOutranked: boolean, };

/**
 * How well a source can currently see what it watches.
 */
export type SignalHealth = { "state": "live" } | { "state": "degraded", reason: string, } | { "state": "unsupported", reason: string, };

export type SignalReading = { 
/**
 * The signal's name as `presence-relay signals --json` writes it (`locked`, `idle_seconds`).
 */
signal: string, value: SignalValue, at: string, };

/**
 * The last value of one signal.
 */
export type SignalValue = { "type": "flag", on: boolean | null, } | { "type": "seconds", seconds: number, } | { "type": "calendar", calendarId: string, showAs: ShowAs, until: string | null, };

/**
 * One source, e.g. `logind` or `calendar:front-desk`.
 */
export type SignalView = { source: string, health: SignalHealth, values: Array<SignalReading>, };

export type SnoozeLength = { "kind": "minutes", minutes: number, } | { "kind": "until_tomorrow" };

/**
 * Everything the engine last published.
 */
export type StatusView = { 
/**
 * Automation is paused: everything we held was released.
 */
paused: boolean, 
/**
 * The rules are off until then (manual overrides still apply).
 */
snoozedUntil: string | null, 
/**
 * Writes are stopped for the tenant (e.g. admin consent missing), with what to do.
 */
writesHalted: string | null, users: Array<UserStatusView>, updatedAt: string | null, 
/**
 * Every write since then has failed (Graph unreachable or refusing); `null` once one
 * succeeds.
 */
failingSince: string | null, };

/** `"all"` or a list of user object IDs. */
export type Targets = "all" | Array<string>;

/**
 * One step of `connection_test`, in the order things depend on each other.
 */
export type TestStep = { 
/**
 * What was checked, e.g. `sign-in`, `admin consent`, `read presence of Ana`.
 */
step: string, ok: boolean, detail: string, 
/**
 * What to do about a failure; `null` when the step passed.
 */
fix: string | null, };

/**
 * A weekly window such as lunch (12:00-13:00) or night (20:00-07:00, wrapping past midnight).
 */
export type TimeWindow = { 
/**
 * Days on which the window starts. Empty: every day.
 */
days?: Array<Weekday>, 
/**
 * Start, `HH:MM` (24-hour).
 */
start: string, 
/**
 * End, `HH:MM`; earlier than `start` means the next day.
 */
end: string, 
/**
 * IANA time zone such as `Europe/Berlin`. Absent: the machine's zone.
 */
time_zone?: string | null, };

/**
 * The error every command returns.
 */
export type UiError = { code: ErrorCode, 
/**
 * For people: what went wrong and what to do.
 */
message: string, 
/**
 * With `invalid_config`: every problem found; absent otherwise.
 */
issues?: Array<Issue>, };

/**
 * A person whose presence this machine keeps.
 */
export type User = { 
/**
 * Shown in the tray and the UI.
 */
display_name: string, 
/**
 * The user's Entra object ID (a GUID). Graph's presence APIs need the GUID, not the UPN.
 */
object_id: string, };

/**
 * One user: what Teams shows now, and each change after that.
 */
export type UserPreview = { 
/**
 * Entra object id (lower case).
 */
user: string, displayName: string, now: PreviewState, 
/**
 * In time order; empty when nothing changes within the preview.
 */
changes: Array<PreviewChange>, };

/**
 * One user: what we want, what we hold, what Teams shows.
 */
export type UserStatusView = { 
/**
 * Entra object id (lower case).
 */
user: string, displayName: string, intent: IntentView, mode: WriteModeView, 
/**
 * Which rule, person or state decided.
 */
reason: ReasonView, 
/**
 * The status message we set, if any.
 */
message: string | null, 
/**
 * What our writes make Teams show, by Graph's aggregation rules; `null` when we hold
 * nothing.
 */
shown: ShownView | null, 
/**
 * What Graph reported at the last read-back.
 */
observed: ObservedView | null, 
/**
 * The read-back has disagreed with `shown` for several reads in a row.
 */
disagreement: boolean, 
/**
 * The person chose a presence in Teams themselves; assertive writes are held back.
 */
userPreferredInEffect: boolean, lastWrite: LastWriteView | null, nextRefresh: string | null, 
/**
 * Anything of ours may be in Graph for this user (removing the user releases it).
 */
holding: boolean, };

/**
 * Answer of `config_validate`: every problem, errors and warnings, each at its JSON pointer.
 */
export type ValidationReport = { 
/**
 * No errors: `config_save` would accept the document (warnings do not block).
 */
ok: boolean, issues: Array<Issue>, };

/**
 * Day of the week.
 */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/**
 * How an intent is written.
 */
export type WriteMode = "polite" | "assertive";

export type WriteModeView = { value: WriteMode, label: string, };

/** Every command: `invoke(name, args)` resolves to `result` or rejects with a `UiError`. */
export type Commands = {
  /**
   * Facts for the header and the overview page.
   */
  app_info: { args: {}; result: AppInfo };
  /**
   * The window reports that `page` has rendered (logged: `settings window rendered page
   * "<page>"`; the smoke test waits for it).
   */
  ui_ready: { args: { page: string }; result: null };
  /**
   * The engine's last published status (then follow `status-changed`).
   */
  status: { args: {}; result: StatusView };
  /**
   * The config document in use. `settings.kiosk.pin_hash` is left out: the window never sees
   * it, and `config_validate` / `config_save` put the stored one back.
   */
  config_get: { args: {}; result: ConfigFile };
  /**
   * Validates a document without saving it (for inline errors while editing).
   */
  config_validate: { args: { config: ConfigFile }; result: ValidationReport };
  /**
   * Validates and saves atomically, then applies it (the engine releases users that were
   * removed). Refused with `invalid_config` and the issues when it has errors, and with
   * `kiosk_locked` while the kiosk lock is on and the window is not unlocked.
   */
  config_save: { args: { config: ConfigFile }; result: SaveOutcome };
  /**
   * What Teams would show for each configured user now and over the next 8 hours under
   * `config` (the rules being edited, saved or not), with the desk's signals held as they are
   * now; computed by the engine's simulate path against a simulated tenant, so nothing real
   * is written. Refused with `invalid_config` and the issues, as `config_validate` finds
   * them, when `config` has errors.
   */
  rules_preview: { args: { config: ConfigFile }; result: RulesPreview };
  /**
   * The configured connection, or `null` in demo mode (simulated tenant).
   */
  connection_get: { args: {}; result: ConnectionView | null };
  /**
   * Stores the credential in the OS keyring and saves the `connection` section (keeping the
   * host overrides of the same cloud). Errors: `invalid_input`, `keyring_unavailable`,
   * `keyring_locked`, `certificate_unusable`, `kiosk_locked`.
   */
  connection_set: { args: { input: ConnectionInput }; result: ConnectionView };
  /**
   * Removes the connection and its keyring entries: back to the simulated tenant (demo mode).
   */
  connection_clear: { args: {}; result: null };
  /**
   * Runs the connection's self-test step by step (the same steps as `presence-relay
   * connection test`), each failed step with its fix.
   */
  connection_test: { args: {}; result: ConnectionTestReport };
  /**
   * Every local signal source with its health and last values.
   */
  signals: { args: {}; result: Array<SignalView> };
  /**
   * The audit log, filtered, newest first.
   */
  audit_query: { args: { query: AuditQuery }; result: AuditPage };
  /**
   * Pause, resume, snooze or override; the new status follows as `status-changed`.
   */
  control: { args: { request: ControlRequest }; result: null };
  /**
   * Sets (or with `null` removes) the kiosk PIN; only its salted hash is stored.
   * Removing it also lifts the lock. Refused with `invalid_input` for a PIN that is not 4 to
   * 12 digits.
   */
  settings_set_pin: { args: { pin: Pin | null }; result: null };
  /**
   * Unlocks the settings of this window while the kiosk lock is on; `wrong_pin` otherwise.
   */
  kiosk_unlock: { args: { pin: Pin }; result: null };
};

/** Every event: `listen(name)` delivers `payload`. */
export type Events = {
  /**
   * The engine published a new status.
   */
  "status-changed": StatusView;
};

/** Every command name, for checks that a backend implements them all. */
export const COMMAND_NAMES: readonly (keyof Commands)[] = ["app_info", "ui_ready", "status", "config_get", "config_validate", "config_save", "rules_preview", "connection_get", "connection_set", "connection_clear", "connection_test", "signals", "audit_query", "control", "settings_set_pin", "kiosk_unlock"];

/** Every `Cloud`, in declaration order. */
export const CLOUD_VALUES: readonly Cloud[] = ["global", "us_gov_l4", "us_gov_l5", "china"];

/** Every `CredentialKind`, in declaration order. */
export const CREDENTIAL_KIND_VALUES: readonly CredentialKind[] = ["client_secret", "certificate"];

/** Every `CredentialStatus`, in declaration order. */
export const CREDENTIAL_STATUS_VALUES: readonly CredentialStatus[] = ["configured", "missing", "keyring_unavailable", "keyring_locked"];

/** Every `ErrorCode`, in declaration order. */
export const ERROR_CODE_VALUES: readonly ErrorCode[] = ["invalid_input", "invalid_config", "keyring_unavailable", "keyring_locked", "certificate_unusable", "kiosk_locked", "wrong_pin", "too_many_pin_attempts", "engine_unavailable", "io", "internal"];

/** Every `Intent`, in declaration order. */
export const INTENT_VALUES: readonly Intent[] = ["available", "busy", "do_not_disturb", "be_right_back", "away", "appear_offline", "release"];

/** Every `IssueSeverity`, in declaration order. */
export const ISSUE_SEVERITY_VALUES: readonly IssueSeverity[] = ["error", "warning"];

/** Every `LogLevel`, in declaration order. */
export const LOG_LEVEL_VALUES: readonly LogLevel[] = ["error", "warn", "info", "debug", "trace"];

/** Every `MachineState`, in declaration order. */
export const MACHINE_STATE_VALUES: readonly MachineState[] = ["suspending", "session_ending"];

/** Every `Mode`, in declaration order. */
export const MODE_VALUES: readonly Mode[] = ["simulated", "tenant"];

/** Every `ResultFilter`, in declaration order. */
export const RESULT_FILTER_VALUES: readonly ResultFilter[] = ["ok", "failed"];

/** Every `ShowAs`, in declaration order. */
export const SHOW_AS_VALUES: readonly ShowAs[] = ["free", "tentative", "busy", "oof", "working_elsewhere"];

/** Every `Weekday`, in declaration order. */
export const WEEKDAY_VALUES: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Every `WriteMode`, in declaration order. */
export const WRITE_MODE_VALUES: readonly WriteMode[] = ["polite", "assertive"];

/** The intents a `polite` action may use (the others exist only as a user-preferred presence, so need `assertive`). */
export const POLITE_INTENTS: readonly Intent[] = ["available", "busy", "do_not_disturb", "away", "release"];
