/**
 * The corrected budget (korrigeret budget): the original budget plus the supplementary
 * appropriations (tillægsbevillinger) and the carry-overs from the previous year (overførsler).
 * Each appropriation is dated with the council's decision, reasoned, and recorded in the audit
 * trail together with the corrected figure it changes.
 *
 * Rules:
 * - The corrected figure of (node, account, year) is always recomputed, never adjusted:
 *   corrected = original + Σ appropriations of that figure (Σ alone when there is no original).
 *   It is stored as an amount row of kind 'corrected' at the original's price year (or the
 *   year's own prices when there is no original).
 * - A carry-over into year Y moves year Y−1's underspend on the same figure:
 *   underspend = corrected(Y−1) − actual(Y−1), with the original budget standing in when Y−1 has
 *   no corrected figure. Both a budget and an actual for Y−1 are required.
 * - The setting "may carry over" belongs to the area: the node itself when it is an area,
 *   otherwise its nearest ancestor of kind 'area'. Nodes above the areas cannot carry over.
 * - All carry-overs into the figure together, this one included, must lie between 0 and the
 *   underspend: at most the underspend when there is one, and when Y−1 was overspent, a negative
 *   carry-over (a deduction) of at most the overspend. The same area setting governs both.
 * - An appropriation of 0 kr. is refused: it changes nothing and would only clutter the trail.
 */
import { type Actor, formatKroner, type Municipality, toJsonValue } from "@bevilling/core";
import {
  type AppropriationKind,
  type AreaSetting,
  amountChangesSha256,
  appendAudit,
  applyAmounts,
  type Database,
  figureForUpdate,
  findAppropriations,
  getNode,
  governingArea,
  insertAmountHistory,
  insertAppropriation,
  listNodeFigures,
  lockMunicipalityWrites,
  refreshTotalsAbove,
  type StoredAppropriation,
  sumAppropriations,
  updateCarryOverAllowed,
} from "@bevilling/db";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { BadRequest, NotFound } from "./errors.ts";

export const APPROPRIATION_KINDS = [
  "supplementary",
  "carry_over",
] as const satisfies readonly AppropriationKind[];

export const APPROPRIATION_KIND_LABEL: Record<AppropriationKind, string> = {
  supplementary: "Tillægsbevilling",
  carry_over: "Overførsel",
};

/** A real calendar date written as YYYY-MM-DD. */
function isIsoDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const appropriationSchema = z.object({
  nodeId: z.number().int().positive(),
  accountId: z.number().int().positive().nullable(),
  year: z.number().int().min(1990).max(2110),
  kind: z.enum(APPROPRIATION_KINDS, { error: 'skal være "supplementary" eller "carry_over"' }),
  amount: z.string().regex(/^-?\d{1,17}$/, "skal være et helt antal øre, fx 125000 for 1.250 kr."),
  decidedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "skal være en dato som 2024-03-21")
    .refine(isIsoDate, "datoen findes ikke i kalenderen"),
  reason: z.string().trim().min(1, "skriv en begrundelse").max(500, "højst 500 tegn"),
});

export type AppropriationInput = z.input<typeof appropriationSchema>;

export interface AppropriationResult {
  appropriation: StoredAppropriation;
  /** The figure's corrected budget after the appropriation. */
  corrected: bigint;
}

const kr = (ore: bigint) => formatKroner(ore, { ore: ore % 100n !== 0n });

function parseInput(input: AppropriationInput) {
  const r = appropriationSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), reason: i.message }));
    throw new BadRequest(
      `Bevillingen er ikke udfyldt korrekt: ${issues.map((i) => i.reason).join("; ")}`,
      issues,
    );
  }
  return r.data;
}

/**
 * Checks a carry-over against the area setting and the previous year's underspend; throws
 * BadRequest naming the figures when it is not allowed.
 */
