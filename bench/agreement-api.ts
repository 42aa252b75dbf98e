/**
 * Budget agreement preview through the HTTP API: what the web app's editor waits for after each
 * (debounced) edit. A municipality with a realistic organisation (10 committees × 10 areas × 3
 * units, the first committee being Økonomiudvalget) and a catalogue of 50 proposals (2-3 lines
 * over the four years) is stored; then a scenario of the 50 proposals (30 % with a changed amount)
 * and 30 adjustments written as Danish phrases (the four amount patterns) is sent to
 * POST /api/municipalities/:m/agreements/preview, one item edited per request, through the real
 * server in-process (fastify inject: routing, access check with an API token, body parsing,
 * validation, the database reads, core's effect table, JSON out) and parsed as the client would.
 * Target: under 100 ms (p95).
 *
 * Runs inside `npm run bench` (bench/run.ts) and alone: `npx tsx bench/agreement-api.ts`
 * [--requests 300] [--seed 2025] [--engines pglite,postgres] [--url postgres://…].
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type AmountPattern, describePattern, type Proposal, SYSTEM_ACTOR } from "@bevilling/core";
import { type Engine, insertProposal } from "@bevilling/db";
import { buildApp } from "@bevilling/server";
import { createToken, ensureMunicipality, mappingSchema, runImport } from "@bevilling/services";
import { type AgreementBenchResult, agreementTable } from "./agreement.ts";
import { type BenchDatabase, cleanupAll, openBenchPglite, openBenchPostgres } from "./engines.ts";
import { machine } from "./machine.ts";
import { Rng, subSeed } from "./prng.ts";
import { int, ms, type Summary, summarize, textTable } from "./stats.ts";

export const AGREEMENT_API_TARGET_MS = 100;

const BUDGET_YEAR = 2025;
const YEARS = [0, 1, 2, 3].map((k) => BUDGET_YEAR + k);
const COMMITTEES = 10;
const AREAS = 10;
const UNITS = 3;

export interface AgreementApiBenchOptions {
  seed?: number;
  requests?: number;
  engines?: Engine[];
  /** PostgreSQL admin URL (a bench database is created and dropped there). */
  url?: string;
  log?: (s: string) => void;
}

export interface AgreementApiEngineResult {
  engine: Engine;
  label: string;
  preview: Summary;
  /** Bytes of one answer. */
  answerBytes: number;
  effectRows: number;
}

export interface AgreementApiBenchResult {
  params: { seed: number; requests: number; proposals: number; adjustments: number; nodes: number };
  engines: AgreementApiEngineResult[];
  skipped: string[];
}

function tkr(rng: Rng, limit: number): bigint {
  return BigInt(rng.int(-limit, limit)) * 100_000n;
}

function organisationCsv(): Uint8Array {
  const rows = ["Udvalg;Udvalgsnavn;Område;Områdenavn;Enhed;Enhedsnavn"];
  for (let c = 0; c < COMMITTEES; c++) {
    const committee = c === 0 ? "Økonomiudvalget" : `Udvalg ${c}`;
    for (let a = 0; a < AREAS; a++) {
      for (let u = 0; u < UNITS; u++) {
        rows.push(`U${c};${committee};U${c}-O${a};Område ${c}.${a};U${c}-O${a}-E${u};Enhed ${c}.${a}.${u}`);
      }
    }
  }
  return new TextEncoder().encode(`${rows.join("\n")}\n`);
}

function randomPattern(rng: Rng): AmountPattern {
  switch (rng.int(0, 3)) {
    case 0:
      return { kind: "years", amounts: new Map([[rng.pick(YEARS), tkr(rng, 5_000)]]) };
    case 1:
      return {
        kind: "each_year",
        amount: tkr(rng, 3_000),
        years: rng.sample(YEARS, 2).sort((a, b) => a - b),
      };
    case 2:
      return { kind: "from_year", amount: tkr(rng, 1_000), fromYear: rng.pick(YEARS) };
    default:
      return { kind: "estimate_years", amount: tkr(rng, 2_000) };
  }
}

interface Setup {
  municipality: string;
  token: string;
  proposalIds: number[];
  places: string[];
}

