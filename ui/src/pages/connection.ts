// The connection page: what is configured, the self-test with the fix for each failed step and the
// admin-consent link, and the setup form. The secret field is write-only: it is never filled in,
// and leaving it empty keeps the stored credential.

import type { PageContext } from "../app";
import { toUiError } from "../backend";
import { button, el, facts, field, formatTime, heading, notice, select, showIssues, textInput } from "../dom";
import type {
  Cloud,
  ConnectionInput,
  ConnectionTestReport,
  ConnectionView,
  CredentialInput,
  CredentialKind,
  CredentialStatus,
} from "../generated/bindings";
import { CLOUD_VALUES, CREDENTIAL_KIND_VALUES } from "../generated/bindings";
import { strings } from "../strings";

/** Warn this long before a secret or certificate expires. */
const EXPIRY_WARNING_DAYS = 30;

export async function renderConnection(context: PageContext): Promise<HTMLElement> {
  const connection = await context.backend.connectionGet();
  const page = el("section", { attrs: { id: "connection" } }, heading(strings.connectionTitle));
  if (connection === null) {
    page.append(notice("info", strings.noConnection, strings.noConnectionDetail));
  } else {
    page.append(currentConnection(connection, context));
  }
  page.append(setupForm(connection, context));
  return page;
}

function credentialText(status: CredentialStatus): string {
  switch (status) {
    case "configured":
      return strings.credentialStored;
    case "missing":
      return strings.credentialMissing;
    case "keyring_unavailable":
      return strings.keyringUnavailable;
    case "keyring_locked":
      return strings.keyringLocked;
  }
}

/** Days until `iso`, negative when it has passed. Exported for tests. */
export function daysUntil(iso: string, now: Date): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / 86_400_000);
}

function currentConnection(connection: ConnectionView, context: PageContext): HTMLElement {
  const box = el("section", { attrs: { "aria-labelledby": "current-connection" } });
  box.append(el("h2", { text: strings.currentConnection, attrs: { id: "current-connection" } }));
  const rows: [string, string][] = [
    [strings.cloud, strings.cloudName(connection.cloud)],
    [strings.tenantId, connection.tenantId],
    [strings.clientId, connection.clientId],
    [strings.credentialKind, strings.credentialKindName(connection.credentialKind)],
    [strings.storedCredential, credentialText(connection.credential)],
  ];
  if (connection.certificate !== null) {
    rows.push([strings.certificate, `${connection.certificate.subject} (${connection.certificate.thumbprint})`]);
  }
  if (connection.secretExpiresAt !== null) rows.push([strings.expires, formatTime(connection.secretExpiresAt)]);
  box.append(facts(rows));
  if (connection.credential !== "configured") {
    box.append(notice("warning", credentialText(connection.credential), connection.credentialDetail));
  }
  if (connection.secretExpiresAt !== null) {
    const days = daysUntil(connection.secretExpiresAt, new Date());
    if (days < 0) box.append(notice("warning", strings.credentialExpired));
    else if (days <= EXPIRY_WARNING_DAYS) box.append(notice("warning", strings.credentialExpiresSoon(days)));
  }

  const report = el("div", { className: "test-report", attrs: { "aria-live": "polite" } });
  const test = button(strings.testConnection, () => {
    test.disabled = true;
    report.replaceChildren(el("p", { className: "loading", text: strings.testing }));
    context.backend.connectionTest().then(
      (result) => {
        report.replaceChildren(testReport(result));
        test.disabled = false;
      },
      (thrown: unknown) => {
        report.replaceChildren(notice("warning", strings.testFailed, toUiError(thrown).message));
        test.disabled = false;
      },
    );
  });
  const disconnect = button(
    strings.disconnect,
    () => {
      context.backend.connectionClear().then(
        () => context.reload("connection"),
        (thrown: unknown) => report.replaceChildren(notice("warning", strings.disconnectFailed, toUiError(thrown).message)),
      );
    },
    "secondary",
  );
  box.append(el("div", { className: "actions" }, test, disconnect), report);
  return box;
}

/** The self-test, one line per step, failed steps with their fix. Exported for tests. */
export function testReport(report: ConnectionTestReport): HTMLElement {
  const box = el("section", { attrs: { "aria-label": strings.testResults } });
  box.append(
    notice(report.ok ? "success" : "warning", report.ok ? strings.testPassed : strings.testHasFailures),
  );
  const list = el("ol", { className: "steps" });
  for (const step of report.steps) {
    const item = el("li", { className: step.ok ? "step-ok" : "step-failed" });
    item.append(
      el("strong", { text: `${step.ok ? strings.stepOk : strings.stepFailed}: ${step.step}` }),
      el("p", { text: step.detail }),
    );
    if (step.fix !== null) item.append(el("p", { className: "fix", text: `${strings.fix}: ${step.fix}` }));
    list.append(item);
  }
  box.append(list);
  if (report.consentUrl !== null) {
    box.append(
      el(
        "p",
        {},
        `${strings.consentLinkIntro} `,
        el("a", { text: report.consentUrl, attrs: { href: report.consentUrl, target: "_blank", rel: "noreferrer" } }),
      ),
    );
  }
  return box;
}

