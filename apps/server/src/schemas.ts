/** Input pieces shared by several routes. Messages are Danish and name the offending value. */
import { z } from "zod";

/** Echoes a user value in a message without letting one absurd value flood the answer. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}

/**
 * Database ids are 32-bit; a longer number would reach PostgreSQL as an out-of-range error and
 * come back as a 500, so it is refused here as the caller's mistake.
 */
export const idSchema = z
  .string()
  .regex(/^\d{1,9}$/, "skal være et positivt heltal")
  .transform(Number)
  .meta({ description: "Enhedens id", examples: ["12"] });

export const nodeParams = z.object({ id: idSchema });

export const municipalityParams = z.object({
  m: z
    .string()
    .trim()
    .min(1)
    .max(100, "er for langt")
    .meta({ description: "Kommunens id, kode (fx 340) eller navn", examples: ["340"] }),
});

export const nameSchema = z.string().trim().min(1, "mangler").max(100, "må højst have 100 tegn");

/**
 * Base64 checked with one character class rather than zod's grouped pattern: a file near the
 * body limit is tens of millions of characters, which a backtracking pattern cannot take.
 */
export const base64Schema = z
  .string()
  .min(1, "filens indhold mangler")
  .refine((s) => /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s), "er ikke gyldig base64")
  .meta({ description: "Filens indhold, base64-kodet", contentEncoding: "base64" });

/** A year written as four digits in a query string. */
export function yearOf(s: string): number | undefined {
  if (!/^\d{4}$/.test(s)) return undefined;
  const y = Number(s);
  return y >= 1900 && y <= 2200 ? y : undefined;
}

/**
 * A comma-separated query value whose words are looked up in a table (English identifiers and
 * Danish words alike); every unknown word is reported.
 */
export function wordList<T extends string>(words: Record<string, T>, explain: string) {
  return z.string().transform((s, ctx) => {
    const parts = s
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    if (parts.length === 0) {
      ctx.addIssue({ code: "custom", message: `er tom; ${explain}` });
      return z.NEVER;
    }
    const out: T[] = [];
    for (const p of parts) {
      const v = Object.hasOwn(words, p.toLowerCase()) ? words[p.toLowerCase()] : undefined;
      if (v === undefined) ctx.addIssue({ code: "custom", message: `${quote(p)} kendes ikke; ${explain}` });
      else if (!out.includes(v)) out.push(v);
    }
    return out;
  });
}

/** Route scopes (routes.ts): what a request is about, read from its address. */
export const byMunicipality = ({ params }: { params: { m: string } }) => ({ municipality: params.m });
export const byNode = ({ params }: { params: { id: number } }) => ({ node: params.id });

/** A year in a query string ("2025"), read as a number; anything else is named in the message. */
export const yearQuerySchema = z.string().transform((s, ctx) => {
  const y = yearOf(s.trim());
  if (y === undefined) {
    ctx.addIssue({ code: "custom", message: `${quote(s)} er ikke et årstal` });
    return z.NEVER;
  }
  return y;
});
