/**
 * The overview's view lives in its address: /kommune/340/enhed/2?pris=2026&enhed=mio&visning=graf
 * (visning=tal: the unit's own budget figures and their history, for the year in aar).
 * Defaults are left out, so the plain address is the municipality's standard view.
 */
import { municipalityHref } from "./paths.ts";
import type { Unit } from "./types.ts";

export type PriceChoice = number | "current";
/** The table, the charts, or the unit's own figures with their history (visning=tal). */
export type ViewChoice = "table" | "chart" | "figures";
export type RowsChoice = "children" | "accounts";

export interface OverviewParams {
  /** undefined: the municipality's default price year. */
  price: PriceChoice | undefined;
  unit: Unit;
  view: ViewChoice;
  rows: RowsChoice;
  /**
   * The year: the composition chart's column, and the year of the figures view; undefined: the
   * budget year.
   */
  year: number | undefined;
}

export const DEFAULT_UNIT: Unit = "tkr";

function yearParam(s: string | null): number | undefined {
  if (s === null || !/^\d{4}$/.test(s)) return undefined;
  return Number(s);
}

function viewParam(s: string | null): ViewChoice {
  if (s === "graf") return "chart";
  if (s === "tal") return "figures";
  return "table";
}

export function parseOverviewParams(q: URLSearchParams): OverviewParams {
  const pris = q.get("pris");
  const enhed = q.get("enhed");
  return {
    price: pris === "loebende" ? "current" : yearParam(pris),
    unit: enhed === "kr" || enhed === "mio" || enhed === "tkr" ? enhed : DEFAULT_UNIT,
    view: viewParam(q.get("visning")),
    rows: q.get("raekker") === "accounts" ? "accounts" : "children",
    year: yearParam(q.get("aar")),
  };
}

export function overviewSearch(p: OverviewParams): string {
  const q = new URLSearchParams();
  if (p.price !== undefined) q.set("pris", p.price === "current" ? "loebende" : String(p.price));
  if (p.unit !== DEFAULT_UNIT) q.set("enhed", p.unit);
  if (p.view === "chart") q.set("visning", "graf");
  if (p.view === "figures") q.set("visning", "tal");
  if (p.rows === "accounts") q.set("raekker", "accounts");
  if (p.year !== undefined) q.set("aar", String(p.year));
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

/** nodeId null: the municipality's root node, at /kommune/:code. */
export function overviewHref(code: string, nodeId: number | null, p: OverviewParams): string {
  const base = municipalityHref(code);
  return (nodeId === null ? base : `${base}/enhed/${nodeId}`) + overviewSearch(p);
}

/**
 * Moving to another node keeps price level, unit and view; rows and the chart's column start over
 * (the year of the figures view is kept: it is the same year in the next unit).
 */
export function carryOver(p: OverviewParams): OverviewParams {
  return { ...p, rows: "children", year: p.view === "figures" ? p.year : undefined };
}

/** The API's query for the same table (JSON on screen, or a file to download). */
export function overviewApiUrl(nodeId: number, p: OverviewParams, format?: "csv" | "xlsx"): string {
  const q = new URLSearchParams();
  if (p.price !== undefined) q.set("priceYear", p.price === "current" ? "current" : String(p.price));
  q.set("unit", p.unit);
  q.set("rows", p.rows);
  if (format) q.set("format", format);
  return `/api/nodes/${nodeId}/overview?${q.toString()}`;
}
