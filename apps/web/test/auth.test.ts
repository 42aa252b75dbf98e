import { describe, expect, it } from "vitest";
import {
  canEditFigures,
  canImport,
  checkNewPassword,
  isAdministrator,
  issuesByField,
  oidcStartHref,
  passwordHref,
  retryMinutes,
  roleNeedsUnits,
  safeReturnPath,
  signInHref,
} from "../src/lib/auth.ts";
import type { Role } from "../src/lib/types.ts";

const as = (role: Role) => ({ role });

describe("roles", () => {
  it("shows import, editing and administration to the roles that may", () => {
    expect(canImport(as("administrator"))).toBe(true);
    expect(canImport(as("okonomi"))).toBe(true);
    for (const r of ["budgetansvarlig", "sekretariat", "politiker"] as const)
      expect(canImport(as(r))).toBe(false);
    expect(canImport(null)).toBe(false);
    expect(canEditFigures(as("budgetansvarlig"))).toBe(true);
    expect(canEditFigures(as("okonomi"))).toBe(true);
    expect(canEditFigures(as("sekretariat"))).toBe(false);
    expect(canEditFigures(undefined)).toBe(false);
    expect(isAdministrator(as("administrator"))).toBe(true);
    expect(isAdministrator(as("okonomi"))).toBe(false);
    expect(roleNeedsUnits("budgetansvarlig")).toBe(true);
    expect(roleNeedsUnits("politiker")).toBe(false);
  });
});

describe("return addresses", () => {
  it("accepts paths on this site", () => {
    expect(safeReturnPath("/kommune/340/enhed/2?visning=tal")).toBe("/kommune/340/enhed/2?visning=tal");
    expect(safeReturnPath("/")).toBe("/");
    expect(safeReturnPath("/admin/brugere#x")).toBe("/admin/brugere#x");
  });

  it("refuses other hosts and odd paths", () => {
    for (const bad of [
      null,
      undefined,
      "",
      "//evil.example/x",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "kommune/340",
      "/\t/evil.example",
      "/log-ind?til=/x",
      "/konto/adgangskode",
    ]) {
      expect(safeReturnPath(bad), String(bad)).toBe("/");
    }
  });

  it("builds the sign-in and password addresses with til", () => {
    expect(signInHref()).toBe("/log-ind");
    expect(signInHref("/")).toBe("/log-ind");
    expect(signInHref("/kommune/340?enhed=mio")).toBe("/log-ind?til=%2Fkommune%2F340%3Fenhed%3Dmio");
    expect(signInHref("//evil.example")).toBe("/log-ind");
    expect(passwordHref("/admin/brugere")).toBe("/konto/adgangskode?til=%2Fadmin%2Fbrugere");
    expect(oidcStartHref("/kommune/340")).toBe("/api/auth/oidc/start?returnTo=%2Fkommune%2F340");
    expect(oidcStartHref("//evil")).toBe("/api/auth/oidc/start?returnTo=%2F");
    const back = new URL(signInHref("/kommune/340?enhed=mio&visning=tal"), "https://x.invalid");
    expect(safeReturnPath(back.searchParams.get("til"))).toBe("/kommune/340?enhed=mio&visning=tal");
  });
});

describe("signing in", () => {
  it("rounds the wait after too many attempts up to whole minutes", () => {
    expect(retryMinutes(1)).toBe(1);
    expect(retryMinutes(60)).toBe(1);
    expect(retryMinutes(61)).toBe(2);
    expect(retryMinutes(900)).toBe(15);
    expect(retryMinutes(undefined)).toBe(1);
    expect(retryMinutes(-5)).toBe(1);
    expect(retryMinutes(Number.NaN)).toBe(1);
  });

  it("checks a new password before the server does", () => {
    const good = {
      currentPassword: "gammel-kode",
      newPassword: "en-lang-ny-kode",
      repeat: "en-lang-ny-kode",
    };
    expect(checkNewPassword({ ...good, username: "hanne" })).toEqual({});
    expect(checkNewPassword({ ...good, currentPassword: "" })).toEqual({
      currentPassword: "password.needCurrent",
    });
    expect(checkNewPassword({ ...good, newPassword: "kort", repeat: "kort" })).toEqual({
      newPassword: "password.tooShort",
    });
    expect(checkNewPassword({ ...good, repeat: "en-lang-ny-kodE" })).toEqual({ repeat: "password.mismatch" });
    expect(
      checkNewPassword({
        ...good,
        newPassword: "HanneJensen1",
        repeat: "HanneJensen1",
        username: "hannejensen1",
      }),
    ).toEqual({ newPassword: "password.isUsername" });
    // Ten characters as the user sees them.
    expect(checkNewPassword({ ...good, newPassword: "æøåæøåæøåæ", repeat: "æøåæøåæøåæ" })).toEqual({});
  });

  it("sorts the server's issues by form field", () => {
    const by = issuesByField(
      [
        { field: "body.currentPassword", reason: "er forkert" },
        { field: "body.newPassword", reason: "skal have mindst 10 tegn" },
        { field: "body.newPassword", reason: "må ikke være brugernavnet" },
        { field: "body.unitIds.0", reason: "findes ikke" },
        { field: "query.x", reason: "ukendt" },
      ],
      ["currentPassword", "newPassword", "unitIds"] as const,
    );
    expect(by).toEqual({
      currentPassword: ["er forkert"],
      newPassword: ["skal have mindst 10 tegn", "må ikke være brugernavnet"],
      unitIds: ["findes ikke"],
      "": ["query.x: ukendt"],
    });
    expect(issuesByField(undefined, ["a"] as const)).toEqual({});
  });
});
