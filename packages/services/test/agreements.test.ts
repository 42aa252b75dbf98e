/**
 * Budget agreements (agreements.ts) on both engines: every item kind survives a save and a load
 * (and sending an answer's items back changes nothing), stale versions and bad bodies are refused
 * with the contract's codes and paths and change nothing, preview and compare compute without
 * storing, and adoption "apply" turns the base budget plus the agreement into the adopted
 * budget (budget, estimate, original, corrected = original + appropriations, the trace, the audit
 * trail, the proposals' status) in one transaction, while "record" changes only the status. The
 * demo's Sorø budget after adoption is seed 000's table figure for figure.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Actor, Municipality } from "@bevilling/core";
import {
  accountIdsByCode,
  applyAmounts,
  type DatabaseHandle,
  findMunicipality,
  findNodeByCode,
  historyOf,
  refreshTotals,
  verifyAudit,
} from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgreementBadRequest,
  type AgreementItemInput,
  addAppropriation,
  adoptAgreement,
  agreementAdoption,
  agreementHistory,
  Conflict,
  compareAgreements,
  createAgreement,
  deleteAgreement,
  ensureMunicipality,
  findAdoptedAgreement,
  getAgreement,
  getCatalogue,
  getProposal,
  importCatalogueText,
  listAgreements,
  loadAgreement,
  loadDemo,
  mappingSchema,
  previewAgreement,
  runImport,
  saveAgreement,
  updateProposal,
} from "../src/index.ts";

const ANNA: Actor = { kind: "user", id: "17", name: "Anna Økonomi" };
const MIO = 100_000_000n;
const TKR = 100_000n;

const ORGANISATION = mappingSchema.parse({
  kind: "organisation",
  levels: [
    { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
    { kind: "area", code: "Område", name: "Områdenavn" },
  ],
  validFrom: "Gyldig fra",
  validTo: "Gyldig til",
});
const ACCOUNTS = mappingSchema.parse({
  kind: "accounts",
  node: "Område",
  account: { funktion: "Funktion", dranst: "Dranst", art: "Art", name: "Navn" },
});
const CATALOGUE = fileURLToPath(new URL("../demo/slagelse-forslagskatalog-2023-2026.txt", import.meta.url));

async function refusal<E extends Error>(work: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  const err = await work.then(
    () => expect.fail(`forventede ${type.name}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

describe.each(testEngines())("budget agreements on %s", (engine) => {
  let h: DatabaseHandle;
  let m: Municipality;
  let node: Record<string, number>;
  let schoolAccount: number;
  /** Proposal ids by schedule number (Slagelse's catalogue, seed 003). */
  let proposal: Record<string, number>;

  /** Every stored amount of the municipality, as "node account year kind price → amount". */
  const amounts = async () => {
    const r = await sql<{ line: string }>`
      select n.code || ' ' || coalesce(a.account_id::text, '-') || ' ' || a.year || ' ' || a.kind || ' '
             || a.price_year || ' ' || a.amount::text as line
      from amount a join org_node n on n.id = a.node_id
      where a.municipality_id = ${m.id} order by 1`.execute(h.db);
    return r.rows.map((x) => x.line);
  };
  const figure = async (code: string, year: number, kind: string, accountId: number | null = null) => {
    const r = await sql<{ amount: bigint }>`
      select amount from amount where node_id = ${node[code] as number} and year = ${year} and kind = ${kind}
        and account_id is not distinct from ${accountId}::int`.execute(h.db);
    return r.rows[0]?.amount;
  };
  const totalOf = async (code: string, year: number, kind: string) => {
    const r = await sql<{ amount: string }>`
      select coalesce(sum(amount), 0)::text as amount from node_total
      where node_id = ${node[code] as number} and year = ${year} and kind = ${kind}`.execute(h.db);
    return BigInt(r.rows[0]?.amount ?? "0");
  };
  const auditCount = async () => {
    const v = await verifyAudit(h.db);
    if (!v.ok) throw new Error(`kæden er brudt ved ${v.firstBrokenId}: ${v.reason}`);
    return v.count;
  };

  /** One item of each kind; amounts are øre strings as the contract sends them. */
  const everyKind = (): AgreementItemInput[] => [
    {
      kind: "adjustment",
      key: "effektivisering",
      label: "Administrationen effektiviseres",
      area: "ADM",
      pattern: "-0,5 mio. kr. årligt fra 2024 og frem",
      text: "Digitale sagsgange.",
    },
    {
      kind: "proposal",
      key: "direktion",
      label: "Etablering af direktion",
      area: "ADM",
      proposalId: proposal["2.1.2. 05"] as number,
      overrides: [{ line: 1, year: 2023, amount: "0" }],
    },
    {
      kind: "dut",
      key: "dut-skoler",
      label: "DUT-midler til skolerne",
      area: "SKO",
      accountId: schoolAccount,
      category: "transfer",
      amounts: [
        { year: 2023, amount: String(18n * TKR * 100n) },
        { year: 2024, amount: String(23n * TKR * 100n) },
      ],
      onwards: { fromYear: 2025, amount: String(3n * MIO) },
      text: "Kompensation for Barnets Lov.",
    },
    {
      kind: "pool",
      key: "pulje",
      label: "Demografipulje",
      area: "PUL",
      amounts: [
        { year: 2023, amount: String(5n * MIO) },
        { year: 2025, amount: String(2n * MIO) },
      ],
    },
  ];

  beforeAll(async () => {
    h = await openTestDatabase(engine);
    ({ municipality: m } = await ensureMunicipality(
      h.db,
      { code: "901", name: "Aftaleby", budgetYear: 2023 },
      ANNA,
    ));
    const csv = (text: string) => new TextEncoder().encode(text);
    await runImport(
      h.db,
      m,
      {
        fileName: "organisation.csv",
        bytes: csv(
          "Udvalg;Udvalgsnavn;Område;Områdenavn;Gyldig fra;Gyldig til\n" +
            "OEU;Økonomiudvalget;ADM;Administration;2000;\n" +
            "OEU;Økonomiudvalget;PUL;Demografipulje;2000;\n" +
            "BUV;Børne- og Ungeudvalget;SKO;Skoler;2000;\n" +
            "BUV;Børne- og Ungeudvalget;GAM;Gamle skoler;2000;2020\n" +
            "BUV;Børne- og Ungeudvalget;NYS;Ny skole;2025;\n",
        ),
      },
      ORGANISATION,
      { actor: ANNA },
    );
    await runImport(
      h.db,
      m,
      { fileName: "konti.csv", bytes: csv("Område;Funktion;Dranst;Art;Navn\nSKO;3.22.01;1;1.0;Lønninger\n") },
      ACCOUNTS,
      { actor: ANNA },
    );
    schoolAccount = [...(await accountIdsByCode(h.db, m.id)).values()][0] as number;
    node = {};
    for (const code of ["901", "OEU", "BUV", "ADM", "PUL", "SKO", "GAM"]) {
      node[code] = (await findNodeByCode(h.db, m.id, code))?.id as number;
    }
    // The base budget: ADM without account, SKO on its account and without, in 2023 prices;
    // last year's original and an actual that adoption must leave alone.
    await h.db.transaction().execute(async (trx) => {
      const rows = [];
      for (const [year, kind] of [
        [2023, "budget"],
        [2024, "estimate"],
        [2025, "estimate"],
        [2026, "estimate"],
      ] as const) {
        rows.push({
          nodeId: node.ADM as number,
          accountId: null,
          year,
          kind,
          priceYear: 2023,
          amount: 100n * MIO,
        });
        rows.push({
          nodeId: node.SKO as number,
          accountId: schoolAccount,
          year,
          kind,
          priceYear: 2023,
          amount: 40n * MIO,
        });
      }
      rows.push({
        nodeId: node.SKO as number,
        accountId: null,
        year: 2023,
        kind: "budget" as const,
        priceYear: 2023,
        amount: 7n * MIO,
      });
      rows.push({
        nodeId: node.ADM as number,
        accountId: null,
        year: 2023,
        kind: "original" as const,
        priceYear: 2023,
        amount: 99n * MIO,
      });
      rows.push({
        nodeId: node.ADM as number,
        accountId: null,
        year: 2022,
        kind: "original" as const,
        priceYear: 2022,
        amount: 95n * MIO,
      });
      rows.push({
        nodeId: node.ADM as number,
        accountId: null,
        year: 2022,
        kind: "actual" as const,
        priceYear: 2022,
        amount: 96n * MIO,
      });
      await applyAmounts(trx, m.id, rows);
      await refreshTotals(trx, m.id);
    });
    // A supplementary appropriation on ADM 2023: its corrected budget is original + 1 mio.
    await addAppropriation(
      h.db,
      m,
      {
        nodeId: node.ADM as number,
        accountId: null,
        year: 2023,
        kind: "supplementary",
        amount: String(1n * MIO),
        decidedOn: "2023-03-01",
        reason: "Tillægsbevilling",
      },
      ANNA,
    );
    await importCatalogueText(
      h.db,
      m,
      { fileName: "katalog.txt", text: readFileSync(CATALOGUE, "utf8") },
      ANNA,
    );
    const c = await getCatalogue(h.db, m);
    proposal = Object.fromEntries(c.proposals.map((p) => [p.schedule, p.id]));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("saves and loads every item kind, and sending the answer's items back changes nothing", async () => {
    const created = await createAgreement(h.db, m, { name: "Alle slags punkter", budgetYear: 2023 }, ANNA);
    expect(created.agreement).toMatchObject({
      municipality: "901",
      status: "scenario",
      version: 1,
      itemCount: 0,
    });
    expect(created.agreement.items).toEqual([]);
    const saved = await saveAgreement(
      h.db,
      m,
      created.agreement.id,
      { version: 1, name: "Alle slags punkter", items: everyKind() },
      ANNA,
    );
    expect(saved.problems).toEqual([]);
    expect(saved.agreement).toMatchObject({ version: 2, itemCount: 4 });
    const [adj, prop, dut, pool] = (await getAgreement(h.db, m, created.agreement.id)).agreement.items;
    expect(adj).toMatchObject({
      kind: "adjustment",
      key: "effektivisering",
      pattern: "-0,5 mio. kr. årligt fra 2024 og frem",
      area: "ADM",
      areaName: "Administration",
      category: "service",
      accountId: null,
      text: "Digitale sagsgange.",
      total: -150_000_000n,
    });
    expect(adj?.amounts.map((a) => a.amount)).toEqual([0n, -50_000_000n, -50_000_000n, -50_000_000n]);
    expect(adj?.sentence).toBe("Administration: -0,5 mio. kr. årligt fra 2024 og frem. Digitale sagsgange.");
    expect(prop).toMatchObject({
      kind: "proposal",
      proposalId: proposal["2.1.2. 05"],
      overrides: [{ line: 1, year: 2023, amount: 0n }],
      proposal: { schedule: "2.1.2. 05", title: "Etablering af direktion", status: "submitted" },
    });
    // Two lines of 3.000 and 1.500 t.kr.; 2023 without the second.
    expect(prop?.amounts.map((a) => a.amount)).toEqual([
      30n * TKR * 100n,
      45n * TKR * 100n,
      45n * TKR * 100n,
      45n * TKR * 100n,
    ]);
    expect(prop?.sentence).toContain("vedtages med ændringer");
    expect(dut).toMatchObject({
      kind: "dut",
      accountId: schoolAccount,
      category: "transfer",
      onwards: { fromYear: 2025, amount: 3n * MIO },
      namedAmounts: [
        { year: 2023, amount: 18n * TKR * 100n },
        { year: 2024, amount: 23n * TKR * 100n },
      ],
    });
    expect(dut?.amounts.map((a) => a.amount)).toEqual([180_000_000n, 230_000_000n, 3n * MIO, 3n * MIO]);
    expect(dut?.sentence).toBe(
      "I forbindelse med tilførsel af DUT-midler har Skoler fået tildelt 1,8 mio. kr. i 2023, 2,3 mio. kr. i 2024 " +
        "og 3,0 mio. kr. i 2025 og fremefter. Kompensation for Barnets Lov.",
    );
    expect(pool?.amounts).toEqual([
      { year: 2023, amount: 5n * MIO },
      { year: 2024, amount: 0n },
      { year: 2025, amount: 2n * MIO },
      { year: 2026, amount: 0n },
    ]);

    // The core model as documents get it.
    const loaded = await loadAgreement(h.db, m, created.agreement.id);
    expect(loaded.summary.name).toBe("Alle slags punkter");
    expect(loaded.names.get("SKO")).toBe("Skoler");
    expect(loaded.agreement.items.map((i) => `${i.kind}:${i.id}`)).toEqual([
      "adjustment:effektivisering",
      "proposal:direktion",
      "dut:dut-skoler",
      "pool:pulje",
    ]);
    const coreDut = loaded.agreement.items[2];
    expect(coreDut?.kind === "dut" && [...coreDut.amounts]).toEqual([
      [2023, 180_000_000n],
      [2024, 230_000_000n],
    ]);

    // The editor sends back what it got (amounts expanded, with computed fields): nothing changes.
    const before = await auditCount();
    const again = await saveAgreement(
      h.db,
      m,
      created.agreement.id,
      {
        version: 2,
        name: "Alle slags punkter",
        items: JSON.parse(
          JSON.stringify(saved.agreement.items, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
        ),
      },
      ANNA,
    );
    expect(again.agreement.version).toBe(2);
    expect(await auditCount()).toBe(before);
    expect(again.agreement.items).toEqual(saved.agreement.items);

    // The effect: the municipality total is the sum of the items; each contribution names its item.
    const effect = saved.effect;
    expect(effect?.years).toEqual([2023, 2024, 2025, 2026]);
    expect(effect?.rows[0]).toMatchObject({ code: "901", kind: "municipality", depth: 0 });
    expect(effect?.rows.map((r) => r.code)).not.toContain("GAM");
    const sums = [0, 1, 2, 3].map((y) =>
      saved.agreement.items.reduce((s, i) => s + (i.amounts[y]?.amount ?? 0n), 0n),
    );
    expect(effect?.total).toEqual(sums);
    // The DUT is in the transfer category: outside the service frame.
    expect(effect?.serviceFrame).toEqual(sums.map((s, y) => s - (dut?.amounts[y]?.amount ?? 0n)));
    const oeu2024 = effect?.contributions.find((c) => c.code === "OEU" && c.year === 2024);
    expect(oeu2024?.items.map((i) => [i.key, i.amount])).toEqual([
      ["effektivisering", -50_000_000n],
      ["direktion", 450_000_000n],
    ]);
  });

  it("refuses a stale version with the agreement as it is now, and an unreadable body with paths, changing nothing", async () => {
    const { agreement } = await createAgreement(
      h.db,
      m,
      { name: "Versioner", budgetYear: 2023, items: everyKind() },
      ANNA,
    );
    const ok = await saveAgreement(
      h.db,
      m,
      agreement.id,
      { version: 1, name: "Versioner 2", items: [] },
      ANNA,
    );
    expect(ok.agreement).toMatchObject({ version: 2, name: "Versioner 2", itemCount: 0 });
    const stale = await refusal(
      saveAgreement(h.db, m, agreement.id, { version: 1, name: "Gammel", items: everyKind() }, ANNA),
      Conflict,
    );
    expect(stale.extra).toMatchObject({ error: "conflict", code: "conflict" });
    expect(stale.current).toMatchObject({ agreement: { version: 2, name: "Versioner 2" } });

    const count = await auditCount();
    const items = everyKind();
    items[0] = {
      ...(items[0] as AgreementItemInput),
      pattern: "2 mio. kr. i 2025 og 2026",
    } as AgreementItemInput;
    items[3] = { ...(items[3] as AgreementItemInput), key: "direktion" };
    items.push({ kind: "pool", key: "x", label: "X", area: "PUL", amounts: [{ year: 2023, amount: "1,5" }] });
    const bad = await refusal(
      saveAgreement(h.db, m, agreement.id, { version: 2, name: "Versioner 2", items }, ANNA),
      AgreementBadRequest,
    );
    expect(bad.code).toBe("invalid_body");
    expect(bad.extra.issues?.map((i) => i.path)).toEqual([
      "items.0.pattern",
      "items.4.amounts.0.amount",
      "items.3.key",
    ]);
    expect(bad.extra.issues?.[0]?.message).toMatch(/^»Administrationen effektiviseres«: Tvetydigt/);
    expect(bad.extra.issues?.[0]?.field).toBe("body.items.0.pattern");
    expect(bad.body).toMatchObject({
      error: "invalid_body",
      message: expect.stringContaining("items.0.pattern"),
    });

    // A proposal or account that is not the municipality's.
    const foreign = await refusal(
      previewAgreement(h.db, m, {
        budgetYear: 2023,
        items: [
          { kind: "proposal", key: "a", label: "A", area: "ADM", proposalId: 999_999 },
          { kind: "pool", key: "b", label: "B", area: "PUL", accountId: 999_999, amounts: [] },
        ],
      }),
      AgreementBadRequest,
    );
    expect(foreign.extra.issues?.map((i) => i.path)).toEqual(["items.0.proposalId", "items.1.accountId"]);

    expect(await auditCount()).toBe(count);
    expect((await getAgreement(h.db, m, agreement.id)).agreement).toMatchObject({ version: 2, itemCount: 0 });
  });

  it("saves a draft with problems and lists them; the preview computes without storing", async () => {
    const listed = (await listAgreements(h.db, m)).agreements.length;
    const problems = [
      { kind: "adjustment", key: "ukendt", label: "Ukendt", area: "XYZ", pattern: "1 mio. kr. i 2023" },
      {
        kind: "pool",
        key: "pulje-skole",
        label: "Pulje",
        area: "SKO",
        amounts: [{ year: 2023, amount: "100" }],
      },
      { kind: "adjustment", key: "gammel", label: "Gammel", area: "GAM", pattern: "1 mio. kr. i 2024" },
      { kind: "adjustment", key: "udvalg", label: "Udvalg", area: "OEU", pattern: "1 mio. kr. i 2030" },
    ] satisfies AgreementItemInput[];
    const preview = await previewAgreement(h.db, m, { budgetYear: 2023, items: problems });
    expect(preview.effect).toBeNull();
    expect(preview.problems.map((p) => [p.code, p.itemKey])).toEqual([
      ["unknown_area", "ukendt"],
      ["pool_outside_finance_committee", "pulje-skole"],
      ["area_not_valid", "gammel"],
      ["not_an_area", "udvalg"],
      ["year_outside_period", "udvalg"],
    ]);
    expect(preview.items[0]).toMatchObject({ areaName: "XYZ", total: 1n * MIO });
    expect((await listAgreements(h.db, m)).agreements).toHaveLength(listed);

    const draft = await createAgreement(h.db, m, { name: "Kladde", budgetYear: 2023, items: problems }, ANNA);
    expect(draft.effect).toBeNull();
    expect(draft.problems).toHaveLength(5);
    const refused = await refusal(
      adoptAgreement(h.db, m, draft.agreement.id, { version: 1, mode: "apply" }, ANNA),
      AgreementBadRequest,
    );
    expect(refused.code).toBe("invalid");
    expect(refused.extra.problems).toHaveLength(5);
    expect(refused.message).toContain("»Ukendt«: området »XYZ« findes ikke");
    await deleteAgreement(h.db, m, draft.agreement.id, 1, ANNA);
    expect((await listAgreements(h.db, m)).agreements).toHaveLength(listed);

    // An area that opens in an estimate year has its row, so the table adds up as printed.
    const later = await previewAgreement(h.db, m, {
      budgetYear: 2023,
      items: [
        { kind: "adjustment", key: "ny", label: "Ny skole", area: "NYS", pattern: "2 mio. kr. i 2025" },
      ],
    });
    expect(later.problems).toEqual([]);
    const rows = later.effect?.rows ?? [];
    expect(rows.find((r) => r.code === "NYS")?.values).toEqual([0n, 0n, 2n * MIO, 0n]);
    const buv = rows.find((r) => r.code === "BUV");
    const children = rows.filter((r) => r.parentId === buv?.nodeId);
    expect(children.reduce((sum, r) => sum + (r.values[2] ?? 0n), 0n)).toBe(buv?.values[2]);
    expect(rows.some((r) => r.code === "GAM")).toBe(false);

    const valid = await previewAgreement(h.db, m, { budgetYear: 2023, items: everyKind().slice(0, 1) });
    expect(valid.problems).toEqual([]);
    expect(valid.effect?.total).toEqual([0n, -50_000_000n, -50_000_000n, -50_000_000n]);
  });

  it("compares two scenarios per node and year, and shows only the problems when one has any", async () => {
    const a = await createAgreement(h.db, m, { name: "A", budgetYear: 2023, items: everyKind() }, ANNA);
    const b = await createAgreement(
      h.db,
      m,
      { name: "B", budgetYear: 2023, items: everyKind().slice(0, 1) },
      ANNA,
    );
    const c = await compareAgreements(h.db, m, a.agreement.id, b.agreement.id);
    expect(c.a).toEqual({ id: a.agreement.id, name: "A", budgetYear: 2023 });
    expect(c.years).toEqual([2023, 2024, 2025, 2026]);
    expect(c.total.a).toEqual(a.effect?.total);
    expect(c.total.b).toEqual(b.effect?.total);
    expect(c.total.difference).toEqual(c.total.a.map((x, i) => x - (c.total.b[i] as bigint)));
    const pul = c.rows.find((r) => r.code === "PUL");
    expect(pul).toMatchObject({ kind: "area", depth: 2, b: [0n, 0n, 0n, 0n] });
    expect(pul?.difference).toEqual([5n * MIO, 0n, 2n * MIO, 0n]);

    const broken = await createAgreement(
      h.db,
      m,
      {
        name: "Brudt",
        budgetYear: 2023,
        items: [{ kind: "adjustment", key: "x", label: "X", area: "XYZ", pattern: "1 mio. kr. i 2023" }],
      },
      ANNA,
    );
    const d = await compareAgreements(h.db, m, a.agreement.id, broken.agreement.id);
    expect(d.rows).toEqual([]);
    expect(d.years).toEqual([]);
    expect(d.problems.a).toEqual([]);
    expect(d.problems.b.map((p) => p.code)).toEqual(["unknown_area"]);
    for (const x of [a, b, broken]) await deleteAgreement(h.db, m, x.agreement.id, 1, ANNA);
  });

  it("adopts onto the base budget in one transaction: figures, original, corrected, trace, audit, proposals; refused adoptions change nothing", async () => {
    const { agreement } = await createAgreement(
      h.db,
      m,
      { name: "Budgetaftale 2023", budgetYear: 2023, items: everyKind() },
      ANNA,
    );
    const base = {
      adm: await figure("ADM", 2024, "estimate"),
      sko: await figure("SKO", 2023, "budget", schoolAccount),
      skoOwn: await figure("SKO", 2023, "budget"),
    };

    // A base figure in another price level is refused, naming it; nothing changes.
    await sql`update amount set price_year = 2022 where node_id = ${node.SKO as number} and account_id is null
      and year = 2023 and kind = 'budget'`.execute(h.db);
    const snapshot = await amounts();
    const count = await auditCount();
    const wrongPrices = await refusal(
      adoptAgreement(h.db, m, agreement.id, { version: 1, mode: "apply" }, ANNA),
      AgreementBadRequest,
    );
    expect(wrongPrices.code).toBe("base_price_level");
    expect(wrongPrices.message).toContain("»Skoler« (SKO), uden konto, budget 2023 er i 2022-priser");
    expect(await amounts()).toEqual(snapshot);
    expect(await auditCount()).toBe(count);
    expect((await getAgreement(h.db, m, agreement.id)).agreement.status).toBe("scenario");
    await sql`update amount set price_year = 2023 where node_id = ${node.SKO as number} and account_id is null
      and year = 2023 and kind = 'budget'`.execute(h.db);

    // A stale version is a conflict.
    const stale = await refusal(
      adoptAgreement(h.db, m, agreement.id, { version: 7, mode: "apply" }, ANNA),
      Conflict,
    );
    expect(stale.extra).toMatchObject({ error: "conflict" });

    const r = await adoptAgreement(
      h.db,
      m,
      agreement.id,
      { version: 1, mode: "apply", reason: "Vedtaget i KB" },
      ANNA,
    );
    expect(r.agreement).toMatchObject({ status: "adopted", adoptedMode: "apply", version: 2 });
    expect(r.agreement.adoptedAt).toBeInstanceOf(Date);
    // ADM 4 years (adjustment from 2024 and the proposal), SKO's account 4 years, PUL 2 years.
    expect(r.changedFigures).toBe(10);

    // base + agreement = adopted, for budget and estimates.
    expect(await figure("ADM", 2023, "budget")).toBe(100n * MIO + 30n * TKR * 100n);
    expect(await figure("ADM", 2024, "estimate")).toBe((base.adm as bigint) - 50_000_000n + 450_000_000n);
    expect(await figure("SKO", 2023, "budget", schoolAccount)).toBe((base.sko as bigint) + 180_000_000n);
    expect(await figure("SKO", 2026, "estimate", schoolAccount)).toBe(40n * MIO + 3n * MIO);
    // Created where the base had none.
    expect(await figure("PUL", 2023, "budget")).toBe(5n * MIO);
    expect(await figure("PUL", 2025, "estimate")).toBe(2n * MIO);
    expect(await figure("PUL", 2024, "estimate")).toBeUndefined();
    // Untouched figures keep their amount; every figure of 2023 gets its original.
    expect(await figure("SKO", 2023, "budget")).toBe(base.skoOwn);
    expect(await figure("SKO", 2023, "original")).toBe(base.skoOwn);
    expect(await figure("ADM", 2023, "original")).toBe(await figure("ADM", 2023, "budget"));
    expect(await figure("SKO", 2023, "original", schoolAccount)).toBe(
      await figure("SKO", 2023, "budget", schoolAccount),
    );
    expect(await figure("PUL", 2023, "original")).toBe(5n * MIO);
    expect(await figure("ADM", 2022, "original")).toBe(95n * MIO);
    expect(await figure("ADM", 2022, "actual")).toBe(96n * MIO);
    // corrected = original + appropriations.
    expect(await figure("ADM", 2023, "corrected")).toBe(
      ((await figure("ADM", 2023, "original")) as bigint) + 1n * MIO,
    );
    // The pre-aggregated totals follow.
    expect(await totalOf("OEU", 2023, "budget")).toBe(100n * MIO + 30n * TKR * 100n + 5n * MIO);
    expect(await totalOf("901", 2023, "original")).toBe(
      100n * MIO + 30n * TKR * 100n + 5n * MIO + 40n * MIO + 180_000_000n + 7n * MIO,
    );

    // The trace: every changed figure, contributions summing to adopted − base.
    const { figures } = await agreementAdoption(h.db, m, agreement.id);
    expect(figures).toHaveLength(10);
    for (const f of figures) expect(f.changes.reduce((s, c) => s + c.amount, 0n)).toBe(f.adopted - f.base);
    expect(figures.find((f) => f.node === "ADM" && f.year === 2024)).toMatchObject({
      nodeName: "Administration",
      accountId: null,
      kind: "estimate",
      base: base.adm,
      changes: [
        {
          key: "effektivisering",
          label: "Administrationen effektiviseres",
          kind: "adjustment",
          amount: -50_000_000n,
        },
        { key: "direktion", label: "Etablering af direktion", kind: "proposal", amount: 450_000_000n },
      ],
    });
    expect(figures.find((f) => f.node === "PUL" && f.year === 2023)).toMatchObject({
      base: 0n,
      adopted: 5n * MIO,
    });

    // The proposal is adopted with changes; the audit chain holds the adoption and the figures.
    const catalogue = await getCatalogue(h.db, m);
    expect(catalogue.proposals.find((p) => p.schedule === "2.1.2. 05")?.status).toBe("adopted_changed");
    expect(catalogue.proposals.find((p) => p.schedule === "2.1.2. 06")?.status).toBe("submitted");
    const history = await agreementHistory(h.db, m, agreement.id);
    expect(history.map((e) => e.action)).toEqual(["create", "adopt"]);
    expect(history[1]).toMatchObject({
      actor: ANNA,
      reason: "Vedtaget i KB",
      after: { mode: "apply", changedFigures: 10 },
    });
    const proposalHistory = await historyOf(h.db, "proposal", proposal["2.1.2. 05"] as number);
    expect(proposalHistory.at(-1)).toMatchObject({
      before: { status: "submitted" },
      after: { status: "adopted_changed" },
    });
    const figureHistory = await sql<{ n: number }>`
      select count(*)::int as n from amount_history where audit_id = ${history[1]?.id as number}`.execute(
      h.db,
    );
    // 10 budget/estimate figures, 4 originals (ADM, SKO's account, SKO, PUL), ADM's corrected.
    expect(figureHistory.rows[0]?.n).toBe(15);
    await auditCount();

    // Adopted agreements are read-only, and the year has its adopted agreement.
    const again = await refusal(
      adoptAgreement(h.db, m, agreement.id, { version: 2, mode: "apply" }, ANNA),
      Conflict,
    );
    expect(again.extra).toMatchObject({ error: "already_adopted" });
    const second = await createAgreement(h.db, m, { name: "Endnu en", budgetYear: 2023 }, ANNA);
    const other = await refusal(
      adoptAgreement(h.db, m, second.agreement.id, { version: 1, mode: "record" }, ANNA),
      Conflict,
    );
    expect(other.extra).toMatchObject({ error: "already_adopted", adoptedId: agreement.id });
    expect(other.message).toContain("»Budgetaftale 2023«");
    const save = await refusal(
      saveAgreement(h.db, m, agreement.id, { version: 2, name: "X", items: [] }, ANNA),
      Conflict,
    );
    expect(save.extra).toMatchObject({ error: "adopted" });
    const del = await refusal(deleteAgreement(h.db, m, agreement.id, 2, ANNA), Conflict);
    expect(del.extra).toMatchObject({ error: "adopted" });
    await deleteAgreement(h.db, m, second.agreement.id, 1, ANNA);

    // The adopted proposal's amounts are now the budget's history; its text may still be mended.
    const adopted = await getProposal(h.db, m, proposal["2.1.2. 05"] as number);
    const changed = await refusal(
      updateProposal(
        h.db,
        m,
        adopted.id,
        {
          version: adopted.version,
          lines: adopted.lines.map((l) => ({
            name: l.name,
            amounts: l.amounts.map((a) => ({ year: a.year, amount: String(a.amount + 100_000n) })),
          })),
          reason: "Nye beløb",
        },
        ANNA,
      ),
      Conflict,
    );
    expect(changed.message).toContain("er vedtaget i budgetaftalen »Budgetaftale 2023«");
    expect((await getProposal(h.db, m, adopted.id)).version).toBe(adopted.version);
    const mended = await updateProposal(
      h.db,
      m,
      adopted.id,
      { version: adopted.version, text: `${adopted.text} Rettet stavefejl.`, reason: "Stavefejl" },
      ANNA,
    );
    expect(mended.version).toBe(adopted.version + 1);
  });

  it("records an agreement adopted outside Bevilling without changing any figure", async () => {
    const { agreement } = await createAgreement(
      h.db,
      m,
      { name: "Budget 2024", budgetYear: 2024, items: everyKind().slice(0, 1) },
      ANNA,
    );
    const snapshot = await amounts();
    const r = await adoptAgreement(h.db, m, agreement.id, { version: 1, mode: "record" }, ANNA);
    expect(r).toMatchObject({ changedFigures: 0, agreement: { status: "adopted", adoptedMode: "record" } });
    expect(await amounts()).toEqual(snapshot);
    expect((await agreementAdoption(h.db, m, agreement.id)).figures).toEqual([]);
    const found = await findAdoptedAgreement(h.db, m, 2024);
    expect(found?.summary).toMatchObject({ id: agreement.id, name: "Budget 2024", status: "adopted" });
    expect(await findAdoptedAgreement(h.db, m, 2025)).toBeUndefined();
    const list = (await listAgreements(h.db, m)).agreements;
    expect(list.map((a) => [a.budgetYear, a.name])).toEqual(
      [...list]
        .sort((x, y) => y.budgetYear - x.budgetYear || x.name.localeCompare(y.name))
        .map((a) => [a.budgetYear, a.name]),
    );
    expect(list[0]?.budgetYear).toBe(2024);
  });
});

/** Seed 000's "Budget for Økonomiudvalget", 1.000 kr., 2025 prices: 2025 budget, 2026–2028 estimates. */
const SEED_000: Record<string, [number, number, number, number]> = {
  PUL: [80_496, 80_232, 77_723, 79_709],
  ADM: [259_178, 255_388, 253_341, 252_941],
  BOL: [579, 579, 579, 579],
  BOR: [38_532, 38_533, 38_535, 38_535],
  LOK: [343, 344, 344, 344],
  BER: [9_196, 9_197, 9_197, 9_197],
};
const SEED_000_COMMITTEE = [388_324, 384_273, 379_719, 381_305];

describe.each(testEngines())("the demo's agreements on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("adopts Budgetaftalen 2025 onto Sorø's base budget, giving seed 000's table figure for figure", async () => {
    const m = (await findMunicipality(h.db, "340")) as Municipality;
    const stored = await sql<{
      code: string;
      year: number;
      kind: string;
      amount: bigint;
      price_year: number;
    }>`
      select n.code, a.year, a.kind, a.amount, a.price_year from amount a join org_node n on n.id = a.node_id
      where a.municipality_id = ${m.id} and a.year between 2025 and 2028 and a.kind in ('budget', 'estimate')
      order by n.code, a.year`.execute(h.db);
    const got: Record<string, number[]> = {};
    for (const r of stored.rows) {
      expect(r.kind).toBe(r.year === 2025 ? "budget" : "estimate");
      expect(r.price_year).toBe(2025);
      expect(r.amount % TKR).toBe(0n);
      got[r.code] = [...(got[r.code] ?? []), Number(r.amount / TKR)];
    }
    expect(got).toEqual(SEED_000);
    const oeu = (await findNodeByCode(h.db, m.id, "OEU"))?.id as number;
    const committee = await sql<{ year: number; amount: string }>`
      select year, sum(amount)::text as amount from node_total
      where node_id = ${oeu} and ((year = 2025 and kind = 'budget') or (year > 2025 and kind = 'estimate'))
      group by year order by year`.execute(h.db);
    expect(committee.rows.map((r) => Number(BigInt(r.amount) / TKR))).toEqual(SEED_000_COMMITTEE);
    // The whole 2025 budget is the original budget now.
    const original = await sql<{ amount: string }>`
      select sum(amount)::text as amount from amount where municipality_id = ${m.id} and year = 2025 and kind = 'original'`.execute(
      h.db,
    );
    expect(BigInt(original.rows[0]?.amount ?? "0")).toBe(BigInt(SEED_000_COMMITTEE[0] as number) * TKR);

    const adopted = await findAdoptedAgreement(h.db, m, 2025);
    expect(adopted?.summary).toMatchObject({
      name: "Budgetaftalen 2025",
      adoptedMode: "apply",
      itemCount: 10,
    });
    const { figures } = await agreementAdoption(h.db, m, adopted?.summary.id as number);
    expect(figures).toHaveLength(16);
    const adm2025 = figures.find((f) => f.node === "ADM" && f.year === 2025);
    expect(adm2025?.changes.map((c) => c.key)).toEqual(["plan", "hr-kompetence", "hr-digital", "leder"]);
    expect(adm2025?.adopted).toBe(259_178n * TKR);
    for (const f of figures) expect(f.changes.reduce((s, c) => s + c.amount, 0n)).toBe(f.adopted - f.base);
  });

  it("registers Kalundborg's Budget 2024 as adopted and opens Slagelse's scenario without problems", async () => {
    const kal = (await findMunicipality(h.db, "326")) as Municipality;
    const budget = await findAdoptedAgreement(h.db, kal, 2024);
    expect(budget?.summary).toMatchObject({ name: "Budget 2024", adoptedMode: "record", itemCount: 8 });
    expect((await agreementAdoption(h.db, kal, budget?.summary.id as number)).figures).toEqual([]);
    const bf = (await getAgreement(h.db, kal, budget?.summary.id as number)).agreement.items.find(
      (i) => i.key === "dut-barnets-lov",
    );
    expect(bf?.sentence).toContain(
      "1,8 mio. kr. i 2024, 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter",
    );

    const sla = (await findMunicipality(h.db, "330")) as Municipality;
    const [scenario] = (await listAgreements(h.db, sla)).agreements;
    expect(scenario).toMatchObject({ name: "Forslag til budgetaftale 2023", status: "scenario" });
    const answer = await getAgreement(h.db, sla, scenario?.id as number);
    expect(answer.problems).toEqual([]);
    expect(answer.agreement.items.map((i) => i.kind)).toEqual([
      "proposal",
      "proposal",
      "proposal",
      "adjustment",
    ]);
    expect(answer.agreement.items[0]?.sentence).toContain("vedtages med ændringer");
    expect(answer.effect?.total).toEqual([700_000_000n, 600_000_000n, 600_000_000n, 600_000_000n]);
  });
});
