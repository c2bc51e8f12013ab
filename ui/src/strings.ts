// Every user-facing string of the settings window, in one place so it can be translated.
export const strings = {
  appName: "Presence Relay",
  loading: "Loading…",
  modeSimulated: "Simulated tenant",
  modeSimulatedDetail:
    "No Microsoft 365 tenant is connected. Presence Relay is running against its built-in simulated tenant, so nothing real is being changed.",
  modeTenant: "Connected tenant",
  overviewTitle: "Overview",
  version: "Version",
  configFile: "Config file",
  users: "Users",
  noUsers: "No users are configured yet.",
  configProblemTitle: "The config file needs attention",
  backendError: "The app did not answer",
  retry: "Try again",
} as const;

export function userCount(count: number): string {
  return count === 1 ? "1 user" : `${count} users`;
}