export async function setUp(
  db: BenchDatabase["handle"]["db"],
  seed: number,
  proposals: number,
): Promise<Setup> {
  const { municipality: m } = await ensureMunicipality(
    db,
    { code: "777", name: "Aftalebench", budgetYear: BUDGET_YEAR },
    SYSTEM_ACTOR,
  );
  await runImport(
    db,
    m,
    { fileName: "organisation.csv", bytes: organisationCsv() },
    mappingSchema.parse({
      kind: "organisation",
      levels: [
        { kind: "committee", code: "Udvalg", name: "Udvalgsnavn" },
        { kind: "area", code: "Område", name: "Områdenavn" },
        { kind: "unit", code: "Enhed", name: "Enhedsnavn" },
      ],
    }),
    { actor: SYSTEM_ACTOR },
  );
  const rng = new Rng(subSeed(seed, "catalogue"));
  const proposalIds = await db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (let p = 0; p < proposals; p++) {
      const proposal: Proposal = {
        schedule: `${1 + (p % 9)}.1.2. ${String(p).padStart(2, "0")}`,
        kind: "drift",
        title: `Forslag ${p}`,
        text: "Syntetisk forslag til benchmark.",
        committee: `Udvalg ${p % COMMITTEES}`,
        area: `Område ${p % COMMITTEES}.${p % AREAS}`,
        status: "submitted",
        references: [],
        lines: Array.from({ length: rng.int(2, 3) }, (_, l) => ({
          name: `Linje ${l + 1}`,
          amounts: new Map(YEARS.map((y) => [y, tkr(rng, 4_000)])),
        })),
      };
      ids.push(
        await insertProposal(trx, {
          municipalityId: m.id,
          catalogue: `Budget ${BUDGET_YEAR}-${BUDGET_YEAR + 3}`,
          period: { firstYear: BUDGET_YEAR, lastYear: BUDGET_YEAR + 3 },
          position: p,
          proposal,
        }),
      );
    }
    return ids;
  });
  const { secret } = await createToken(db, { name: "bench", role: "okonomi", unitIds: [] }, SYSTEM_ACTOR);
  const places: string[] = [];
  for (let c = 0; c < COMMITTEES; c++) {
    for (let a = 0; a < AREAS; a++) {
      places.push(`U${c}-O${a}`);
      for (let u = 0; u < UNITS; u++) places.push(`U${c}-O${a}-E${u}`);
    }
  }
  return { municipality: m.code, token: secret, proposalIds, places };
}

type ItemBody = Record<string, unknown> & { kind: string; key: string };

export function scenario(s: Setup, rng: Rng, adjustments: number): ItemBody[] {
  const items: ItemBody[] = s.proposalIds.map((proposalId, p) => ({
    kind: "proposal",
    key: `forslag-${p}`,
    label: `Forslag ${p}`,
    area: rng.pick(s.places),
    proposalId,
    ...(rng.next() < 0.3
      ? { overrides: [{ line: 0, year: rng.pick(YEARS), amount: tkr(rng, 4_000).toString() }] }
      : {}),
  }));
  for (let a = 0; a < adjustments; a++) {
    items.push({
      kind: "adjustment",
      key: `regulering-${a}`,
      label: `Regulering ${a}`,
      area: rng.pick(s.places),
      pattern: describePattern(randomPattern(rng)),
      text: "Syntetisk regulering.",
      ...(rng.next() < 0.15 ? { category: "transfer" } : {}),
    });
  }
  return items;
}

/** The same item with one amount changed, as the user typing a new figure. */
function edited(item: ItemBody, rng: Rng): ItemBody {
  if (item.kind === "proposal") {
    return { ...item, overrides: [{ line: 0, year: rng.pick(YEARS), amount: tkr(rng, 4_000).toString() }] };
  }
  return { ...item, pattern: describePattern(randomPattern(rng)) };
}

