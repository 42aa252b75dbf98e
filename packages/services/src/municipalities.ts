import {
  type Actor,
  canonicalJson,
  defaultSettings,
  type Municipality,
  type MunicipalitySettings,
  SYSTEM_ACTOR,
} from "@bevilling/core";
import {
  appendAudit,
  type Database,
  findMunicipality,
  insertMunicipality,
  settingsForUpdate,
  updateSettings,
} from "@bevilling/db";
import type { Kysely } from "kysely";
import { z } from "zod";
import { BadRequest, Conflict, NotFound } from "./errors.ts";

export const settingsSchema = z
  .object({
    budgetYear: z.number().int().min(2000).max(2100),
    firstYear: z.number().int().min(1990).max(2100),
    lastYear: z.number().int().min(1990).max(2110),
    defaultPriceYear: z.number().int().min(1990).max(2110),
    signConvention: z.enum(["overspend_negative", "overspend_positive"]),
    priceIndexRule: z.enum(["total", "by_group"]),
    published: z.boolean().default(false),
  })
  .refine((s) => s.firstYear <= s.budgetYear && s.budgetYear <= s.lastYear, {
    message: "budgetåret skal ligge mellem første og sidste år",
  });

export const createMunicipalitySchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{3}$/, "kommunekoden er tre cifre (fx 340 for Sorø)"),
  name: z.string().trim().min(1, "navnet mangler"),
  budgetYear: z.number().int().min(2000).max(2100),
  settings: settingsSchema.optional(),
});

export async function requireMunicipality(
  db: Kysely<Database>,
  codeOrId: string | number,
): Promise<Municipality> {
  const m = await findMunicipality(db, codeOrId);
  if (!m) throw new NotFound(`Kommunen "${codeOrId}" findes ikke`);
  return m;
}

/** Creates the municipality unless its code exists; a creation is recorded in the audit trail. */
export async function ensureMunicipality(
  db: Kysely<Database>,
  input: { code: string; name: string; budgetYear: number; settings?: Partial<MunicipalitySettings> },
  actor: Actor = SYSTEM_ACTOR,
  reason?: string,
): Promise<{ municipality: Municipality; created: boolean }> {
  // By code only: a new municipality must not be mistaken for an existing one of the same name.
  const existing = await findMunicipality(db, input.code);
  if (existing && existing.code === input.code) return { municipality: existing, created: false };
  const settings = { ...defaultSettings(input.budgetYear), ...input.settings };
  const parsed = createMunicipalitySchema.safeParse({ ...input, settings });
  if (!parsed.success) throw new BadRequest(parsed.error.issues.map((i) => i.message).join("; "));
  const municipality = await db.transaction().execute(async (trx) => {
    const made = await insertMunicipality(trx, { code: input.code, name: input.name, settings });
    const m = made.municipality;
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "municipality",
      entityId: m.id,
      action: "create",
      after: {
        code: m.code,
        name: m.name,
        settings: m.settings,
        rootNodeId: made.rootNodeId,
        priceIndex: made.priceIndex.name,
      },
      reason,
    });
    return m;
  });
  return { municipality, created: true };
}

/**
 * Changes some settings; the result is validated as a whole (budget year inside the years in
 * play). The patch applies to the settings as stored (locked while changing), and the change is
 * recorded in the audit trail with the settings before and after. Setting what is already set
 * changes nothing and records nothing. With `expectedVersion`, a change based on settings that
 * someone else has changed since is refused (Conflict with the current municipality).
 */
export async function changeSettings(
  db: Kysely<Database>,
  m: Municipality,
  patch: Partial<MunicipalitySettings>,
  actor: Actor,
  reason?: string,
  expectedVersion?: number,
): Promise<Municipality> {
  return db.transaction().execute(async (trx) => {
    const stored = await settingsForUpdate(trx, m.id);
    if (!stored) throw new NotFound(`Kommunen "${m.code}" findes ikke`);
    const before = stored.settings;
    const current: Municipality = { ...m, settings: before, version: stored.version };
    if (expectedVersion !== undefined && expectedVersion !== stored.version) {
      throw new Conflict("Indstillingerne er ændret af en anden, efter du hentede dem", current);
    }
    const next = settingsSchema.safeParse({ ...before, ...patch });
    if (!next.success) throw new BadRequest(next.error.issues.map((i) => i.message).join("; "));
    if (canonicalJson(next.data) === canonicalJson(before)) return { ...current, settings: next.data };
    await updateSettings(trx, m.id, next.data);
    await appendAudit(trx, {
      actor,
      municipalityId: m.id,
      entityType: "municipality",
      entityId: m.id,
      action: "settings",
      before,
      after: next.data,
      reason,
    });
    return { ...m, settings: next.data, version: stored.version + 1 };
  });
}
