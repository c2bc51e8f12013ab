import { describe, expect, it } from "vitest";

import { field, placeIssues, showIssues, textInput } from "./dom";
import type { Issue } from "./generated/bindings";

const issue = (pointer: string, message = "bad"): Issue => ({ severity: "error", pointer, message });

describe("placeIssues", () => {
  it("puts an issue at the deepest field that holds its pointer", () => {
    const placed = placeIssues(["/rules/2", "/rules/2/then/mode", "/rules/20"], [
      issue("/rules/2/then/mode"),
      issue("/rules/2/name"),
      issue("/rules/20/then"),
      issue("/users/0"),
    ]);
    expect(placed.get("/rules/2/then/mode")?.map((i) => i.pointer)).toEqual(["/rules/2/then/mode"]);
    expect(placed.get("/rules/2")?.map((i) => i.pointer)).toEqual(["/rules/2/name"]);
    expect(placed.get("/rules/20")?.map((i) => i.pointer)).toEqual(["/rules/20/then"]);
    expect(placed.get(null)?.map((i) => i.pointer)).toEqual(["/users/0"]);
  });
});

describe("showIssues", () => {
  it("marks the input invalid, describes it with the message and clears on the next call", () => {
    const form = document.createElement("form");
    const input = textInput("x");
    form.append(field("Name", input, "/rules/0/name"));
    const general = document.createElement("div");
    showIssues(form, [issue("/rules/0/name", "is empty"), issue("", "whole document")], general);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy) ?? form.querySelector(`#${describedBy}`)).not.toBeNull();
    expect(form.querySelector(".field-error")?.textContent).toBe("is empty");
    expect(general.textContent).toBe("whole document");
    showIssues(form, [], general);
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(form.querySelector(".field-error")).toBeNull();
    expect(general.textContent).toBe("");
  });
});
