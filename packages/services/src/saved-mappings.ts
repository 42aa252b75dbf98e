/**
 * Saving an import mapping under a name is a change like any other: it is recorded in the audit
 * trail with the specification before and after, in the same transaction as the save.
 */
import { type Actor, canonicalJson, type Municipality, toJsonValue } from "@bevilling/core";
import { appendAudit, type Database, mappingForUpdate, saveMapping } from "@bevilling/db";
import type { Kysely } from "kysely";
import { Conflict } from "./errors.ts";

/**
 * Saves (or replaces) a named mapping; saving the same specification again changes nothing.
 * `expectedVersion`: null means "this is a new name", a number the version the caller edited;
 * either way a mismatch is refused with the current mapping. Undefined skips the check (the CLI
 * replaces a mapping from a file on purpose).
 */
export async function saveMappingAs(
  db: Kysely<Database>,
  m: Municipality,
  name: string,
  spec: unknown,
  actor: Actor,
  reason?: string,
  expectedVersion?: number | null,
): Promise<{ id: number; changed: boolean; version: number }> {
  const after = toJsonValue(spec);
  return db.transaction().execute(async (trx) => {
    const existing = await mappingForUpdate(trx, m.id, name);
    if (expectedVersion !== undefined && (existing?.version ?? null) !== expectedVersion) {
      throw new Conflict(
        existing
          ? `Opsætningen "${name}" er ændret af en anden, efter du hentede den`
          : `Opsætningen "${name}" findes ikke længere`,
        existing ? { name, mapping: existing.spec, version: existing.version } : null,
      );
    }
    if (existing && canonicalJson(existing.spec) === canonicalJson(after)) {
      return { id: existing.id, changed: false, version: existing.version };
    }
    const { id, version } = await saveMapping(trx, m.id, name, after);
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "import_mapping",
      entityId: id,
      action: existing ? "update" : "create",
      before: existing ? { name, spec: existing.spec } : null,
      after: { name, spec: after },
      reason,
    });
    return { id, changed: true, version };
  });
}