async function runEngine(
  bench: BenchDatabase,
  label: string,
  seed: number,
  requests: number,
  log: (s: string) => void,
): Promise<AgreementApiEngineResult> {
  const db = bench.handle.db;
  const setup = await setUp(db, seed, 50);
  const app = await buildApp({ db });
  try {
    const rng = new Rng(subSeed(seed, "preview"));
    const items = scenario(setup, rng, 30);
    const url = `/api/municipalities/${setup.municipality}/agreements/preview`;
    const headers = { authorization: `Bearer ${setup.token}` };
    let answerBytes = 0;
    let effectRows = 0;
    const once = async (i: number) => {
      const k = (i * 7) % items.length;
      items[k] = edited(items[k] as ItemBody, rng);
      const r = await app.inject({
        method: "POST",
        url,
        headers,
        payload: { budgetYear: BUDGET_YEAR, items },
      });
      if (r.statusCode !== 200) throw new Error(`preview answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      const body = JSON.parse(r.body) as { effect: { rows: unknown[] } | null; problems: unknown[] };
      if (!body.effect)
        throw new Error(`the scenario has problems: ${JSON.stringify(body.problems).slice(0, 300)}`);
      answerBytes = r.body.length;
      effectRows = body.effect.rows.length;
    };
    for (let i = 0; i < Math.max(20, requests / 10); i++) await once(i);
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await once(i);
      times.push(performance.now() - t);
    }
    const preview = summarize(times);
    log(
      `${label}: preview of 50 proposals + 30 adjustments p50 ${ms(preview.p50)}, p95 ${ms(preview.p95)} ` +
        `(${int(answerBytes / 1024)} KB answer, ${effectRows} effect rows)`,
    );
    return { engine: bench.engine, label, preview, answerBytes, effectRows };
  } finally {
    await app.close();
  }
}

export async function runAgreementApiBench(
  opts: AgreementApiBenchOptions = {},
): Promise<AgreementApiBenchResult> {
  const seed = opts.seed ?? 2025;
  const requests = opts.requests ?? 300;
  const engines = opts.engines ?? ["pglite", "postgres"];
  const log = opts.log ?? (() => {});
  const result: AgreementApiBenchResult = {
    params: {
      seed,
      requests,
      proposals: 50,
      adjustments: 30,
      nodes: 1 + COMMITTEES * (1 + AREAS * (1 + UNITS)),
    },
    engines: [],
    skipped: [],
  };
  for (const engine of engines) {
    let bench: BenchDatabase;
    try {
      bench = engine === "postgres" ? await openBenchPostgres(opts.url ?? "") : await openBenchPglite();
    } catch (e) {
      result.skipped.push(`${engine}: ${(e as Error).message}`);
      log(`agreement API: ${engine} skipped (${(e as Error).message})`);
      continue;
    }
    try {
      result.engines.push(
        await runEngine(bench, engine === "postgres" ? "PostgreSQL" : "PGlite", seed, requests, log),
      );
    } finally {
      await bench.dispose();
    }
  }
  return result;
}

export function agreementApiTable(r: AgreementApiBenchResult): string {
  return [
    textTable(
      ["Budget agreement preview over HTTP", "Runs", "p50", "p95", "Max", "Target"],
      r.engines.map((e) => [
        `POST …/agreements/preview, ${e.label}`,
        int(e.preview.n),
        ms(e.preview.p50),
        ms(e.preview.p95),
        ms(e.preview.max),
        `< ${AGREEMENT_API_TARGET_MS} ms (${e.preview.p95 < AGREEMENT_API_TARGET_MS ? "met" : "MISSED"})`,
      ]),
    ),
    "",
    `Organisation: ${int(r.params.nodes)} nodes (${COMMITTEES} committees × ${AREAS} areas × ${UNITS} units), a catalogue ` +
      `of ${r.params.proposals} proposals (2-3 lines over ${BUDGET_YEAR}-${BUDGET_YEAR + 3}). Scenario: ${r.params.proposals} ` +
      `proposals (30 % with a changed amount) and ${r.params.adjustments} adjustments written as Danish phrases; one ` +
      `item edited per request. In-process server (fastify inject) with an API token: routing, access check, body ` +
      `validation, database reads, core's effect table and the JSON answer ` +
      `(${int((r.engines[0]?.answerBytes ?? 0) / 1024)} KB), parsed as the client does.` +
      (r.skipped.length > 0 ? ` Skipped: ${r.skipped.join("; ")}.` : ""),
  ].join("\n");
}

/**
 * The Markdown section docs/benchmarks.md ends with: the core recompute (bench/agreement.ts) and
 * the preview over HTTP, from the same run.
 */
export function agreementSection(
  core: AgreementBenchResult,
  api: AgreementApiBenchResult,
  date: string,
): string {
  return [
    `## Budget agreement scenario, ${date}`,
    "",
    "What the agreement editor waits for after an edit: the effect table recomputed in memory by core " +
      "(`bench/agreement.ts`), and the whole preview request through the server (`bench/agreement-api.ts`). " +
      `Target: under ${AGREEMENT_API_TARGET_MS} ms (p95).`,
    "",
    agreementTable(core),
    "",
    agreementApiTable(api),
    "",
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "300" },
      seed: { type: "string", default: "2025" },
      engines: { type: "string", default: "pglite,postgres" },
      url: {
        type: "string",
        default: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      },
    },
    strict: true,
  });
  const engines = (values.engines ?? "").split(",").map((s) => s.trim()) as Engine[];
  for (const e of engines) if (e !== "postgres" && e !== "pglite") throw new Error(`unknown engine ${e}`);
  const mach = machine("not used", { one: Number.NaN, two: Number.NaN });
  console.log(`${mach.cpu}, ${mach.cores} cores, ${mach.ramGb} GB, Node ${mach.node}`);
  try {
    const r = await runAgreementApiBench({
      seed: Number(values.seed),
      requests: Number(values.requests),
      engines,
      url: values.url as string,
      log: (s) => console.log(s),
    });
    console.log("");
    console.log(agreementApiTable(r));
    return r.engines.length > 0 ? 0 : 2;
  } finally {
    await cleanupAll();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
