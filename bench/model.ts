/**
 * The synthetic municipality: committees → areas → units (some units with sub-units, so the
 * tree is 3-4 levels under the root), a chart of about 3,000 accounts built from real-looking
 * funktioner, and for every leaf unit a subset of 20-40 accounts it books on. Everything is
 * derived from one seed, so the model can be rebuilt cheaply instead of read back from files.
 */
import { accountCode } from "@bevilling/core";
import { Rng, subSeed } from "./prng.ts";

type Profile = "institution" | "admin" | "transfer" | "technical";

interface AreaSpec {
  code: string;
  name: string;
  unitName: string;
  weight: number;
  profile: Profile;
  funktioner: readonly (readonly [string, string])[];
}

interface CommitteeSpec {
  code: string;
  name: string;
  areas: readonly AreaSpec[];
}

/** Functions follow the authorised chart closely enough to look right; exact labels do not matter. */
const COMMITTEES: readonly CommitteeSpec[] = [
  {
    code: "OEU",
    name: "Økonomiudvalget",
    areas: [
      {
        code: "OEU-ADM",
        name: "Administration",
        unitName: "Stab",
        weight: 4,
        profile: "admin",
        funktioner: [
          ["6.45.51", "Sekretariat og forvaltninger"],
          ["6.45.50", "Administrationsbygninger"],
          ["6.45.52", "Fælles IT og telefoni"],
          ["6.45.57", "Voksen-, ældre- og handicapområdet"],
        ],
      },
      {
        code: "OEU-BS",
        name: "Borgerservice",
        unitName: "Borgerservicecenter",
        weight: 2,
        profile: "admin",
        funktioner: [
          ["6.45.53", "Jobcentre"],
          ["6.45.58", "Det specialiserede børneområde"],
        ],
      },
      {
        code: "OEU-POL",
        name: "Politisk organisation",
        unitName: "Råd",
        weight: 1,
        profile: "admin",
        funktioner: [
          ["6.42.40", "Fælles formål"],
          ["6.42.41", "Kommunalbestyrelsesmedlemmer"],
          ["6.42.42", "Kommissioner, råd og nævn"],
          ["6.42.43", "Valg m.v."],
        ],
      },
      {
        code: "OEU-BER",
        name: "Beredskab",
        unitName: "Station",
        weight: 1,
        profile: "institution",
        funktioner: [["0.72.99", "Redningsberedskab"]],
      },
      {
        code: "OEU-PUL",
        name: "Puljer",
        unitName: "Pulje",
        weight: 1,
        profile: "admin",
        funktioner: [
          ["6.52.72", "Tjenestemandspension"],
          ["6.52.76", "Generelle reserver"],
        ],
      },
    ],
  },
  {
    code: "BUU",
    name: "Børne- og Ungeudvalget",
    areas: [
      {
        code: "BUU-SKO",
        name: "Folkeskoler",
        unitName: "Skole",
        weight: 12,
        profile: "institution",
        funktioner: [
          ["3.22.01", "Folkeskoler"],
          ["3.22.02", "Fællesudgifter for skolevæsenet"],
          ["3.22.05", "Skolefritidsordninger"],
          ["3.22.08", "Kommunale specialskoler"],
          ["3.22.14", "Ungdommens Uddannelsesvejledning"],
        ],
      },
      {
        code: "BUU-DAG",
        name: "Dagtilbud",
        unitName: "Børnehus",
        weight: 16,
        profile: "institution",
        funktioner: [
          ["5.25.10", "Fælles formål"],
          ["5.25.11", "Dagpleje"],
          ["5.25.14", "Integrerede daginstitutioner"],
          ["5.25.17", "Særlige dagtilbud og særlige klubber"],
        ],
      },
      {
        code: "BUU-FAM",
        name: "Familie og forebyggelse",
        unitName: "Familieteam",
        weight: 4,
        profile: "transfer",
        funktioner: [
          ["5.28.20", "Plejefamilier"],
          ["5.28.21", "Forebyggende foranstaltninger"],
          ["5.28.23", "Døgninstitutioner for børn og unge"],
        ],
      },
      {
        code: "BUU-SUN",
        name: "Sundhedstjeneste og tandpleje",
        unitName: "Klinik",
        weight: 3,
        profile: "institution",
        funktioner: [
          ["4.62.85", "Kommunal tandpleje"],
          ["4.62.89", "Kommunal sundhedstjeneste"],
        ],
      },
      {
        code: "BUU-UNG",
        name: "Ungdomsskole og klubber",
        unitName: "Klub",
        weight: 3,
        profile: "institution",
        funktioner: [
          ["3.22.18", "Ungdomsskolevirksomhed"],
          ["3.30.44", "Produktionsskoler"],
        ],
      },
    ],
  },
  {
    code: "SAU",
    name: "Social- og Ældreudvalget",
    areas: [
      {
        code: "SAU-PLE",
        name: "Plejecentre",
        unitName: "Plejecenter",
        weight: 8,
        profile: "institution",
        funktioner: [
          ["5.30.26", "Personlig og praktisk hjælp"],
          ["5.30.27", "Pleje og omsorg af ældre"],
        ],
      },
      {
        code: "SAU-HJE",
        name: "Hjemmepleje",
        unitName: "Hjemmeplejegruppe",
        weight: 8,
        profile: "institution",
        funktioner: [
          ["5.32.32", "Pleje og omsorg m.v."],
          ["5.32.33", "Forebyggende indsats for ældre"],
          ["5.32.35", "Hjælpemidler"],
        ],
      },
      {
        code: "SAU-HAN",
        name: "Handicap og psykiatri",
        unitName: "Bosted",
        weight: 7,
        profile: "institution",
        funktioner: [
          ["5.38.42", "Botilbud for personer med særlige sociale problemer"],
          ["5.38.45", "Behandling af stofmisbrugere"],
          ["5.38.50", "Botilbud til længerevarende ophold"],
          ["5.38.52", "Botilbud til midlertidigt ophold"],
          ["5.38.58", "Beskyttet beskæftigelse"],
          ["5.38.59", "Aktivitets- og samværstilbud"],
        ],
      },
      {
        code: "SAU-SUN",
        name: "Sundhed og træning",
        unitName: "Træningscenter",
        weight: 3,
        profile: "institution",
        funktioner: [
          ["4.62.81", "Aktivitetsbestemt medfinansiering"],
          ["4.62.82", "Genoptræning og vedligeholdelsestræning"],
          ["4.62.88", "Sundhedsfremme og forebyggelse"],
        ],
      },
    ],
  },
  {
    code: "TMU",
    name: "Teknik- og Miljøudvalget",
    areas: [
      {
        code: "TMU-VEJ",
        name: "Veje og trafik",
        unitName: "Vejdistrikt",
        weight: 4,
        profile: "technical",
        funktioner: [
          ["2.22.01", "Fælles funktioner"],
          ["2.28.11", "Vejvedligeholdelse m.v."],
          ["2.28.12", "Belægninger m.v."],
          ["2.28.14", "Vintertjeneste"],
          ["2.32.31", "Busdrift"],
        ],
      },
      {
        code: "TMU-EJD",
        name: "Ejendomme",
        unitName: "Ejendom",
        weight: 6,
        profile: "technical",
        funktioner: [
          ["0.25.10", "Fælles formål"],
          ["0.25.11", "Beboelse"],
          ["0.25.15", "Byfornyelse"],
          ["0.25.18", "Driftssikring af boligbyggeri"],
        ],
      },
      {
        code: "TMU-NAT",
        name: "Natur og miljø",
        unitName: "Naturteam",
        weight: 3,
        profile: "technical",
        funktioner: [
          ["0.28.20", "Fælles formål"],
          ["0.28.22", "Fritidsområder"],
          ["0.52.80", "Fælles formål"],
          ["0.52.82", "Vandløbsvæsen"],
        ],
      },
    ],
  },
  {
    code: "KFU",
    name: "Kultur- og Fritidsudvalget",
    areas: [
      {
        code: "KFU-BIB",
        name: "Biblioteker",
        unitName: "Bibliotek",
        weight: 3,
        profile: "institution",
        funktioner: [
          ["3.50.50", "Folkebiblioteker"],
          ["3.50.51", "Borgerservice og bibliotek"],
        ],
      },
      {
        code: "KFU-KUL",
        name: "Kultur",
        unitName: "Kulturhus",
        weight: 3,
        profile: "institution",
        funktioner: [
          ["3.35.60", "Museer"],
          ["3.35.61", "Teatre"],
          ["3.35.62", "Musikarrangementer"],
          ["3.35.64", "Andre kulturelle opgaver"],
        ],
      },
      {
        code: "KFU-FRI",
        name: "Fritid og folkeoplysning",
        unitName: "Forening",
        weight: 4,
        profile: "transfer",
        funktioner: [
          ["3.38.70", "Fælles formål"],
          ["3.38.72", "Folkeoplysende voksenundervisning"],
          ["3.38.73", "Frivilligt folkeoplysende foreningsarbejde"],
          ["3.38.76", "Lokaletilskud"],
        ],
      },
      {
        code: "KFU-IDR",
        name: "Idrætsanlæg",
        unitName: "Idrætscenter",
        weight: 3,
        profile: "technical",
        funktioner: [
          ["0.32.31", "Stadion og idrætsanlæg"],
          ["0.32.35", "Andre fritidsfaciliteter"],
        ],
      },
    ],
  },
  {
    code: "BEU",
    name: "Beskæftigelsesudvalget",
    areas: [
      {
        code: "BEU-JOB",
        name: "Jobcenter",
        unitName: "Jobteam",
        weight: 4,
        profile: "admin",
        funktioner: [
          ["5.68.90", "Driftsudgifter til beskæftigelsesindsatsen"],
          ["5.68.91", "Løn til forsikrede ledige ansat i kommuner"],
          ["5.68.98", "Beskæftigelsesordninger"],
        ],
      },
      {
        code: "BEU-YDE",
        name: "Forsørgelsesydelser",
        unitName: "Ydelsesteam",
        weight: 3,
        profile: "transfer",
        funktioner: [
          ["5.57.72", "Sygedagpenge"],
          ["5.57.73", "Kontanthjælp"],
          ["5.57.75", "A-dagpenge"],
          ["5.57.76", "Boligydelser til pensionister"],
        ],
      },
      {
        code: "BEU-INT",
        name: "Integration",
        unitName: "Integrationsteam",
        weight: 2,
        profile: "transfer",
        funktioner: [
          ["5.46.60", "Integrationsprogram"],
          ["5.46.61", "Integrationsydelse"],
        ],
      },
      {
        code: "BEU-FLE",
        name: "Fleksjob og revalidering",
        unitName: "Fleksteam",
        weight: 2,
        profile: "transfer",
        funktioner: [
          ["5.58.80", "Revalidering"],
          ["5.58.81", "Løntilskud til personer i fleksjob"],
          ["5.58.82", "Ressourceforløb"],
        ],
      },
    ],
  },
  {
    code: "PKU",
    name: "Plan- og Klimaudvalget",
    areas: [
      {
        code: "PKU-PLA",
        name: "Planlægning",
        unitName: "Planteam",
        weight: 2,
        profile: "admin",
        funktioner: [
          ["0.22.01", "Fælles formål"],
          ["0.22.05", "Ubestemte formål"],
        ],
      },
      {
        code: "PKU-ERH",
        name: "Erhverv og turisme",
        unitName: "Erhvervsteam",
        weight: 2,
        profile: "admin",
        funktioner: [
          ["6.48.67", "Erhvervsservice og iværksætteri"],
          ["6.48.68", "Turisme"],
        ],
      },
      {
        code: "PKU-KLI",
        name: "Klima og forsyning",
        unitName: "Klimaprojekt",
        weight: 2,
        profile: "technical",
        funktioner: [
          ["1.32.30", "Fælles formål"],
          ["1.32.31", "Klimatilpasning"],
        ],
      },
    ],
  },
];

