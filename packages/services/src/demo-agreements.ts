/**
 * The demo's budget agreements, built from the real documents in shared/seeds/:
 * - Sorø (seed 000): "Budgetaftalen 2025", the ten adjustments the finance committee's remarks
 *   list, adopted ("apply") onto the base budget in soroe-oekonomiudvalget-grundbudget.csv, which
 *   is seed 000's table minus exactly these adjustments; the adopted budget is the table again.
 * - Kalundborg (seed 001): "Budget 2024", the DUT money and demography pools the remarks name,
 *   registered as adopted ("record"): Kalundborg's figures are imported as already adopted.
 * - Slagelse (seed 003): a scenario that adopts some of the catalogue's proposals, one of them
 *   with a changed amount, and one adjustment, so the demo has a scenario to open.
 * Loading twice changes nothing: an agreement that exists by name is left as it is.
 */
import type { Actor, Municipality } from "@bevilling/core";
import {
  type Database,
  findAdoptedAgreementRow,
  findMunicipality,
  listAgreements,
  loadProposals,
} from "@bevilling/db";
import type { Kysely } from "kysely";
import { type AgreementItemInput, adoptAgreement, createAgreement } from "./agreements.ts";
import type { MappingInput } from "./mapping.ts";

/** Kroner as øre in the contract's decimal string. */
const kr = (kroner: number): string => (BigInt(kroner) * 100n).toString();

interface DemoAgreement {
  municipality: string;
  name: string;
  budgetYear: number;
  adopt?: "apply" | "record";
  /** Items; a proposal is named by its schedule number and resolved to its id when loading. */
  items: (
    | AgreementItemInput
    | (Omit<Extract<AgreementItemInput, { kind: "proposal" }>, "proposalId"> & { schedule: string })
  )[];
}

const adjustment = (
  key: string,
  label: string,
  area: string,
  pattern: string,
  text = "",
): AgreementItemInput => ({
  kind: "adjustment",
  key,
  label,
  area,
  pattern,
  text,
});

