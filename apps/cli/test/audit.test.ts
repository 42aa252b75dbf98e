/**
 * `bevilling audit verify` and `bevilling audit log` in-process, on both engines. The tamper
 * cases change the database behind the command line's back, as someone with direct database
 * access would (switching the append-only triggers off first), and expect verify to name the
 * record and exit 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, type Engine, openDatabase } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-audit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const c = capture();
  const code = await main(argv, c.io, env);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

/** A database of its own with the demo data loaded through the command line. */
async function freshEnv(engine: Engine, name: string) {
  let pg: DatabaseHandle | undefined;
  let env: NodeJS.ProcessEnv;
  if (engine === "postgres") {
    pg = await openTestDatabase("postgres");
    // The command line opens its own connection; the handle only keeps the database alive.
    await pg.db.destroy().catch(() => undefined);
    env = { DATABASE_URL: pg.location };
  } else env = { BEVILLING_DATA_DIR: join(work, `${name}-${Date.now()}`) };
  expect((await run(["demo"], env)).code).toBe(0);
  return {
    env,
    /** Runs statements directly against the database, the append-only triggers switched off. */
    async tamper(...statements: string[]) {
      const h = await openDatabase(
        env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.BEVILLING_DATA_DIR },
      );
      try {
        await h.db.transaction().execute(async (trx) => {
          await sql`alter table audit_log disable trigger user`.execute(trx);
          await sql`alter table amount_history disable trigger user`.execute(trx);
          for (const s of statements) await sql.raw(s).execute(trx);
          await sql`alter table audit_log enable trigger user`.execute(trx);
          await sql`alter table amount_history enable trigger user`.execute(trx);
        });
      } finally {
        await h.close();
      }
    },
    async close() {
      await pg?.close().catch(() => undefined);
    },
  };
}

describe.each(testEngines())("bevilling audit on %s", (engine) => {
  it("verifies the chain after the demo data, a settings change and an import, and prints the log", async () => {
    const db = await freshEnv(engine, "ok");
    try {
      const v = await run(["audit", "verify"], db.env);
      expect(v.code).toBe(0);
      const n = Number(/Revisionssporet er intakt: (\d+) poster/.exec(v.out)?.[1]);
      expect(n).toBeGreaterThan(10);

      expect(
        (
          await run(
            ["municipality", "set", "-m", "340", "--budget-year", "2026", "--reason", "Nyt år"],
            db.env,
          )
        ).code,
      ).toBe(0);
      const mapping = join(work, `mapping-${engine}.json`);
      writeFileSync(
        mapping,
        JSON.stringify({
          kind: "amounts",
          node: "Område",
          unit: "kr",
          amounts: [{ column: "Budget 2025", year: 2025, kind: "budget" }],
        }),
      );
      const file = join(work, `budget-${engine}.csv`);
      writeFileSync(file, "Område;Budget 2025\nBOL;600.000\n");
      expect((await run(["import", file, "-m", "340", "--mapping-file", mapping], db.env)).code).toBe(0);

      const again = await run(["audit", "verify"], db.env);
      expect(again.code).toBe(0);
      expect(again.out).toContain(`Revisionssporet er intakt: ${n + 2} poster`);

      const log = await run(["audit", "log", "-m", "340", "--limit", "2"], db.env);
      expect(log.code).toBe(0);
      const lines = log.out.split("\n");
      expect(lines[0]).toMatch(/^Post\s+Tidspunkt\s+Hvem\s+Kommune\s+Hvad\s+Ændring/);
      expect(lines).toHaveLength(4);
      expect(lines[2]).toMatch(
        /\(kommandolinje\)\s+340\s+import \d+\s+budget-\w+\.csv \(beløb, 1 række\): 1 beløb ændret/,
      );
      expect(lines[3]).toMatch(/kommune \d+\s+indstillinger: budgetYear 2025 → 2026\. Begrundelse: Nyt år/);

      const nodes = await run(["audit", "log", "--entity", "org_node", "--id", "2"], db.env);
      expect(nodes.code).toBe(0);
      expect(nodes.out).toMatch(/demo \(system\)\s+340\s+enhed 2\s+oprettet: /);
      expect((await run(["audit", "log", "-m", "330", "--entity", "price_index"], db.env)).out).toBe(
        "Ingen poster i revisionssporet.",
      );
      expect((await run(["audit", "log", "--id", "2"], db.env)).code).toBe(2);
      expect((await run(["audit", "frobnicate"], db.env)).code).toBe(2);
      expect((await run(["audit", "log", "-m", "999"], db.env)).code).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("names an edited record and exits 1", async () => {
    const db = await freshEnv(engine, "edit");
    try {
      await db.tamper("update audit_log set after = jsonb_set(after, '{rows}', '7') where id = 5");
      const v = await run(["audit", "verify"], db.env);
      expect(v.code).toBe(1);
      expect(v.err).toBe(
        "Revisionssporet er brudt ved post 5: indholdet passer ikke med postens hash: posten er ændret",
      );
    } finally {
      await db.close();
    }
  });

  it("finds a deleted record at the next one", async () => {
    const db = await freshEnv(engine, "delete");
    try {
      // Record 3 is a node created by the first import; it has no amount history.
      await db.tamper("delete from audit_log where id = 3");
      const v = await run(["audit", "verify"], db.env);
      expect(v.code).toBe(1);
      expect(v.err).toMatch(
        /^Revisionssporet er brudt ved post 4: posten peger ikke på den foregående post 2: .*slettet/,
      );
    } finally {
      await db.close();
    }
  });

  it("finds an edited budget figure in the amount history at its import's record", async () => {
    const db = await freshEnv(engine, "history");
    try {
      await db.tamper(
        "update amount_history set new_amount = new_amount + 100 where audit_id = (select min(audit_id) from amount_history) and year = 2025",
      );
      const v = await run(["audit", "verify"], db.env);
      expect(v.code).toBe(1);
      expect(v.err).toMatch(/^Revisionssporet er brudt ved post 2: beløbshistorikken/);
    } finally {
      await db.close();
    }
  });
});
