/**
 * Budget agreement recompute latency. The web app recomputes the whole effect table (every node
 * × year, rolled up, with traces) each time the user edits an item of the agreement, so that is
 * what is timed: a synthetic organisation (10 committees × 10 areas × 3 units by default) and a
 * scenario of 50 proposals (2-3 lines over the four years), 30 adjustments covering the four
 * amount patterns, 10 DUT allocations and 4 demography pools. Each iteration edits one item (a
 * new agreement object, as an immutable UI state would) and calls agreementEffect. Also timed:
 * compareScenarios against an alternative scenario, and applyAgreement on a base budget of
 * every area × 20 accounts × 4 years. Target: the recompute after an edit under 100 ms (p95).
 *
 * Runs inside `npm run bench` (bench/run.ts) and alone: `npx tsx bench/agreement.ts`
 * [--iterations 2000] [--seed 2025] [--committees 10] [--areas 10] [--units 3].
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  type AdjustmentItem,
  type Agreement,
  type AgreementItem,
  type AgreementOrgNode,
  agreementEffect,
  agreementPeriod,
  applyAgreement,
  type BudgetFigure,
  compareScenarios,
  type DutItem,
  itemAmounts,
  type PoolItem,
  type ProposalItem,
} from "@bevilling/core";
import type { AmountPattern } from "../packages/core/src/patterns.ts";
import { machine } from "./machine.ts";
import { Rng, subSeed } from "./prng.ts";
import { int, ms, type Summary, summarize, textTable } from "./stats.ts";

export const AGREEMENT_TARGET_MS = 100;

export interface AgreementBenchOptions {
  seed?: number;
  committees?: number;
  areas?: number;
  units?: number;
  proposals?: number;
  adjustments?: number;
  /** Timed edits; compareScenarios gets a quarter, applyAgreement a tenth (at least 20 each). */
  iterations?: number;
  log?: (s: string) => void;
}

export interface AgreementBenchResult {
  params: Required<Omit<AgreementBenchOptions, "log">>;
  nodes: number;
  items: number;
  /** Amounts (item × year) the scenario holds. */
  amounts: number;
  baseFigures: number;
  edit: Summary;
  compare: Summary;
  apply: Summary;
  check: { ok: boolean; detail: string };
}

const BUDGET_YEAR = 2025;

/** Whole thousands of kroner in øre, up to ±limit t.kr. */
function tkr(rng: Rng, limit: number): bigint {
  return BigInt(rng.int(-limit, limit)) * 100_000n;
}

function buildOrg(committees: number, areas: number, units: number): AgreementOrgNode[] {
  let id = 1;
  const org: AgreementOrgNode[] = [
    { id: id++, parentId: null, kind: "municipality", code: "K", name: "Benchmark Kommune" },
  ];
  for (let c = 0; c < committees; c++) {
    const committee: AgreementOrgNode = {
      id: id++,
      parentId: 1,
      kind: "committee",
      code: `U${c}`,
      name: c === 0 ? "Økonomiudvalget" : `Udvalg ${c}`,
      sortOrder: c,
    };
    org.push(committee);
    for (let a = 0; a < areas; a++) {
      const area: AgreementOrgNode = {
        id: id++,
        parentId: committee.id,
        kind: "area",
        code: `U${c}-O${a}`,
        name: `Område ${c}.${a}`,
        sortOrder: a,
      };
      org.push(area);
      for (let u = 0; u < units; u++) {
        org.push({
          id: id++,
          parentId: area.id,
          kind: "unit",
          code: `U${c}-O${a}-E${u}`,
          name: `Enhed ${u}`,
        });
      }
    }
  }
  return org;
}

function randomPattern(rng: Rng): AmountPattern {
  const b = BUDGET_YEAR;
  switch (rng.int(0, 3)) {
    case 0:
      return { kind: "years", amounts: new Map([[b + rng.int(0, 3), tkr(rng, 5_000)]]) };
    case 1:
      return { kind: "each_year", amount: tkr(rng, 3_000), years: rng.sample([b, b + 1, b + 2, b + 3], 2) };
    case 2:
      return { kind: "from_year", amount: tkr(rng, 1_000), fromYear: b + rng.int(0, 3) };
    default:
      return { kind: "estimate_years", amount: tkr(rng, 2_000) };
  }
}

