import { describe, expect, it, vi } from "vitest";

import { strings } from "../strings";
import { fakeBackend } from "../testing/fakeBackend";
import { byLabel, byText, change, mountPage, submit } from "../testing/mount";
import { credentialInput, daysUntil } from "./connection";

const TENANT = "contoso.onmicrosoft.com";
const CLIENT = "00000000-0000-0000-0000-000000000001";

describe("connection page", () => {
  it("in demo mode offers the setup form with an empty, write-only secret field", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "connection");
    expect(root.textContent).toContain(strings.noConnection);
    const secret = byLabel(root, strings.clientSecret);
    expect(secret.type).toBe("password");
    expect(secret.value).toBe("");
    expect(secret.getAttribute("autocomplete")).toBe("new-password");
    expect(root.textContent).toContain(strings.secretMissingHint);
    const clouds = [...byLabel<HTMLSelectElement>(root, strings.cloud).options].map((o) => o.value);
    expect(clouds).not.toContain("china");
  });

  it("stores a new connection and never keeps the secret in the page", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "connection");
    byLabel(root, strings.tenantId).value = TENANT;
    byLabel(root, strings.clientId).value = CLIENT;
    byLabel(root, strings.clientSecret).value = "s3cr3t";
    byLabel(root, strings.secretExpires).value = "2027-01-31";
    submit(root.querySelector("form.connection-form"));
    await vi.waitFor(() => expect(backend.connectionInputs).toHaveLength(1));
    expect(backend.connectionInputs[0]).toEqual({
      cloud: "global",
      tenantId: TENANT,
      clientId: CLIENT,
      credential: { kind: "client_secret", secret: "s3cr3t", expiresAt: "2027-01-31T00:00:00Z" },
    });
    await vi.waitFor(() => expect(root.textContent).toContain(strings.credentialStored));
    expect(byLabel(root, strings.clientSecret).value).toBe("");
    expect(root.innerHTML).not.toContain("s3cr3t");
  });

  it("asks for the secret at its field when nothing is stored", async () => {
    const backend = fakeBackend();
    const root = await mountPage(backend, "connection");
    byLabel(root, strings.tenantId).value = TENANT;
    byLabel(root, strings.clientId).value = CLIENT;
    submit(root.querySelector("form.connection-form"));
    const secret = byLabel(root, strings.clientSecret);
    await vi.waitFor(() => expect(secret.getAttribute("aria-invalid")).toBe("true"));
    expect(secret.closest(".field")?.textContent).toContain(strings.credentialRequired);
    expect(backend.connectionInputs).toHaveLength(0);
  });

  it("shows a refusal's issues at the field they point at", async () => {
    const backend = fakeBackend();
    backend.failing.connectionSet = {
      code: "invalid_input",
      message: "bad tenant",
      issues: [{ severity: "error", pointer: "/connection/tenant_id", message: "\"x y\" is neither a GUID nor a domain" }],
    };
    const root = await mountPage(backend, "connection");
    byLabel(root, strings.tenantId).value = "x y";
    byLabel(root, strings.clientSecret).value = "s";
    submit(root.querySelector("form.connection-form"));
    await vi.waitFor(() =>
      expect(byLabel(root, strings.tenantId).closest(".field")?.textContent).toContain("neither a GUID nor a domain"),
    );
  });

  it("keeps the stored secret when the field stays empty, and switches to certificate fields", async () => {
    const backend = fakeBackend({ mode: "tenant", demo: false });
    backend.connection = {
      cloud: "global",
      tenantId: TENANT,
      clientId: CLIENT,
      credentialKind: "client_secret",
      credential: "configured",
      credentialDetail: "a client secret is stored",
      secretExpiresAt: null,
      certificate: null,
    };
    const root = await mountPage(backend, "connection");
    expect(root.textContent).toContain(strings.secretStoredHint);
    expect(byLabel(root, strings.tenantId).value).toBe(TENANT);
    const kind = byLabel<HTMLSelectElement>(root, strings.credentialKind);
    expect(byLabel(root, strings.certificatePath).closest("div[hidden]")).not.toBeNull();
    change(kind, "certificate");
    expect(byLabel(root, strings.certificatePath).closest("div[hidden]")).toBeNull();
    expect(byLabel(root, strings.clientSecret).closest("div[hidden]")).not.toBeNull();
    change(kind, "client_secret");

    submit(root.querySelector("form.connection-form"));
    await vi.waitFor(() => expect(backend.connectionInputs[0]?.credential).toEqual({ kind: "keep" }));
  });

  it("runs the self-test and shows each step with its fix and the consent link", async () => {
    const backend = fakeBackend({ mode: "tenant", demo: false });
    backend.connection = {
      cloud: "global",
      tenantId: TENANT,
      clientId: CLIENT,
      credentialKind: "client_secret",
      credential: "configured",
      credentialDetail: "stored",
      secretExpiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      certificate: null,
    };
    backend.testReport = {
      ok: false,
      consentUrl: "https://login.microsoftonline.com/contoso/adminconsent?client_id=x",
      steps: [
        { step: "sign-in", ok: true, detail: "token issued", fix: null },
        { step: "admin consent", ok: false, detail: "no roles in the token", fix: "grant admin consent" },
      ],
    };
    const root = await mountPage(backend, "connection");
    expect(root.textContent).toContain(strings.credentialExpiresSoon(4).slice(0, 20));
    byText(root, "button", strings.testConnection).click();
    await vi.waitFor(() => expect(root.querySelectorAll(".steps li")).toHaveLength(2));
    const failed = root.querySelector(".step-failed");
    expect(failed?.textContent).toContain("admin consent");
    expect(failed?.textContent).toContain(`${strings.fix}: grant admin consent`);
    expect(root.querySelector<HTMLAnchorElement>(".test-report a")?.href).toContain("adminconsent");
  });

  it("disconnects back to demo mode", async () => {
    const backend = fakeBackend({ mode: "tenant", demo: false });
    backend.connection = {
      cloud: "us_gov_l4",
      tenantId: TENANT,
      clientId: CLIENT,
      credentialKind: "certificate",
      credential: "missing",
      credentialDetail: "no certificate is stored",
      secretExpiresAt: null,
      certificate: null,
    };
    const root = await mountPage(backend, "connection");
    expect(root.querySelector("[role=alert]")?.textContent).toContain("no certificate is stored");
    byText(root, "button", strings.disconnect).click();
    await vi.waitFor(() => expect(root.textContent).toContain(strings.noConnection));
  });
});

describe("credentialInput", () => {
  const typed = { secret: "", expires: "", path: "", password: "", canKeep: false };
  it("keeps only when allowed, and leaves empty optional fields out", () => {
    expect(credentialInput("client_secret", typed)).toBeNull();
    expect(credentialInput("client_secret", { ...typed, canKeep: true })).toEqual({ kind: "keep" });
    expect(credentialInput("certificate", { ...typed, path: "/a.pfx" })).toEqual({ kind: "certificate", path: "/a.pfx" });
    expect(credentialInput("certificate", { ...typed, path: "/a.pfx", password: "pw" })).toEqual({
      kind: "certificate",
      path: "/a.pfx",
      password: "pw",
    });
  });
  it("counts whole days to an expiry", () => {
    const now = new Date("2026-03-01T12:00:00Z");
    expect(daysUntil("2026-03-11T12:00:00Z", now)).toBe(10);
    expect(daysUntil("2026-02-28T12:00:00Z", now)).toBeLessThan(0);
  });
});
