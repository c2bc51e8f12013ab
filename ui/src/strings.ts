// Every user-facing string of the settings window, in one place so it can be translated. Texts
// that take values are functions; names of the model's values are looked up by their wire value.

import type {
  Cloud,
  Conditions,
  CredentialKind,
  Intent,
  LogLevel,
  MachineState,
  ResultFilter,
  ShowAs,
  Weekday,
  WriteMode,
} from "./generated/bindings";

const intentNames: Record<Intent, string> = {
  available: "Available",
  busy: "Busy",
  do_not_disturb: "Do not disturb",
  be_right_back: "Be right back",
  away: "Away",
  appear_offline: "Appear offline",
  release: "Release (Teams decides)",
};

const modeNames: Record<WriteMode, string> = {
  polite: "Polite (a running Teams client still counts)",
  assertive: "Assertive (wins over every client)",
};

const cloudNames: Record<Cloud, string> = {
  global: "Worldwide (incl. GCC)",
  us_gov_l4: "US Government L4 (GCC High)",
  us_gov_l5: "US Government L5 (DoD)",
  china: "China (21Vianet)",
};

const credentialKindNames: Record<CredentialKind, string> = {
  client_secret: "Client secret",
  certificate: "Certificate",
};

const conditionNames: Record<keyof Conditions, string> = {
  screen: "Screen lock",
  idle_minutes: "No input for a while",
  do_not_disturb: "Do not disturb / focus",
  presentation: "Presenting or full screen",
  calendar: "Calendar",
  time: "Time of week",
  machine: "Machine going to sleep or logging off",
};

const showAsNames: Record<ShowAs, string> = {
  free: "Free",
  tentative: "Tentative",
  busy: "Busy",
  oof: "Out of office",
  working_elsewhere: "Working elsewhere",
};

const weekdayNames: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

const machineStateNames: Record<MachineState, string> = {
  suspending: "Going to sleep",
  session_ending: "Logging off or shutting down",
};

const logLevelNames: Record<LogLevel, string> = {
  error: "Errors only",
  warn: "Warnings",
  info: "Information (default)",
  debug: "Debug",
  trace: "Trace (very detailed)",
};

/** Graph's availability values, as Teams words them. */
const availabilityNames: Record<string, string> = {
  Available: "Available",
  AvailableIdle: "Available (idle)",
  Away: "Away",
  BeRightBack: "Be right back",
  Busy: "Busy",
  BusyIdle: "Busy (idle)",
  DoNotDisturb: "Do not disturb",
  Offline: "Offline",
  PresenceUnknown: "Unknown",
};

const resultNames: Record<ResultFilter, string> = { ok: "Succeeded", failed: "Failed" };

const signalNames: Record<string, string> = {
  locked: "Screen locked",
  screensaver: "Screensaver",
  idle_seconds: "Idle time",
  dnd: "Do not disturb",
  presentation: "Presenting",
  session_active: "Session in front",
  session_ending: "Session ending",
  calendar: "Calendar",
};

