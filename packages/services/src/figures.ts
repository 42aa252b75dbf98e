/**
 * Editing one budget figure by hand: a unit's budget or estimate for an account and a year.
 * Actuals come from the ledger, the original budget from adoption and the corrected budget from
 * appropriations, so only budget and estimate figures are edited here.
 *
 * The edit names the version it was based on. If someone changed the figure since, the edit is
 * refused with the figure as it is now (Conflict → 409); nothing is overwritten unseen. The
 * change is written with its audit record, its amount_history row (covered by changesSha256)
 * and the subtree totals above the unit, in one transaction under the municipality's write lock.
 */
import { type Actor, type AmountKind, formatKroner, toJsonValue } from "@bevilling/core";
import {
  amountChangesSha256,
  amountHistory,
  appendAudit,
  applyAmounts,
  type Database,
  type FigureRow,
  figureForUpdate,
  findMunicipality,
  getNode,
  insertAmountHistory,
  listNodeFigures,
  lockMunicipalityWrites,
  refreshTotalsAbove,
} from "@bevilling/db";
import type { Kysely } from "kysely";
import { z } from "zod";
import { BadRequest, Conflict, NotFound } from "./errors.ts";

export const EDITABLE_KINDS = ["budget", "estimate"] as const;

export const figureEditSchema = z.object({
  accountId: z.number().int().positive().nullable(),
  year: z.number().int().min(1990).max(2110),
  kind: z.enum(EDITABLE_KINDS, { error: 'skal være "budget" eller "estimate"' }),
  amount: z.string().regex(/^-?\d{1,17}$/, "skal være et helt antal øre, fx 125000 for 1.250 kr."),
  version: z.number().int().positive().nullable(),
  reason: z.string().trim().min(1, "skriv en begrundelse").max(500, "højst 500 tegn"),
});

export type FigureEdit = z.output<typeof figureEditSchema>;

export interface FigureView {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
  kind: AmountKind;
  year: number;
  amount: bigint;
  priceYear: number;
  version: number;
}

function view(r: FigureRow): FigureView {
  return { ...r };
}

async function requireNode(db: Kysely<Database>, nodeId: number) {
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  return node;
}

export async function listFigures(
  db: Kysely<Database>,
  nodeId: number,
  year?: number,
): Promise<FigureView[]> {
  await requireNode(db, nodeId);
  return (await listNodeFigures(db, nodeId, year)).map(view);
}

async function currentFigure(
  db: Kysely<Database>,
  nodeId: number,
  key: { accountId: number | null; year: number; kind: AmountKind },
): Promise<{ current: FigureView | null; changedBy?: string; changedAt?: Date }> {
  const rows = await listNodeFigures(db, nodeId, key.year);
  const row = rows.find((r) => r.accountId === key.accountId && r.kind === key.kind) ?? null;
  const history = await amountHistory(db, { nodeId, ...key });
  const last = history.at(-1);
  return {
    current: row ? view(row) : null,
    ...(last ? { changedBy: last.actor.name, changedAt: last.at } : {}),
  };
}

export async function setFigure(
  db: Kysely<Database>,
  nodeId: number,
  edit: FigureEdit,
  actor: Actor,
): Promise<FigureView> {
  const node = await requireNode(db, nodeId);
  const m = await findMunicipality(db, node.municipalityId);
  if (!m) throw new NotFound(`Enhedens kommune findes ikke`);
  const { firstYear, lastYear } = m.settings;
  if (edit.year < firstYear || edit.year > lastYear) {
    throw new BadRequest(`Året ${edit.year} ligger uden for kommunens år (${firstYear}–${lastYear})`, [
      { field: "body.year", reason: `skal ligge i ${firstYear}–${lastYear}` },
    ]);
  }
  const key = { nodeId, accountId: edit.accountId, year: edit.year, kind: edit.kind };
  const amount = BigInt(edit.amount);
  const result = await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    if (edit.accountId !== null) {
      const acc = await trx
        .selectFrom("account")
        .select("id")
        .where("id", "=", edit.accountId)
        .where("municipality_id", "=", m.id)
        .executeTakeFirst();
      if (!acc) {
        throw new BadRequest(`Kontoen ${edit.accountId} findes ikke i ${m.name} Kommune`, [
          { field: "body.accountId", reason: "ukendt konto i kommunen" },
        ]);
      }
    }
    const before = await figureForUpdate(trx, key);
    if ((before?.version ?? null) !== edit.version) return { stale: true as const };
    const priceYear = before?.priceYear ?? m.settings.budgetYear;
    if (before && before.amount === amount) return { stale: false as const };
    const changes = await applyAmounts(trx, m.id, [{ ...key, priceYear, amount }]);
    const record = await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "amount",
      entityId: `${nodeId}:${edit.accountId ?? "-"}:${edit.year}:${edit.kind}`,
      action: before ? "update" : "create",
      before: before ? toJsonValue({ amount: before.amount, priceYear: before.priceYear }) : null,
      after: toJsonValue({
        nodeId,
        accountId: edit.accountId,
        year: edit.year,
        kind: edit.kind,
        amount,
        priceYear,
        text: formatKroner(amount, { ore: amount % 100n !== 0n }),
        changesSha256: amountChangesSha256(changes),
      }),
      reason: edit.reason,
    });
    await insertAmountHistory(trx, record.id, changes);
    await refreshTotalsAbove(trx, m.id, nodeId, edit.year, edit.kind);
    return { stale: false as const };
  });
  const now = await currentFigure(db, nodeId, key);
  if (result.stale) {
    throw new Conflict(
      now.current
        ? "Tallet er ændret af en anden, efter du hentede det"
        : "Tallet findes ikke længere, eller det er oprettet af en anden",
      now.current,
      { changedBy: now.changedBy, changedAt: now.changedAt },
    );
  }
  if (!now.current) throw new NotFound("Tallet findes ikke");
  return now.current;
}