function buildScenario(
  org: readonly AgreementOrgNode[],
  seed: number,
  proposals: number,
  adjustments: number,
  name: string,
): Agreement {
  const rng = new Rng(seed);
  const places = org.filter((n) => n.kind === "area" || n.kind === "unit").map((n) => n.code);
  const financeAreas = org.filter((n) => n.kind === "area" && n.code.startsWith("U0-")).map((n) => n.code);
  const years = [0, 1, 2, 3].map((k) => BUDGET_YEAR + k);
  const items: AgreementItem[] = [];
  for (let p = 0; p < proposals; p++) {
    const lines = Array.from({ length: rng.int(2, 3) }, (_, l) => ({
      name: `Linje ${l + 1}`,
      amounts: new Map(years.map((y) => [y, tkr(rng, 4_000)])),
    }));
    const item: ProposalItem = {
      kind: "proposal",
      id: `forslag-${p}`,
      label: `Forslag ${p}`,
      area: rng.pick(places),
      proposal: {
        schedule: `${1 + (p % 9)}.1.2. ${String(p).padStart(2, "0")}`,
        title: `Forslag ${p}`,
        lines,
      },
    };
    if (rng.next() < 0.3) item.overrides = [{ line: 0, year: rng.pick(years), amount: tkr(rng, 4_000) }];
    items.push(item);
  }
  for (let a = 0; a < adjustments; a++) {
    items.push({
      kind: "adjustment",
      id: `regulering-${a}`,
      label: `Regulering ${a}`,
      area: rng.pick(places),
      pattern: randomPattern(rng),
      text: "Syntetisk regulering.",
      ...(rng.next() < 0.15 ? { category: "transfer" as const } : {}),
    });
  }
  for (let d = 0; d < 10; d++) {
    const dut: DutItem = {
      kind: "dut",
      id: `dut-${d}`,
      label: `DUT ${d}`,
      area: rng.pick(places),
      amounts: new Map([[BUDGET_YEAR, tkr(rng, 2_000)]]),
      onwards: { kind: "from_year", fromYear: BUDGET_YEAR + 1, amount: tkr(rng, 2_000) },
    };
    items.push(dut);
  }
  for (let q = 0; q < 4; q++) {
    const pool: PoolItem = {
      kind: "pool",
      id: `pulje-${q}`,
      label: `Demografipulje ${q}`,
      area: rng.pick(financeAreas),
      amounts: new Map(years.map((y) => [y, BigInt(rng.int(0, 10_000)) * 100_000n])),
    };
    items.push(pool);
  }
  return { name, budgetYear: BUDGET_YEAR, items };
}

/** The same item with one amount changed, as the user typing a new figure. */
function edited(item: AgreementItem, rng: Rng): AgreementItem {
  const amount = tkr(rng, 5_000);
  switch (item.kind) {
    case "proposal": {
      const line = rng.int(0, item.proposal.lines.length - 1);
      return { ...item, overrides: [{ line, year: BUDGET_YEAR + rng.int(0, 3), amount }] };
    }
    case "adjustment": {
      const p = item.pattern;
      const pattern: AmountPattern =
        p.kind === "years"
          ? { kind: "years", amounts: new Map([...p.amounts].map(([y]) => [y, amount])) }
          : { ...p, amount };
      return { ...item, pattern } satisfies AdjustmentItem;
    }
    case "dut":
      return { ...item, amounts: new Map([[BUDGET_YEAR, amount]]) };
    case "pool":
      return {
        ...item,
        amounts: new Map([...item.amounts].map(([y]) => [y, amount < 0n ? -amount : amount])),
      };
  }
}

function timed(n: number, f: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f(i);
    out.push(performance.now() - t);
  }
  return out;
}

/** The municipality total must be the sum of every item amount, and each row's trace its value. */
function verify(agreement: Agreement, org: readonly AgreementOrgNode[]): { ok: boolean; detail: string } {
  const effect = agreementEffect(agreement, org);
  const period = agreementPeriod(agreement);
  let bad = 0;
  effect.years.forEach((year, y) => {
    let expected = 0n;
    for (const item of agreement.items) expected += itemAmounts(item, period).get(year) ?? 0n;
    if (effect.total[y] !== expected) bad++;
    for (const row of effect.rows) {
      let traced = 0n;
      for (const c of effect.trace.get(row.nodeId)?.get(year) ?? []) traced += c.amount;
      if (traced !== row.values[y]) bad++;
    }
  });
  const cells = effect.rows.length * effect.years.length;
  return bad === 0
    ? { ok: true, detail: `total = Σ items and trace = value in all ${int(cells)} cells` }
    : { ok: false, detail: `${bad} sums differ` };
}

