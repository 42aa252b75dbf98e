import { SYSTEM_ACTOR } from "@bevilling/core";
import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, verifyAudit } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { formatFileError } from "@bevilling/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Conflict,
  getCatalogue,
  ImportFailed,
  importCatalogueText,
  loadDemo,
  updateProposal,
} from "../src/index.ts";

const T = 100_000n; // 1.000 kr. in øre

/** Seed 003 as printed: per schedule, each line's yearly amounts 2023–2026 in 1.000 kr., and the proposal's total. */
const SEED_003: Record<string, { lines: [string, number[]][]; total: number }> = {
  "2.1.2. 01": { lines: [["", [600, 1200, 1200]]], total: 3000 },
  "2.1.2. 02": {
    lines: [["Modernisering af visuel identitet og etablering af værktøjskasse til", [1750, 100, 100, 100]]],
    total: 2050,
  },
  "2.1.2. 03": { lines: [["", [150, 150, 150, 150]]], total: 600 },
  "2.1.2. 04": { lines: [["", [5000, 5009, 5018, 5027]]], total: 20054 },
  "2.1.2. 05": {
    lines: [
      ["2 direktører", [3000, 3000, 3000, 3000]],
      ["1 direktør", [1500, 1500, 1500, 1500]],
    ],
    total: 18000,
  },
  "2.1.2. 06": {
    lines: [
      ["IT og DATA sikkerhed 4 år", [2500, 2500, 2500, 2500]],
      ["IT driftunderstøttelse 2 år", [1000, 1000, 1000, 1000]],
    ],
    total: 14000,
  },
  "2.1.2. 07": { lines: [["MS licenser", [500, 500, 500, 500]]], total: 2000 },
  "2.1.2. 08": {
    lines: [
      ["Investering af 4 medarbejdere (ungeguides)", [2000, 2000, 2000, 2000]],
      ["60 færre unge på uddannelseshjælp", [-5300, -5300, -5300, -5300]],
    ],
    total: -13200,
  },
};