async function checkCarryOver(
  trx: Transaction<Database>,
  key: { nodeId: number; accountId: number | null; year: number },
  amount: bigint,
): Promise<void> {
  const area = await governingArea(trx, key.nodeId);
  if (!area) {
    throw new BadRequest("Enheden ligger ikke under et bevillingsområde, så der kan ikke overføres til den", [
      {
        field: "body.nodeId",
        reason: "overførsler bogføres på et bevillingsområde eller en enhed under det",
      },
    ]);
  }
  if (!area.carryOverAllowed) {
    throw new BadRequest(
      `Bevillingsområdet ${area.code} ${area.name} må ikke overføre uforbrugte midler mellem årene`,
      [{ field: "body.kind", reason: "bevillingsområdet har ikke adgang til overførsel" }],
    );
  }
  const prev = key.year - 1;
  const prevKey = { nodeId: key.nodeId, accountId: key.accountId, year: prev };
  const budget =
    (await figureForUpdate(trx, { ...prevKey, kind: "corrected" })) ??
    (await figureForUpdate(trx, { ...prevKey, kind: "original" }));
  if (!budget) {
    throw new BadRequest(`Der er intet budget for ${prev} at overføre fra`, [
      { field: "body.year", reason: `intet korrigeret eller oprindeligt budget for ${prev}` },
    ]);
  }
  const actual = await figureForUpdate(trx, { ...prevKey, kind: "actual" });
  if (!actual) {
    throw new BadRequest(`Der er intet regnskab for ${prev}, så mindreforbruget kendes ikke`, [
      { field: "body.year", reason: `intet regnskab for ${prev}` },
    ]);
  }
  const underspend = budget.amount - actual.amount;
  const already = await sumAppropriations(trx, key, "carry_over");
  const total = already + amount;
  const ok = underspend >= 0n ? total >= 0n && total <= underspend : total <= 0n && total >= underspend;
  if (ok) return;
  const basis = `budget ${kr(budget.amount)} − regnskab ${kr(actual.amount)}`;
  const earlier = already !== 0n ? `, og der er allerede overført ${kr(already)}` : "";
  const message =
    underspend >= 0n
      ? `Overførslen på ${kr(amount)} er større end mindreforbruget i ${prev} på ${kr(underspend)} (${basis})${earlier}`
      : `Overførslen på ${kr(amount)} passer ikke med merforbruget i ${prev} på ${kr(-underspend)} (${basis}): der kan kun overføres et fradrag på højst ${kr(-underspend)}${earlier}`;
  throw new BadRequest(message, [{ field: "body.amount", reason: message }]);
}

/**
 * Registers a supplementary appropriation or a carry-over and recomputes the figure's corrected
 * budget, with audit record, amount_history and totals, in one transaction under the
 * municipality's write lock.
 */
export async function addAppropriation(
  db: Kysely<Database>,
  m: Municipality,
  input: AppropriationInput,
  actor: Actor,
): Promise<AppropriationResult> {
  const a = parseInput(input);
  const amount = BigInt(a.amount);
  if (amount === 0n) {
    throw new BadRequest("En bevilling på 0 kr. ændrer ingenting", [
      { field: "body.amount", reason: "må ikke være 0" },
    ]);
  }
  const node = await getNode(db, a.nodeId);
  if (!node || node.municipalityId !== m.id) {
    throw new BadRequest(`Enheden ${a.nodeId} findes ikke i ${m.name} Kommune`, [
      { field: "body.nodeId", reason: "ukendt enhed i kommunen" },
    ]);
  }
  const { firstYear, lastYear } = m.settings;
  if (a.year < firstYear || a.year > lastYear) {
    throw new BadRequest(`Året ${a.year} ligger uden for kommunens år (${firstYear}–${lastYear})`, [
      { field: "body.year", reason: `skal ligge i ${firstYear}–${lastYear}` },
    ]);
  }
  const key = { nodeId: a.nodeId, accountId: a.accountId, year: a.year };
  return db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, m.id);
    if (a.accountId !== null) {
      const acc = await trx
        .selectFrom("account")
        .select("id")
        .where("id", "=", a.accountId)
        .where("municipality_id", "=", m.id)
        .executeTakeFirst();
      if (!acc) {
        throw new BadRequest(`Kontoen ${a.accountId} findes ikke i ${m.name} Kommune`, [
          { field: "body.accountId", reason: "ukendt konto i kommunen" },
        ]);
      }
    }
    if (a.kind === "carry_over") await checkCarryOver(trx, key, amount);

    const appropriation = await insertAppropriation(trx, {
      municipalityId: m.id,
      ...key,
      kind: a.kind,
      amount,
      decidedOn: a.decidedOn,
      reason: a.reason,
    });
    const original = await figureForUpdate(trx, { ...key, kind: "original" });
    const before = await figureForUpdate(trx, { ...key, kind: "corrected" });
    const sum = await sumAppropriations(trx, key);
    const corrected = (original?.amount ?? 0n) + sum;
    const priceYear = original?.priceYear ?? a.year;
    const changes = await applyAmounts(trx, m.id, [
      { ...key, kind: "corrected", priceYear, amount: corrected },
    ]);
    const record = await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "appropriation",
      entityId: appropriation.id,
      action: "create",
      before: before ? toJsonValue({ corrected: before.amount, priceYear: before.priceYear }) : null,
      after: toJsonValue({
        nodeId: a.nodeId,
        accountId: a.accountId,
        year: a.year,
        kind: a.kind,
        amount,
        decidedOn: a.decidedOn,
        original: original?.amount ?? null,
        corrected,
        priceYear,
        text: `${APPROPRIATION_KIND_LABEL[a.kind]} på ${kr(amount)}; korrigeret budget ${kr(corrected)}`,
        changesSha256: amountChangesSha256(changes),
      }),
      reason: a.reason,
    });
    await insertAmountHistory(trx, record.id, changes);
    await refreshTotalsAbove(trx, m.id, a.nodeId, a.year, "corrected");
    return { appropriation, corrected };
  });
}

