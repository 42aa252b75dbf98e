import { describe, expect, it } from "vitest";
import {
  type AppropriationForm,
  appropriationsHref,
  dateText,
  negateOre,
  parseAppropriationsQuery,
  readAppropriationForm,
  todayIso,
} from "../src/lib/appropriations.ts";
import { oreToInput } from "../src/lib/kroner.ts";
import { matchRoute } from "../src/lib/paths.ts";

const form: AppropriationForm = {
  nodeId: "17",
  accountId: "",
  year: "2025",
  kind: "supplementary",
  amount: "1.250.000,50",
  decidedOn: "2025-03-20",
  reason: "  Flere sager  ",
};

describe("the appropriation form", () => {
  it("reads kroner typed the Danish way to øre exactly, with no account as null", () => {
    expect(readAppropriationForm(form)).toEqual({
      ok: true,
      body: {
        nodeId: 17,
        accountId: null,
        year: 2025,
        kind: "supplementary",
        amount: "125000050",
        decidedOn: "2025-03-20",
        reason: "Flere sager",
      },
    });
    const r = readAppropriationForm({
      ...form,
      accountId: "4",
      kind: "carry_over",
      amount: "-1.234.567.890.123,45",
    });
    expect(r.ok && r.body).toMatchObject({ accountId: 4, kind: "carry_over", amount: "-123456789012345" });
  });

  it("marks each field it cannot send, before anything is sent", () => {
    const r = readAppropriationForm({
      nodeId: "",
      accountId: "",
      year: "",
      kind: "supplementary",
      amount: "1.5",
      decidedOn: "",
      reason: " ",
    });
    expect(r).toEqual({
      ok: false,
      problems: {
        nodeId: "appropriations.needNode",
        year: "appropriations.needYear",
        amount: "amount.pointDecimal",
        decidedOn: "appropriations.needDate",
        reason: "appropriations.needReason",
      },
    });
    const zero = readAppropriationForm({ ...form, amount: "0,00" });
    expect(zero.ok ? undefined : zero.problems.amount).toBe("appropriations.zeroAmount");
    const long = readAppropriationForm({ ...form, reason: "x".repeat(501) });
    expect(long.ok ? undefined : long.problems.reason).toBe("appropriations.reasonTooLong");
  });

  it("fills in the opposite amount for a correction", () => {
    expect(oreToInput(negateOre("125000050"))).toBe("-1.250.000,50");
    expect(negateOre("-500")).toBe("500");
  });

  it("prints dates the Danish way and dates today in the browser's time zone", () => {
    expect(dateText("2025-03-20")).toBe("20.03.2025");
    expect(dateText("marts")).toBe("marts");
    expect(todayIso(new Date(2025, 0, 5, 23, 59))).toBe("2025-01-05");
  });
});

describe("the appropriations page's address", () => {
  it("maps /kommune/:code/bevillinger and its year and unit", () => {
    expect(matchRoute("/kommune/340/bevillinger")).toEqual({ name: "appropriations", code: "340" });
    expect(appropriationsHref("340", { year: 2025, node: 17 })).toBe(
      "/kommune/340/bevillinger?aar=2025&enhed=17",
    );
    expect(appropriationsHref("340")).toBe("/kommune/340/bevillinger");
    expect(parseAppropriationsQuery(new URLSearchParams("aar=2025&enhed=17"))).toEqual({
      year: 2025,
      node: 17,
    });
    expect(parseAppropriationsQuery(new URLSearchParams("aar=25&enhed=-1"))).toEqual({
      year: null,
      node: null,
    });
  });
});