const ART_NAME: Record<string, string> = {
  "1.0": "Lønninger",
  "1.1": "Lønninger, timelønnede",
  "1.5": "Pensioner",
  "1.8": "Lønrefusioner",
  "2.2": "Fødevarer",
  "2.7": "Køb af inventar",
  "2.9": "Anskaffelser",
  "4.0": "Tjenesteydelser",
  "4.5": "Entreprenør- og håndværkerydelser",
  "4.6": "Betalinger til staten",
  "4.7": "Betalinger til kommuner",
  "4.9": "Øvrige tjenesteydelser",
  "5.2": "Tilskud til foreninger",
  "5.9": "Overførsler til personer",
  "7.1": "Egne huslejeindtægter",
  "7.2": "Salg af produkter",
  "7.6": "Betalinger fra staten",
  "7.7": "Betalinger fra kommuner",
  "8.6": "Statsrefusion",
  "9.1": "Interne udgifter",
  "9.7": "Interne indtægter",
};

/** Operating (dranst 1) arts per profile, with how often an account gets each. */
const PROFILE_ARTS: Record<Profile, readonly (readonly [string, number])[]> = {
  institution: [
    ["1.0", 5],
    ["1.1", 2],
    ["1.5", 1],
    ["1.8", 1],
    ["2.2", 2],
    ["2.7", 1],
    ["2.9", 2],
    ["4.0", 3],
    ["4.5", 1],
    ["4.9", 1],
    ["7.1", 1],
    ["7.2", 1],
    ["9.1", 1],
    ["9.7", 1],
  ],
  admin: [
    ["1.0", 4],
    ["1.1", 1],
    ["1.5", 1],
    ["2.9", 2],
    ["4.0", 4],
    ["4.6", 1],
    ["4.7", 1],
    ["4.9", 2],
    ["7.2", 1],
    ["7.6", 1],
    ["9.1", 1],
  ],
  transfer: [
    ["1.0", 2],
    ["4.0", 2],
    ["4.7", 2],
    ["5.2", 3],
    ["5.9", 6],
    ["7.6", 1],
    ["7.7", 2],
  ],
  technical: [
    ["1.0", 2],
    ["1.1", 1],
    ["2.2", 1],
    ["2.9", 3],
    ["4.0", 3],
    ["4.5", 4],
    ["4.9", 1],
    ["7.1", 2],
    ["7.2", 1],
  ],
};