describe.each(testEngines())("the proposals catalogue on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  const slagelse = async () => {
    const m = await findMunicipality(h.db, "330");
    if (!m) throw new Error("Slagelse mangler");
    return m;
  };

  it("holds every amount and total of seed 003 from the demo data", async () => {
    const c = await getCatalogue(h.db, await slagelse());
    expect(c.catalogue).toBe("Budget 2023-2026");
    expect(c.proposals.map((p) => p.schedule)).toEqual(Object.keys(SEED_003));
    for (const p of c.proposals) {
      const seed = SEED_003[p.schedule];
      if (!seed) throw new Error(p.schedule);
      expect(p.kindLabel).toBe("Driftsforslag");
      expect(p.committee).toBe("Økonomiudvalget");
      expect(p.area).toBe("Administration");
      expect(p.lines.map((l) => l.name)).toEqual(seed.lines.map(([n]) => n));
      for (const [i, [, amounts]] of seed.lines.entries()) {
        const stored = new Map(p.lines[i]?.amounts.map((a) => [a.year, a.amount]));
        amounts.forEach((a, k) => {
          expect(stored.get(2023 + k), `${p.schedule} linje ${i} ${2023 + k}`).toBe(BigInt(a) * T);
        });
        expect(p.lines[i]?.total).toBe(BigInt(amounts.reduce((x, y) => x + y, 0)) * T);
      }
      expect(p.total, p.schedule).toBe(BigInt(seed.total) * T);
    }
    const p05 = c.proposals.find((p) => p.schedule === "2.1.2. 05");
    expect(p05?.totals).toEqual([2023, 2024, 2025, 2026].map((year) => ({ year, amount: 4500n * T })));
    expect(c.proposals[0]?.internalNumber).toBe("3106");
    expect(c.proposals[0]?.title).toBe("Medarbejderkommunikation");
  });

  it("reports schedule 08's two mismatches as warnings and nothing false elsewhere", async () => {
    const c = await getCatalogue(h.db, await slagelse());
    const warnings = c.warnings.filter((w) => w.severity === "warning");
    expect(warnings.map((w) => [w.schedule, w.code, w.expected, w.found]).sort()).toEqual([
      ["2.1.2. 08", "text_amount_mismatch", "5.300 t.kr.", "5.700 t.kr."],
      ["2.1.2. 08", "text_count_mismatch", "60", "63"],
    ]);
    expect(c.proposals.find((p) => p.schedule === "2.1.2. 08")?.warnings).toHaveLength(3);
    for (const p of c.proposals.filter((x) => x.schedule !== "2.1.2. 08"))
      expect(p.warnings, p.schedule).toEqual([]);
  });

  it("imports the same catalogue twice without changes, and refuses an unreadable one whole", async () => {
    const m = await slagelse();
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(
      new URL("../demo/slagelse-forslagskatalog-2023-2026.txt", import.meta.url),
      "utf8",
    );
    const again = await importCatalogueText(h.db, m, { fileName: "igen.txt", text }, SYSTEM_ACTOR);
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 8]);
    await expect(
      importCatalogueText(h.db, m, { fileName: "tom.txt", text: "Noget helt andet\n" }, SYSTEM_ACTOR),
    ).rejects.toBeInstanceOf(ImportFailed);
    expect((await getCatalogue(h.db, m)).proposals).toHaveLength(8);
  });

  it("names file, line and field of what it cannot read, and stores nothing of the file", async () => {
    const m = await slagelse();
    const { readFileSync } = await import("node:fs");
    const lines = readFileSync(
      new URL("../demo/slagelse-forslagskatalog-2023-2026.txt", import.meta.url),
      "utf8",
    ).split("\n");
    // Line 116 is schedule 04's amounts; line 130 is schedule 05's first line, changed to 9.999 in 2023.
    expect(lines[115]).toBe("\t5.000\t5.009\t5.018\t5.027\t20.054");
    const broken = lines
      .with(115, "\t5.000\t5,oo9\t5.018\t5.027\t20.054")
      .with(129, "2 direktører\t9.999\t3.000\t3.000\t3.000\t12.000")
      .join("\n");
    const failed = await importCatalogueText(
      h.db,
      m,
      { fileName: "fejl.txt", text: broken },
      SYSTEM_ACTOR,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(ImportFailed);
    const errors = (failed as ImportFailed).errors;
    expect(errors).toEqual([
      {
        file: "fejl.txt",
        line: 116,
        field: "2024",
        reason: "Skema 2.1.2. 04: »5,oo9« i 2024 er ikke et beløb.",
      },
    ]);
    expect(errors.map(formatFileError)).toEqual([
      'fejl.txt, linje 116, felt "2024": Skema 2.1.2. 04: »5,oo9« i 2024 er ikke et beløb.',
    ]);
    const p05 = (await getCatalogue(h.db, m)).proposals.find((p) => p.schedule === "2.1.2. 05");
    expect(p05?.lines[0]?.amounts.find((a) => a.year === 2023)?.amount).toBe(3000n * T);

    const empty = await importCatalogueText(
      h.db,
      m,
      { fileName: "tom.txt", text: "Noget helt andet\n" },
      SYSTEM_ACTOR,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((empty as ImportFailed).errors.map(formatFileError)).toEqual([
      'tom.txt, felt "skema": Der er ingen skemaer (»Skema …«) i teksten.',
      'tom.txt: overskriften "BUDGET 2023-2026" mangler',
    ]);
  });

  it("changes a proposal by its version, refuses a stale one with the current state, and records it", async () => {
    const m = await slagelse();
    const p = (await getCatalogue(h.db, m)).proposals.find((x) => x.schedule === "2.1.2. 08");
    if (!p) throw new Error("skema 08 mangler");
    const changed = await updateProposal(
      h.db,
      m,
      p.id,
      { version: p.version, status: "adopted_changed", reason: "Vedtaget i budgetaftalen" },
      { kind: "user", id: "1", name: "Økonom" },
    );
    expect(changed.version).toBe(p.version + 1);
    expect(changed.statusLabel).toBe("Vedtaget med ændringer");
    const stale = updateProposal(h.db, m, p.id, { version: p.version, title: "Ny titel" }, SYSTEM_ACTOR);
    await expect(stale).rejects.toBeInstanceOf(Conflict);
    await expect(stale).rejects.toMatchObject({ current: { version: p.version + 1 } });
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });
});
