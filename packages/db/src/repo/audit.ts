/**
 * The audit trail: an append-only hash chain in audit_log plus amount_history, the old and new
 * value of every budget figure an import changed.
 *
 * Every record's hash is SHA-256 over the previous record's hash followed by the canonical JSON
 * of the record (core/src/audit.ts), so editing a record breaks its own hash and deleting one
 * breaks the next record's link. An import's amount_history rows are covered by the SHA-256 of
 * their canonical list, stored in the import's record (after.changesSha256).
 *
 * Writers are serialised by a transaction-level advisory lock: appendAudit takes it, reads the
 * chain's head, and inserts after it; the lock is held until the transaction commits, so the next
 * writer sees this one's records. Record a change by calling appendAudit with the same
 * transaction that makes the change: both are committed, or neither.
 */
import { createHash } from "node:crypto";
import {
  type Actor,
  type AmountChange,
  type AmountKind,
  type AuditRecord,
  auditPayload,
  canonicalAmountChanges,
  canonicalJson,
  GENESIS_HASH,
  type JsonValue,
} from "@bevilling/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** pg_advisory_xact_lock key of the audit chain ("audit" in ASCII). */
export const AUDIT_LOCK_KEY = 0x6175646974n;

/** pg_advisory_xact_lock namespace (first of two int4 keys) for one municipality's imports. */
const MUNICIPALITY_WRITES = 0x62657669; // "bevi"

/**
 * Makes one municipality's imports take turns until the transaction ends: two imports into the
 * same municipality would otherwise read the same old values for the audit trail and race in
 * rebuilding node_total. Imports into different municipalities still run side by side.
 */
