import { type DatabaseHandle, findNodeByCode } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportOverview, getOverview, loadDemo, requireMunicipality } from "../src/index.ts";

/**
 * Seed 000, "Budget for Økonomiudvalget", 1.000 kr., 2025-priser, every figure as printed, with
 * one exception: the document prints 351.607 for the committee in 2024, but its own six area
 * figures add up to 351.608 (the source rounded row by row). Bevilling stores the areas as
 * printed and prints the committee as their sum, because a printed table must add up.
 */
const SEED_000_COMMITTEE_2024_AS_PRINTED = "351.607";
const SEED_000 = [
  ["Økonomiudvalget", "306.005", "351.608", "388.324", "384.273", "379.719", "381.305"],
  ["Puljer", "0", "0", "80.496", "80.232", "77.723", "79.709"],
  ["Administration", "259.092", "304.620", "259.178", "255.388", "253.341", "252.941"],
  ["Boligudvikling", "435", "782", "579", "579", "579", "579"],
  ["Borgerservice", "36.531", "35.785", "38.532", "38.533", "38.535", "38.535"],
  ["Lokaldemokrati", "368", "349", "343", "344", "344", "344"],
  ["Beredskab", "9.579", "10.072", "9.196", "9.197", "9.197", "9.197"],
];

const SEED_001_NET = {
  Jobcenter: "50.190.100",
  Borgerservice: "81.205.800",
  "Demografipulje – Børn- og Familieområdet": "5.000.000",
  "Plan, Byg og Miljø": "39.254.500",
  Økonomi: "104.816.500",
};

describe.each(testEngines())("demo data on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("prints seed 000's table for Sorø's finance committee, figure for figure", async () => {
    const m = await requireMunicipality(h.db, "340");
    const oeu = await findNodeByCode(h.db, m.id, "OEU");
    const o = await getOverview(h.db, { nodeId: oeu?.id as number, priceYear: 2025, unit: "tkr" });
    expect(o.columns.map((c) => `${c.year} ${c.label}`)).toEqual([
      "2023 Regnskab",
      "2024 Budget - oprindeligt",
      "2025 Budget",
      "2026 Overslagsår",
      "2027 Overslagsår",
      "2028 Overslagsår",
    ]);
    expect(o.note).toBe("Alle tal er i 2025-priser.");
    const printed = [[o.total.label, ...o.total.text], ...o.rows.map((r) => [r.label, ...r.text])];
    expect(printed).toEqual(SEED_000);
    // The one cell where the document does not add up: off by exactly one thousand kroner.
    expect(o.total.printed[1]).toBe(BigInt(SEED_000_COMMITTEE_2024_AS_PRINTED.replace(".", "")) + 1n);
    // The committee row is the sum of its areas in every column, as printed.
    o.total.printed.forEach((t, i) => {
      expect(o.rows.reduce((a, r) => a + (r.printed[i] as bigint), 0n)).toBe(t);
    });
  });

  it("exports the same figures as CSV", async () => {
    const m = await requireMunicipality(h.db, "340");
    const oeu = await findNodeByCode(h.db, m.id, "OEU");
    const o = await getOverview(h.db, { nodeId: oeu?.id as number, priceYear: 2025, unit: "tkr" });
    const csv = new TextDecoder().decode((await exportOverview(o, "csv")).bytes).replace(/^\uFEFF/, "");
    const lines = csv.trim().split(/\r\n/);
    expect(lines[0]).toBe("År;2023;2024;2025;2026;2027;2028");
    expect(lines.slice(2, 9)).toEqual(SEED_000.map((r) => r.join(";")));
    expect(lines.at(-1)).toBe("Note: Alle tal er i 2025-priser.");
  });

  it("holds Kalundborg's net budgets in kroner and the 2023 split of the technical area", async () => {
    const m = await requireMunicipality(h.db, "326");
    const oeu = await findNodeByCode(h.db, m.id, "OEU");
    const o = await getOverview(h.db, {
      nodeId: oeu?.id as number,
      unit: "kr",
      columns: [{ year: 2024, kind: "budget" }],
      priceYear: "current",
    });
    for (const [name, amount] of Object.entries(SEED_001_NET)) {
      expect(o.rows.find((r) => r.label === name)?.text).toEqual([amount]);
    }
    // Det tekniske område ended in 2022, so a 2024 view does not show it, while a 2022 view does.
    expect(o.rows.some((r) => r.label === "Det tekniske område")).toBe(false);
    expect(o.rows).toHaveLength(17);
    const old = await getOverview(h.db, {
      nodeId: oeu?.id as number,
      columns: [{ year: 2022, kind: "actual" }],
    });
    expect(old.rows.map((r) => r.label)).toContain("Det tekniske område");
    expect(old.rows.map((r) => r.label)).not.toContain("Plan, Byg og Miljø");
  });

  it("loading the demo again changes nothing", async () => {
    expect((await loadDemo(h.db)).changes).toBe(0);
  });

  it("restates to another price year with the example index and still adds up", async () => {
    const m = await requireMunicipality(h.db, "340");
    const oeu = await findNodeByCode(h.db, m.id, "OEU");
    const o = await getOverview(h.db, { nodeId: oeu?.id as number, priceYear: 2026, unit: "mio" });
    expect(o.note).toBe("Alle tal er i 2026-priser.");
    // The example index's weighted total rises 3.0 % from 2025 to 2026 (amounts without accounts use it).
    const admin = o.rows.find((r) => r.label === "Administration");
    expect(admin?.exact[2]).toBe((25_917_800_000n * 1030n) / 1000n);
    o.total.printed.forEach((t, i) => {
      expect(o.rows.reduce((a, r) => a + (r.printed[i] as bigint), 0n)).toBe(t);
    });
  });
});