export interface AppropriationFilter {
  nodeId?: number | undefined;
  accountId?: number | null | undefined;
  year?: number | undefined;
  kind?: AppropriationKind | undefined;
}

/** A municipality's appropriations, in decision order. */
export async function listAppropriations(
  db: Kysely<Database>,
  m: Municipality,
  filter: AppropriationFilter = {},
): Promise<StoredAppropriation[]> {
  return findAppropriations(db, { municipalityId: m.id, ...filter });
}

export interface CorrectedFigure {
  accountId: number | null;
  accountCode: string | null;
  accountName: string | null;
  original: bigint | null;
  supplementary: bigint;
  carryOver: bigint;
  /** original + supplementary + carryOver. */
  corrected: bigint;
  /** The stored 'corrected' amount row, when there is one. */
  stored: bigint | null;
}

/** The corrected budget of a node's own figures (not its subtree's) for one year, by account. */
export async function correctedBudget(
  db: Kysely<Database>,
  nodeId: number,
  year: number,
): Promise<CorrectedFigure[]> {
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  const figures = await listNodeFigures(db, nodeId, year);
  const appropriations = await findAppropriations(db, { municipalityId: node.municipalityId, nodeId, year });
  const byAccount = new Map<number | null, CorrectedFigure>();
  const entry = (accountId: number | null): CorrectedFigure => {
    let e = byAccount.get(accountId);
    if (!e) {
      e = {
        accountId,
        accountCode: null,
        accountName: null,
        original: null,
        supplementary: 0n,
        carryOver: 0n,
        corrected: 0n,
        stored: null,
      };
      byAccount.set(accountId, e);
    }
    return e;
  };
  for (const f of figures) {
    if (f.kind !== "original" && f.kind !== "corrected") continue;
    const e = entry(f.accountId);
    e.accountCode = f.accountCode;
    e.accountName = f.accountName;
    if (f.kind === "original") e.original = f.amount;
    else e.stored = f.amount;
  }
  for (const a of appropriations) {
    const e = entry(a.accountId);
    if (a.kind === "supplementary") e.supplementary += a.amount;
    else e.carryOver += a.amount;
  }
  for (const e of byAccount.values()) e.corrected = (e.original ?? 0n) + e.supplementary + e.carryOver;
  return [...byAccount.values()].sort((x, y) => (x.accountCode ?? "").localeCompare(y.accountCode ?? ""));
}

export const carryOverSettingSchema = z.object({
  allowed: z.boolean(),
  reason: z.string().trim().min(1, "skriv en begrundelse").max(500, "højst 500 tegn"),
});

export type CarryOverSetting = z.input<typeof carryOverSettingSchema>;

/** Allows or forbids an area to carry an underspend over; audited as entity "org_node". */
export async function setCarryOverAllowed(
  db: Kysely<Database>,
  nodeId: number,
  input: CarryOverSetting,
  actor: Actor,
): Promise<AreaSetting> {
  const r = carryOverSettingSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), reason: i.message }));
    throw new BadRequest(issues.map((i) => i.reason).join("; "), issues);
  }
  const node = await getNode(db, nodeId);
  if (!node) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  if (node.kind !== "area") {
    throw new BadRequest(
      `${node.code} ${node.name} er ikke et bevillingsområde; overførselsadgang sættes på området`,
      [{ field: "nodeId", reason: "skal være et bevillingsområde" }],
    );
  }
  await db.transaction().execute(async (trx) => {
    await lockMunicipalityWrites(trx, node.municipalityId);
    const before = await updateCarryOverAllowed(trx, nodeId, r.data.allowed);
    if (before === undefined) throw new NotFound(`Enheden ${nodeId} findes ikke`);
    if (before === r.data.allowed) return;
    await appendAudit(trx, {
      actor,
      municipalityId: node.municipalityId,
      entityType: "org_node",
      entityId: nodeId,
      action: "update",
      before: { carryOverAllowed: before },
      after: { carryOverAllowed: r.data.allowed },
      reason: r.data.reason,
    });
  });
  const area = await governingArea(db, nodeId);
  if (!area) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  return area;
}

/**
 * The area whose carry-over setting governs a node (the node itself when it is an area), or null
 * for nodes above the areas, which cannot carry over.
 */
export async function carryOverSetting(
  db: Kysely<Database>,
  nodeId: number,
): Promise<{ nodeId: number; area: AreaSetting | null }> {
  if (!(await getNode(db, nodeId))) throw new NotFound(`Enheden ${nodeId} findes ikke`);
  return { nodeId, area: (await governingArea(db, nodeId)) ?? null };
}
