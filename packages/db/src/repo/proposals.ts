/**
 * Proposals as stored: one row per proposal, its lines and their yearly amounts, the totals the
 * source printed (only ever compared against, see core/proposals.ts checks) and its references.
 * A proposal is written whole: its lines, amounts and references are replaced together.
 */
import type { Proposal, ProposalPeriod } from "@bevilling/core";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredProposal {
  id: number;
  municipalityId: number;
  catalogue: string;
  period: ProposalPeriod;
  position: number;
  version: number;
  updatedAt: Date;
  proposal: Proposal;
}

export async function listCatalogues(
  db: Db,
  municipalityId: number,
): Promise<{ catalogue: string; firstYear: number; lastYear: number; count: number }[]> {
  const rows = await db
    .selectFrom("proposal")
    .select((eb) => [
      "catalogue",
      eb.fn.min("first_year").as("first_year"),
      eb.fn.max("last_year").as("last_year"),
      eb.fn.countAll<string | number | bigint>().as("n"),
    ])
    .where("municipality_id", "=", municipalityId)
    .groupBy("catalogue")
    .orderBy("catalogue")
    .execute();
  return rows.map((r) => ({
    catalogue: r.catalogue,
    firstYear: Number(r.first_year),
    lastYear: Number(r.last_year),
    count: Number(r.n),
  }));
}

export async function loadProposals(
  db: Db,
  where: { municipalityId: number; catalogue?: string; id?: number },
  opts: { forUpdate?: boolean } = {},
): Promise<StoredProposal[]> {
  let q = db.selectFrom("proposal").selectAll().where("municipality_id", "=", where.municipalityId);
  if (where.catalogue !== undefined) q = q.where("catalogue", "=", where.catalogue);
  if (where.id !== undefined) q = q.where("id", "=", where.id);
  if (opts.forUpdate) q = q.forUpdate();
  const rows = await q.orderBy("catalogue").orderBy("position").execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // One after the other: inside a transaction they share one connection anyway.
  const lines = await db
    .selectFrom("proposal_line")
    .selectAll()
    .where("proposal_id", "in", ids)
    .orderBy("position")
    .execute();
  const amounts = await db
    .selectFrom("proposal_amount")
    .selectAll()
    .where("proposal_id", "in", ids)
    .orderBy("year")
    .execute();
  const printed = await db
    .selectFrom("proposal_printed_year")
    .selectAll()
    .where("proposal_id", "in", ids)
    .orderBy("year")
    .execute();
  const refs = await db
    .selectFrom("proposal_reference")
    .selectAll()
    .where("proposal_id", "in", ids)
    .orderBy("schedule")
    .execute();
  // Grouped once, so building each proposal reads only its own rows (not every row per proposal).
  const linesOf = groupBy(lines, (l) => l.proposal_id);
  const amountsOf = groupBy(amounts, (a) => `${a.proposal_id}:${a.position}`);
  const printedOf = groupBy(printed, (p) => p.proposal_id);
  const refsOf = groupBy(refs, (x) => x.proposal_id);
  return rows.map((r) => {
    const perYear = new Map((printedOf.get(r.id) ?? []).map((p) => [p.year, p.amount]));
    const proposal: Proposal = {
      schedule: r.schedule,
      ...(r.internal_number !== null ? { internalNumber: r.internal_number } : {}),
      kind: r.kind,
      title: r.title,
      text: r.body,
      committee: r.committee,
      area: r.area,
      status: r.status,
      lines: (linesOf.get(r.id) ?? []).map((l) => ({
        name: l.name,
        amounts: new Map((amountsOf.get(`${r.id}:${l.position}`) ?? []).map((a) => [a.year, a.amount])),
        ...(l.printed_total !== null ? { printedTotal: l.printed_total } : {}),
      })),
      ...(perYear.size > 0 || r.printed_total !== null
        ? { printedTotals: { perYear, ...(r.printed_total !== null ? { total: r.printed_total } : {}) } }
        : {}),
      // In code-point order, not the database's collation, so that it is the same on both engines
      // and the order the services write them in.
      references: (refsOf.get(r.id) ?? [])
        .map((x) => ({ schedule: x.schedule, relation: x.relation }))
        .sort((a, b) => (a.schedule < b.schedule ? -1 : a.schedule > b.schedule ? 1 : 0)),
    };
    return {
      id: r.id,
      municipalityId: r.municipality_id,
      catalogue: r.catalogue,
      period: { firstYear: r.first_year, lastYear: r.last_year },
      position: r.position,
      version: r.version,
      updatedAt: r.updated_at,
      proposal,
    };
  });
}