export const strings = {
  appName: "Presence Relay",
  loading: "Loading…",
  navLabel: "Settings pages",
  modeSimulated: "Simulated tenant",
  modeSimulatedDetail:
    "No Microsoft 365 tenant is connected. Presence Relay is running against its built-in simulated tenant, so nothing real is being changed.",
  modeTenant: "Connected tenant",
  backendError: "The app did not answer",
  retry: "Try again",
  unknown: "Unknown",
  on: "On",
  off: "Off",
  saved: "Saved.",
  notSaved: "Not saved: fix the problems shown.",
  refresh: "Refresh",
  remove: "Remove",
  statusUnavailable: "The engine's status is not available",

  // Overview
  overviewTitle: "Overview",
  version: "Version",
  configFile: "Config file",
  users: "Users",
  noUsers: "No users are configured yet.",
  configProblemTitle: "The config file needs attention",
  startProblemTitle: "Presence Relay is not running",
  engineTitle: "Automation",
  engineState: "State",
  updatedAt: "Last update",
  failingTitle: "Presence updates are failing",
  failingSince: (since: string) =>
    `No write has gone through since ${since}. Presence Relay keeps retrying; check the network, or test the connection.`,
  statePaused: "Paused: nothing is being set",
  stateRunning: "Running",
  stateSnoozed: (until: string) => `Rules snoozed until ${until}`,
  writesHalted: "Writes are stopped",
  pause: "Pause",
  resume: "Resume",
  snoozeHour: "Snooze 1 hour",
  snoozeTomorrow: "Snooze until tomorrow",
  endSnooze: "End snooze",

  // Connection
  connectionTitle: "Connection",
  noConnection: "No tenant connected",
  noConnectionDetail: "Fill in the app registration below to write presence to your Microsoft 365 tenant.",
  currentConnection: "Current connection",
  setupConnection: "Set up the connection",
  changeConnection: "Change the connection",
  appRegistration: "1. App registration",
  cloud: "Cloud",
  tenantId: "Directory (tenant) ID",
  tenantIdHint: "A GUID, or a verified domain such as contoso.onmicrosoft.com.",
  clientId: "Application (client) ID",
  clientIdHint: "The GUID of the app registration with Presence.ReadWrite.All.",
  credential: "2. Credential",
  storedCredential: "Credential",
  credentialKind: "Kind",
  clientSecret: "Client secret value",
  secretStoredHint: "Stored in the OS keyring. Leave empty to keep it; it is never shown.",
  secretMissingHint: "Missing: enter the secret's Value (not its ID). It goes to the OS keyring and is never shown.",
  secretExpires: "Secret expires on (optional)",
  secretExpiresHint: "As shown in Entra when the secret was created, so the app can warn in time.",
  certificatePath: "Certificate file (.pfx or .pem)",
  certificatePathHint: "Path of the file holding the certificate and its private key on this machine.",
  certificatePassword: "Certificate file password (if any)",
  certificate: "Certificate",
  credentialRequired: "Enter the credential: nothing is stored for this app registration yet.",
  credentialStored: "Stored in the OS keyring",
  credentialMissing: "Missing",
  keyringUnavailable: "The OS keyring cannot be reached",
  keyringLocked: "The OS keyring is locked",
  expires: "Expires",
  credentialExpired: "The credential has expired: create a new one in Entra and enter it below.",
  credentialExpiresSoon: (days: number) =>
    days === 0 ? "The credential expires today." : `The credential expires in ${days} day${days === 1 ? "" : "s"}.`,
  saveConnection: "Save connection",
  testConnection: "Test connection",
  testing: "Testing…",
  testResults: "Connection test results",
  testPassed: "Every step passed.",
  testHasFailures: "Some steps failed: see the fix for each.",
  testFailed: "The test could not run",
  stepOk: "Passed",
  stepFailed: "Failed",
  fix: "Fix",
  consentLinkIntro: "An administrator grants consent here:",
  disconnect: "Disconnect (back to the simulated tenant)",
  disconnectFailed: "Could not disconnect",
  cloudName: (cloud: Cloud) => cloudNames[cloud],
  credentialKindName: (kind: CredentialKind) => credentialKindNames[kind],

  // Users
  usersTitle: "Users",
  addUser: "Add user",
  displayName: "Display name",
  objectId: "Entra object ID",
  objectIdHint: "The user's object ID (a GUID) from Entra; Graph needs it, not the e-mail address.",
  presenceNow: "Teams shows now",
  weHold: "What we hold",
  holdingNothing: "Nothing",
  outOfOffice: "out of office",
  removeUser: (name: string) => `Remove ${name}`,
  removeUserConfirm: (name: string) =>
    `Remove ${name}? Whatever Presence Relay holds for them in Teams is released.`,

  // Rules
  rulesTitle: "Rules",
  rulesIntro: "Rules are checked in order; the first enabled rule whose conditions all hold decides.",
  noRules: "No rules yet: the default action applies.",
  unnamedRule: "(unnamed rule)",
  newRuleName: "New rule",
  copyOf: (name: string) => `${name} (copy)`,
  ruleEnabled: "Enabled",
  moveUp: "Up",
  moveDown: "Down",
  edit: "Edit",
  duplicate: "Duplicate",
  delete: "Delete",
  moveUpLabel: (name: string) => `Move ${name} up`,
  moveDownLabel: (name: string) => `Move ${name} down`,
  editLabel: (name: string) => `Edit ${name}`,
  duplicateLabel: (name: string) => `Duplicate ${name}`,
  deleteLabel: (name: string) => `Delete ${name}`,
  addRule: "Add rule",
  saveRules: "Save rules",
  editRule: (name: string) => `Edit rule: ${name}`,
  ruleName: "Name",
  ruleUsers: "Applies to",
  allUsers: "All users",
  ruleConditions: "When",
  conditionsHint: "Every condition ticked must hold. None ticked: the rule always holds.",
  noCalendars: "No calendars are configured.",
  screenState: "Screen is",
  screenLocked: "Locked",
  screenUnlocked: "Unlocked",
  forSeconds: "For at least (seconds)",
  forSecondsHint: "Empty: as soon as it changes.",
  idleMinutes: "Minutes without input",
  calendar: "Calendar",
  showAs: "Shows as any of",
  titleKeywords: "Only events whose title contains (comma-separated)",
  titleKeywordsHint: "Empty: any event.",
  days: "Days",
  daysHint: "No day ticked: every day.",
  start: "From",
  end: "Until",
  endHint: "Earlier than the start means the next day.",
  timeZone: "Time zone",
  timeZoneHint: "An IANA name such as Europe/Berlin. Empty: this machine's zone.",
  ruleAction: "Then show",
  defaultActionTitle: "When no rule applies",
  defaultActionHint:
    "What Teams shows while no enabled rule holds. \"Release\" clears what this machine set, so the person's own Teams apps decide again.",
  defaultActionLegend: "Show",
  intent: "Presence",
  writeMode: "How",
  writeModeHint: "Polite adds our own session; assertive sets the preferred presence and wins over every client.",
  assertiveOnly: "This presence exists only as a preferred presence, so it is written assertively.",
  statusMessage: "Status message",
  statusMessageHint: "Optional; {until} and {back_at} are filled in.",
  holdMinutes: "Each write lasts (minutes)",
  holdMinutesHint: "5 to 240; writes are renewed while the rule holds. Empty: the default.",
  previewTitle: "Preview",
  previewIntro: (hours: number) =>
    `What Teams would show now and over the next ${hours} hours with the rules above, saved or not, if the desk stays as it is now. Worked out by the engine against a simulated tenant: nothing real is changed.`,
  previewAssuming: (facts: string) => `Assuming: ${facts}.`,
  previewLoading: "Working out the preview…",
  previewUpdating: "Updating the preview…",
  previewInvalid: "No preview until the problems shown above are fixed.",
  previewFailed: "The preview could not be worked out",
  previewNoUsers: "No users are configured, so there is nothing to preview.",
  previewLeftOut: (count: number) =>
    `${count} more user${count === 1 ? " is" : "s are"} not previewed: the preview covers the first 200.`,
  previewNow: "Now",
  previewChanges: (name: string) => `Upcoming changes for ${name}`,
  previewNoChanges: (hours: number) => `No change in the next ${hours} hours.`,
  previewNothingHeld: "Nothing held: Teams shows what the person's own Teams apps say",
  previewByRule: (name: string) => `rule “${name}”`,
  previewByDefault: "no rule applies (default action)",
  previewTimeWindow: (start: string, end: string, zone: string | null) =>
    zone === null ? `time window ${start}–${end}` : `time window ${start}–${end} (${zone})`,
  previewCalendar: (id: string) => `calendar “${id}”`,
  previewScreen: (locked: boolean | null) =>
    locked === null ? "screen lock unknown" : locked ? "screen locked" : "screen unlocked",
  previewIdle: (seconds: number | null) =>
    seconds === null
      ? "input unknown"
      : seconds === 0
        ? "someone at the keyboard"
        : `no input for ${seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`} (and none to come)`,
  previewDnd: (on: boolean | null) =>
    on === null ? "do not disturb unknown" : on ? "do not disturb on" : "do not disturb off",
  availabilityName: (availability: string) => availabilityNames[availability] ?? availability,
  previewPresentation: (on: boolean | null) =>
    on === null ? "presenting unknown" : on ? "presenting" : "not presenting",
  intentName: (intent: Intent) => intentNames[intent],
  modeName: (mode: WriteMode) => modeNames[mode],
  conditionName: (key: keyof Conditions) => conditionNames[key],
  showAsName: (value: ShowAs) => showAsNames[value],
  weekdayName: (day: Weekday) => weekdayNames[day],
  machineStateName: (state: MachineState) => machineStateNames[state],

  // Signals
  signalsTitle: "Signals",
  noSignals: "No signal sources are running.",
  healthLive: "Live",
  healthDegraded: "Degraded",
  healthUnsupported: "Not available on this machine",
  signal: "Signal",
  value: "Value",
  since: "Since",
  seconds: (seconds: number) => `${seconds} s`,
  until: (time: string) => `until ${time}`,
  signalName: (signal: string) => signalNames[signal] ?? signal,

  // Activity
  activityTitle: "Activity",
  filterUser: "User",
  filterRule: "Decided by",
  filterResult: "Result",
  anyUser: "Any user",
  anyRule: "Anything",
  anyResult: "Any result",
  exportCsv: "Export CSV",
  exportJson: "Export JSON",
  noActivity: "Nothing matches these filters.",
  auditUnavailable: "The activity log could not be read",
  truncated: (limit: number) => `Showing the newest ${limit} entries.`,
  time: "Time",
  user: "User",
  decidedBy: "Decided by",
  write: "Write",
  result: "Result",
  requestId: "Request ID",
  resultName: (result: ResultFilter) => resultNames[result],

  // Settings and kiosk
  settingsTitle: "Settings",
  general: "General",
  startAtLogin: "Start Presence Relay when I log in",
  notifications: "Notify me about problems that need a person",
  notifyOnChange: "Also notify me whenever a presence changes",
  logLevel: "Log level",
  logLevelHint: "Of the log file; the RUST_LOG environment variable overrides it.",
  logLevelName: (level: LogLevel) => logLevelNames[level],
  kiosk: "Kiosk lock",
  kioskLock: "Lock the settings behind the PIN and hide admin items from the tray",
  kioskHint: "While locked, changing settings asks for the PIN.",
  kioskNeedsPin: "Set a PIN below first.",
  saveSettings: "Save settings",
  kioskPin: "Kiosk PIN",
  pinIsSet: "A PIN is set.",
  pinNotSet: "No PIN is set.",
  newPin: "New PIN",
  confirmPin: "Repeat the PIN",
  pinHint: "4 to 12 digits. Only a salted hash is stored.",
  pinInvalid: "Use 4 to 12 digits.",
  pinMismatch: "The two PINs differ.",
  setPin: "Set PIN",
  removePin: "Remove PIN (also lifts the lock)",
  kioskLockedTitle: "Settings are locked",
  kioskLockedDetail: "This machine is in kiosk mode. Enter the PIN to change settings.",
  unlock: "Unlock",
  wrongPin: "That PIN is not right.",
} as const;

export function userCount(count: number): string {
  return count === 1 ? "1 user" : `${count} users`;
}
