// Saving the config document from a page: refusals come back as issues to show at the fields.

import type { Backend } from "../backend";
import { toUiError } from "../backend";
import type { ConfigFile, Issue } from "../generated/bindings";

export type SaveResult = { saved: true; warnings: Issue[] } | { saved: false; issues: Issue[] };

export async function saveConfig(backend: Backend, config: ConfigFile): Promise<SaveResult> {
  try {
    const outcome = await backend.configSave(config);
    return { saved: true, warnings: outcome.warnings };
  } catch (thrown) {
    const failure = toUiError(thrown);
    const issues = failure.issues ?? [];
    return { saved: false, issues: issues.length > 0 ? issues : [{ severity: "error", pointer: "", message: failure.message }] };
  }
}

/** A deep copy to edit without touching what was loaded. */
export function copyConfig(config: ConfigFile): ConfigFile {
  return structuredClone(config);
}
