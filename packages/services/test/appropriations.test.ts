/**
 * The corrected budget (appropriations.ts): supplementary appropriations and carry-overs turn
 * the original budget into the corrected one, carry-overs respect the area setting and the
 * previous year's underspend, and every change is in the audit trail and node_total.
 */
import type { Actor, Municipality } from "@bevilling/core";
import {
  applyAmounts,
  type DatabaseHandle,
  findMunicipality,
  findNodeByCode,
  historyOf,
  refreshTotals,
  verifyAudit,
} from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AppropriationInput,
  addAppropriation,
  BadRequest,
  correctedBudget,
  getOverview,
  listAppropriations,
  loadDemo,
  setCarryOverAllowed,
} from "../src/index.ts";

const ANNA: Actor = { kind: "user", id: "17", name: "Anna Økonomi" };
/** Seed 001: Jobcenter's net budget 2024 is 50.190.100 kr.; used here as the original budget. */
const JOB_ORIGINAL_2024 = 5_019_010_000n;
/** 2023: corrected budget 40.000.000 kr., actual 38.500.000 kr.: an underspend of 1.500.000 kr. */
const JOB_CORRECTED_2023 = 4_000_000_000n;
const JOB_ACTUAL_2023 = 3_850_000_000n;
const UNDERSPEND_2023 = JOB_CORRECTED_2023 - JOB_ACTUAL_2023;

