/**
 * Budget agreements as stored: the agreement row, its items with their amounts (DUT and pool
 * years, a DUT's "og fremefter", a proposal's changed amounts), and after an adoption the trace of
 * every figure it changed. Items are written whole: saving an agreement replaces all its items.
 * The conversion to the core model (and back) is the service's; here are only rows.
 */
import type { NodeKind, OrgNode, ProposalStatus, SpendingCategory } from "@bevilling/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { AgreementAdoptedMode, AgreementItemKindColumn, AgreementStatus, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredAgreement {
  id: number;
  municipalityId: number;
  budgetYear: number;
  name: string;
  status: AgreementStatus;
  adoptedAt: Date | null;
  adoptedMode: AgreementAdoptedMode | null;
  version: number;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An item as stored, in øre; which fields apply depends on the kind. */
export interface StoredAgreementItem {
  key: string;
  kind: AgreementItemKindColumn;
  label: string;
  /** Org node code. */
  area: string;
  accountId: number | null;
  category: SpendingCategory;
  text: string;
  /** Adjustments: the phrase as written. */
  pattern: string | null;
  proposalId: number | null;
  /** DUT and pool: the amount per named year, ascending. */
  amounts: { year: number; amount: bigint }[];
  /** DUT: from this year on, this amount. */
  onwards: { fromYear: number; amount: bigint } | null;
  /** Proposals: adopted amounts replacing the proposal's own, by 0-based line and year. */
  overrides: { line: number; year: number; amount: bigint }[];
}

function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}

