/**
 * The audit chain on both engines: appending (also from many transactions at once), verifying,
 * the database refusing to change or delete records, and tampering the way someone with direct
 * database access would (switching the trigger off first) being found at the right record.
 */
import { type Actor, defaultSettings, GENESIS_HASH } from "@bevilling/core";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  amountChangesSha256,
  amountHistory,
  appendAudit,
  appendAudits,
  applyAmounts,
  applyAnnualActuals,
  auditHash,
  createMunicipality,
  type Database,
  type DatabaseHandle,
  historyOf,
  insertAmountHistory,
  listAudit,
  listNodes,
  upsertMonths,
  upsertNodes,
  verifyAudit,
} from "../src/index.ts";
import { openTestDatabase, testEngines } from "../src/testing.ts";

const ALICE: Actor = { kind: "user", id: "u-1", name: "Alice" };
const CLI: Actor = { kind: "cli", name: "jens" };

/** What an attacker with database access does: switch the append-only triggers off, change, switch on. */
async function tamper(db: Kysely<Database>, statement: string) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger user`.execute(trx);
    await sql`alter table amount_history disable trigger user`.execute(trx);
    await sql.raw(statement).execute(trx);
    await sql`alter table audit_log enable trigger user`.execute(trx);
    await sql`alter table amount_history enable trigger user`.execute(trx);
  });
}

async function append(db: Kysely<Database>, n: number, actor: Actor = CLI) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await db.transaction().execute((trx) =>
      appendAudit(trx, {
        actor,
        municipalityId: null,
        entityType: "test",
        entityId: `e${i}`,
        action: "update",
        before: { n: i },
        after: { n: i + 1 },
      }),
    );
    out.push(r.id);
  }
  return out;
}

/** A municipality with two nodes and an import record that changed amounts, with its history. */
async function importWithHistory(db: Kysely<Database>, code: string) {
  const m = await createMunicipality(db, { code, name: `By ${code}`, settings: defaultSettings(2025) });
  return db.transaction().execute(async (trx) => {
    await upsertNodes(trx, m.id, [
      {
        code: `${code}A`,
        name: "A",
        kind: "committee",
        parentCode: code,
        validFrom: 2000,
        validTo: null,
        sortOrder: 1,
      },
      {
        code: `${code}B`,
        name: "B",
        kind: "committee",
        parentCode: code,
        validFrom: 2000,
        validTo: null,
        sortOrder: 2,
      },
    ]);
    const [a, b] = (await listNodes(trx, m.id)).filter((n) => n.parentId !== null).map((n) => n.id) as [
      number,
      number,
    ];
    const changes = await applyAmounts(trx, m.id, [
      { nodeId: a, accountId: null, year: 2025, kind: "budget", priceYear: 2025, amount: 100n },
      { nodeId: b, accountId: null, year: 2025, kind: "budget", priceYear: 2025, amount: 200n },
    ]);
    const rec = await appendAudit(trx, {
      actor: CLI,
      municipalityId: m.id,
      entityType: "import",
      entityId: 1,
      action: "import",
      after: { fileName: "b.csv", changesSha256: amountChangesSha256(changes) },
    });
    await insertAmountHistory(trx, rec.id, changes);
    return { m, a, b, auditId: rec.id };
  });
}

describe.each(testEngines())("the audit chain on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts at 64 zeros, links every record to the one before, and verifies", async () => {
    expect(await verifyAudit(h.db)).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
    const ids = await append(h.db, 3, ALICE);
    const rows = await h.db.selectFrom("audit_log").selectAll().orderBy("id").execute();
    expect(rows.map((r) => Number(r.id))).toEqual(ids);
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(rows[2]?.prev_hash).toBe(rows[1]?.hash);
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]).toMatchObject({
      actor_kind: "user",
      actor_id: "u-1",
      actor_name: "Alice",
      action: "update",
    });
    const v = await verifyAudit(h.db);
    expect(v).toEqual({ ok: true, count: 3, head: rows[2]?.hash });
  });

  it("stores values as plain JSON and re-hashes them exactly after the round trip through jsonb", async () => {
    const awkward = {
      big: 123456789012345678901234567890n,
      nested: {
        z: [1, 0.1, 1e21, -0, 2 ** 53 + 2],
        a: 'Økonomi \u00e6\u00f8\u00e5 \u{1F600} "citat" \\',
        "10": 1,
        "9": 2,
      },
      missing: undefined,
      empty: {},
      list: [],
      nothing: null,
    };
    const r = await h.db.transaction().execute((trx) =>
      appendAudit(trx, {
        actor: CLI,
        municipalityId: 1,
        entityType: "test",
        entityId: 42,
        action: "create",
        after: awkward,
        reason: "Fordi ✓",
      }),
    );
    const [entry] = await historyOf(h.db, "test", "42");
    expect(entry?.id).toBe(r.id);
    expect(entry?.after).toMatchObject({ big: "123456789012345678901234567890", nothing: null });
    expect(entry?.after).not.toHaveProperty("missing");
    expect(entry?.reason).toBe("Fordi ✓");
    expect(entry?.actor).toEqual({ kind: "cli", name: "jens" });
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });

  it("appends a batch in order with one instant, and the hash covers the exact microsecond", async () => {
    const recs = await h.db.transaction().execute((trx) =>
      appendAudits(
        trx,
        ["x", "y", "z"].map((id) => ({
          actor: CLI,
          municipalityId: null,
          entityType: "batch",
          entityId: id,
          action: "a",
        })),
      ),
    );
    expect(recs.map((r) => r.id)).toEqual([...recs.map((r) => r.id)].sort((a, b) => a - b));
    expect(new Set(recs.map((r) => r.at)).size).toBe(1);
    expect(recs[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const entries = await listAudit(h.db, { entityType: "batch" });
    expect(entries.map((e) => e.entityId)).toEqual(["z", "y", "x"]);
    const first = entries[2];
    expect(
      first &&
        auditHash(first.prevHash, {
          at: recs[0]?.at as string,
          actor: { kind: "cli", id: null, name: "jens" },
          municipalityId: null,
          entityType: "batch",
          entityId: "x",
          action: "a",
          before: null,
          after: null,
          reason: null,
        }),
    ).toBe(first?.hash);
    expect(await h.db.transaction().execute((trx) => appendAudits(trx, []))).toEqual([]);
  });

  it("refuses UPDATE, DELETE and TRUNCATE of audit_log and amount_history through the normal path", async () => {
    await importWithHistory(h.db, "901");
    for (const statement of [
      "update audit_log set reason = 'ændret' where id = (select min(id) from audit_log)",
      "delete from audit_log where id = (select max(id) from audit_log)",
      "truncate audit_log cascade",
      "update amount_history set new_amount = 1",
      "delete from amount_history",
      "truncate amount_history",
    ]) {
      await expect(sql.raw(statement).execute(h.db), statement).rejects.toThrow(
        /Revisionssporet kan kun udvides/,
      );
    }
    // Not even inside a transaction that then commits something else.
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`update audit_log set actor_name = 'mallory'`.execute(trx);
      }),
    ).rejects.toThrow(/ikke tilladt/);
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });

  it("keeps old and new values of changed figures, annual actuals from months included", async () => {
    const { m, a, auditId } = await importWithHistory(h.db, "902");
    const history = await amountHistory(h.db, { nodeId: a, accountId: null, year: 2025, kind: "budget" });
    expect(history).toMatchObject([
      {
        auditId,
        oldAmount: null,
        newAmount: 100n,
        oldPriceYear: null,
        newPriceYear: 2025,
        fileName: "b.csv",
      },
    ]);
    await h.db.transaction().execute(async (trx) => {
      const changes = await applyAmounts(trx, m.id, [
        { nodeId: a, accountId: null, year: 2025, kind: "budget", priceYear: 2026, amount: 150n },
        { nodeId: a, accountId: null, year: 2026, kind: "budget", priceYear: 2026, amount: 7n },
      ]);
      expect(changes).toHaveLength(2);
      expect(changes.find((c) => c.year === 2025)).toEqual({
        nodeId: a,
        accountId: null,
        year: 2025,
        kind: "budget",
        oldAmount: 100n,
        newAmount: 150n,
        oldPriceYear: 2025,
        newPriceYear: 2026,
      });
      // Setting what is there already is no change.
      expect(
        await applyAmounts(trx, m.id, [
          { nodeId: a, accountId: null, year: 2025, kind: "budget", priceYear: 2026, amount: 150n },
        ]),
      ).toEqual([]);
      await upsertMonths(trx, m.id, [
        { nodeId: a, accountId: null, year: 2024, month: 1, amount: 10n },
        { nodeId: a, accountId: null, year: 2024, month: 2, amount: 5n },
      ]);
      expect(await applyAnnualActuals(trx, m.id, [2024])).toEqual([
        {
          nodeId: a,
          accountId: null,
          year: 2024,
          kind: "actual",
          oldAmount: null,
          newAmount: 15n,
          oldPriceYear: null,
          newPriceYear: 2024,
        },
      ]);
      await upsertMonths(trx, m.id, [{ nodeId: a, accountId: null, year: 2024, month: 2, amount: 6n }]);
      expect(await applyAnnualActuals(trx, m.id, [2024])).toMatchObject([{ oldAmount: 15n, newAmount: 16n }]);
      expect(await applyAnnualActuals(trx, m.id, [2024])).toEqual([]);
    });
  });

  it("serialises concurrent writers: many transactions at once give one unbroken chain", async () => {
    const before = await verifyAudit(h.db);
    const n = 24;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        h.db.transaction().execute(async (trx) => {
          // Some work before the append, so transactions overlap on PostgreSQL.
          await sql`select pg_sleep(${(i % 4) * 0.005})`.execute(trx);
          await appendAudits(trx, [
            { actor: CLI, municipalityId: null, entityType: "parallel", entityId: `${i}a`, action: "a" },
            { actor: CLI, municipalityId: null, entityType: "parallel", entityId: `${i}b`, action: "b" },
          ]);
          await sql`select pg_sleep(0.002)`.execute(trx);
        }),
      ),
    );
    const after = await verifyAudit(h.db);
    expect(after.ok).toBe(true);
    expect(before.ok && after.ok && after.count - before.count).toBe(2 * n);
    const rows = await h.db.selectFrom("audit_log").select(["prev_hash", "hash", "entity_id"]).execute();
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
    // Each transaction's two records are neighbours in the chain.
    const parallel = await listAudit(h.db, { entityType: "parallel", limit: 1000 });
    const byId = [...parallel].sort((x, y) => x.id - y.id);
    for (let i = 0; i < byId.length; i += 2) {
      expect(byId[i]?.entityId.replace("a", "")).toBe(byId[i + 1]?.entityId.replace("b", ""));
    }
  });
});

describe.each(testEngines())("tampering on %s", (engine) => {
  /** Each case gets its own database: a broken chain stays broken. */
  async function fresh() {
    const h = await openTestDatabase(engine);
    const ids = await append(h.db, 4);
    const imp = await importWithHistory(h.db, "903");
    await append(h.db, 2);
    expect((await verifyAudit(h.db)).ok).toBe(true);
    return { h, ids, imp };
  }

  it("finds an edited record at that record", async () => {
    const { h, ids } = await fresh();
    try {
      await tamper(h.db, `update audit_log set actor_name = 'mallory' where id = ${ids[2]}`);
      expect(await verifyAudit(h.db)).toMatchObject({ ok: false, firstBrokenId: ids[2], count: 2 });
      expect(await verifyAudit(h.db)).toMatchObject({ reason: expect.stringMatching(/ændret/) });
    } finally {
      await h.close();
    }
  });

  it("finds an edit that also recomputed the record's own hash at the next record", async () => {
    const { h, ids } = await fresh();
    try {
      const row = await h.db
        .selectFrom("audit_log")
        .selectAll()
        .where("id", "=", BigInt(ids[1] as number))
        .executeTakeFirstOrThrow();
      const forged = auditHash(row.prev_hash, {
        at: (
          await sql<{
            t: string;
          }>`select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t from audit_log where id = ${ids[1]}`.execute(
            h.db,
          )
        ).rows[0]?.t as string,
        actor: { kind: row.actor_kind, id: row.actor_id, name: "mallory" },
        municipalityId: row.municipality_id,
        entityType: row.entity_type,
        entityId: row.entity_id,
        action: row.action,
        before: row.before,
        after: row.after,
        reason: row.reason,
      });
      await tamper(
        h.db,
        `update audit_log set actor_name = 'mallory', hash = '${forged}' where id = ${ids[1]}`,
      );
      expect(await verifyAudit(h.db)).toMatchObject({ ok: false, firstBrokenId: ids[2] });
    } finally {
      await h.close();
    }
  });

  it("finds a deleted record at the next record, and a deleted first record too", async () => {
    const { h, ids } = await fresh();
    try {
      await tamper(h.db, `delete from audit_log where id = ${ids[1]}`);
      const v = await verifyAudit(h.db);
      expect(v).toMatchObject({ ok: false, firstBrokenId: ids[2] });
      expect(v.ok ? "" : v.reason).toMatch(/slettet/);
      await tamper(h.db, `delete from audit_log where id = ${ids[0]}`);
      expect(await verifyAudit(h.db)).toMatchObject({ ok: false, firstBrokenId: ids[2] });
    } finally {
      await h.close();
    }
  });

  it("finds edited, removed and added amount history at the import's record", async () => {
    const { h, imp } = await fresh();
    try {
      await tamper(h.db, `update amount_history set new_amount = 999 where node_id = ${imp.a}`);
      expect(await verifyAudit(h.db)).toMatchObject({
        ok: false,
        firstBrokenId: imp.auditId,
        reason: expect.stringMatching(/beløbshistorikken/),
      });
      await tamper(h.db, `update amount_history set new_amount = 100 where node_id = ${imp.a}`);
      expect((await verifyAudit(h.db)).ok).toBe(true);
      await tamper(h.db, `delete from amount_history where node_id = ${imp.b}`);
      expect(await verifyAudit(h.db)).toMatchObject({ ok: false, firstBrokenId: imp.auditId });
      await tamper(
        h.db,
        `insert into amount_history (audit_id, node_id, account_id, year, kind, old_amount, new_amount, old_price_year, new_price_year)
         values (${imp.auditId}, ${imp.b}, null, 2025, 'budget', null, 200, null, 2025)`,
      );
      expect((await verifyAudit(h.db)).ok).toBe(true);
      // History slipped in under a record that carries none.
      const other = (await listAudit(h.db, { entityType: "test", limit: 1 }))[0]?.id as number;
      await h.db
        .insertInto("amount_history")
        .values({
          audit_id: other,
          node_id: imp.a,
          account_id: null,
          year: 2020,
          kind: "budget",
          old_amount: null,
          new_amount: 1n,
          old_price_year: null,
          new_price_year: 2020,
        })
        .execute();
      expect(await verifyAudit(h.db)).toMatchObject({ ok: false, firstBrokenId: other });
    } finally {
      await h.close();
    }
  });
});