const CAPITAL_ARTS = ["2.9", "4.0", "4.5", "7.1", "7.2"] as const;

/** Mean line size in kroner and relative line frequency by hovedart. */
const LINE_KR: Record<string, number> = {
  "1": 21_000,
  "2": 1_900,
  "4": 8_500,
  "5": 11_000,
  "7": 6_500,
  "8": 45_000,
  "9": 3_200,
};
const LINE_FREQ: Record<string, number> = {
  "1": 3,
  "2": 2,
  "4": 1.5,
  "5": 1.4,
  "7": 0.6,
  "8": 0.25,
  "9": 0.5,
};

export interface ModelNode {
  code: string;
  name: string;
  kind: "municipality" | "committee" | "area" | "unit";
  parent: string | null;
}

export interface ModelAccount {
  code: string;
  funktion: string;
  dranst: number;
  art: string;
  gruppering: string;
  name: string;
}

/** One leaf unit booking on one account. */
export interface Pair {
  unit: string;
  account: string;
  /** Relative frequency of ledger lines. */
  weight: number;
  /** Mean line amount in øre, signed (income negative). */
  meanOre: number;
}

export interface Model {
  seed: number;
  rootCode: string;
  rootName: string;
  committees: ModelNode[];
  areas: ModelNode[];
  units: ModelNode[];
  leaves: ModelNode[];
  accounts: ModelAccount[];
  pairs: Pair[];
  /** Rows of the organisation file: committee, area, unit and optional sub-unit. */
  orgRows: { committee: ModelNode; area: ModelNode; unit: ModelNode; sub: ModelNode | null }[];
}

