import type { Municipality } from "@bevilling/core";
import type { Database } from "@bevilling/db";
import { NotFound, requireMunicipality } from "@bevilling/services";
import type { Kysely } from "kysely";

/**
 * The address names a municipality by code or name first, as people write them; a bare number
 * that is no code falls back to the id. Three digits are always read as a code.
 */
export async function resolveMunicipality(db: Kysely<Database>, m: string): Promise<Municipality> {
  try {
    return await requireMunicipality(db, m);
  } catch (e) {
    if (e instanceof NotFound && /^\d{1,9}$/.test(m)) return requireMunicipality(db, Number(m));
    throw e;
  }
}
