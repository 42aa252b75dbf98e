import type { IndexRule } from "./prices.ts";

/**
 * How texts print over- and underspending differs between municipalities and must never be
 * guessed: Kalundborg writes "merforbrug på -25,7 mio. kr.", others print the plus.
 */
export type SignConvention = "overspend_negative" | "overspend_positive";

export interface MunicipalitySettings {
  /** The budget year being prepared or in force (B); overviews default to B-2 … B+3. */
  budgetYear: number;
  /** The fiscal years the municipality keeps in play. */
  firstYear: number;
  lastYear: number;
  /** Price level overviews open in ("Alle tal er i 2025-priser"). */
  defaultPriceYear: number;
  signConvention: SignConvention;
  priceIndexRule: IndexRule;
  /**
   * Whether the municipality's budget figures are public: anonymous visitors see published
   * municipalities only. Off by default, so nothing is public before someone decides it.
   */
  published: boolean;
}

export interface Municipality {
  id: number;
  code: string;
  name: string;
  settings: MunicipalitySettings;
  /** Raised by every change of the settings, for optimistic concurrency. */
  version: number;
}

export function defaultSettings(budgetYear: number): MunicipalitySettings {
  return {
    budgetYear,
    firstYear: budgetYear - 2,
    lastYear: budgetYear + 3,
    defaultPriceYear: budgetYear,
    signConvention: "overspend_negative",
    priceIndexRule: "by_group",
    published: false,
  };
}

/**
 * Deviation = budget − forecast in ledger signs (expenses positive), so a positive figure is an
 * underspend. The convention decides the sign printed for an overspend.
 */
export function signedDeviationForText(budgetMinusForecast: bigint, convention: SignConvention): bigint {
  return convention === "overspend_negative" ? budgetMinusForecast : -budgetMinusForecast;
}
