/**
 * Reading the figures a builder printed back into numbers, for the spreadsheet: cells are
 * already-formatted Danish text (see model.ts), and Excel should still be able to sum them.
 */

export interface ParsedFigure {
  /** The number Excel stores: "-25,7" gives -25.7 (the double nearest to it, as Excel keeps it). */
  value: number;
  /** Digits after the decimal comma as printed, so the cell can be shown the same way. */
  decimals: number;
}

// What core's formatQuanta prints ("1.200", "-5.300", "-25,7", "0,5"), and also ungrouped
// integers ("4500"), which seed 003 prints in its "I alt" rows. A leading zero is only allowed
// alone ("0", "0,5"), so codes such as "007" stay text; "−" (U+2212) is typeset minus.
const FIGURE = /^([-\u2212]?)((?:[1-9]\d{0,2}(?:\.\d{3})+)|(?:0|[1-9]\d*))(?:,(\d+))?$/u;

// A double holds every decimal of up to 15 significant digits exactly enough to print it back.
const MAX_SIGNIFICANT_DIGITS = 15;

/**
 * A Danish-formatted figure as a number: "1.200" → 1200, "-5.300" → -5300,
 * "50.190.100" → 50190100, "-25,7" → -25.7. undefined for anything else (text, "1.75", "1,2.3",
 * "+5", "") and for figures with more than 15 significant digits, which Excel cannot hold.
 */
export function parseFormattedNumber(text: string): ParsedFigure | undefined {
  const m = FIGURE.exec(text);
  if (!m) return undefined;
  const negative = m[1] !== "";
  const integer = (m[2] ?? "").replaceAll(".", "");
  const fraction = m[3] ?? "";
  const significant = (integer + fraction).replace(/^0+/u, "");
  if (significant.length > MAX_SIGNIFICANT_DIGITS) return undefined;
  const magnitude = Number(fraction === "" ? integer : `${integer}.${fraction}`);
  // No negative zero: "-0" is 0.
  return { value: negative && magnitude !== 0 ? -magnitude : magnitude, decimals: fraction.length };
}

/**
 * Excel's number format for a figure with `decimals` decimals. Format codes are written with
 * "," and "." and shown in the reader's locale, so Danish Excel shows 1200 as "1.200".
 */
export function excelNumberFormat(decimals: number): string {
  return decimals > 0 ? `#,##0.${"0".repeat(decimals)}` : "#,##0";
}
