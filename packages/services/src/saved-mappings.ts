/**
 * Saving an import mapping under a name is a change like any other: it is recorded in the audit
 * trail with the specification before and after, in the same transaction as the save.
 */
import { type Actor, canonicalJson, type Municipality, toJsonValue } from "@bevilling/core";
import { appendAudit, type Database, mappingForUpdate, saveMapping } from "@bevilling/db";
import type { Kysely } from "kysely";

/** Saves (or replaces) a named mapping; saving the same specification again changes nothing. */
export async function saveMappingAs(
  db: Kysely<Database>,
  m: Municipality,
  name: string,
  spec: unknown,
  actor: Actor,
  reason?: string,
): Promise<{ id: number; changed: boolean }> {
  const after = toJsonValue(spec);
  return db.transaction().execute(async (trx) => {
    const existing = await mappingForUpdate(trx, m.id, name);
    if (existing && canonicalJson(existing.spec) === canonicalJson(after)) {
      return { id: existing.id, changed: false };
    }
    const id = await saveMapping(trx, m.id, name, after);
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
    return { id, changed: true };
  });
}