/** The rows by key, each group in the order the rows came. */
function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = out.get(k);
    if (group) group.push(row);
    else out.set(k, [row]);
  }
  return out;
}

async function writeParts(trx: Transaction<Database>, id: number, p: Proposal): Promise<void> {
  await trx.deleteFrom("proposal_line").where("proposal_id", "=", id).execute();
  await trx.deleteFrom("proposal_printed_year").where("proposal_id", "=", id).execute();
  await trx.deleteFrom("proposal_reference").where("proposal_id", "=", id).execute();
  if (p.lines.length > 0) {
    await trx
      .insertInto("proposal_line")
      .values(
        p.lines.map((l, i) => ({
          proposal_id: id,
          position: i,
          name: l.name,
          printed_total: l.printedTotal ?? null,
        })),
      )
      .execute();
    const amounts = p.lines.flatMap((l, i) =>
      [...l.amounts].map(([year, amount]) => ({ proposal_id: id, position: i, year, amount })),
    );
    if (amounts.length > 0) await trx.insertInto("proposal_amount").values(amounts).execute();
  }
  const printed = [...(p.printedTotals?.perYear ?? new Map<number, bigint>())];
  if (printed.length > 0) {
    await trx
      .insertInto("proposal_printed_year")
      .values(printed.map(([year, amount]) => ({ proposal_id: id, year, amount })))
      .execute();
  }
  if (p.references.length > 0) {
    await trx
      .insertInto("proposal_reference")
      .values(p.references.map((r) => ({ proposal_id: id, schedule: r.schedule, relation: r.relation })))
      .execute();
  }
}

export async function insertProposal(
  trx: Transaction<Database>,
  row: {
    municipalityId: number;
    catalogue: string;
    period: ProposalPeriod;
    position: number;
    proposal: Proposal;
  },
): Promise<number> {
  const p = row.proposal;
  const r = await trx
    .insertInto("proposal")
    .values({
      municipality_id: row.municipalityId,
      catalogue: row.catalogue,
      first_year: row.period.firstYear,
      last_year: row.period.lastYear,
      schedule: p.schedule,
      internal_number: p.internalNumber ?? null,
      kind: p.kind,
      title: p.title,
      body: p.text,
      committee: p.committee,
      area: p.area,
      status: p.status,
      printed_total: p.printedTotals?.total ?? null,
      position: row.position,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeParts(trx, r.id, p);
  return r.id;
}

/** Replaces a proposal's content and raises its version; returns the new version. */
export async function replaceProposal(trx: Transaction<Database>, id: number, p: Proposal): Promise<number> {
  const r = await trx
    .updateTable("proposal")
    .set((eb) => ({
      schedule: p.schedule,
      internal_number: p.internalNumber ?? null,
      kind: p.kind,
      title: p.title,
      body: p.text,
      committee: p.committee,
      area: p.area,
      status: p.status,
      printed_total: p.printedTotals?.total ?? null,
      version: eb("version", "+", 1),
      updated_at: new Date(),
    }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  await writeParts(trx, id, p);
  return r.version;
}

/**
 * Deletes a proposal with its lines, amounts, printed totals and references (they cascade). A
 * budget agreement's item that names the proposal makes the database refuse (foreign key).
 */
export async function deleteProposalRow(trx: Transaction<Database>, id: number): Promise<boolean> {
  const r = await trx.deleteFrom("proposal").where("id", "=", id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