async function rejection(work: Promise<unknown>): Promise<BadRequest> {
  const err = await work.then(
    () => expect.fail("forventede BadRequest"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequest);
  return err as BadRequest;
}

describe.each(testEngines())("the corrected budget on %s", (engine) => {
  let h: DatabaseHandle;
  let kalundborg: Municipality;
  let oeu: number;
  let job: number;

  const input = (over: Partial<AppropriationInput>): AppropriationInput => ({
    nodeId: job,
    accountId: null,
    year: 2024,
    kind: "supplementary",
    amount: "0",
    decidedOn: "2024-03-21",
    reason: "Test",
    ...over,
  });
  const jobCorrected = async (year = 2024) =>
    (await correctedBudget(h.db, job, year)).find((f) => f.accountId === null);
  /** Jobcenter's row under Økonomiudvalget, read from node_total like every overview. */
  const oeuRow = async (year = 2024) =>
    (
      await getOverview(h.db, {
        nodeId: oeu,
        unit: "kr",
        columns: [{ year, kind: "corrected" }],
        priceYear: "current",
      })
    ).rows.find((r) => r.label === "Jobcenter")?.exact[0];
  const verified = async () => {
    const v = await verifyAudit(h.db);
    if (!v.ok) throw new Error(`kæden er brudt ved ${v.firstBrokenId}: ${v.reason}`);
    return v.count;
  };

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    const m = await findMunicipality(h.db, "326");
    if (!m) throw new Error("Kalundborg mangler");
    kalundborg = m;
    const [o, j] = await Promise.all(["OEU", "JOB"].map((code) => findNodeByCode(h.db, m.id, code)));
    if (!o || !j) throw new Error("en demoenhed mangler");
    oeu = o.id;
    job = j.id;
    await h.db.transaction().execute(async (trx) => {
      const key = { nodeId: job, accountId: null };
      await trx
        .deleteFrom("amount")
        .where("node_id", "=", job)
        .where("kind", "in", ["original", "corrected", "actual"])
        .where("year", "in", [2023, 2024])
        .execute();
      await applyAmounts(trx, m.id, [
        { ...key, year: 2024, kind: "original", priceYear: 2024, amount: JOB_ORIGINAL_2024 },
        { ...key, year: 2023, kind: "corrected", priceYear: 2023, amount: JOB_CORRECTED_2023 },
        { ...key, year: 2023, kind: "actual", priceYear: 2023, amount: JOB_ACTUAL_2023 },
      ]);
      await refreshTotals(trx, m.id);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a supplementary appropriation makes corrected = original + amount, audited with its history", async () => {
    const count = await verified();
    const r = await addAppropriation(
      h.db,
      kalundborg,
      input({ amount: "20000000", reason: "Tillægsbevilling til løntilskud" }),
      ANNA,
    );
    expect(r.corrected).toBe(JOB_ORIGINAL_2024 + 20_000_000n);
    expect(r.appropriation).toMatchObject({
      nodeId: job,
      accountId: null,
      year: 2024,
      kind: "supplementary",
      amount: 20_000_000n,
      decidedOn: "2024-03-21",
      reason: "Tillægsbevilling til løntilskud",
    });
    expect(await jobCorrected()).toMatchObject({
      original: JOB_ORIGINAL_2024,
      supplementary: 20_000_000n,
      carryOver: 0n,
      corrected: JOB_ORIGINAL_2024 + 20_000_000n,
      stored: JOB_ORIGINAL_2024 + 20_000_000n,
    });
    expect(await verified()).toBe(count + 1);
    const [record] = await historyOf(h.db, "appropriation", r.appropriation.id);
    expect(record).toMatchObject({
      actor: ANNA,
      municipalityId: kalundborg.id,
      action: "create",
      before: null,
      reason: "Tillægsbevilling til løntilskud",
      after: {
        kind: "supplementary",
        amount: "20000000",
        corrected: String(JOB_ORIGINAL_2024 + 20_000_000n),
      },
    });
    expect((record?.after as { changesSha256?: string } | undefined)?.changesSha256).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(await oeuRow()).toBe(JOB_ORIGINAL_2024 + 20_000_000n);
  });

  it("two appropriations sum, a reduction included", async () => {
    await addAppropriation(h.db, kalundborg, input({ amount: "-5000000", decidedOn: "2024-06-13" }), ANNA);
    const expected = JOB_ORIGINAL_2024 + 20_000_000n - 5_000_000n;
    expect((await jobCorrected())?.corrected).toBe(expected);
    expect((await jobCorrected())?.stored).toBe(expected);
    expect(await oeuRow()).toBe(expected);
    const listed = await listAppropriations(h.db, kalundborg, { nodeId: job, year: 2024 });
    expect(listed.map((a) => [a.decidedOn, a.amount])).toEqual([
      ["2024-03-21", 20_000_000n],
      ["2024-06-13", -5_000_000n],
    ]);
  });

  it("refuses invalid input in Danish, naming the field", async () => {
    const err = await rejection(
      addAppropriation(
        h.db,
        kalundborg,
        input({ amount: "100", decidedOn: "2024-02-30", reason: " " }),
        ANNA,
      ),
    );
    expect(err.details).toEqual(
      expect.arrayContaining([
        { field: "body.decidedOn", reason: "datoen findes ikke i kalenderen" },
        { field: "body.reason", reason: "skriv en begrundelse" },
      ]),
    );
    await rejection(addAppropriation(h.db, kalundborg, input({ amount: "100", year: 1995 }), ANNA));
    await rejection(addAppropriation(h.db, kalundborg, input({ amount: "100", nodeId: 987_654 }), ANNA));
  });

  it("refuses a carry-over while the area setting is off", async () => {
    const err = await rejection(
      addAppropriation(h.db, kalundborg, input({ kind: "carry_over", amount: "100000000" }), ANNA),
    );
    expect(err.message).toBe(
      "Bevillingsområdet JOB Jobcenter må ikke overføre uforbrugte midler mellem årene",
    );
    expect(await listAppropriations(h.db, kalundborg, { kind: "carry_over" })).toEqual([]);
  });

  it("allows a carry-over within the underspend once the area may carry over, and refuses above it", async () => {
    const count = await verified();
    const setting = await setCarryOverAllowed(
      h.db,
      job,
      { allowed: true, reason: "Byrådet 2024-01-31" },
      ANNA,
    );
    expect(setting).toMatchObject({ nodeId: job, carryOverAllowed: true });
    expect(await verified()).toBe(count + 1);
    expect((await historyOf(h.db, "org_node", job)).at(-1)).toMatchObject({
      entityType: "org_node",
      before: { carryOverAllowed: false },
      after: { carryOverAllowed: true },
      reason: "Byrådet 2024-01-31",
    });

    const before = (await jobCorrected())?.corrected as bigint;
    const r = await addAppropriation(
      h.db,
      kalundborg,
      input({ kind: "carry_over", amount: "100000000", reason: "Overførsel af mindreforbrug fra 2023" }),
      ANNA,
    );
    expect(r.corrected).toBe(before + 100_000_000n);
    expect(await jobCorrected()).toMatchObject({ carryOver: 100_000_000n, corrected: before + 100_000_000n });
    expect(await oeuRow()).toBe(before + 100_000_000n);

    // 1.500.000 kr. underspend, 1.000.000 kr. carried already: 600.000 kr. more is too much.
    const err = await rejection(
      addAppropriation(h.db, kalundborg, input({ kind: "carry_over", amount: "60000000" }), ANNA),
    );
    expect(err.message).toBe(
      "Overførslen på 600.000 kr. er større end mindreforbruget i 2023 på 1.500.000 kr. " +
        "(budget 40.000.000 kr. − regnskab 38.500.000 kr.), og der er allerede overført 1.000.000 kr.",
    );
    // The rest of the underspend is fine.
    const rest = await addAppropriation(
      h.db,
      kalundborg,
      input({ kind: "carry_over", amount: String(UNDERSPEND_2023 - 100_000_000n) }),
      ANNA,
    );
    expect(rest.corrected).toBe(before + UNDERSPEND_2023);
    expect(await oeuRow()).toBe(before + UNDERSPEND_2023);
    await verified();
  });

  it("refuses a carry-over without an actual for the previous year", async () => {
    const err = await rejection(
      addAppropriation(h.db, kalundborg, input({ kind: "carry_over", year: 2025, amount: "100" }), ANNA),
    );
    expect(err.message).toMatch(/2024/);
  });
});