export function runAgreementBench(opts: AgreementBenchOptions = {}): AgreementBenchResult {
  const params = {
    seed: opts.seed ?? 2025,
    committees: opts.committees ?? 10,
    areas: opts.areas ?? 10,
    units: opts.units ?? 3,
    proposals: opts.proposals ?? 50,
    adjustments: opts.adjustments ?? 30,
    iterations: opts.iterations ?? 2000,
  };
  const log = opts.log ?? (() => {});
  const org = buildOrg(params.committees, params.areas, params.units);
  let current = buildScenario(
    org,
    subSeed(params.seed, "agreement"),
    params.proposals,
    params.adjustments,
    "A",
  );
  const alternative = buildScenario(
    org,
    subSeed(params.seed, "alternative"),
    params.proposals,
    params.adjustments,
    "B",
  );
  const amounts = current.items.reduce((s, i) => s + itemAmounts(i, agreementPeriod(current)).size, 0);
  log(
    `agreement: ${int(org.length)} nodes, ${current.items.length} items ` +
      `(${params.proposals} proposals, ${params.adjustments} adjustments, 10 DUT, 4 pools), ${int(amounts)} item × year amounts`,
  );

  const rng = new Rng(subSeed(params.seed, "edits"));
  const applyEdit = (i: number) => {
    const k = (i * 7) % current.items.length;
    const items = [...current.items];
    items[k] = edited(items[k] as AgreementItem, rng);
    current = { ...current, items };
  };
  const edit = (i: number) => {
    applyEdit(i);
    const effect = agreementEffect(current, org);
    if (effect.rows.length !== org.length) throw new Error("effect table is missing rows");
  };
  timed(Math.max(50, params.iterations / 10), edit);
  const editTimes = summarize(timed(params.iterations, edit));
  log(`agreement: recompute after one edit p50 ${ms(editTimes.p50)}, p95 ${ms(editTimes.p95)}`);

  const compareRuns = Math.max(20, Math.round(params.iterations / 4));
  const compare = (i: number) => {
    applyEdit(i);
    const c = compareScenarios(current, alternative, org);
    if (c.rows.length !== org.length) throw new Error("comparison is missing rows");
  };
  timed(Math.max(20, compareRuns / 10), compare);
  const compareTimes = summarize(timed(compareRuns, compare));
  log(`agreement: edit + compareScenarios p50 ${ms(compareTimes.p50)}, p95 ${ms(compareTimes.p95)}`);

  const base: BudgetFigure[] = [];
  const baseRng = new Rng(subSeed(params.seed, "base"));
  for (const n of org) {
    if (n.kind !== "area") continue;
    for (let account = 1; account <= 20; account++) {
      for (let y = 0; y < 4; y++) {
        base.push({ node: n.code, accountId: account, year: BUDGET_YEAR + y, amount: tkr(baseRng, 50_000) });
      }
    }
  }
  const applyRuns = Math.max(20, Math.round(params.iterations / 10));
  const apply = () => {
    const adopted = applyAgreement(base, current, org);
    if (adopted.length < base.length) throw new Error("adopted budget lost figures");
  };
  timed(Math.max(5, applyRuns / 10), apply);
  const applyTimes = summarize(timed(applyRuns, apply));
  log(
    `agreement: applyAgreement on ${int(base.length)} figures p50 ${ms(applyTimes.p50)}, p95 ${ms(applyTimes.p95)}`,
  );

  const check = verify(current, org);
  log(`agreement: check ${check.ok ? "ok" : "FAILED"}: ${check.detail}`);
  return {
    params,
    nodes: org.length,
    items: current.items.length,
    amounts,
    baseFigures: base.length,
    edit: editTimes,
    compare: compareTimes,
    apply: applyTimes,
    check,
  };
}

export function agreementTable(r: AgreementBenchResult): string {
  const met = r.edit.p95 < AGREEMENT_TARGET_MS;
  const row = (what: string, s: Summary, target: string) => [
    what,
    int(s.n),
    ms(s.p50),
    ms(s.p95),
    ms(s.max),
    target,
  ];
  return [
    textTable(
      ["Budget agreement (core, in memory)", "Runs", "p50", "p95", "Max", "Target"],
      [
        row(
          "Effect table after editing one item",
          r.edit,
          `< ${AGREEMENT_TARGET_MS} ms (${met ? "met" : "MISSED"})`,
        ),
        row("Edit + compareScenarios (two effect tables)", r.compare, "–"),
        row(`applyAgreement on ${int(r.baseFigures)} base figures`, r.apply, "–"),
      ],
    ),
    "",
    `Organisation: ${int(r.nodes)} nodes (${r.params.committees} committees × ${r.params.areas} areas × ${r.params.units} units). ` +
      `Scenario: ${r.items} items (${r.params.proposals} proposals of 2-3 lines, ${r.params.adjustments} adjustments, 10 DUT, 4 pools), ` +
      `${int(r.amounts)} item × year amounts over ${BUDGET_YEAR}-${BUDGET_YEAR + 3}. ` +
      `Check ${r.check.ok ? "ok" : "FAILED"}: ${r.check.detail}.`,
  ].join("\n");
}

function main(): number {
  const { values } = parseArgs({
    options: {
      iterations: { type: "string", default: "2000" },
      seed: { type: "string", default: "2025" },
      committees: { type: "string", default: "10" },
      areas: { type: "string", default: "10" },
      units: { type: "string", default: "3" },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined, min = 1): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got ${v})`);
    return n;
  };
  const started = performance.now();
  const stamp = () => {
    const s = Math.floor((performance.now() - started) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
  };
  const log = (s: string) => console.log(`${stamp()} ${s}`);
  const mach = machine("not used", { one: Number.NaN, two: Number.NaN });
  log(`${mach.cpu}, ${mach.cores} cores, ${mach.ramGb} GB, Node ${mach.node}`);
  const r = runAgreementBench({
    iterations: num("iterations", values.iterations),
    seed: num("seed", values.seed),
    committees: num("committees", values.committees),
    areas: num("areas", values.areas),
    units: num("units", values.units, 0),
    log,
  });
  console.log("");
  console.log(agreementTable(r));
  return r.check.ok ? 0 : 2;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