function summaryQuery(db: Db) {
  return db
    .selectFrom("agreement as a")
    .select((eb) => [
      "a.id",
      "a.municipality_id",
      "a.budget_year",
      "a.name",
      "a.status",
      "a.adopted_at",
      "a.adopted_mode",
      "a.version",
      "a.created_at",
      "a.updated_at",
      eb
        .selectFrom("agreement_item as i")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("i.agreement_id", "=", "a.id")
        .as("item_count"),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>["execute"]>>[number];

function toStored(r: SummaryRow): StoredAgreement {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    budgetYear: r.budget_year,
    name: r.name,
    status: r.status,
    adoptedAt: r.adopted_at === null ? null : toDate(r.adopted_at),
    adoptedMode: r.adopted_mode,
    version: r.version,
    itemCount: Number(r.item_count ?? 0),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

/** A municipality's agreements, newest budget year first, then by name. */
export async function listAgreements(
  db: Db,
  municipalityId: number,
  budgetYear?: number,
): Promise<StoredAgreement[]> {
  let q = summaryQuery(db).where("a.municipality_id", "=", municipalityId);
  if (budgetYear !== undefined) q = q.where("a.budget_year", "=", budgetYear);
  const rows = await q.orderBy("a.budget_year", "desc").orderBy("a.name").orderBy("a.id").execute();
  return rows.map(toStored);
}

/** One agreement of the municipality; with forUpdate, its row is locked until the transaction ends. */
export async function findAgreement(
  db: Db,
  municipalityId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<StoredAgreement | undefined> {
  if (opts.forUpdate) {
    // FOR UPDATE cannot be combined with the count's subquery in every engine; lock first.
    const locked = await db
      .selectFrom("agreement")
      .select("id")
      .where("id", "=", id)
      .where("municipality_id", "=", municipalityId)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) return undefined;
  }
  const r = await summaryQuery(db)
    .where("a.municipality_id", "=", municipalityId)
    .where("a.id", "=", id)
    .executeTakeFirst();
  return r ? toStored(r) : undefined;
}

/** The adopted agreement of a municipality and budget year, if there is one. */
export async function findAdoptedAgreementRow(
  db: Db,
  municipalityId: number,
  budgetYear: number,
): Promise<StoredAgreement | undefined> {
  const r = await summaryQuery(db)
    .where("a.municipality_id", "=", municipalityId)
    .where("a.budget_year", "=", budgetYear)
    .where("a.status", "=", "adopted")
    .executeTakeFirst();
  return r ? toStored(r) : undefined;
}

/** An agreement's items in their order. */
export async function loadAgreementItems(db: Db, agreementId: number): Promise<StoredAgreementItem[]> {
  const items = await db
    .selectFrom("agreement_item")
    .selectAll()
    .where("agreement_id", "=", agreementId)
    .orderBy("position")
    .execute();
  if (items.length === 0) return [];
  const amounts = await db
    .selectFrom("agreement_item_amount")
    .selectAll()
    .where(
      "item_id",
      "in",
      items.map((i) => i.id),
    )
    .orderBy("item_id")
    .orderBy("line")
    .orderBy("year")
    .execute();
  const byItem = new Map<number, typeof amounts>();
  for (const a of amounts) {
    const list = byItem.get(a.item_id) ?? [];
    list.push(a);
    byItem.set(a.item_id, list);
  }
  return items.map((i) => {
    const own = byItem.get(i.id) ?? [];
    return {
      key: i.key,
      kind: i.kind,
      label: i.label,
      area: i.area,
      accountId: i.account_id,
      category: i.category,
      text: i.text,
      pattern: i.pattern,
      proposalId: i.proposal_id,
      amounts: own.filter((a) => a.line === null).map((a) => ({ year: a.year, amount: a.amount })),
      onwards:
        i.onwards_from !== null && i.onwards_amount !== null
          ? { fromYear: i.onwards_from, amount: i.onwards_amount }
          : null,
      overrides: own
        .filter((a) => a.line !== null)
        .map((a) => ({ line: a.line as number, year: a.year, amount: a.amount })),
    };
  });
}

export async function insertAgreement(
  trx: Transaction<Database>,
  row: { municipalityId: number; budgetYear: number; name: string },
): Promise<number> {
  const r = await trx
    .insertInto("agreement")
    .values({
      municipality_id: row.municipalityId,
      budget_year: row.budgetYear,
      name: row.name,
      adopted_at: null,
      adopted_mode: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Replaces every item of the agreement (keys must be unique, amounts unique per line and year). */
export async function replaceAgreementItems(
  trx: Transaction<Database>,
  agreementId: number,
  items: readonly StoredAgreementItem[],
): Promise<void> {
  await trx.deleteFrom("agreement_item").where("agreement_id", "=", agreementId).execute();
  if (items.length === 0) return;
  const inserted = await trx
    .insertInto("agreement_item")
    .values(
      items.map((i, position) => ({
        agreement_id: agreementId,
        position,
        key: i.key,
        kind: i.kind,
        label: i.label,
        area: i.area,
        account_id: i.accountId,
        category: i.category,
        text: i.text,
        pattern: i.pattern,
        proposal_id: i.proposalId,
        onwards_from: i.onwards?.fromYear ?? null,
        onwards_amount: i.onwards?.amount ?? null,
      })),
    )
    .returning(["id", "key"])
    .execute();
  const ids = new Map(inserted.map((r) => [r.key, r.id]));
  const amounts = items.flatMap((i) => {
    const itemId = ids.get(i.key) as number;
    return [
      ...i.amounts.map((a) => ({ item_id: itemId, line: null, year: a.year, amount: a.amount })),
      ...i.overrides.map((o) => ({ item_id: itemId, line: o.line, year: o.year, amount: o.amount })),
    ];
  });
  for (let k = 0; k < amounts.length; k += 5000) {
    await trx
      .insertInto("agreement_item_amount")
      .values(amounts.slice(k, k + 5000))
      .execute();
  }
}

/** Renames the agreement and raises its version; returns the new version. */
export async function touchAgreement(
  trx: Transaction<Database>,
  id: number,
  change: { name?: string } = {},
): Promise<number> {
  const r = await trx
    .updateTable("agreement")
    .set((eb) => ({
      ...(change.name !== undefined ? { name: change.name } : {}),
      version: eb("version", "+", 1),
      updated_at: new Date(),
    }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  return r.version;
}

/** Marks the agreement adopted (the partial unique index refuses a second one for the year). */
export async function markAgreementAdopted(
  trx: Transaction<Database>,
  id: number,
  mode: AgreementAdoptedMode,
): Promise<void> {
  await trx
    .updateTable("agreement")
    .set((eb) => ({
      status: "adopted",
      adopted_mode: mode,
      adopted_at: new Date(),
      version: eb("version", "+", 1),
      updated_at: new Date(),
    }))
    .where("id", "=", id)
    .execute();
}

export async function deleteAgreementRow(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.deleteFrom("agreement").where("id", "=", id).execute();
}

/** The figures an agreement may land on, with node code and name (the base budget and more). */
export interface BaseFigureRow {
  nodeId: number;
  code: string;
  name: string;
  accountId: number | null;
  year: number;
  kind: "budget" | "estimate";
  amount: bigint;
  priceYear: number;
}

/**
 * The base budget of budget year B: kind `budget` in B and kind `estimate` in B+1 … B+3, every
 * figure of the municipality (any node, with or without account).
 */
export async function loadBaseBudget(
  db: Db,
  municipalityId: number,
  budgetYear: number,
): Promise<BaseFigureRow[]> {
  const rows = await db
    .selectFrom("amount as a")
    .innerJoin("org_node as n", "n.id", "a.node_id")
    .select(["a.node_id", "n.code", "n.name", "a.account_id", "a.year", "a.kind", "a.amount", "a.price_year"])
    .where("a.municipality_id", "=", municipalityId)
    .where((eb) =>
      eb.or([
        eb.and([eb("a.kind", "=", "budget"), eb("a.year", "=", budgetYear)]),
        eb.and([
          eb("a.kind", "=", "estimate"),
          eb("a.year", ">=", budgetYear + 1),
          eb("a.year", "<=", budgetYear + 3),
        ]),
      ]),
    )
    .orderBy("n.code")
    .orderBy("a.account_id")
    .orderBy("a.year")
    .execute();
  return rows.map((r) => ({
    nodeId: r.node_id,
    code: r.code,
    name: r.name,
    accountId: r.account_id,
    year: r.year,
    kind: r.kind as "budget" | "estimate",
    amount: r.amount,
    priceYear: r.price_year,
  }));
}

/** Per (node, account) of one year: the original, the corrected figure and the appropriations' sum. */
export interface CorrectedBasis {
  nodeId: number;
  accountId: number | null;
  original: { amount: bigint; priceYear: number } | null;
  corrected: bigint | null;
  appropriations: bigint;
}

/**
 * The figures of a year whose corrected budget is kept (those with appropriations or a stored
 * corrected figure), with what it is computed from.
 */
export async function correctedBasis(
  db: Db,
  municipalityId: number,
  year: number,
): Promise<CorrectedBasis[]> {
  const r = await sql<{
    node_id: number;
    account_id: number | null;
    original: bigint | null;
    original_price_year: number | null;
    corrected: bigint | null;
    appropriations: string;
  }>`
    with keys as (
      select node_id, account_id from appropriation where municipality_id = ${municipalityId} and year = ${year}
      union
      select node_id, account_id from amount
      where municipality_id = ${municipalityId} and year = ${year} and kind = 'corrected'
    )
    select k.node_id, k.account_id, o.amount as original, o.price_year as original_price_year,
           c.amount as corrected,
           (select coalesce(sum(p.amount), 0) from appropriation p
             where p.node_id = k.node_id and p.account_id is not distinct from k.account_id
               and p.year = ${year})::text as appropriations
    from keys k
    left join amount o on o.node_id = k.node_id and o.account_id is not distinct from k.account_id
      and o.year = ${year} and o.kind = 'original'
    left join amount c on c.node_id = k.node_id and c.account_id is not distinct from k.account_id
      and c.year = ${year} and c.kind = 'corrected'`.execute(db);
  return r.rows.map((x) => ({
    nodeId: x.node_id,
    accountId: x.account_id,
    original:
      x.original === null ? null : { amount: BigInt(x.original), priceYear: x.original_price_year as number },
    corrected: x.corrected === null ? null : BigInt(x.corrected),
    appropriations: BigInt(x.appropriations),
  }));
}

/** One changed figure of an adoption and the contributions that changed it. */
export interface AdoptionTraceFigure {
  nodeId: number;
  accountId: number | null;
  year: number;
  kind: "budget" | "estimate";
  base: bigint;
  adopted: bigint;
  changes: { key: string; label: string; kind: AgreementItemKindColumn; amount: bigint }[];
}

export async function insertAdoptionTrace(
  trx: Transaction<Database>,
  agreementId: number,
  figures: readonly AdoptionTraceFigure[],
): Promise<void> {
  const BATCH = 2000;
  for (let k = 0; k < figures.length; k += BATCH) {
    const batch = figures.slice(k, k + BATCH);
    const ids = await trx
      .insertInto("agreement_adopted_figure")
      .values(
        batch.map((f) => ({
          agreement_id: agreementId,
          node_id: f.nodeId,
          account_id: f.accountId,
          year: f.year,
          kind: f.kind,
          base: f.base,
          adopted: f.adopted,
        })),
      )
      .returning(["id", "node_id", "account_id", "year"])
      .execute();
    // Matched by figure, not by position: RETURNING's order is not promised.
    const idOf = new Map(ids.map((r) => [`${r.node_id}:${r.account_id ?? ""}:${r.year}`, r.id]));
    const changes = batch.flatMap((f) => {
      const figureId = idOf.get(`${f.nodeId}:${f.accountId ?? ""}:${f.year}`) as number;
      return f.changes.map((c, position) => ({
        figure_id: figureId,
        position,
        item_key: c.key,
        label: c.label,
        kind: c.kind,
        amount: c.amount,
      }));
    });
    for (let j = 0; j < changes.length; j += 5000) {
      await trx
        .insertInto("agreement_adopted_change")
        .values(changes.slice(j, j + 5000))
        .execute();
    }
  }
}

/** The adoption trace of an agreement, by node code, account and year. */
export async function loadAdoptionTrace(
  db: Db,
  agreementId: number,
): Promise<(AdoptionTraceFigure & { code: string; name: string })[]> {
  const figures = await db
    .selectFrom("agreement_adopted_figure as f")
    .innerJoin("org_node as n", "n.id", "f.node_id")
    .select([
      "f.id",
      "f.node_id",
      "n.code",
      "n.name",
      "f.account_id",
      "f.year",
      "f.kind",
      "f.base",
      "f.adopted",
    ])
    .where("f.agreement_id", "=", agreementId)
    .orderBy("n.code")
    .orderBy("f.account_id")
    .orderBy("f.year")
    .execute();
  if (figures.length === 0) return [];
  const changes = await db
    .selectFrom("agreement_adopted_change as c")
    .innerJoin("agreement_adopted_figure as f", "f.id", "c.figure_id")
    .select(["c.figure_id", "c.item_key", "c.label", "c.kind", "c.amount"])
    .where("f.agreement_id", "=", agreementId)
    .orderBy("c.figure_id")
    .orderBy("c.position")
    .execute();
  const byFigure = new Map<number, AdoptionTraceFigure["changes"]>();
  for (const c of changes) {
    const list = byFigure.get(c.figure_id) ?? [];
    list.push({ key: c.item_key, label: c.label, kind: c.kind, amount: c.amount });
    byFigure.set(c.figure_id, list);
  }
  return figures.map((f) => ({
    nodeId: f.node_id,
    code: f.code,
    name: f.name,
    accountId: f.account_id,
    year: f.year,
    kind: f.kind,
    base: f.base,
    adopted: f.adopted,
    changes: byFigure.get(f.id) ?? [],
  }));
}

/** Sets a proposal's status and raises its version; returns the status before (undefined: none). */
export async function setProposalStatus(
  trx: Transaction<Database>,
  proposalId: number,
  status: ProposalStatus,
): Promise<ProposalStatus | undefined> {
  const before = await trx
    .selectFrom("proposal")
    .select("status")
    .where("id", "=", proposalId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  if (before.status !== status) {
    await trx
      .updateTable("proposal")
      .set((eb) => ({ status, version: eb("version", "+", 1), updated_at: new Date() }))
      .where("id", "=", proposalId)
      .execute();
  }
  return before.status;
}

/**
 * The municipality's organisation as one JSON row: the editor's preview reads the whole tree on
 * every call, and one row is several times faster than a row per node on PGlite.
 */
export async function loadOrgCompact(db: Db, municipalityId: number): Promise<OrgNode[]> {
  const r = await sql<{ nodes: string | null }>`
    select json_agg(json_build_array(id, parent_id, kind, code, name, valid_from, valid_to, sort_order)
                    order by sort_order, code)::text as nodes
    from org_node where municipality_id = ${municipalityId}`.execute(db);
  const rows = JSON.parse(r.rows[0]?.nodes ?? "[]") as [
    number,
    number | null,
    NodeKind,
    string,
    string,
    number,
    number | null,
    number,
  ][];
  return rows.map(([id, parentId, kind, code, name, validFrom, validTo, sortOrder]) => ({
    id,
    parentId,
    kind,
    code,
    name,
    validFrom,
    validTo,
    sortOrder,
  }));
}

/** What an agreement needs of a proposal: its identity, status and lines (øre per year). */
export interface AgreementProposal {
  id: number;
  schedule: string;
  title: string;
  status: ProposalStatus;
  lines: { name: string; amounts: Map<number, bigint> }[];
}

/** The municipality's proposals among `ids`, with their lines, as one JSON row (see loadOrgCompact). */
export async function loadAgreementProposals(
  db: Db,
  municipalityId: number,
  ids: readonly number[],
): Promise<Map<number, AgreementProposal>> {
  const out = new Map<number, AgreementProposal>();
  if (ids.length === 0) return out;
  const r = await sql<{ proposals: string | null }>`
    select json_agg(json_build_array(p.id, p.schedule, p.title, p.status,
      (select json_agg(json_build_array(l.name,
         (select json_agg(json_build_array(a.year, a.amount::text) order by a.year)
          from proposal_amount a where a.proposal_id = l.proposal_id and a.position = l.position))
        order by l.position)
       from proposal_line l where l.proposal_id = p.id)))::text as proposals
    from proposal p where p.municipality_id = ${municipalityId} and p.id = any(${[...ids]}::int[])`.execute(
    db,
  );
  const rows = JSON.parse(r.rows[0]?.proposals ?? "[]") as [
    number,
    string,
    string,
    ProposalStatus,
    [string, [number, string][] | null][] | null,
  ][];
  for (const [id, schedule, title, status, lines] of rows) {
    out.set(id, {
      id,
      schedule,
      title,
      status,
      lines: (lines ?? []).map(([name, amounts]) => ({
        name,
        amounts: new Map((amounts ?? []).map(([year, amount]) => [year, BigInt(amount)])),
      })),
    });
  }
  return out;
}

/** The agreements with an item that is this proposal, by name, with their status. */
export async function agreementsUsingProposal(
  db: Db,
  proposalId: number,
): Promise<{ name: string; status: AgreementStatus }[]> {
  return db
    .selectFrom("agreement_item as i")
    .innerJoin("agreement as a", "a.id", "i.agreement_id")
    .select(["a.name", "a.status"])
    .distinct()
    .where("i.proposal_id", "=", proposalId)
    .orderBy("a.name")
    .execute();
}

/** Which of these accounts belong to the municipality. */
export async function municipalityAccountIds(
  db: Db,
  municipalityId: number,
  accountIds: readonly number[],
): Promise<Set<number>> {
  if (accountIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("account")
    .select("id")
    .where("municipality_id", "=", municipalityId)
    .where("id", "in", [...accountIds])
    .execute();
  return new Set(rows.map((r) => r.id));
}
