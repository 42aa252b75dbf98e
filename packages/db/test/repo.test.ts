import { defaultSettings } from "@bevilling/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accountIdsByCode,
  createMunicipality,
  type DatabaseHandle,
  findMunicipality,
  listNodes,
  loadActiveIndex,
  loadBuckets,
  rebuildClosure,
  recomputeAnnualActuals,
  refreshTotals,
  rootNode,
  upsertAccounts,
  upsertAmounts,
  upsertMonths,
  upsertNodes,
} from "../src/index.ts";
import { openTestDatabase, testEngines } from "../src/testing.ts";

describe.each(testEngines())("repositories on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("creates a municipality with its root node and the example index", async () => {
    const m = await createMunicipality(h.db, {
      code: "999",
      name: "Testby",
      settings: defaultSettings(2025),
    });
    expect((await findMunicipality(h.db, "testby"))?.id).toBe(m.id);
    const root = await rootNode(h.db, m.id);
    expect(root).toMatchObject({ kind: "municipality", code: "999", parentId: null });
    const idx = await loadActiveIndex(h.db, m.id);
    expect(idx.isExample).toBe(true);
    expect(idx.points.get("total")?.get(2025)).toBe(1_000_000n);
  });

  it("upserts nodes, reports changes only once, and rolls amounts up the closure", async () => {
    const m = await createMunicipality(h.db, {
      code: "998",
      name: "Rulleby",
      settings: defaultSettings(2025),
    });
    const nodes = [
      {
        code: "U1",
        name: "Udvalg",
        kind: "committee" as const,
        parentCode: "998",
        validFrom: 2020,
        validTo: null,
        sortOrder: 1,
      },
      {
        code: "A1",
        name: "Område 1",
        kind: "area" as const,
        parentCode: "U1",
        validFrom: 2020,
        validTo: null,
        sortOrder: 1,
      },
      {
        code: "A2",
        name: "Område 2",
        kind: "area" as const,
        parentCode: "U1",
        validFrom: 2020,
        validTo: null,
        sortOrder: 2,
      },
      {
        code: "E1",
        name: "Enhed",
        kind: "unit" as const,
        parentCode: "A1",
        validFrom: 2020,
        validTo: null,
        sortOrder: 1,
      },
    ];
    const first = await h.db.transaction().execute(async (trx) => {
      const n = await upsertNodes(trx, m.id, nodes);
      await rebuildClosure(trx, m.id);
      return n;
    });
    expect(first).toBe(4);
    const second = await h.db.transaction().execute((trx) => upsertNodes(trx, m.id, nodes));
    expect(second).toBe(0);

    const byCode = new Map((await listNodes(h.db, m.id)).map((n) => [n.code, n.id]));
    const id = (c: string) => byCode.get(c) as number;
    await h.db.transaction().execute(async (trx) => {
      await upsertAccounts(trx, m.id, [
        {
          code: "6.45.51-000-1-1.0",
          funktion: "6.45.51",
          dranst: 1,
          art: "1.0",
          gruppering: null,
          costCentre: null,
          project: null,
          name: "Løn",
          category: "service",
          indexGroup: "wages",
        },
      ]);
      const acc = (await accountIdsByCode(trx, m.id)).get("6.45.51-000-1-1.0") as number;
      const changed = await upsertAmounts(trx, m.id, [
        {
          nodeId: id("E1"),
          accountId: acc,
          year: 2025,
          kind: "budget",
          priceYear: 2025,
          amount: 123_456_789_012n,
        },
        { nodeId: id("A1"), accountId: null, year: 2025, kind: "budget", priceYear: 2025, amount: 1n },
        { nodeId: id("A2"), accountId: null, year: 2025, kind: "budget", priceYear: 2025, amount: 100n },
      ]);
      expect(changed).toBe(3);
      const again = await upsertAmounts(trx, m.id, [
        { nodeId: id("A2"), accountId: null, year: 2025, kind: "budget", priceYear: 2025, amount: 100n },
      ]);
      expect(again).toBe(0);
      await upsertMonths(trx, m.id, [
        { nodeId: id("E1"), accountId: acc, year: 2024, month: 1, amount: 1000n },
        { nodeId: id("E1"), accountId: acc, year: 2024, month: 2, amount: -250n },
      ]);
      await recomputeAnnualActuals(trx, m.id, [2024]);
      await refreshTotals(trx, m.id);
    });
    const buckets = await loadBuckets(h.db, [id("U1"), id("A1")]);
    const sum = (nodeId: number, kind: string) =>
      buckets.filter((b) => b.nodeId === nodeId && b.kind === kind).reduce((a, b) => a + b.amount, 0n);
    expect(sum(id("U1"), "budget")).toBe(123_456_789_113n);
    expect(sum(id("A1"), "budget")).toBe(123_456_789_013n);
    expect(sum(id("U1"), "actual")).toBe(750n);
    expect(
      buckets.find((b) => b.nodeId === id("A1") && b.kind === "budget" && b.indexGroup === "wages")?.amount,
    ).toBe(123_456_789_012n);
  });
});