export const DEMO_AGREEMENTS: readonly DemoAgreement[] = [
  {
    municipality: "340",
    name: "Budgetaftalen 2025",
    budgetYear: 2025,
    adopt: "apply",
    items: [
      adjustment(
        "plan",
        "Planområdet styrkes",
        "ADM",
        "1,750 mio. kr. i 2025",
        "for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid. Budgettet skal sikre at der er ressource til at løfte arbejdet og nedbringe den eksisterende ventetid.",
      ),
      adjustment(
        "klima",
        "Det årlige budget til klimahandleplanens indsats for at mindske CO2-udledningen forlænges",
        "ADM",
        "2 mio. kr. årligt i 2027 og 2028",
      ),
      adjustment(
        "hr-kompetence",
        "Der er afsat midler til ekstra HR-indsatser med fokus på kompetenceudvikling",
        "ADM",
        "0,900 mio. kr. i 2025",
        "Det dækker over styrket opkvalificering af ufaglærte og de kortest uddannede medarbejdere på velfærdsområderne med i alt 0,400 mio. kr., styrket uddannelse af pædagoger og lærere i natur og udeliv med i alt 0,100 mio. kr., og kompetenceudvikling af ledere med i alt 0,200 mio. kr.",
      ),
      adjustment(
        "hr-digital",
        "Der er afsat midler til HR-indsatser med fokus på digitale indsatser og onboarding",
        "ADM",
        "0,260 mio. kr. i 2025",
        "Det dækker over implementering af et nyt Learning Management System (LMS) på i alt 0,160 mio. kr. samt App-writer på i alt 0,100 mio. kr.",
      ),
      adjustment(
        "servicerammepulje",
        "Der er afsat midler til servicerammepuljen",
        "PUL",
        "3,780 mio. kr. i 2025",
      ),
      adjustment(
        "servicerammepulje-overslag",
        "Servicerammepuljen nedjusteres i overslagsårene",
        "PUL",
        "-1,7 mio. kr. årligt i overslagsårene",
        "Det er en tilpasning af servicerammepuljen til 1. pct. (kodeks).",
      ),
      adjustment(
        "beredskab",
        "Budgettet til Beredskabet nedjusteres",
        "BER",
        "-0,180 mio. kr. årligt fra 2025 og frem",
      ),
      adjustment(
        "boliger",
        "Budgettet til støtte til opførelse af boliger nedjusteres",
        "BOL",
        "-0,200 mio. kr. årligt fra 2025 og frem",
        "Budgettet tilpasses udgiftsniveau.",
      ),
      adjustment(
        "chromebooks",
        "Chromebooks fjernes fra de yngste klasser",
        "ADM",
        "-0,323 mio. kr. fra 2026 og frem",
      ),
      adjustment(
        "leder",
        "Nedlæggelse af en lederstilling i fagcenter Arbejdsmarked og Borgerservice",
        "ADM",
        "-0,3 mio. kr. årligt fra 2025 og frem",
        "Yderligere reduktion på 0,3 mio. kr. findes under Arbejdsmarked og Erhvervsudvalget.",
      ),
    ],
  },
  {
    municipality: "326",
    name: "Budget 2024",
    budgetYear: 2024,
    adopt: "record",
    items: [
      {
        kind: "dut",
        key: "dut-mitid",
        label: "DUT-midler til implementering af MitID",
        area: "BS",
        amounts: [{ year: 2024, amount: kr(100_000) }],
        text: "De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
      },
      {
        kind: "dut",
        key: "dut-barnets-lov",
        label: "DUT-midler til Barnets Lov",
        area: "BF",
        amounts: [
          { year: 2024, amount: kr(1_800_000) },
          { year: 2025, amount: kr(2_300_000) },
          { year: 2026, amount: kr(2_800_000) },
        ],
        onwards: { fromYear: 2027, amount: kr(3_100_000) },
        text: "De tilførte DUT-midler vedrører kompensation i forbindelse med indførelse af Barnets Lov, som træder i kraft 1. januar 2024.",
      },
      {
        kind: "dut",
        key: "dut-hjemloeshed",
        label: "DUT-midler til omlægning af indsatsen mod hjemløshed",
        area: "VSE",
        amounts: [],
        onwards: { fromYear: 2024, amount: kr(40_000) },
        text: "til omlægning af indsatsen mod hjemløshed",
      },
      {
        kind: "dut",
        key: "arnepension",
        label: "Delaftale 2 om Arnepension",
        area: "JOB",
        amounts: [],
        onwards: { fromYear: 2024, amount: kr(-200_000) },
        text: ', som følge af reguleringer i DUT, bloktilskud samt "Work in Kalundborg"',
      },
      {
        kind: "dut",
        key: "dut-varmeplan",
        label: "DUT-midler til lokal koordinering af varmeplanlægningen",
        area: "PBM",
        amounts: [{ year: 2024, amount: kr(116_000) }],
        text: "til at styrke den lokale koordinering af varmeplanlægningen som en del af lov- og cirkulæreprogrammet",
      },
      {
        kind: "pool",
        key: "pulje-boern-familie",
        label: "Demografipulje – Børn- og Familieområdet",
        area: "DBF",
        amounts: [{ year: 2024, amount: kr(5_000_000) }],
        text: "Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling på Børn- og Familieområdet. Puljen disponeres efter beslutning i Økonomiudvalget.",
      },
      {
        kind: "pool",
        key: "pulje-aeldre",
        label: "Demografipulje - Ældreområdet",
        area: "DAE",
        amounts: [{ year: 2024, amount: kr(10_000_000) }],
        text: "Demografipuljen er afsat i forhold til budgettet på Ældre- og Sundhedsudvalgets område til køb og salg af hjemmehjælp samt tværkommunal refusion. Demografipuljen er oprette for at for at imødegå det demografiske pres på ældreområdet.",
      },
      {
        kind: "pool",
        key: "pulje-voksenspecial",
        label: "Demografipulje - Voksenspecialområdet",
        area: "DVS",
        amounts: [{ year: 2024, amount: kr(9_000_000) }],
        text: "Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling på voksenspecialområdet. Puljen disponeres efter beslutning i Økonomiudvalget.",
      },
    ],
  },
  {
    municipality: "330",
    name: "Forslag til budgetaftale 2023",
    budgetYear: 2023,
    items: [
      {
        kind: "proposal",
        key: "direktion",
        label: "Etablering af direktion, med to direktører",
        area: "ADM",
        schedule: "2.1.2. 05",
        // Line 2 ("1 direktør") is not adopted: the agreement changes its amounts to 0.
        overrides: [2023, 2024, 2025, 2026].map((year) => ({ line: 1, year, amount: "0" })),
        text: "Direktionen etableres med to direktører ud over kommunaldirektøren.",
      },
      {
        kind: "proposal",
        key: "it-sikkerhed",
        label: "IT og DATA sikkerhed",
        area: "ADM",
        schedule: "2.1.2. 06",
      },
      {
        kind: "proposal",
        key: "ms-licenser",
        label: "Microsoft licenser",
        area: "ADM",
        schedule: "2.1.2. 07",
      },
      adjustment(
        "effektivisering",
        "Administrationen effektiviseres",
        "ADM",
        "-1 mio. kr. årligt fra 2024 og frem",
        "Effektiviseringen findes ved digitalisering af sagsgange.",
      ),
    ],
  },
];

