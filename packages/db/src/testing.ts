/**
 * Test databases on both engines. Every repository and service test runs once per engine:
 * PGlite always, PostgreSQL when TEST_DATABASE_URL is set (scripts/test.mjs sets it when a
 * server answers, and a set but unreachable URL fails the run instead of skipping).
 *
 * Starting and migrating PGlite costs seconds, so the global setup dumps one migrated PGlite
 * and one migrated PostgreSQL template database; each test file starts from a copy.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { type DatabaseHandle, type Engine, openDatabase } from "./connect.ts";

export function testEngines(): Engine[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export const TEMPLATE_ENV = "BEVILLING_TEST_PGLITE_TEMPLATE";
export const PG_TEMPLATE_ENV = "BEVILLING_TEST_PG_TEMPLATE";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function openTestDatabase(engine: Engine): Promise<DatabaseHandle> {
  if (engine === "pglite") {
    const template = process.env[TEMPLATE_ENV];
    if (template) {
      const blob = new Blob([readFileSync(template)]);
      return openDatabase({ loadDataDir: blob });
    }
    return openDatabase({});
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL er ikke sat");
  const name = `bev_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const template = process.env[PG_TEMPLATE_ENV];
    await admin.query(`create database ${name}${template ? ` template ${template}` : ""}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ url: withDatabase(adminUrl, name), poolSize: 4 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** Creates the migrated templates; returns a teardown. Used by the vitest global setup. */
export async function createTemplates(dir: string): Promise<() => Promise<void>> {
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { dumpPglite } = await import("./connect.ts");
  const h = await openDatabase({});
  const file = join(dir, "pglite-template.tar");
  writeFileSync(file, Buffer.from(await (await dumpPglite(h)).arrayBuffer()));
  await h.close();
  process.env[TEMPLATE_ENV] = file;

  const adminUrl = process.env.TEST_DATABASE_URL;
  let dropTemplate = async () => {};
  if (adminUrl) {
    const name = `bev_tpl_${process.pid}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch (e) {
      throw new Error(`TEST_DATABASE_URL er sat, men PostgreSQL svarer ikke: ${(e as Error).message}`);
    }
    await admin.query(`create database ${name}`);
    await admin.end();
    const t = await openDatabase({ url: withDatabase(adminUrl, name), poolSize: 1 });
    await t.close();
    process.env[PG_TEMPLATE_ENV] = name;
    dropTemplate = async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  return dropTemplate;
}
