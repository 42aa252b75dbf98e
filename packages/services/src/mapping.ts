/**
 * An import mapping says how a municipality's spreadsheet reads: which columns are hierarchy
 * levels (code and name), which identify the account, and which hold amounts for which year and
 * kind, in which unit and price level. Mappings are validated with zod, stored by name per
 * municipality, and reused for the next file of the same shape.
 */
import { z } from "zod";

// User-facing text is Danish, zod's own messages included (wrong type, unknown enum value).
z.config(z.locales.da());

const column = z.string().trim().min(1, "kolonnenavn mangler");
const year = z.number().int().min(1900).max(2200);

export const levelSchema = z.object({
  kind: z.enum(["committee", "area", "unit"]),
  code: column,
  name: column.optional(),
});

export const accountColumnsSchema = z
  .object({
    code: column.optional(),
    funktion: column.optional(),
    dranst: column.optional(),
    art: column.optional(),
    gruppering: column.optional(),
    costCentre: column.optional(),
    project: column.optional(),
    name: column.optional(),
    category: column.optional(),
  })
  .refine((a) => a.code !== undefined || (a.funktion && a.dranst && a.art), {
    message: "kontoen skal angives med en kontokolonne eller med funktion, dranst og art",
  });

export const amountColumnSchema = z.object({
  column,
  year,
  kind: z.enum(["actual", "original", "corrected", "budget", "estimate"]),
});

export const mappingSchema = z
  .object({
    kind: z.enum(["organisation", "accounts", "amounts", "monthly"]),
    format: z
      .object({
        separator: z.enum([";", ",", "\t", "auto"]).default("auto"),
        encoding: z.enum(["auto", "utf-8", "windows-1252"]).default("auto"),
        sheet: z.union([z.string(), z.number().int().min(1)]).optional(),
        numberFormat: z.enum(["auto", "da", "plain"]).default("auto"),
      })
      .prefault({}),
    /** Hierarchy columns, top to bottom; missing nodes are created under the municipality. */
    levels: z.array(levelSchema).default([]),
    /** Organisation as a parent-child list (our own export): code, name, kind and parent code. */
    tree: z.object({ code: column, name: column, kind: column, parent: column }).optional(),
    /** Alternatively: one column with the code of an existing node (any level). */
    node: column.optional(),
    validFrom: column.optional(),
    validTo: column.optional(),
    /** Validity for new nodes when the file has no validity columns. */
    defaultValidFrom: year.optional(),
    account: accountColumnsSchema.optional(),
    /** Wide files: one column per year and kind. */
    amounts: z.array(amountColumnSchema).default([]),
    /** Long files (our own export): year, kind and amount in columns of their own. */
    long: z.object({ year: column, kind: column, amount: column, priceYear: column.optional() }).optional(),
    monthly: z
      .object({
        year: column.optional(),
        month: column.optional(),
        /** A booking date (2024-03-31, 31-03-2024, 31.03.2024) or period (2024-03, 202403). */
        date: column.optional(),
        amount: column,
      })
      .refine((m) => m.date !== undefined || (m.year && m.month), {
        message: "månedsbeløb kræver en datokolonne eller både år og måned",
      })
      .optional(),
    unit: z.enum(["kr", "tkr", "mio"]).default("kr"),
    /** Price level of the amounts; default: each column's own year (current prices). */
    priceYear: year.optional(),
  })
  .superRefine((m, ctx) => {
    const need = (ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", message });
    };
    if (m.kind === "organisation") {
      need(
        m.levels.length > 0 || m.tree !== undefined,
        "en organisationsimport kræver niveauer eller en forældre-barn-liste",
      );
    }
    if (m.kind === "accounts") need(m.account !== undefined, "en kontoplansimport kræver kontokolonner");
    if (m.kind === "amounts") {
      need(
        m.amounts.length > 0 || m.long !== undefined,
        "en beløbsimport kræver beløbskolonner pr. år eller kolonner for år, beløbsart og beløb",
      );
      need(
        m.levels.length > 0 || m.node !== undefined,
        "en beløbsimport kræver niveauer eller en enhedskolonne",
      );
    }
    if (m.kind === "monthly") {
      need(m.monthly !== undefined, "en import af månedsforbrug kræver månedskolonner");
      need(
        m.levels.length > 0 || m.node !== undefined,
        "en import af forbrug kræver niveauer eller en enhedskolonne",
      );
    }
    need(
      !(m.levels.length > 0 && m.node !== undefined),
      "angiv enten niveauer eller en enhedskolonne, ikke begge",
    );
  });

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

export function parseMapping(
  input: unknown,
): { ok: true; mapping: Mapping } | { ok: false; errors: string[] } {
  const r = mappingSchema.safeParse(input);
  if (r.success) return { ok: true, mapping: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)),
  };
}