/**
 * A base-budget file of the demo (DemoFile.baseBudget): once the municipality's budget year has
 * an adopted agreement, its budget and estimate columns are left out, because importing the base
 * again would undo the adoption. The other columns (actuals, last year's original) still load.
 */
export async function baseBudgetMapping(
  db: Kysely<Database>,
  m: Municipality,
  mapping: MappingInput,
): Promise<MappingInput> {
  if (mapping.kind !== "amounts" || !Array.isArray(mapping.amounts)) return mapping;
  const budgetYear = mapping.amounts.find((a) => a.kind === "budget")?.year;
  if (budgetYear === undefined || !(await findAdoptedAgreementRow(db, m.id, budgetYear))) return mapping;
  return { ...mapping, amounts: mapping.amounts.filter((a) => a.kind !== "budget" && a.kind !== "estimate") };
}

/** Creates (and adopts) the demo agreements that do not exist yet; returns the number of changes. */
export async function loadDemoAgreements(db: Kysely<Database>, actor: Actor): Promise<number> {
  let changes = 0;
  for (const d of DEMO_AGREEMENTS) {
    const m = await findMunicipality(db, d.municipality);
    if (!m) throw new Error(`Demokommunen ${d.municipality} findes ikke`);
    if ((await listAgreements(db, m.id, d.budgetYear)).some((a) => a.name === d.name)) continue;
    const proposals = d.items.some((i) => "schedule" in i)
      ? await loadProposals(db, { municipalityId: m.id })
      : [];
    const items = d.items.map((i): AgreementItemInput => {
      if (!("schedule" in i)) return i;
      const { schedule, ...rest } = i;
      const sp = proposals.find((p) => p.proposal.schedule === schedule);
      if (!sp) throw new Error(`Demoforslaget ${schedule} findes ikke i ${m.name}`);
      return { ...rest, proposalId: sp.id };
    });
    const created = await createAgreement(db, m, { name: d.name, budgetYear: d.budgetYear, items }, actor);
    changes++;
    if (d.adopt) {
      const r = await adoptAgreement(
        db,
        m,
        created.agreement.id,
        { version: created.agreement.version, mode: d.adopt },
        actor,
      );
      changes += 1 + r.changedFigures;
    }
  }
  return changes;
}