export async function lockMunicipalityWrites(
  trx: Transaction<Database>,
  municipalityId: number,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(${MUNICIPALITY_WRITES}::int, ${municipalityId}::int)`.execute(trx);
}

/** The instant as the chain hashes it: UTC with microseconds, exactly what timestamptz holds. */
const AT_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export interface AuditEntry {
  actor: Actor;
  municipalityId: number | null;
  entityType: string;
  entityId: string | number;
  action: string;
  /** Any JSON-able value (bigint becomes a decimal string); omitted or undefined is stored as null. */
  before?: unknown;
  after?: unknown;
  reason?: string | null | undefined;
}

export interface AppendedAudit {
  id: number;
  hash: string;
  at: string;
}

export interface AuditLogEntry {
  id: number;
  at: Date;
  actor: Actor;
  municipalityId: number | null;
  entityType: string;
  entityId: string;
  action: string;
  before: JsonValue | null;
  after: JsonValue | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** SHA-256 (hex) over prevHash followed by the record's canonical JSON. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  return sha256Hex(auditPayload(prevHash, record));
}

/** The value an import's record carries as after.changesSha256. */
export function amountChangesSha256(changes: readonly AmountChange[]): string {
  return sha256Hex(canonicalAmountChanges(changes));
}

function jsonOrNull(v: unknown): JsonValue | null {
  if (v === undefined || v === null) return null;
  return JSON.parse(canonicalJson(v)) as JsonValue;
}

/** Appends one record to the chain inside the caller's transaction. */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<AppendedAudit> {
  const [one] = await appendAudits(trx, [entry]);
  return one as AppendedAudit;
}

/**
 * Appends records in the order given, all with the same instant. Safe under concurrent
 * transactions on PostgreSQL: the advisory lock makes writers take turns, and the unique
 * prev_hash would refuse a fork even if someone bypassed the lock.
 */
export async function appendAudits(
  trx: Transaction<Database>,
  entries: readonly AuditEntry[],
): Promise<AppendedAudit[]> {
  if (entries.length === 0) return [];
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY.toString()}::bigint)`.execute(trx);
  const head = await sql<{ prev: string | null; at: string }>`
    select (select hash from audit_log order by id desc limit 1) as prev,
           to_char(clock_timestamp() at time zone 'UTC', ${sql.raw(AT_FORMAT)}) as at`.execute(trx);
  const at = head.rows[0]?.at as string;
  let prev = head.rows[0]?.prev ?? GENESIS_HASH;
  // Ids are taken under the lock, so id order is chain order.
  const ids = (
    await sql<{ id: bigint | string | number }>`
      select nextval('audit_log_id_seq') as id from generate_series(1, ${entries.length}::int)`.execute(trx)
  ).rows
    .map((r) => Number(r.id))
    .sort((a, b) => a - b);

  const rows = entries.map((e, i) => {
    const record: AuditRecord = {
      at,
      actor: { kind: e.actor.kind, id: e.actor.id ?? null, name: e.actor.name },
      municipalityId: e.municipalityId,
      entityType: e.entityType,
      entityId: String(e.entityId),
      action: e.action,
      before: jsonOrNull(e.before),
      after: jsonOrNull(e.after),
      reason: e.reason ?? null,
    };
    const hash = auditHash(prev, record);
    const row = {
      id: ids[i] as number,
      at,
      actor_kind: record.actor.kind,
      actor_id: record.actor.id,
      actor_name: record.actor.name,
      municipality_id: record.municipalityId,
      entity_type: record.entityType,
      entity_id: record.entityId,
      action: record.action,
      before: record.before === null ? null : canonicalJson(record.before),
      after: record.after === null ? null : canonicalJson(record.after),
      reason: record.reason,
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto("audit_log")
      .values(rows.slice(i, i + 500))
      .execute();
  }
  return rows.map((r) => ({ id: Number(r.id), hash: r.hash, at }));
}

/** Stores an import's amount changes under its audit record (call after appendAudit, same transaction). */
export async function insertAmountHistory(
  trx: Transaction<Database>,
  auditId: number,
  changes: readonly AmountChange[],
): Promise<void> {
  for (let i = 0; i < changes.length; i += 20_000) {
    const b = changes.slice(i, i + 20_000);
    await sql`
      insert into amount_history
        (audit_id, node_id, account_id, year, kind, old_amount, new_amount, old_price_year, new_price_year)
      select ${auditId}::bigint, * from unnest(
        ${b.map((c) => c.nodeId)}::int[], ${b.map((c) => c.accountId)}::int[], ${b.map((c) => c.year)}::int[],
        ${b.map((c) => c.kind)}::text[], ${b.map((c) => c.oldAmount?.toString() ?? null)}::bigint[],
        ${b.map((c) => c.newAmount?.toString() ?? null)}::bigint[], ${b.map((c) => c.oldPriceYear)}::int[],
        ${b.map((c) => c.newPriceYear)}::int[])`.execute(trx);
  }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export type AuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; firstBrokenId: number; reason: string; count: number };

interface RawAuditRow {
  id: bigint | string | number;
  at_text: string;
  at: Date | string;
  actor_kind: Actor["kind"];
  actor_id: string | null;
  actor_name: string;
  municipality_id: number | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

function parseJson(v: unknown): JsonValue | null {
  if (v === null || v === undefined) return null;
  return (typeof v === "string" ? JSON.parse(v) : v) as JsonValue;
}

function recordOf(r: RawAuditRow): AuditRecord {
  return {
    at: r.at_text,
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
    municipalityId: r.municipality_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    action: r.action,
    before: parseJson(r.before),
    after: parseJson(r.after),
    reason: r.reason,
  };
}

function changesShaOf(after: JsonValue | null): string | undefined {
  if (after === null || typeof after !== "object" || Array.isArray(after)) return undefined;
  const v = after.changesSha256;
  return typeof v === "string" ? v : undefined;
}

async function historyRows(db: Db, auditId: number): Promise<AmountChange[]> {
  const rows = await db.selectFrom("amount_history").selectAll().where("audit_id", "=", auditId).execute();
  return rows.map((r) => ({
    nodeId: r.node_id,
    accountId: r.account_id,
    year: r.year,
    kind: r.kind,
    oldAmount: r.old_amount,
    newAmount: r.new_amount,
    oldPriceYear: r.old_price_year,
    newPriceYear: r.new_price_year,
  }));
}

/**
 * Walks the whole chain in id order and recomputes every hash. The first record that fails is
 * reported: a prev_hash that does not name the record before it (a record was deleted, or one
 * was edited and given a new hash), a hash that does not match the content (edited), or amount
 * history that does not match the record's changesSha256 (history edited, added or removed).
 * Deleting records at the very end leaves no trace inside the chain; compare `head` with a
 * value kept elsewhere to catch that.
 */
export async function verifyAudit(db: Db, opts: { pageSize?: number } = {}): Promise<AuditVerification> {
  const pageSize = opts.pageSize ?? 1000;
  let prevHash = GENESIS_HASH;
  let prevId: number | undefined;
  let count = 0;
  const covered = new Set<number>();
  const broken = (id: number, reason: string): AuditVerification => ({
    ok: false,
    firstBrokenId: id,
    reason,
    count,
  });
  for (;;) {
    const page = await sql<RawAuditRow>`
      select id, to_char(at at time zone 'UTC', ${sql.raw(AT_FORMAT)}) as at_text, at, actor_kind, actor_id,
             actor_name, municipality_id, entity_type, entity_id, action, before, after, reason, prev_hash, hash
      from audit_log
      where id > ${prevId ?? 0}
      order by id
      limit ${pageSize}`.execute(db);
    for (const r of page.rows) {
      const id = Number(r.id);
      if (r.prev_hash !== prevHash) {
        return broken(
          id,
          prevId === undefined
            ? "posten er den første, men peger ikke på kædens begyndelse: poster før den er slettet"
            : `posten peger ikke på den foregående post ${prevId}: en post imellem er slettet, eller en post er ændret og har fået ny hash`,
        );
      }
      const record = recordOf(r);
      if (auditHash(r.prev_hash, record) !== r.hash) {
        return broken(id, "indholdet passer ikke med postens hash: posten er ændret");
      }
      const changesSha = changesShaOf(record.after);
      if (changesSha !== undefined) {
        covered.add(id);
        if (amountChangesSha256(await historyRows(db, id)) !== changesSha) {
          return broken(id, "beløbshistorikken (amount_history) passer ikke med posten: den er ændret");
        }
      }
      prevHash = r.hash;
      prevId = id;
      count++;
    }
    if (page.rows.length < pageSize) break;
  }
  const owners = await sql<{ audit_id: bigint | string | number }>`
    select distinct audit_id from amount_history order by audit_id`.execute(db);
  const stray = owners.rows.map((r) => Number(r.audit_id)).find((id) => !covered.has(id));
  if (stray !== undefined) {
    return broken(stray, "der er beløbshistorik (amount_history) knyttet til posten, som posten ikke dækker");
  }
  return { ok: true, count, head: prevHash };
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** A row as the listing queries select it: the verification row without the hashed time text. */
type AuditRow = Omit<RawAuditRow, "at_text" | "at"> & { at: Date };

function toEntry(r: AuditRow): AuditLogEntry {
  return {
    id: Number(r.id),
    at: r.at,
    actor: { kind: r.actor_kind, ...(r.actor_id !== null ? { id: r.actor_id } : {}), name: r.actor_name },
    municipalityId: r.municipality_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    action: r.action,
    before: parseJson(r.before),
    after: parseJson(r.after),
    reason: r.reason,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface AuditQuery {
  municipalityId?: number | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  /** Only records with a smaller id (paging backwards). */
  beforeId?: number | undefined;
  /** Default 100. */
  limit?: number | undefined;
}

/** Audit records, newest first. */
export async function listAudit(db: Db, q: AuditQuery = {}): Promise<AuditLogEntry[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (q.municipalityId !== undefined) query = query.where("municipality_id", "=", q.municipalityId);
  if (q.entityType !== undefined) query = query.where("entity_type", "=", q.entityType);
  if (q.entityId !== undefined) query = query.where("entity_id", "=", q.entityId);
  if (q.beforeId !== undefined) query = query.where("id", "<", BigInt(q.beforeId));
  const rows = await query
    .orderBy("id", "desc")
    .limit(q.limit ?? 100)
    .execute();
  return rows.map(toEntry);
}

/** Every record about one entity, oldest first. */
export async function historyOf(
  db: Db,
  entityType: string,
  entityId: string | number,
): Promise<AuditLogEntry[]> {
  const rows = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", String(entityId))
    .orderBy("id")
    .execute();
  return rows.map(toEntry);
}

export interface FigureKey {
  nodeId: number;
  /** null: the figure booked on the node itself, without an account. */
  accountId: number | null;
  year: number;
  kind: AmountKind;
}

export interface FigureChange {
  auditId: number;
  at: Date;
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  /** The file that changed it, for imports. */
  fileName: string | null;
  reason: string | null;
  oldAmount: bigint | null;
  newAmount: bigint | null;
  oldPriceYear: number | null;
  newPriceYear: number | null;
}

/** The history of one budget figure, oldest change first. */
export async function amountHistory(db: Db, key: FigureKey): Promise<FigureChange[]> {
  let q = db
    .selectFrom("amount_history as h")
    .innerJoin("audit_log as a", "a.id", "h.audit_id")
    .select([
      "h.audit_id",
      "a.at",
      "a.actor_kind",
      "a.actor_id",
      "a.actor_name",
      "a.action",
      "a.entity_type",
      "a.entity_id",
      "a.after",
      "a.reason",
      "h.old_amount",
      "h.new_amount",
      "h.old_price_year",
      "h.new_price_year",
    ])
    .where("h.node_id", "=", key.nodeId)
    .where("h.year", "=", key.year)
    .where("h.kind", "=", key.kind);
  q =
    key.accountId === null
      ? q.where("h.account_id", "is", null)
      : q.where("h.account_id", "=", key.accountId);
  const rows = await q.orderBy("h.audit_id").execute();
  return rows.map((r) => {
    const after = parseJson(r.after);
    const fileName =
      after !== null &&
      typeof after === "object" &&
      !Array.isArray(after) &&
      typeof after.fileName === "string"
        ? after.fileName
        : null;
    return {
      auditId: Number(r.audit_id),
      at: r.at,
      actor: { kind: r.actor_kind, ...(r.actor_id !== null ? { id: r.actor_id } : {}), name: r.actor_name },
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      fileName,
      reason: r.reason,
      oldAmount: r.old_amount,
      newAmount: r.new_amount,
      oldPriceYear: r.old_price_year,
      newPriceYear: r.new_price_year,
    };
  });
}
