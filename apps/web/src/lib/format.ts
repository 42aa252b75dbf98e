/**
 * Danish number formatting for what the API does not format itself (chart axes, counts, the
 * import preview's øre). Table cells always use the API's own text, never these.
 */

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** 1234567 → "1.234.567"; 1234.5 with 1 decimal → "1.234,5". */
export function formatNumber(value: number, decimals = 0): string {
  const negative = value < 0;
  const fixed = Math.abs(value).toFixed(decimals);
  const [int = "0", frac] = fixed.split(".");
  const text = frac === undefined ? groupThousands(int) : `${groupThousands(int)},${frac}`;
  return negative && Number(fixed) !== 0 ? `-${text}` : text;
}

/** Øre as a decimal string → kroner, with øre only when there are any: "8049600000" → "80.496.000". */
export function formatOre(ore: string): string {
  const negative = ore.startsWith("-");
  const digits = (negative ? ore.slice(1) : ore).padStart(3, "0");
  const kr = groupThousands(digits.slice(0, -2).replace(/^0+(?=\d)/, ""));
  const oere = digits.slice(-2);
  return `${negative ? "-" : ""}${kr}${oere === "00" ? "" : `,${oere}`}`;
}

/** Øre in one thousand kroner: 1.000 kr. = 100.000 øre, so 1.000 kr. has five decimals down to øre. */
const ORE_PER_THOUSAND = 100_000n;
export const THOUSAND_DECIMALS = 5;

function thousandStep(decimals: number): bigint {
  return ORE_PER_THOUSAND / 10n ** BigInt(decimals);
}

function clampDecimals(decimals: number): number {
  return Math.min(THOUSAND_DECIMALS, Math.max(0, Math.trunc(decimals)));
}

/**
 * Øre (a decimal string) in 1.000 kr. with `decimals` decimals (0 to 5), divided exactly with
 * BigInt and rounded half away from zero: "175000000" → "1.750", "-530000000" → "-5.300",
 * "50000000" with 1 decimal → "0,5", "49999" → "0" (never "-0").
 */
export function formatOreThousands(ore: string, decimals = 0): string {
  const d = clampDecimals(decimals);
  const n = BigInt(ore);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const step = thousandStep(d);
  let q = abs / step;
  if ((abs % step) * 2n >= step) q += 1n;
  const digits = q.toString().padStart(d + 1, "0");
  const whole = groupThousands(digits.slice(0, digits.length - d));
  const text = d === 0 ? whole : `${whole},${digits.slice(digits.length - d)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

/**
 * The fewest decimals (at most max) with which every amount prints exactly in 1.000 kr.: 0 when
 * all are whole thousands (as in a printed catalogue), max when some would still be rounded.
 */
export function thousandDecimals(ores: Iterable<string>, max = THOUSAND_DECIMALS): number {
  const limit = clampDecimals(max);
  let needed = 0;
  for (const ore of ores) {
    const n = BigInt(ore);
    while (needed < limit && n % thousandStep(needed) !== 0n) needed++;
    if (needed === limit) break;
  }
  return needed;
}

/** Decimals printed per unit: mio. kr. with one decimal, the others whole. */
export function unitDecimals(unit: "kr" | "tkr" | "mio"): number {
  return unit === "mio" ? 1 : 0;
}

/** A printed figure (in quanta of the unit) as a number in the unit: "3883" in mio → 388.3. */
export function printedValue(printed: string, unit: "kr" | "tkr" | "mio"): number {
  return Number(printed) / 10 ** unitDecimals(unit);
}

const dateTimeFormat = new Intl.DateTimeFormat("da-DK", { dateStyle: "long", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat("da-DK", { dateStyle: "long" });

function parseDate(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** An ISO time as Danish date and time: "3. marts 2026 kl. 14.05" (left as it is if unreadable). */
export function formatDateTime(iso: string): string {
  const d = parseDate(iso);
  return d ? dateTimeFormat.format(d) : iso;
}

/** An ISO time as a Danish date: "3. marts 2026". */
export function formatDate(iso: string): string {
  const d = parseDate(iso);
  return d ? dateFormat.format(d) : iso;
}
