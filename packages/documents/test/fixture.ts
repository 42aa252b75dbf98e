/**
 * Seed 003's eight schedules (Slagelse, "Budget 2023-2026", Økonomiudvalget) as the services'
 * proposalView gives them. The figures are those of packages/services/test/proposals.test.ts
 * (SEED_003), in 1.000 kr.; the texts are shortened.
 */
import type { CatalogueInput, CatalogueProposal } from "../src/index.ts";

/** Øre per 1.000 kr. */
export const T = 100_000n;
export const YEARS = [2023, 2024, 2025, 2026] as const;

interface SeedSchedule {
  internalNumber?: string;
  title: string;
  text: string;
  /** Line name and its amounts per year from 2023, in 1.000 kr.; a missing year is an empty cell. */
  lines: [string, number[]][];
  total: number;
}

export const SEED_003: Record<string, SeedSchedule> = {
  "2.1.2. 01": {
    internalNumber: "3106",
    title: "Medarbejderkommunikation",
    text:
      "Der har gennem nogle år kørt pilotprojekter med en app-baseret kommunikationsplatform, Actimo.\n\n" +
      "Udbredelsen af Actimo har stået stille de seneste pga budgetusikkerhed.",
    lines: [["", [600, 1200, 1200]]],
    total: 3000,
  },
  "2.1.2. 02": {
    title: "Kernefortælling",
    text: "Indsatsen for at sikre, at Kernefortællingen får liv skal fortsætte.",
    lines: [["Modernisering af visuel identitet og etablering af værktøjskasse til", [1750, 100, 100, 100]]],
    total: 2050,
  },
  "2.1.2. 03": {
    title: "Studieby Slagelse",
    text:
      "Studieby Slagelse har følgende aktiviteter i 2022:\n\n" +
      "- Åbent Hus (fælles markedsføring af de videregående uddannelsers Åbent Hus arrangementer).\n" +
      "- Skills 2022 i Høng (28.-30. april), hvor Studiebyen deltager med en messestand.\n\n" +
      "Uddannelsesinstitutionerne medfinansierer messestand.",
    lines: [["", [150, 150, 150, 150]]],
    total: 600,
  },
  "2.1.2. 04": {
    title: "Strategisk Fundraising",
    text: "Fundraising giver Slagelse Kommune mulighed for at udvikle og kvalitetsforbedre områder og tilbud.",
    lines: [["", [5000, 5009, 5018, 5027]]],
    total: 20054,
  },
  "2.1.2. 05": {
    title: "Etablering af direktion",
    text: "Økonomiudvalget har den 21.3.22 pkt. 30, besluttet at der skal etableres en direktion.",
    lines: [
      ["2 direktører", [3000, 3000, 3000, 3000]],
      ["1 direktør", [1500, 1500, 1500, 1500]],
    ],
    total: 18000,
  },
  "2.1.2. 06": {
    title: "IT og DATA sikkerhed",
    text: "Med øget digitalisering og automatisering følger flere systemer, flere brugere og større risiko.",
    lines: [
      ["IT og DATA sikkerhed 4 år", [2500, 2500, 2500, 2500]],
      ["IT driftunderstøttelse 2 år", [1000, 1000, 1000, 1000]],
    ],
    total: 14000,
  },
  "2.1.2. 07": {
    title: "Microsoft licenser - stigende udgifter",
    text: "Kommunens udgifter til Microsoftlicenser har igennem en årrække været stigende.",
    lines: [["MS licenser", [500, 500, 500, 500]]],
    total: 2000,
  },
  "2.1.2. 08": {
    title: "Ungeenheden - Investeringsforslag",
    text: "I skema nr. 8.1.2 01 har vi beskrevet, hvordan vi kan imødekomme reduktion på 981 t.kr.",
    lines: [
      ["Investering af 4 medarbejdere (ungeguides)", [2000, 2000, 2000, 2000]],
      ["60 færre unge på uddannelseshjælp", [-5300, -5300, -5300, -5300]],
    ],
    total: -13200,
  },
};

/** A proposal as proposalView gives it, from amounts in øre per line (undefined: empty cell). */
export function proposal(
  schedule: string,
  fields: Omit<CatalogueProposal, "schedule" | "lines" | "totals" | "total" | "internalNumber"> & {
    internalNumber?: string | null;
  },
  lines: [string, (bigint | undefined)[]][],
  years: readonly number[] = YEARS,
): CatalogueProposal {
  const viewLines = lines.map(([name, amounts]) => {
    const present = years.flatMap((year, k) => {
      const amount = amounts[k];
      return amount === undefined ? [] : [{ year, amount }];
    });
    return { name, amounts: present, total: present.reduce((a, x) => a + x.amount, 0n) };
  });
  const totals = years.map((year) => ({
    year,
    amount: viewLines.reduce((a, l) => a + (l.amounts.find((x) => x.year === year)?.amount ?? 0n), 0n),
  }));
  return {
    ...fields,
    schedule,
    internalNumber: fields.internalNumber ?? null,
    lines: viewLines,
    totals,
    total: viewLines.reduce((a, l) => a + l.total, 0n),
  };
}

export function seed003(): CatalogueInput {
  return {
    catalogue: "Budget 2023-2026",
    period: { firstYear: 2023, lastYear: 2026 },
    municipality: "Slagelse Kommune",
    proposals: Object.entries(SEED_003).map(([schedule, s]) =>
      proposal(
        schedule,
        {
          internalNumber: s.internalNumber ?? null,
          kindLabel: "Driftsforslag",
          title: s.title,
          text: s.text,
          committee: "Økonomiudvalget",
          area: "Administration",
        },
        s.lines.map(([name, amounts]) => [name, amounts.map((a) => BigInt(a) * T)]),
      ),
    ),
  };
}

/** Every figure seed 003 prints in its eight tables, as we print them ("4500" becomes "4.500"). */
export function seedFigures(): string[] {
  // Written out independently of core's formatter: "." between thousands, ASCII minus.
  const fmt = (n: number) => `${n < 0 ? "-" : ""}${String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/gu, ".")}`;
  const figures = new Set<string>();
  for (const s of Object.values(SEED_003)) {
    for (const [, amounts] of s.lines) {
      for (const a of amounts) figures.add(fmt(a));
      figures.add(fmt(amounts.reduce((x, y) => x + y, 0)));
    }
    for (let k = 0; k < YEARS.length; k++) figures.add(fmt(s.lines.reduce((x, [, a]) => x + (a[k] ?? 0), 0)));
    figures.add(fmt(s.total));
  }
  return [...figures];
}
