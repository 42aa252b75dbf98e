import { describe, expect, it } from "vitest";
import {
  emptyForm,
  type FileFormat,
  fromMapping,
  suggestAmounts,
  toMapping,
} from "../src/views/mappingForm.ts";

const AUTO: FileFormat = { separator: "", encoding: "", sheet: "" };

describe("the mapping form", () => {
  it("suggests amount columns from headers with a year, and their kind from the words", () => {
    const s = suggestAmounts([
      "Udvalg",
      "Regnskab 2023",
      "Budget - oprindeligt 2024",
      "Korrigeret budget 2024",
      "Budget 2025",
      "Overslag 2026",
      "2027",
      "Konto 12345",
    ]);
    expect(s.map((a) => [a.column, a.year, a.kind])).toEqual([
      ["Regnskab 2023", "2023", "actual"],
      ["Budget - oprindeligt 2024", "2024", "original"],
      ["Korrigeret budget 2024", "2024", "corrected"],
      ["Budget 2025", "2025", "budget"],
      ["Overslag 2026", "2026", "estimate"],
      ["2027", "2027", "budget"],
    ]);
  });

  it("writes seed 000's mapping as the API reads it, leaving blanks out", () => {
    const f = emptyForm();
    f.unit = "tkr";
    f.priceYear = "2025";
    f.levels = [
      { key: 1, kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
      { key: 2, kind: "area", code: "Område", name: "" },
    ];
    f.amounts = suggestAmounts(["Budget 2025"]);
    expect(toMapping(f, { ...AUTO, separator: ";" })).toEqual({
      kind: "amounts",
      format: { separator: ";" },
      levels: [
        { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
        { kind: "area", code: "Område" },
      ],
      unit: "tkr",
      priceYear: 2025,
      amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
    });
  });

  it("covers the other kinds: organisation, accounts on a node column, monthly", () => {
    const org = {
      ...emptyForm(),
      kind: "organisation" as const,
      validFrom: "Fra",
      placement: "node" as const,
    };
    org.levels = [{ key: 1, kind: "committee", code: "U", name: "N" }];
    expect(toMapping(org, { ...AUTO, sheet: "2" })).toEqual({
      kind: "organisation",
      format: { sheet: 2 },
      levels: [{ kind: "committee", code: "U", name: "N" }],
      validFrom: "Fra",
    });
    const acc = { ...emptyForm(), kind: "accounts" as const, placement: "none" as const };
    acc.account = { ...acc.account, funktion: "Funktion", dranst: "Dranst", art: "Art" };
    expect(toMapping(acc, AUTO)).toEqual({
      kind: "accounts",
      account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
    });
    const monthly = { ...emptyForm(), kind: "monthly" as const, placement: "node" as const, node: "Enhed" };
    monthly.monthly = { date: "Dato", year: "", month: "", amount: "Beløb" };
    expect(toMapping(monthly, AUTO)).toEqual({
      kind: "monthly",
      node: "Enhed",
      unit: "kr",
      monthly: { amount: "Beløb", date: "Dato" },
    });
  });

  it("reads a saved mapping back into the form", () => {
    const saved = {
      kind: "amounts" as const,
      node: "Område",
      unit: "kr" as const,
      amounts: [{ column: "Samlet nettobudget 2024", year: 2024, kind: "budget" as const }],
    };
    const f = fromMapping(saved);
    expect(f.placement).toBe("node");
    expect(f.node).toBe("Område");
    expect(toMapping(f, AUTO)).toEqual(saved);
  });
});
