/**
 * Writes the synthetic municipality as the CSV files a municipality would import: the
 * organisation, the chart of accounts, a budget file (wide, one column per year) and one ledger
 * extract per year (Dato;Enhed;Konto;Beløb, Danish decimal comma, UTF-8). Ledger files are written
 * in 1 MB chunks, never held in memory. Files are reused when a manifest with the same parameters
 * exists, so a second run skips generation.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { LEDGER_YEARS, type Model } from "./model.ts";
import { AliasTable, Rng, subSeed } from "./prng.ts";

const GENERATOR_VERSION = 3;

/** Yearly growth of amounts (pay and prices), so restating to a fixed price year matters. */
const GROWTH = 1.028;

export interface LedgerFile {
  year: number;
  path: string;
  lines: number;
  bytes: number;
  /** Sum of the year's lines in øre (exact: stays far below 2^53). */
  sumOre: number;
}

export interface Manifest {
  version: number;
  seed: number;
  lines: number;
  units: number;
  accounts: number;
  pairs: number;
  dir: string;
  organisation: string;
  chart: string;
  budget: string;
  budgetRows: number;
  ledger: LedgerFile[];
  /** Distinct (unit, account, year, month) cells the lines hit: the monthly balances to store. */
  monthlyBalances: number;
  generationSeconds: number;
}

export const BUDGET_COLUMNS = [
  ...LEDGER_YEARS.filter((y) => y < 2025).map((y) => ({
    column: `Oprindeligt budget ${y}`,
    year: y,
    kind: "original" as const,
  })),
  { column: "Budget 2025", year: 2025, kind: "budget" as const },
  { column: "Overslag 2026", year: 2026, kind: "estimate" as const },
  { column: "Overslag 2027", year: 2027, kind: "estimate" as const },
  { column: "Overslag 2028", year: 2028, kind: "estimate" as const },
];

export const LEDGER_HEADER = ["Dato", "Enhed", "Konto", "Beløb"] as const;