function setupForm(connection: ConnectionView | null, context: PageContext): HTMLElement {
  const form = el("form", { className: "connection-form", attrs: { "aria-labelledby": "setup-heading", novalidate: "" } });
  form.append(el("h2", { text: connection === null ? strings.setupConnection : strings.changeConnection, attrs: { id: "setup-heading" } }));
  const general = el("div", { className: "form-errors", attrs: { role: "alert" } });

  // China is in the model so it can be refused clearly; it is no legal choice here.
  const clouds = CLOUD_VALUES.filter((cloud) => cloud !== "china");
  const cloud = select<Cloud>(clouds, connection?.cloud ?? "global", strings.cloudName);
  cloud.name = "cloud";
  const tenant = textInput(connection?.tenantId ?? "", { name: "tenantId", autocomplete: "off", spellcheck: "false" });
  const client = textInput(connection?.clientId ?? "", { name: "clientId", autocomplete: "off", spellcheck: "false" });

  const kind = select<CredentialKind>(
    CREDENTIAL_KIND_VALUES,
    connection?.credentialKind ?? "client_secret",
    strings.credentialKindName,
  );
  kind.name = "credentialKind";
  // Write-only: never given a value, and the browser must not offer to remember it.
  const secret = el("input", { attrs: { type: "password", name: "secret", autocomplete: "new-password" } });
  const stored = connection !== null && connection.credential === "configured";
  const secretHint = stored && connection.credentialKind === "client_secret" ? strings.secretStoredHint : strings.secretMissingHint;
  const expires = el("input", { attrs: { type: "date", name: "secretExpiresAt" } });
  const certPath = textInput("", { name: "certificatePath", spellcheck: "false" });
  const certHint = stored && connection.credentialKind === "certificate" ? strings.secretStoredHint : strings.certificatePathHint;
  const certPassword = el("input", { attrs: { type: "password", name: "certificatePassword", autocomplete: "new-password" } });

  const secretFields = el(
    "div",
    {},
    field(strings.clientSecret, secret, "secret", secretHint),
    field(strings.secretExpires, expires, "secretExpiresAt", strings.secretExpiresHint),
  );
  const certFields = el(
    "div",
    {},
    field(strings.certificatePath, certPath, "certificatePath", certHint),
    field(strings.certificatePassword, certPassword, "certificatePassword"),
  );
  const showKind = (): void => {
    secretFields.hidden = kind.value !== "client_secret";
    certFields.hidden = kind.value !== "certificate";
  };
  kind.addEventListener("change", showKind);
  showKind();

  form.append(
    general,
    el(
      "fieldset",
      {},
      el("legend", { text: strings.appRegistration }),
      field(strings.cloud, cloud, "/connection/cloud"),
      field(strings.tenantId, tenant, "/connection/tenant_id", strings.tenantIdHint),
      field(strings.clientId, client, "/connection/client_id", strings.clientIdHint),
    ),
    el("fieldset", {}, el("legend", { text: strings.credential }), field(strings.credentialKind, kind, "/connection/credential"), secretFields, certFields),
    el("button", { text: strings.saveConnection, attrs: { type: "submit" } }),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sameTarget =
      connection !== null &&
      connection.cloud === cloud.value &&
      connection.tenantId === tenant.value.trim().toLowerCase() &&
      connection.clientId === client.value.trim().toLowerCase() &&
      connection.credentialKind === kind.value;
    const credential = credentialInput(kind.value as CredentialKind, {
      secret: secret.value,
      expires: expires.value,
      path: certPath.value.trim(),
      password: certPassword.value,
      canKeep: sameTarget && stored,
    });
    if (credential === null) {
      const missing = kind.value === "client_secret" ? "secret" : "certificatePath";
      showIssues(form, [{ severity: "error", pointer: missing, message: strings.credentialRequired }], general);
      return;
    }
    const input: ConnectionInput = {
      cloud: cloud.value as Cloud,
      tenantId: tenant.value.trim(),
      clientId: client.value.trim(),
      credential,
    };
    showIssues(form, [], general);
    context.backend.connectionSet(input).then(
      () => {
        // Nothing secret stays in the page once it is stored.
        secret.value = "";
        certPassword.value = "";
        return context.reload("connection");
      },
      (thrown: unknown) => {
        const failure = toUiError(thrown);
        const issues = failure.issues ?? [];
        showIssues(form, issues.length > 0 ? issues : [{ severity: "error", pointer: "", message: failure.message }], general);
      },
    );
  });
  return form;
}

/**
 * The credential to send: what was typed, or `keep` when nothing was typed and the stored one
 * still applies; `null` when something must be typed. Exported for tests.
 */
export function credentialInput(
  kind: CredentialKind,
  typed: { secret: string; expires: string; path: string; password: string; canKeep: boolean },
): CredentialInput | null {
  if (kind === "client_secret") {
    if (typed.secret === "") return typed.canKeep ? { kind: "keep" } : null;
    const input: CredentialInput = { kind: "client_secret", secret: typed.secret };
    if (typed.expires !== "") input.expiresAt = `${typed.expires}T00:00:00Z`;
    return input;
  }
  if (typed.path === "") return typed.canKeep ? { kind: "keep" } : null;
  const input: CredentialInput = { kind: "certificate", path: typed.path };
  if (typed.password !== "") input.password = typed.password;
  return input;
}
