/**
 * Price levels (pris- og lønfremskrivning). An amount stored in the prices of year P is restated
 * to the prices of year T by the ratio of the index for T to the index for P, in the index group
 * the municipality's rule picks for the amount (KL publishes one per art group plus a weighted
 * total). Index points are fixed-point integers with INDEX_SCALE decimals, so restating is exact
 * rational arithmetic rounded once, half away from zero, to whole øre: the same inputs always give
 * the same øre on every machine.
 *
 * Rounding contract: restating n parts separately and adding them differs from restating their
 * sum by at most floor((n + 1) / 2) øre, because each of the n + 1 roundings moves a value by at
 * most half an øre. Views avoid that residue altogether: they keep restated values as exact
 * rationals and round only when printing (core/src/overview.ts, Scale).
 */
import { mulDivRound } from "./money.ts";

export type IndexGroup = "total" | "wages" | "goods" | "services" | "transfers" | "capital";
export const INDEX_GROUPS: readonly IndexGroup[] = [
  "total",
  "wages",
  "goods",
  "services",
  "transfers",
  "capital",
];
export const INDEX_GROUP_LABEL: Record<IndexGroup, string> = {
  total: "Samlet (vægtet)",
  wages: "Lønninger",
  goods: "Varekøb",
  services: "Tjenesteydelser",
  transfers: "Tilskud og overførsler",
  capital: "Anlæg",
};

export const INDEX_SCALE = 4;
const INDEX_ONE = 10n ** BigInt(INDEX_SCALE);

/** Which index restates which amounts: one weighted total, or the art group's own index. */
export type IndexRule = "total" | "by_group";

/** The art group an account's amounts follow when the rule is by_group. */
export function indexGroupFor(art: string, dranst: number): IndexGroup {
  if (dranst === 3) return "capital";
  switch (art[0]) {
    case "1":
      return "wages";
    case "2":
      return "goods";
    case "4":
      return "services";
    case "5":
      return "transfers";
    default:
      return "total";
  }
}

/** index points per group and year: points.get(group)?.get(year). */
export interface PriceIndex {
  name: string;
  isExample: boolean;
  points: Map<IndexGroup, Map<number, bigint>>;
}

export class PriceIndexError extends Error {
  constructor(
    readonly group: IndexGroup,
    readonly year: number,
  ) {
    super(`Prisindekset mangler ${INDEX_GROUP_LABEL[group].toLowerCase()} for ${year}`);
    this.name = "PriceIndexError";
  }
}

export function indexPoint(index: PriceIndex, group: IndexGroup, year: number): bigint {
  const v = index.points.get(group)?.get(year);
  if (v === undefined || v <= 0n) throw new PriceIndexError(group, year);
  return v;
}

export function effectiveGroup(rule: IndexRule, group: IndexGroup): IndexGroup {
  return rule === "total" ? "total" : group;
}

export function restate(
  ore: bigint,
  fromYear: number,
  toYear: number,
  group: IndexGroup,
  index: PriceIndex,
  rule: IndexRule,
): bigint {
  if (fromYear === toYear || ore === 0n) return ore;
  const g = effectiveGroup(rule, group);
  return mulDivRound(ore, indexPoint(index, g, toYear), indexPoint(index, g, fromYear));
}

/** Parses index points written "103,45" or "103.45" into fixed-point INDEX_SCALE integers. */
export function parseIndexPoints(s: string): bigint | undefined {
  const m = /^\s*(\d+)(?:[.,](\d{1,4}))?\s*$/.exec(s);
  if (!m) return undefined;
  const frac = (m[2] ?? "").padEnd(INDEX_SCALE, "0");
  return BigInt(m[1] as string) * INDEX_ONE + BigInt(frac);
}

export function formatIndexPoints(v: bigint): string {
  const whole = v / INDEX_ONE;
  const frac = (v % INDEX_ONE).toString().padStart(INDEX_SCALE, "0").replace(/0+$/, "");
  return frac ? `${whole},${frac}` : `${whole}`;
}

/**
 * An EXAMPLE index, not KL's official figures: round yearly increases in the range KL's
 * guidance has shown recently, so the product can demonstrate restating before a municipality
 * imports the real table (`bevilling index import`). 2025 = 100.
 */
export function exampleIndex(): PriceIndex {
  const yearly: Record<IndexGroup, number[]> = {
    // increases in per mille for 2019→2020 … 2029→2030
    total: [21, 18, 28, 58, 44, 33, 30, 26, 25, 25, 25],
    wages: [23, 21, 22, 30, 55, 40, 32, 29, 28, 28, 28],
    goods: [15, 10, 45, 110, 20, 20, 20, 20, 20, 20, 20],
    services: [18, 15, 30, 70, 35, 28, 26, 22, 22, 22, 22],
    transfers: [17, 17, 20, 45, 50, 35, 28, 24, 23, 23, 23],
    capital: [19, 20, 50, 90, 30, 25, 25, 22, 22, 22, 22],
  };
  const points = new Map<IndexGroup, Map<number, bigint>>();
  const base = 2025;
  const first = 2019;
  for (const g of INDEX_GROUPS) {
    const inc = yearly[g];
    // Build a chain in exact per-mille steps, then rescale so base year = 100.0000.
    const raw: bigint[] = [1_000_000_000n];
    for (const step of inc) raw.push(mulDivRound(raw[raw.length - 1] as bigint, 1000n + BigInt(step), 1000n));
    const baseRaw = raw[base - first] as bigint;
    const byYear = new Map<number, bigint>();
    raw.forEach((r, i) => {
      byYear.set(first + i, mulDivRound(r, 100n * INDEX_ONE, baseRaw));
    });
    points.set(g, byYear);
  }
  return { name: "Eksempel (ikke KL's officielle tal)", isExample: true, points };
}