export const MUNICIPALITY = { code: "999", name: "Benchmark Kommune", budgetYear: 2025 } as const;
export const LEDGER_YEARS = [2021, 2022, 2023, 2024, 2025] as const;

export interface ModelOptions {
  seed: number;
  units: number;
  accounts: number;
}

export function buildModel(opts: ModelOptions): Model {
  const rng = new Rng(subSeed(opts.seed, "structure"));
  const committees: ModelNode[] = [];
  const areas: ModelNode[] = [];
  const units: ModelNode[] = [];
  const leaves: ModelNode[] = [];
  const orgRows: Model["orgRows"] = [];
  const areaOfLeaf = new Map<string, AreaSpec>();

  const allAreas = COMMITTEES.flatMap((c) => c.areas);
  const totalWeight = allAreas.reduce((s, a) => s + a.weight, 0);
  // Unit slots per area by largest remainder, so the total is exactly opts.units.
  const raw = allAreas.map((a) => (a.weight * opts.units) / totalWeight);
  const slots = raw.map((r) => Math.max(1, Math.floor(r)));
  let left = opts.units - slots.reduce((s, n) => s + n, 0);
  const order = raw.map((r, i) => ({ i, f: r - Math.floor(r) })).sort((a, b) => b.f - a.f);
  for (let k = 0; left > 0; k++, left--) {
    const i = (order[k % order.length] as { i: number }).i;
    slots[i] = (slots[i] as number) + 1;
  }

  let areaIndex = 0;
  COMMITTEES.forEach((c, ci) => {
    const committee: ModelNode = { code: c.code, name: c.name, kind: "committee", parent: MUNICIPALITY.code };
    committees.push(committee);
    c.areas.forEach((a, ai) => {
      const area: ModelNode = { code: a.code, name: a.name, kind: "area", parent: c.code };
      areas.push(area);
      let remaining = slots[areaIndex++] as number;
      let seq = 0;
      while (remaining > 0) {
        seq++;
        const code = `${ci + 1}${String(ai + 1).padStart(2, "0")}${String(seq).padStart(3, "0")}`;
        const unit: ModelNode = { code, name: `${a.unitName} ${seq}`, kind: "unit", parent: a.code };
        units.push(unit);
        remaining--;
        // About one unit in ten is split into sub-units (a school with departments).
        const subs = remaining >= 2 && rng.next() < 0.1 ? Math.min(remaining, rng.int(2, 4)) : 0;
        if (subs === 0) {
          leaves.push(unit);
          areaOfLeaf.set(code, a);
          orgRows.push({ committee, area, unit, sub: null });
          continue;
        }
        orgRows.push({ committee, area, unit, sub: null });
        for (let s = 1; s <= subs; s++) {
          const sub: ModelNode = {
            code: `${code}${s}`,
            name: `${unit.name}, afdeling ${s}`,
            kind: "unit",
            parent: code,
          };
          units.push(sub);
          leaves.push(sub);
          areaOfLeaf.set(sub.code, a);
          orgRows.push({ committee, area, unit, sub });
        }
        remaining -= subs;
      }
    });
  });

  // Chart of accounts: round-robin over the functions until the target count is reached.
  const accounts: ModelAccount[] = [];
  const byCode = new Set<string>();
  const poolOfArea = new Map<AreaSpec, ModelAccount[]>();
  const funcs = allAreas.flatMap((a) => a.funktioner.map(([f, label]) => ({ area: a, f, label })));
  for (let guard = 0; accounts.length < opts.accounts && guard < opts.accounts * 50; guard++) {
    const fn = funcs[guard % funcs.length] as (typeof funcs)[number];
    const profile = fn.area.profile;
    const roll = rng.next();
    let dranst = 1;
    if (profile === "transfer" && roll < 0.15) dranst = 2;
    else if (profile === "technical" && roll < 0.2) dranst = 3;
    else if (roll < 0.03) dranst = 3;
    const art =
      dranst === 2 ? "8.6" : dranst === 3 ? rng.pick(CAPITAL_ARTS) : weightedPick(rng, PROFILE_ARTS[profile]);
    const gruppering = String(rng.int(1, 40)).padStart(3, "0");
    const code = accountCode({ funktion: fn.f, dranst, art, gruppering });
    if (byCode.has(code)) continue;
    byCode.add(code);
    const acc: ModelAccount = {
      code,
      funktion: fn.f,
      dranst,
      art,
      gruppering,
      name: `${fn.label}, ${ART_NAME[art] ?? art} (${gruppering})`,
    };
    accounts.push(acc);
    const pool = poolOfArea.get(fn.area) ?? [];
    pool.push(acc);
    poolOfArea.set(fn.area, pool);
  }

  const pairs: Pair[] = [];
  for (const leaf of leaves) {
    const area = areaOfLeaf.get(leaf.code) as AreaSpec;
    const pool = poolOfArea.get(area) ?? [];
    const chosen = rng.sample(pool, rng.int(20, 40));
    chosen.sort((x, y) => (x.code < y.code ? -1 : 1));
    for (const acc of chosen) {
      const hoved = acc.art[0] as string;
      const capital = acc.dranst === 3;
      const freq = (capital ? 0.15 : (LINE_FREQ[hoved] ?? 1)) * rng.logNormal(1);
      const kr = (capital ? 60_000 : (LINE_KR[hoved] ?? 5_000)) * rng.logNormal(0.4);
      const income = hoved === "7" || hoved === "8" || acc.art === "9.7";
      pairs.push({
        unit: leaf.code,
        account: acc.code,
        weight: freq,
        meanOre: Math.round(kr * 100) * (income ? -1 : 1),
      });
    }
  }

  return {
    seed: opts.seed,
    rootCode: MUNICIPALITY.code,
    rootName: MUNICIPALITY.name,
    committees,
    areas,
    units,
    leaves,
    accounts,
    pairs,
    orgRows,
  };
}

function weightedPick(rng: Rng, items: readonly (readonly [string, number])[]): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return (items[items.length - 1] as readonly [string, number])[0];
}

/** Every (ancestor, descendant) pair of the tree including each node with itself, by code. */
export function closureByCode(model: Model): { ancestor: string; descendant: string }[] {
  const parent = new Map<string, string | null>();
  parent.set(model.rootCode, null);
  for (const n of [...model.committees, ...model.areas, ...model.units]) parent.set(n.code, n.parent);
  const out: { ancestor: string; descendant: string }[] = [];
  for (const code of parent.keys()) {
    for (let cur: string | null | undefined = code; cur; cur = parent.get(cur))
      out.push({ ancestor: cur, descendant: code });
  }
  return out;
}
