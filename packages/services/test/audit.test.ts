/**
 * Every change through the services leaves an audit record in the same transaction: imports
 * (with the old and new value of every figure), node changes, settings, saved mappings, price
 * indexes and new municipalities. A failed import leaves none, and the chain verifies.
 */
import type { Actor, Municipality } from "@bevilling/core";
import {
  accountIdsByCode,
  amountChangesSha256,
  amountHistory,
  type DatabaseHandle,
  findNodeByCode,
  historyOf,
  listAudit,
  verifyAudit,
} from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequest,
  changeSettings,
  DEMO_ACTOR,
  ensureMunicipality,
  figureHistory,
  ImportFailed,
  importPriceIndex,
  loadDemo,
  type MappingInput,
  mappingSchema,
  NotFound,
  runImport,
  saveMappingAs,
} from "../src/index.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const JENS: Actor = { kind: "cli", name: "jens" };
const API: Actor = { kind: "system", name: "api" };

const ORG: MappingInput = {
  kind: "organisation",
  levels: [
    { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
    { kind: "area", code: "Område", name: "Områdenavn" },
  ],
};
const ORG_CSV = (admName: string) =>
  `Udvalg;Udvalgsnavn;Område;Områdenavn\nOEU;Økonomiudvalget;ADM;${admName}\nOEU;Økonomiudvalget;BOR;Borgerservice\n`;

const ACCOUNTS: MappingInput = {
  kind: "accounts",
  node: "Område",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art", name: "Navn" },
};
const ACCOUNTS_CSV =
  "Område;Funktion;Dranst;Art;Navn\nADM;6.45.51;1;1.0;Lønninger\nBOR;6.45.50;1;1.0;Lønninger\n";

const AMOUNTS: MappingInput = {
  kind: "amounts",
  node: "Område",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
  unit: "kr",
  amounts: [
    { column: "Budget 2025", year: 2025, kind: "budget" },
    { column: "Overslag 2026", year: 2026, kind: "estimate" },
  ],
};
const AMOUNTS_CSV = (adm: string, bor: string) =>
  `Område;Funktion;Dranst;Art;Budget 2025;Overslag 2026\nADM;6.45.51;1;1.0;${adm};${adm}\nBOR;6.45.50;1;1.0;${bor};${bor}\n`;

const MONTHLY: MappingInput = {
  kind: "monthly",
  node: "Område",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art" },
  monthly: { date: "Dato", amount: "Beløb" },
  unit: "kr",
};
const MONTHLY_CSV = (march: string) =>
  `Dato;Område;Funktion;Dranst;Art;Beløb\n2024-01-31;ADM;6.45.51;1;1.0;100\n2024-03-31;ADM;6.45.51;1;1.0;${march}\n`;

const INDEX_CSV = "År;Samlet (vægtet);Lønninger\n2024;100,0;100,0\n2025;103,0;103,5\n";

describe.each(testEngines())("the audit trail of the services on %s", (engine) => {
  let h: DatabaseHandle;
  let m: Municipality;
  const load = (fileName: string, csv: string, mapping: MappingInput, actor: Actor = JENS, reason?: string) =>
    runImport(h.db, m, { fileName, bytes: utf8(csv) }, mappingSchema.parse(mapping), { actor, reason });
  const count = async () => {
    const v = await verifyAudit(h.db);
    if (!v.ok) throw new Error(`kæden er brudt ved ${v.firstBrokenId}: ${v.reason}`);
    return v.count;
  };

  beforeAll(async () => {
    h = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("records the demo data as the system's, and the chain verifies", async () => {
    await loadDemo(h.db);
    const entries = await listAudit(h.db, { limit: 1000 });
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) expect(e.actor).toEqual(DEMO_ACTOR);
    const kinds = new Set(entries.map((e) => `${e.entityType}/${e.action}`));
    expect([...kinds].sort()).toEqual([
      // Sorø's "Budgetaftalen 2025" is created and adopted; Kalundborg's recorded as adopted.
      "agreement/adopt",
      "agreement/create",
      "import/import",
      "municipality/create",
      // The remarks: Kalundborg's basis of price adjustment, its areas' frame budgets, the sections.
      "municipality/price_basis",
      "org_node/create",
      "org_node/update",
      "proposal/create",
      "proposal_catalogue/import",
      "remark_section/create",
    ]);
    const n = await count();
    // Loading again changes nothing, but the four imports are still recorded as imports.
    expect((await loadDemo(h.db)).changes).toBe(0);
    expect(await count()).toBe(n + 4);
  });

  it("records a new municipality with the actor and reason", async () => {
    const before = await count();
    ({ municipality: m } = await ensureMunicipality(
      h.db,
      { code: "777", name: "Revisionsby", budgetYear: 2025 },
      JENS,
      "Ny testkommune",
    ));
    expect(await count()).toBe(before + 1);
    const [created] = await historyOf(h.db, "municipality", m.id);
    expect(created).toMatchObject({
      actor: JENS,
      municipalityId: m.id,
      action: "create",
      before: null,
      after: { code: "777", name: "Revisionsby", settings: { budgetYear: 2025 } },
      reason: "Ny testkommune",
    });
    // Finding it again is no change.
    expect(
      (await ensureMunicipality(h.db, { code: "777", name: "Revisionsby", budgetYear: 2025 }, JENS)).created,
    ).toBe(false);
    expect(await count()).toBe(before + 1);
  });

  it("records an import with its file, counts and changes, and one record per changed node", async () => {
    const org = await load("org.csv", ORG_CSV("Administration"), ORG);
    expect(org.changed.nodes).toBe(3);
    const imports = await listAudit(h.db, { municipalityId: m.id, entityType: "import" });
    expect(imports[0]).toMatchObject({
      actor: JENS,
      action: "import",
      after: { fileName: "org.csv", kind: "organisation", rows: 2, changed: { nodes: 3, amounts: 0 } },
    });
    const adm = await findNodeByCode(h.db, m.id, "ADM");
    expect(await historyOf(h.db, "org_node", adm?.id as number)).toMatchObject([
      {
        action: "create",
        before: null,
        after: { code: "ADM", name: "Administration", kind: "area", parentCode: "OEU", validTo: null },
      },
    ]);
    await load("org2.csv", ORG_CSV("Administration og HR"), ORG, JENS, "Omdøbt i 2025");
    const admHistory = await historyOf(h.db, "org_node", adm?.id as number);
    expect(admHistory).toHaveLength(2);
    expect(admHistory[1]).toMatchObject({
      action: "update",
      before: { name: "Administration" },
      after: { name: "Administration og HR" },
      reason: "Omdøbt i 2025",
    });
    await load("konti.csv", ACCOUNTS_CSV, ACCOUNTS);
    expect(await count()).toBeGreaterThan(0);
  });

  it("shows both changes of a figure after two imports, with old and new values", async () => {
    const first = await load("budget-1.csv", AMOUNTS_CSV("1.000", "2.000"), AMOUNTS, JENS);
    expect(first.changed.amounts).toBe(4);
    const second = await load(
      "budget-2.csv",
      AMOUNTS_CSV("1.500", "2.000"),
      AMOUNTS,
      API,
      "Tillægsbevilling",
    );
    expect(second.changed.amounts).toBe(2);
    const adm = (await findNodeByCode(h.db, m.id, "ADM"))?.id as number;
    const bor = (await findNodeByCode(h.db, m.id, "BOR"))?.id as number;
    const accountId = (await accountIdsByCode(h.db, m.id)).get("6.45.51-000-1-1.0") as number;
    const history = await figureHistory(h.db, { nodeId: adm, accountId, year: 2025, kind: "budget" });
    expect(history).toMatchObject([
      {
        actor: JENS,
        fileName: "budget-1.csv",
        oldAmount: null,
        newAmount: 100_000n,
        oldPriceYear: null,
        newPriceYear: 2025,
        reason: null,
      },
      {
        actor: API,
        fileName: "budget-2.csv",
        oldAmount: 100_000n,
        newAmount: 150_000n,
        oldPriceYear: 2025,
        newPriceYear: 2025,
        reason: "Tillægsbevilling",
      },
    ]);
    expect(history[0]?.auditId).toBeLessThan(history[1]?.auditId as number);
    // BOR did not change the second time: one entry only.
    const borAccount = (await accountIdsByCode(h.db, m.id)).get("6.45.50-000-1-1.0") as number;
    expect(
      await amountHistory(h.db, { nodeId: bor, accountId: borAccount, year: 2025, kind: "budget" }),
    ).toHaveLength(1);
    // Another account or none at all is another figure.
    expect(await figureHistory(h.db, { nodeId: adm, accountId: null, year: 2025, kind: "budget" })).toEqual(
      [],
    );
    await expect(
      figureHistory(h.db, { nodeId: 987654, accountId: null, year: 2025, kind: "budget" }),
    ).rejects.toThrow(NotFound);

    // The import record covers exactly its history rows.
    const record = (await listAudit(h.db, { municipalityId: m.id, entityType: "import", limit: 1 }))[0];
    const after = record?.after as { changesSha256: string; changed: { amounts: number } };
    expect(after.changed.amounts).toBe(2);
    const rows = await h.db
      .selectFrom("amount_history")
      .selectAll()
      .where("audit_id", "=", record?.id as number)
      .execute();
    expect(rows).toHaveLength(2);
    expect(
      amountChangesSha256(
        rows.map((r) => ({
          nodeId: r.node_id,
          accountId: r.account_id,
          year: r.year,
          kind: r.kind,
          oldAmount: r.old_amount,
          newAmount: r.new_amount,
          oldPriceYear: r.old_price_year,
          newPriceYear: r.new_price_year,
        })),
      ),
    ).toBe(after.changesSha256);
  });

  it("keeps the history of annual actuals derived from monthly imports", async () => {
    await load("forbrug-1.csv", MONTHLY_CSV("50"), MONTHLY);
    await load("forbrug-2.csv", MONTHLY_CSV("75"), MONTHLY);
    const adm = (await findNodeByCode(h.db, m.id, "ADM"))?.id as number;
    const accountId = (await accountIdsByCode(h.db, m.id)).get("6.45.51-000-1-1.0") as number;
    expect(await figureHistory(h.db, { nodeId: adm, accountId, year: 2024, kind: "actual" })).toMatchObject([
      { fileName: "forbrug-1.csv", oldAmount: null, newAmount: 15_000n },
      { fileName: "forbrug-2.csv", oldAmount: 15_000n, newAmount: 17_500n },
    ]);
  });

  it("writes no audit record when an import fails, before or inside its transaction", async () => {
    const before = await count();
    const logged = await h.db.selectFrom("import_log").select("id").execute();
    await expect(load("dårlig.csv", AMOUNTS_CSV("12a", "1"), AMOUNTS)).rejects.toThrow(ImportFailed);
    // A failure after the first writes rolls back the amounts and the record together.
    await expect(
      runImport(
        h.db,
        m,
        { fileName: "afbrudt.csv", bytes: utf8(AMOUNTS_CSV("9", "9")) },
        mappingSchema.parse(AMOUNTS),
        {
          actor: JENS,
          onProgress: (p) => {
            if (p.phase === "summerer") throw new Error("afbrudt");
          },
        },
      ),
    ).rejects.toThrow("afbrudt");
    // A dry run stores nothing and records nothing.
    await runImport(
      h.db,
      m,
      { fileName: "prøve.csv", bytes: utf8(AMOUNTS_CSV("8", "8")) },
      mappingSchema.parse(AMOUNTS),
      {
        actor: JENS,
        dryRun: true,
      },
    );
    expect(await count()).toBe(before);
    expect(await h.db.selectFrom("import_log").select("id").execute()).toHaveLength(logged.length);
    const adm = (await findNodeByCode(h.db, m.id, "ADM"))?.id as number;
    const accountId = (await accountIdsByCode(h.db, m.id)).get("6.45.51-000-1-1.0") as number;
    expect(await figureHistory(h.db, { nodeId: adm, accountId, year: 2025, kind: "budget" })).toHaveLength(2);
  });

  it("records settings before and after, and nothing when nothing changes or the change is refused", async () => {
    const before = await count();
    m = await changeSettings(h.db, m, { budgetYear: 2026, lastYear: 2029 }, JENS, "Nyt budgetår");
    expect(m.settings.budgetYear).toBe(2026);
    const [rec] = await listAudit(h.db, { municipalityId: m.id, entityType: "municipality", limit: 1 });
    expect(rec).toMatchObject({
      action: "settings",
      actor: JENS,
      before: { budgetYear: 2025, lastYear: 2028 },
      after: { budgetYear: 2026, lastYear: 2029, firstYear: 2023 },
      reason: "Nyt budgetår",
    });
    await changeSettings(h.db, m, { budgetYear: 2026 }, JENS);
    await expect(changeSettings(h.db, m, { budgetYear: 2040 }, JENS)).rejects.toThrow(BadRequest);
    expect(await count()).toBe(before + 1);
    // The patch applies to what is stored, not to a stale copy the caller holds.
    const stale = { ...m, settings: { ...m.settings, budgetYear: 2025 } };
    const next = await changeSettings(h.db, stale, { defaultPriceYear: 2026 }, API);
    expect(next.settings).toMatchObject({ budgetYear: 2026, defaultPriceYear: 2026 });
    const [last] = await listAudit(h.db, { municipalityId: m.id, limit: 1 });
    expect(last?.before).toMatchObject({ budgetYear: 2026, defaultPriceYear: 2025 });
  });

  it("records saved mappings: created, changed, and nothing for the same specification again", async () => {
    const before = await count();
    const spec = mappingSchema.parse(AMOUNTS);
    const first = await saveMappingAs(h.db, m, "budget", spec, JENS);
    expect(first.changed).toBe(true);
    expect((await saveMappingAs(h.db, m, "budget", mappingSchema.parse(AMOUNTS), JENS)).changed).toBe(false);
    const changed = mappingSchema.parse({ ...AMOUNTS, unit: "tkr" });
    expect(await saveMappingAs(h.db, m, "budget", changed, API, "Tusinder")).toEqual({
      id: first.id,
      changed: true,
      version: first.version + 1,
    });
    const history = await historyOf(h.db, "import_mapping", first.id);
    expect(history).toMatchObject([
      { action: "create", before: null, after: { name: "budget", spec: { unit: "kr" } } },
      {
        action: "update",
        before: { spec: { unit: "kr" } },
        after: { spec: { unit: "tkr" } },
        reason: "Tusinder",
      },
    ]);
    expect(await count()).toBe(before + 2);
  });

  it("records a price index import with the index it replaced", async () => {
    await importPriceIndex(
      h.db,
      m,
      { fileName: "pl.csv", bytes: utf8(INDEX_CSV) },
      "KL juni 2025",
      JENS,
      "Nye tal",
    );
    const [rec] = await listAudit(h.db, { municipalityId: m.id, entityType: "price_index", limit: 1 });
    expect(rec).toMatchObject({
      action: "import",
      actor: JENS,
      before: { isExample: true },
      after: { name: "KL juni 2025", points: 4, fileName: "pl.csv" },
      reason: "Nye tal",
    });
    expect((rec?.before as { points: number } | undefined)?.points).toBeGreaterThan(4);
    await importPriceIndex(h.db, m, { fileName: "pl2.csv", bytes: utf8(INDEX_CSV) }, "KL august 2025", JENS);
    const [next] = await listAudit(h.db, { municipalityId: m.id, entityType: "price_index", limit: 1 });
    expect(next?.before).toEqual({ name: "KL juni 2025", isExample: false, points: 4 });
  });

  it("leaves a chain that verifies after all of it", async () => {
    const v = await verifyAudit(h.db);
    expect(v.ok).toBe(true);
    const all = await listAudit(h.db, { limit: 10_000 });
    expect(v.ok && v.count).toBe(all.length);
  });
});
