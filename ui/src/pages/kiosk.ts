// Shown instead of a settings page while the kiosk lock is on: the PIN unlocks this window.

import type { PageContext } from "../app";
import { toUiError } from "../backend";
import { el, field, heading } from "../dom";
import { strings } from "../strings";

export async function renderKioskGate(context: PageContext): Promise<HTMLElement> {
  const page = el("section", { attrs: { id: "kiosk-gate" } }, heading(strings.kioskLockedTitle));
  page.append(el("p", { text: strings.kioskLockedDetail }));
  const pin = el("input", {
    attrs: { type: "password", inputmode: "numeric", autocomplete: "off", name: "pin" },
  });
  const error = el("p", { className: "field-error", attrs: { role: "alert" } });
  const form = el("form", {}, field(strings.kioskPin, pin), error, el("button", { text: strings.unlock, attrs: { type: "submit" } }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    context.backend.kioskUnlock(pin.value).then(
      () => context.reload(),
      (thrown: unknown) => {
        const failure = toUiError(thrown);
        error.textContent = failure.code === "wrong_pin" ? strings.wrongPin : failure.message;
        pin.value = "";
        pin.focus();
      },
    );
  });
  page.append(form);
  return page;
}
