import { describe, expect, it } from "vitest";
import {
  ACCESS_LEVELS,
  admitsAnonymous,
  isUnitScoped,
  MIN_PASSWORD_LENGTH,
  passwordProblems,
  ROLES,
  roleAdmits,
  roleTakesUnits,
} from "../src/access.ts";

describe("roles and access levels", () => {
  it("admits exactly the roles each level is documented to admit", () => {
    const table = Object.fromEntries(ACCESS_LEVELS.map((a) => [a, ROLES.filter((r) => roleAdmits(a, r))]));
    expect(table).toEqual({
      public: ROLES,
      published: ROLES,
      signedIn: ROLES,
      read: ROLES,
      unitWrite: ["administrator", "okonomi", "budgetansvarlig"],
      write: ["administrator", "okonomi"],
      admin: ["administrator"],
    });
    expect(ACCESS_LEVELS.filter(admitsAnonymous)).toEqual(["public", "published"]);
  });

  it("limits only the budgetansvarlig to units, and only that role takes units", () => {
    expect(ROLES.filter(isUnitScoped)).toEqual(["budgetansvarlig"]);
    expect(ROLES.filter(roleTakesUnits)).toEqual(["budgetansvarlig"]);
  });
});

describe("password policy", () => {
  it("accepts a long password and names each problem in Danish", () => {
    expect(passwordProblems("en lang og god adgangskode", "hanne")).toEqual([]);
    expect(passwordProblems("kort", "hanne")).toEqual([`skal have mindst ${MIN_PASSWORD_LENGTH} tegn`]);
    expect(passwordProblems("Hanne-er-sej-2025", "hanne")).toEqual(["må ikke indeholde brugernavnet"]);
    expect(passwordProblems("aaaaaaaaaaaa", "hanne")).toEqual(["har for få forskellige tegn"]);
    expect(passwordProblems("x".repeat(201), "hanne")).toContain("må højst have 200 tegn");
  });

  it("counts characters, not bytes: ten Danish letters are ten", () => {
    expect(passwordProblems("æøåÆØÅæøåx", "bo")).toEqual([]);
    expect(passwordProblems("æøåÆØÅæøå", "bo")).toEqual([`skal have mindst ${MIN_PASSWORD_LENGTH} tegn`]);
  });
});
