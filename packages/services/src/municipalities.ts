import { defaultSettings, type Municipality, type MunicipalitySettings } from "@bevilling/core";
import { createMunicipality, type Database, findMunicipality, updateSettings } from "@bevilling/db";
import type { Kysely } from "kysely";
import { z } from "zod";
import { BadRequest, NotFound } from "./errors.ts";

export const settingsSchema = z
  .object({
    budgetYear: z.number().int().min(2000).max(2100),
    firstYear: z.number().int().min(1990).max(2100),
    lastYear: z.number().int().min(1990).max(2110),
    defaultPriceYear: z.number().int().min(1990).max(2110),
    signConvention: z.enum(["overspend_negative", "overspend_positive"]),
    priceIndexRule: z.enum(["total", "by_group"]),
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

export async function ensureMunicipality(
  db: Kysely<Database>,
  input: { code: string; name: string; budgetYear: number; settings?: Partial<MunicipalitySettings> },
): Promise<{ municipality: Municipality; created: boolean }> {
  // By code only: a new municipality must not be mistaken for an existing one of the same name.
  const existing = await findMunicipality(db, input.code);
  if (existing && existing.code === input.code) return { municipality: existing, created: false };
  const parsed = createMunicipalitySchema.safeParse(input);
  if (!parsed.success) throw new BadRequest(parsed.error.issues.map((i) => i.message).join("; "));
  const settings = { ...defaultSettings(input.budgetYear), ...input.settings };
  return {
    municipality: await createMunicipality(db, { code: input.code, name: input.name, settings }),
    created: true,
  };
}

/** Changes some settings; the result is validated as a whole (budget year inside the years in play). */
export async function changeSettings(
  db: Kysely<Database>,
  m: Municipality,
  patch: Partial<MunicipalitySettings>,
): Promise<Municipality> {
  const next = settingsSchema.safeParse({ ...m.settings, ...patch });
  if (!next.success) throw new BadRequest(next.error.issues.map((i) => i.message).join("; "));
  await updateSettings(db, m.id, next.data);
  return { ...m, settings: next.data };
}
