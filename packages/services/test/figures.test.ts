/**
 * Editing one budget figure by hand (figures.ts): the edit names the version it was read at, a
 * stale version is refused with the figure as it is now, and an accepted edit writes the figure,
 * its audit record, its amount_history row and the subtree totals in one transaction. Many
 * concurrent editors that re-read on a conflict lose no update, on either engine.
 */
import type { Actor, AmountKind, Municipality } from "@bevilling/core";
import {
  accountIdsByCode,
  type DatabaseHandle,
  findMunicipality,
  findNodeByCode,
  historyOf,
  verifyAudit,
} from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequest,
  Conflict,
  type FigureEdit,
  type FigureView,
  figureHistory,
  getOverview,
  listFigures,
  loadDemo,
  mappingSchema,
  NotFound,
  runImport,
  setFigure,
} from "../src/index.ts";

const ANNA: Actor = { kind: "user", id: "17", name: "Anna Økonomi" };
/** Seed 001: Jobcenter's net budget 2024 is 50.190.100 kr. */
const JOB_BUDGET_2024 = 5_019_010_000n;

const ACCOUNTS = mappingSchema.parse({
  kind: "accounts",
  node: "Område",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art", name: "Navn" },
});

async function expectRejection<E extends Error>(
  work: Promise<unknown>,
  type: new (...a: never[]) => E,
): Promise<E> {
  const err = await work.then(
    () => expect.fail(`forventede ${type.name}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

describe.each(testEngines())("editing a budget figure on %s", (engine) => {
  let h: DatabaseHandle;
  let kalundborg: Municipality;
  let root: number;
  let oeu: number;
  let job: number;
  /** An account of Kalundborg booked on Jobcenter, and one of Sorø. */
  let jobAccount: number;
  let soroeAccount: number;

  const edit = (over: Partial<FigureEdit>): FigureEdit => ({
    accountId: null,
    year: 2024,
    kind: "budget",
    amount: "0",
    version: null,
    reason: "Test",
    ...over,
  });
  const figure = async (
    opts: { year?: number; kind?: AmountKind; accountId?: number | null } = {},
  ): Promise<FigureView | undefined> => {
    const { year = 2024, kind = "budget", accountId = null } = opts;
    return (await listFigures(h.db, job, year)).find((f) => f.accountId === accountId && f.kind === kind);
  };
  const jobBudget = async (): Promise<FigureView> => {
    const f = await figure();
    if (!f) throw new Error("Jobcenterets budget 2024 findes ikke");
    return f;
  };
  /** Everything booked on Jobcenter itself (it has no children) for the year and kind. */
  const jobTotal = async (year = 2024, kind: AmountKind = "budget") =>
    (await listFigures(h.db, job, year)).filter((f) => f.kind === kind).reduce((a, f) => a + f.amount, 0n);
  /** A node's 2024 column in current prices, read from node_total like every overview. */
  const view = (nodeId: number, year = 2024, kind: AmountKind = "budget") =>
    getOverview(h.db, { nodeId, unit: "kr", columns: [{ year, kind }], priceYear: "current" });
  const rowOf = async (nodeId: number, label: string, year = 2024, kind: AmountKind = "budget") =>
    (await view(nodeId, year, kind)).rows.find((r) => r.label === label)?.exact[0];
  const auditCount = async () => {
    const v = await verifyAudit(h.db);
    if (!v.ok) throw new Error(`kæden er brudt ved ${v.firstBrokenId}: ${v.reason}`);
    return v.count;
  };
  /** The municipality's whole 2024 budget straight from the amount table, without node_total. */
  const sumOfAmounts = async (year = 2024, kind: AmountKind = "budget") => {
    const r = await sql<{ total: string | bigint }>`
      select coalesce(sum(amount), 0)::text as total from amount
      where municipality_id = ${kalundborg.id} and year = ${year} and kind = ${kind}`.execute(h.db);
    return BigInt(r.rows[0]?.total ?? "0");
  };

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    const m = await findMunicipality(h.db, "326");
    const soroe = await findMunicipality(h.db, "340");
    if (!m || !soroe) throw new Error("demokommunerne mangler");
    kalundborg = m;
    const nodes = await Promise.all(["326", "OEU", "JOB"].map((code) => findNodeByCode(h.db, m.id, code)));
    [root, oeu, job] = nodes.map((n) => {
      if (!n) throw new Error("en demoenhed mangler");
      return n.id;
    }) as [number, number, number];
    const csv = (area: string, funktion: string) =>
      new TextEncoder().encode(`Område;Funktion;Dranst;Art;Navn\n${area};${funktion};1;1.0;Lønninger\n`);
    await runImport(h.db, m, { fileName: "konti.csv", bytes: csv("JOB", "5.68.90") }, ACCOUNTS, {
      actor: ANNA,
    });
    await runImport(h.db, soroe, { fileName: "konti.csv", bytes: csv("ADM", "6.45.51") }, ACCOUNTS, {
      actor: ANNA,
    });
    const own = [...(await accountIdsByCode(h.db, m.id)).values()];
    const other = [...(await accountIdsByCode(h.db, soroe.id)).values()];
    expect(own).toHaveLength(1);
    expect(other).toHaveLength(1);
    jobAccount = own[0] as number;
    soroeAccount = other[0] as number;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists Jobcenter's 2024 budget from the demo, 50.190.100 kr., with a version", async () => {
    const f = await jobBudget();
    expect(f).toMatchObject({
      accountId: null,
      accountCode: null,
      kind: "budget",
      year: 2024,
      amount: JOB_BUDGET_2024,
    });
    expect(f.version).toBeGreaterThanOrEqual(1);
    expect(await rowOf(oeu, "Jobcenter")).toBe(JOB_BUDGET_2024);
    // Only the node's own figures, only the year asked for.
    expect((await listFigures(h.db, job, 2023)).length).toBe(0);
    expect((await listFigures(h.db, oeu, 2024)).length).toBe(0);
    await expectRejection(listFigures(h.db, 987_654), NotFound);
  });

  it("changes the figure on the right version: version, audit record, amount history and totals", async () => {
    const before = await jobBudget();
    const rootBefore = (await view(root)).total.exact[0] as bigint;
    const oeuBefore = (await view(oeu)).total.exact[0] as bigint;
    const count = await auditCount();

    const after = await setFigure(
      h.db,
      job,
      edit({ amount: "5019030000", version: before.version, reason: "Tillægsbevilling til løntilskud" }),
      ANNA,
    );
    expect(after).toEqual({ ...before, amount: 5_019_030_000n, version: before.version + 1 });
    expect(await jobBudget()).toEqual(after);

    // One audit record, naming the editor, the old and the new value and the reason.
    expect(await auditCount()).toBe(count + 1);
    const records = await historyOf(h.db, "amount", `${job}:-:2024:budget`);
    expect(records).toHaveLength(1);
    const record = records[0];
    expect(record).toMatchObject({
      actor: ANNA,
      municipalityId: kalundborg.id,
      entityType: "amount",
      action: "update",
      before: { amount: "5019010000", priceYear: before.priceYear },
      after: {
        nodeId: job,
        accountId: null,
        year: 2024,
        kind: "budget",
        amount: "5019030000",
        priceYear: before.priceYear,
      },
      reason: "Tillægsbevilling til løntilskud",
    });
    expect((record?.after as { changesSha256?: string } | undefined)?.changesSha256).toMatch(
      /^[0-9a-f]{64}$/,
    );

    // The figure's history: the import that made it, then this edit, under the same record.
    const history = await figureHistory(h.db, { nodeId: job, accountId: null, year: 2024, kind: "budget" });
    expect(history.map((c) => [c.oldAmount, c.newAmount])).toEqual([
      [null, JOB_BUDGET_2024],
      [JOB_BUDGET_2024, 5_019_030_000n],
    ]);
    expect(history[1]).toMatchObject({
      auditId: record?.id,
      actor: ANNA,
      action: "update",
      entityType: "amount",
      reason: "Tillægsbevilling til løntilskud",
    });

    // node_total above the unit follows: the unit's row, its committee and the whole municipality.
    expect(await rowOf(oeu, "Jobcenter")).toBe(5_019_030_000n);
    expect((await view(oeu)).total.exact[0]).toBe(oeuBefore + 20_000n);
    expect((await view(root)).total.exact[0]).toBe(rootBefore + 20_000n);
    expect((await view(root)).total.exact[0]).toBe(await sumOfAmounts());
  });

  it("changes nothing and records nothing when the amount is the same", async () => {
    const now = await jobBudget();
    const count = await auditCount();
    const same = await setFigure(h.db, job, edit({ amount: String(now.amount), version: now.version }), ANNA);
    expect(same).toEqual(now);
    expect(await auditCount()).toBe(count);
  });

  it("refuses a stale version with the figure as it is now, and writes nothing", async () => {
    const now = await jobBudget();
    const count = await auditCount();
    const stale = await expectRejection(
      setFigure(h.db, job, edit({ amount: "1", version: now.version - 1 }), ANNA),
      Conflict,
    );
    expect(stale.current).toEqual(now);
    expect(stale.extra).toMatchObject({ changedBy: ANNA.name });
    expect((stale.extra as { changedAt?: unknown }).changedAt).toBeInstanceOf(Date);
    // A version from the future is just as wrong.
    await expectRejection(
      setFigure(h.db, job, edit({ amount: "1", version: now.version + 1 }), ANNA),
      Conflict,
    );
    // null means "a new figure": the figure exists, so that is a conflict too, not an overwrite.
    const asNew = await expectRejection(
      setFigure(h.db, job, edit({ amount: "1", version: null }), ANNA),
      Conflict,
    );
    expect(asNew.current).toEqual(now);
    expect(await jobBudget()).toEqual(now);
    expect(await auditCount()).toBe(count);
  });

  it("creates a new figure on version null, once", async () => {
    expect(await figure({ year: 2026, kind: "estimate" })).toBeUndefined();
    const made = await setFigure(
      h.db,
      job,
      edit({ year: 2026, kind: "estimate", amount: "4800000000", version: null, reason: "Overslag" }),
      ANNA,
    );
    expect(made).toMatchObject({
      accountId: null,
      year: 2026,
      kind: "estimate",
      amount: 4_800_000_000n,
      version: 1,
    });
    expect(await historyOf(h.db, "amount", `${job}:-:2026:estimate`)).toMatchObject([
      { action: "create", before: null, after: { amount: "4800000000" }, reason: "Overslag" },
    ]);
    expect(await rowOf(oeu, "Jobcenter", 2026, "estimate")).toBe(4_800_000_000n);
    // Someone else creating the same figure at the same time gets a conflict with this one.
    const second = await expectRejection(
      setFigure(h.db, job, edit({ year: 2026, kind: "estimate", amount: "1", version: null }), ANNA),
      Conflict,
    );
    expect(second.current).toEqual(made);
    // And a version for a figure that does not exist is a conflict without a current figure.
    const missing = await expectRejection(
      setFigure(h.db, job, edit({ year: 2027, kind: "estimate", amount: "1", version: 3 }), ANNA),
      Conflict,
    );
    expect(missing.current).toBeNull();
    expect(await figure({ year: 2027, kind: "estimate" })).toBeUndefined();
  });

  it("books on an account of the municipality, never on another municipality's", async () => {
    const made = await setFigure(
      h.db,
      job,
      edit({ accountId: jobAccount, amount: "250000", version: null, reason: "Lønninger" }),
      ANNA,
    );
    expect(made).toMatchObject({ accountId: jobAccount, amount: 250_000n, version: 1 });
    expect(made.accountCode).not.toBeNull();

    const count = await auditCount();
    const foreign = await expectRejection(
      setFigure(h.db, job, edit({ accountId: soroeAccount, amount: "100", version: null }), ANNA),
      BadRequest,
    );
    expect(foreign.details).toEqual([{ field: "body.accountId", reason: "ukendt konto i kommunen" }]);
    await expectRejection(
      setFigure(h.db, job, edit({ accountId: 9_999_999, amount: "100", version: null }), ANNA),
      BadRequest,
    );
    expect(await figure({ accountId: soroeAccount })).toBeUndefined();
    expect(await auditCount()).toBe(count);
  });

  it("accepts only the municipality's years, firstYear to lastYear", async () => {
    const { firstYear, lastYear } = kalundborg.settings;
    expect([firstYear, lastYear]).toEqual([2022, 2027]);
    const count = await auditCount();
    for (const year of [firstYear - 1, lastYear + 1]) {
      const err = await expectRejection(
        setFigure(h.db, job, edit({ year, kind: "estimate", amount: "100", version: null }), ANNA),
        BadRequest,
      );
      expect(err.details).toEqual([{ field: "body.year", reason: `skal ligge i ${firstYear}–${lastYear}` }]);
      expect(await figure({ year, kind: "estimate" })).toBeUndefined();
    }
    expect(await auditCount()).toBe(count);
    // The edges themselves are inside.
    for (const year of [firstYear, lastYear]) {
      const existing = await figure({ year, kind: "estimate" });
      const f = await setFigure(
        h.db,
        job,
        edit({ year, kind: "estimate", amount: "700", version: existing?.version ?? null }),
        ANNA,
      );
      expect(f.year).toBe(year);
    }
    await expectRejection(setFigure(h.db, 987_654, edit({ amount: "1" }), ANNA), NotFound);
  });

  it("lets exactly one of many editors of the same version through", async () => {
    const start = await jobBudget();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        setFigure(
          h.db,
          job,
          edit({
            amount: String(start.amount + BigInt(i + 1)),
            version: start.version,
            reason: `Samme version ${i}`,
          }),
          ANNA,
        ),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) expect(r.reason).toBeInstanceOf(Conflict);
    const end = await jobBudget();
    expect(end.version).toBe(start.version + 1);
    expect(end).toEqual((won[0] as PromiseFulfilledResult<FigureView>).value);
    expect(await rowOf(oeu, "Jobcenter")).toBe(await jobTotal());
  });

  it("loses no update when twelve editors add 1 kr. at once and retry on conflicts", async () => {
    const start = await jobBudget();
    const count = await auditCount();
    const historyBefore = await figureHistory(h.db, {
      nodeId: job,
      accountId: null,
      year: 2024,
      kind: "budget",
    });

    const addOneKrone = async (editor: number): Promise<void> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const f = await jobBudget();
        try {
          await setFigure(
            h.db,
            job,
            edit({ amount: String(f.amount + 100n), version: f.version, reason: `Redaktør ${editor}` }),
            ANNA,
          );
          return;
        } catch (e) {
          if (!(e instanceof Conflict)) throw e;
        }
      }
      throw new Error(`redaktør ${editor} gav op`);
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => addOneKrone(i)));

    const end = await jobBudget();
    expect(end.amount).toBe(start.amount + 12n * 100n);
    expect(end.version).toBe(start.version + 12);
    expect(await auditCount()).toBe(count + 12);

    // Twelve history rows, each starting where the one before ended: no edit was based on a value
    // another edit had already replaced.
    const history = await figureHistory(h.db, { nodeId: job, accountId: null, year: 2024, kind: "budget" });
    const added = history.slice(historyBefore.length);
    expect(added).toHaveLength(12);
    let previous = start.amount;
    for (const c of added) {
      expect(c.oldAmount).toBe(previous);
      expect(c.newAmount).toBe(previous + 100n);
      previous = c.newAmount as bigint;
    }
    expect(new Set(added.map((c) => c.reason)).size).toBe(12);

    // The totals were rebuilt by every edit in turn and agree with the figures.
    expect(await rowOf(oeu, "Jobcenter")).toBe(await jobTotal());
    expect((await view(root)).total.exact[0]).toBe(await sumOfAmounts());
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });
});