export function generate(
  model: Model,
  lines: number,
  outRoot: string,
  opts: { regen?: boolean; log?: (s: string) => void } = {},
): Manifest {
  const dir = join(outRoot, `n${lines}-s${model.seed}`);
  const manifestPath = join(dir, "manifest.json");
  if (!opts.regen && existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    const intact = m.ledger.every((f) => existsSync(f.path) && statSync(f.path).size === f.bytes);
    if (m.version === GENERATOR_VERSION && m.lines === lines && m.seed === model.seed && intact) {
      opts.log?.(`  reusing ${dir} (generated earlier; --regen to write them again)`);
      return m;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();

  const organisation = join(dir, "organisation.csv");
  const orgLines = ["Udvalg;Udvalgsnavn;Område;Områdenavn;Enhed;Enhedsnavn;Underenhed;Underenhedsnavn"];
  for (const r of model.orgRows) {
    orgLines.push(
      [
        r.committee.code,
        r.committee.name,
        r.area.code,
        r.area.name,
        r.unit.code,
        r.unit.name,
        r.sub?.code ?? "",
        r.sub?.name ?? "",
      ].join(";"),
    );
  }
  writeFileSync(organisation, `${orgLines.join("\n")}\n`);

  const chart = join(dir, "kontoplan.csv");
  const chartLines = ["Funktion;Dranst;Art;Gruppering;Kontonavn"];
  for (const a of model.accounts)
    chartLines.push([a.funktion, a.dranst, a.art, a.gruppering, a.name].join(";"));
  writeFileSync(chart, `${chartLines.join("\n")}\n`);

  const pairs = model.pairs;
  const totalWeight = pairs.reduce((s, p) => s + p.weight, 0);
  const linesPerYear = lines / LEDGER_YEARS.length;

  // Budgets: the expected yearly actuals of each pair with some noise, whole kroner, grouped.
  const budget = join(dir, "budget.csv");
  const brng = new Rng(subSeed(model.seed, "budget"));
  const budgetLines = [["Enhed", "Konto", ...BUDGET_COLUMNS.map((c) => c.column)].join(";")];
  for (const p of pairs) {
    const expectedOre = (p.weight / totalWeight) * linesPerYear * p.meanOre;
    const cells = BUDGET_COLUMNS.map((c) => {
      const kr = Math.round((expectedOre * GROWTH ** (c.year - 2021) * (1 + 0.04 * brng.normal())) / 100);
      return groupThousands(kr);
    });
    budgetLines.push([p.unit, p.account, ...cells].join(";"));
  }
  writeFileSync(budget, `${budgetLines.join("\n")}\n`);

  // Ledger lines: per year and month, each line a weighted draw of (unit, account).
  const alias = new AliasTable(pairs.map((p) => p.weight));
  const pairText = pairs.map((p) => `;${p.unit};${p.account};`);
  const seen = new Uint8Array(pairs.length * LEDGER_YEARS.length * 12);
  const ledger: LedgerFile[] = [];
  const enc = new TextEncoder();
  LEDGER_YEARS.forEach((year, yi) => {
    const rng = new Rng(subSeed(model.seed, `ledger-${year}`));
    const nYear = Math.floor(lines / LEDGER_YEARS.length) + (yi < lines % LEDGER_YEARS.length ? 1 : 0);
    const path = join(dir, `posteringer-${year}.csv`);
    const fd = openSync(path, "w");
    let bytes = 0;
    let buf = `${LEDGER_HEADER.join(";")}\n`;
    let sumOre = 0;
    const growth = GROWTH ** (year - 2021);
    for (let month = 1; month <= 12; month++) {
      const nMonth = Math.floor(nYear / 12) + (month - 1 < nYear % 12 ? 1 : 0);
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const prefix = `${year}-${String(month).padStart(2, "0")}-`;
      const dayText = Array.from({ length: days }, (_, d) => `${prefix}${String(d + 1).padStart(2, "0")}`);
      for (let i = 0; i < nMonth; i++) {
        const p = alias.draw(rng);
        const day = Math.floor(rng.next() * days);
        const mean = (pairs[p] as (typeof pairs)[number]).meanOre * growth;
        let ore = Math.round(mean * (0.3 + 1.4 * rng.next()));
        if (rng.next() < 0.02) ore = -ore; // reversals and corrections
        if (ore === 0) ore = 1;
        sumOre += ore;
        seen[(p * LEDGER_YEARS.length + yi) * 12 + month - 1] = 1;
        buf += `${dayText[day]}${pairText[p]}${formatOre(ore)}\n`;
        if (buf.length > 1 << 20) {
          const b = enc.encode(buf);
          writeSync(fd, b);
          bytes += b.byteLength;
          buf = "";
        }
      }
    }
    const b = enc.encode(buf);
    writeSync(fd, b);
    bytes += b.byteLength;
    closeSync(fd);
    ledger.push({ year, path, lines: nYear, bytes, sumOre });
    opts.log?.(`  ${path}: ${nYear.toLocaleString("en-US")} lines, ${(bytes / 1e6).toFixed(0)} MB`);
  });

  let monthlyBalances = 0;
  for (const v of seen) monthlyBalances += v;
  const manifest: Manifest = {
    version: GENERATOR_VERSION,
    seed: model.seed,
    lines,
    units: model.units.length,
    accounts: model.accounts.length,
    pairs: pairs.length,
    dir,
    organisation,
    chart,
    budget,
    budgetRows: pairs.length,
    ledger,
    monthlyBalances,
    generationSeconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** øre → "-1234,56" (ERP extracts carry no thousands separator). */
function formatOre(ore: number): string {
  const neg = ore < 0;
  const a = neg ? -ore : ore;
  const kr = Math.floor(a / 100);
  const o = a - kr * 100;
  return `${neg ? "-" : ""}${kr},${o < 10 ? "0" : ""}${o}`;
}

/** 1234567 → "1.234.567" (Danish grouping, as budget spreadsheets print it). */
function groupThousands(kr: number): string {
  const neg = kr < 0;
  const s = String(Math.abs(kr));
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ".";
    out += s[i];
  }
  return neg ? `-${out}` : out;
}
