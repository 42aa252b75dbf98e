/**
 * Creating and deleting proposals and editing their references (proposals.ts): with versions,
 * field errors, the audit trail, and no deletion of a proposal a budget agreement uses.
 */
import { type Actor, type Municipality, SYSTEM_ACTOR } from "@bevilling/core";
import type { DatabaseHandle } from "@bevilling/db";
import { findMunicipality, historyOf, verifyAudit } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequest,
  Conflict,
  createProposal,
  deleteProposal,
  getCatalogue,
  getProposal,
  importCatalogueText,
  loadDemo,
  NotFound,
  updateProposal,
} from "../src/index.ts";

const ANNA: Actor = { kind: "user", id: "17", name: "Anna Økonomi" };

async function rejected<E>(work: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const err = await work.then(
    () => expect.fail(`forventede ${type.name}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

describe.each(testEngines())("creating, deleting and referring proposals on %s", (engine) => {
  let h: DatabaseHandle;
  let m: Municipality;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
    const found = await findMunicipality(h.db, "330");
    if (!found) throw new Error("Slagelse mangler");
    m = found;
  });
  afterAll(async () => {
    await h?.close();
  });

  const base = {
    catalogue: "Budget 2023-2026",
    schedule: "2.1.2.09",
    kind: "udvidelse" as const,
    title: "Flere ungeguides",
    committee: "Økonomiudvalget",
    area: "Administration",
    text: "Et alternativ til skema 08.",
    lines: [
      { name: "Ungeguides", amounts: [{ year: 2024, amount: "100000000" }] },
      {
        name: "Færre på ydelse",
        amounts: [
          { year: 2024, amount: "-50000000" },
          { year: 2025, amount: "-75050000" },
        ],
      },
    ],
    references: [{ schedule: "2.1.2. 08", relation: "alternative_to" as const }],
  };

  it("creates a draft last in the catalogue, with its lines and references, and records it", async () => {
    const p = await createProposal(h.db, m, { ...base, reason: "Nyt forslag fra direktionen" }, ANNA);
    expect(p).toMatchObject({
      catalogue: "Budget 2023-2026",
      schedule: "2.1.2. 09",
      status: "draft",
      version: 1,
      total: -25_050_000n,
      references: [{ schedule: "2.1.2. 08", relation: "alternative_to" }],
    });
    expect(p.lines.map((l) => l.total)).toEqual([100_000_000n, -125_050_000n]);
    const c = await getCatalogue(h.db, m);
    expect(c.proposals.at(-1)?.id).toBe(p.id);
    const [entry] = await historyOf(h.db, "proposal", String(p.id));
    expect(entry).toMatchObject({
      action: "create",
      reason: "Nyt forslag fra direktionen",
      actor: { name: "Anna Økonomi" },
    });
  });

  it("refuses a schedule the catalogue has, an unknown catalogue and a reference to itself, naming the field", async () => {
    const taken = await rejected(
      createProposal(h.db, m, { ...base, schedule: "2.1.2. 05" }, ANNA),
      BadRequest,
    );
    expect(taken.details).toEqual([
      { field: "body.schedule", reason: "skema 2.1.2. 05 findes allerede i kataloget" },
    ]);
    const unknown = await rejected(
      createProposal(h.db, m, { ...base, catalogue: "Ønskeliste" }, ANNA),
      BadRequest,
    );
    expect(unknown.details).toMatchObject([{ field: "body.catalogue" }]);
    const self = await rejected(
      createProposal(
        h.db,
        m,
        { ...base, schedule: "2.1.2. 10", references: [{ schedule: "2.1.2.10", relation: "related" }] },
        ANNA,
      ),
      BadRequest,
    );
    expect(self.details).toEqual([
      { field: "body.references.0.schedule", reason: "et forslag kan ikke henvise til sig selv" },
    ]);
    const empty = await rejected(
      createProposal(h.db, m, { ...base, schedule: "x", title: " " }, ANNA),
      BadRequest,
    );
    expect((empty.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      "body.schedule",
      "body.title",
    ]);
    expect((await getCatalogue(h.db, m)).proposals).toHaveLength(9);
  });

  it("starts a new catalogue named after its period", async () => {
    const p = await createProposal(
      h.db,
      m,
      { ...base, catalogue: "Budget 2027-2030", references: [], lines: [] },
      SYSTEM_ACTOR,
    );
    expect(p.catalogue).toBe("Budget 2027-2030");
    expect(p.period).toEqual({ firstYear: 2027, lastYear: 2030 });
    await deleteProposal(h.db, m, p.id, { version: p.version }, SYSTEM_ACTOR);
  });

  it("edits references with the version, refusing duplicates, and a schedule another proposal has", async () => {
    const c = await getCatalogue(h.db, m);
    const p08 = c.proposals.find((p) => p.schedule === "2.1.2. 08");
    if (!p08) throw new Error("skema 08 mangler");
    expect(p08.references).toEqual([{ schedule: "8.1.2. 01", relation: "alternative_to" }]);
    const changed = await updateProposal(
      h.db,
      m,
      p08.id,
      {
        version: p08.version,
        references: [
          { schedule: "8.1.2 01", relation: "alternative_to" },
          { schedule: "2.1.2. 09", relation: "related" },
        ],
        reason: "Henvisning til det nye skema",
      },
      ANNA,
    );
    expect(changed.version).toBe(p08.version + 1);
    // Kept in schedule order, so the same references in another order are no change.
    expect(changed.references).toEqual([
      { schedule: "2.1.2. 09", relation: "related" },
      { schedule: "8.1.2. 01", relation: "alternative_to" },
    ]);
    const history = await historyOf(h.db, "proposal", String(p08.id));
    expect(history.at(-1)).toMatchObject({
      action: "update",
      after: { references: [{ schedule: "2.1.2. 09" }, { schedule: "8.1.2. 01" }] },
    });
    const twice = await rejected(
      updateProposal(
        h.db,
        m,
        p08.id,
        {
          version: changed.version,
          references: [
            { schedule: "2.1.2. 09", relation: "related" },
            { schedule: "2.1.2.09", relation: "alternative_to" },
          ],
        },
        ANNA,
      ),
      BadRequest,
    );
    expect(twice.details).toEqual([
      { field: "body.references.1.schedule", reason: "skema 2.1.2. 09 står to gange" },
    ]);
    const clash = await rejected(
      updateProposal(h.db, m, p08.id, { version: changed.version, schedule: "2.1.2. 01" }, ANNA),
      BadRequest,
    );
    expect(clash.details).toEqual([
      { field: "body.schedule", reason: "skema 2.1.2. 01 findes allerede i kataloget" },
    ]);
    expect((await getProposal(h.db, m, p08.id)).version).toBe(changed.version);
  });

  it("keeps references corrected in Bevilling when the same text is imported again", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(
      new URL("../demo/slagelse-forslagskatalog-2023-2026.txt", import.meta.url),
      "utf8",
    );
    const r = await importCatalogueText(h.db, m, { fileName: "igen.txt", text }, SYSTEM_ACTOR);
    expect([r.created, r.updated]).toEqual([0, 0]);
    const p08 = (await getCatalogue(h.db, m)).proposals.find((p) => p.schedule === "2.1.2. 08");
    expect(p08?.references).toHaveLength(2);
  });

  it("deletes by the version seen: a stale one is refused with the current proposal, the deletion is recorded", async () => {
    const p = (await getCatalogue(h.db, m)).proposals.find((x) => x.schedule === "2.1.2. 09");
    if (!p) throw new Error("skema 09 mangler");
    const stale = await rejected(deleteProposal(h.db, m, p.id, { version: p.version + 1 }, ANNA), Conflict);
    expect(stale.current).toMatchObject({ id: p.id, version: p.version });
    await deleteProposal(h.db, m, p.id, { version: p.version, reason: "Trukket tilbage" }, ANNA);
    await rejected(getProposal(h.db, m, p.id), NotFound);
    await rejected(deleteProposal(h.db, m, p.id, { version: p.version }, ANNA), NotFound);
    const history = await historyOf(h.db, "proposal", String(p.id));
    expect(history.map((e) => e.action)).toEqual(["create", "delete"]);
    expect(history.at(-1)).toMatchObject({
      reason: "Trukket tilbage",
      after: null,
      before: { schedule: "2.1.2. 09", title: "Flere ungeguides", catalogue: "Budget 2023-2026" },
    });
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });

  it("refuses to delete a proposal a budget agreement uses, naming the agreement, and changes nothing", async () => {
    const p = await createProposal(h.db, m, { ...base, schedule: "2.1.2. 11", references: [] }, ANNA);
    const agreement = await h.db
      .insertInto("agreement")
      .values({ municipality_id: m.id, budget_year: 2023, name: "Test af sletning" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("agreement_item")
      .values({
        agreement_id: agreement.id,
        position: 0,
        key: "direktion",
        kind: "proposal",
        label: "Flere ungeguides",
        area: "ADM",
        proposal_id: p.id,
        account_id: null,
        category: "service",
        text: "",
        pattern: null,
        onwards_from: null,
        onwards_amount: null,
      })
      .execute();
    const err = await rejected(deleteProposal(h.db, m, p.id, { version: p.version }, ANNA), Conflict);
    expect(err.message).toBe(
      "Skema 2.1.2. 11 indgår i budgetaftalen »Test af sletning« og kan ikke slettes. Fjern forslaget fra aftalen først.",
    );
    expect(err.extra).toEqual({ agreements: ["Test af sletning"] });
    expect((await getProposal(h.db, m, p.id)).version).toBe(p.version);
    const history = await historyOf(h.db, "proposal", String(p.id));
    expect(history.map((e) => e.action)).not.toContain("delete");
  });
});
