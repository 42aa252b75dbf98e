/**
 * The sentences of the budget remarks (budgetbemærkninger), built from data: an adopted
 * adjustment as seed 000's "Budgetaftalen 2025" lists it ("Planområdet styrkes med 1,750 mio.
 * kr. i 2025 for at imødekomme …"), DUT money and reductions as seed 001's "Budgetgrundlag"
 * writes them ("I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,1
 * mio. kr. i 2024.", "I relation til delaftale 2 om Arnepension er der indarbejdet en
 * reduktion på 0,2 mio. kr. årligt, …"), a demography pool by its own text, and the frame
 * budget sentence. Nothing here does I/O; every amount is written from øre without rounding
 * (formatPatternAmount), so parsePattern reads the sentences back to the same amounts.
 */

import {
  type AdjustmentItem,
  type AgreementItem,
  type DutItem,
  describeItem,
  type PoolItem,
} from "./agreement.ts";
import { type AmountPattern, type AmountStyle, describePattern, formatPatternAmount } from "./patterns.ts";

export interface RemarkOptions {
  /** The budget year B of the remarks: names the estimate years and decides "årligt" for DUT. */
  budgetYear: number;
  /**
   * How amounts are written. Default: "agreement" for adjustments, proposals and pools (seed
   * 000: "1,750 mio. kr."), "short" for DUT money (seed 001: "0,04 mio. kr.", "116.000 kr.").
   */
  amountStyle?: AmountStyle;
}

function isLowerCaseLetter(ch: string): boolean {
  return ch.toLocaleLowerCase("da") === ch && ch.toLocaleUpperCase("da") !== ch;
}

function endWithStop(text: string): string {
  return /[.!?:]$/u.test(text) ? text : `${text}.`;
}

/**
 * The sentence (without its full stop) followed by an item's text: a text that starts in lower
 * case ("for at imødekomme …") or with a comma or parenthesis continues the sentence; any other
 * text is a sentence of its own. The result ends with a full stop unless the text ends with
 * its own punctuation.
 */
export function continueSentence(sentence: string, text?: string | null): string {
  const body = sentence.trim().replace(/\.$/u, "");
  const reason = (text ?? "").trim();
  if (reason === "") return `${body}.`;
  const first = reason.charAt(0);
  if (first === "," || first === ";") return endWithStop(`${body}${reason}`);
  if (first === "(" || isLowerCaseLetter(first)) return endWithStop(`${body} ${reason}`);
  return `${body}. ${endWithStop(reason)}`;
}

/**
 * "Delaftale 2 om Arnepension" → "delaftale 2 om Arnepension"; a first word with more capitals
 * ("MitID", "DUT-midler") is a name and stays as written.
 */
export function lowerFirst(text: string): string {
  const [first = "", ...rest] = [...(/^[^\s-]*/u.exec(text)?.[0] ?? "")];
  if (first === "" || rest.some((ch) => ch.toLocaleLowerCase("da") !== ch)) return text;
  return first.toLocaleLowerCase("da") + text.slice(first.length);
}

function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} og ${items[items.length - 1]}`;
}

/** "2,0 mio. kr. årligt i 2025–2028" when every year has the same amount, else per year. */
function compactPattern(amounts: ReadonlyMap<number, bigint>): AmountPattern {
  const values = [...amounts.values()];
  const [first] = values;
  if (values.length >= 2 && first !== undefined && values.every((v) => v === first)) {
    return { kind: "each_year", amount: first, years: [...amounts.keys()] };
  }
  return { kind: "years", amounts: new Map([...amounts].sort(([a], [b]) => a - b)) };
}

/**
 * An adjustment as seed 000 lists it: "{label} med {amounts}" and its reason, e.g. "Planområdet
 * styrkes med 1,750 mio. kr. i 2025 for at imødekomme …" or "Budgettet til Beredskabet
 * nedjusteres med -0,180 mio. kr. årligt fra 2025 og frem." (the sign as the agreement writes
 * it). Without a label, the area names the amounts: "Beredskab: -0,180 mio. kr. …".
 */
export function adjustmentRemark(
  item: AdjustmentItem,
  orgNames: ReadonlyMap<string, string>,
  opts: RemarkOptions,
): string {
  const phrase = describePattern(item.pattern, {
    budgetYear: opts.budgetYear,
    ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
  });
  const label = item.label.trim();
  const sentence =
    label === "" ? `${orgNames.get(item.area) ?? item.area}: ${phrase}` : `${label} med ${phrase}`;
  return continueSentence(sentence, item.text);
}

/**
 * DUT money as seed 001's "Budgetgrundlag" writes it, amounts in the short style by default.
 * Money given: "I forbindelse med tilførsel af DUT-midler har {område} fået tildelt 1,8 mio. kr.
 * i 2024, 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter." Money
 * taken (every amount negative or zero) is written as a reduction, in positive amounts, named by
 * the item's label: "I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion
 * på 0,2 mio. kr. årligt" ("årligt" when the reduction runs from the budget year onwards, else
 * per year). The item's text follows (see continueSentence).
 */
export function dutRemark(item: DutItem, orgNames: ReadonlyMap<string, string>, opts: RemarkOptions): string {
  const area = orgNames.get(item.area) ?? item.area;
  const style = opts.amountStyle ?? "short";
  const named = [...item.amounts].sort(([a], [b]) => a - b);
  const all = [...named.map(([, amount]) => amount), ...(item.onwards ? [item.onwards.amount] : [])];
  const reduction = all.length > 0 && all.every((a) => a <= 0n) && all.some((a) => a < 0n);
  const sign = reduction ? -1n : 1n;
  const written = (ore: bigint) => formatPatternAmount(sign * ore, style);
  const parts = named.map(([year, amount]) => `${written(amount)} i ${year}`);
  if (item.onwards) {
    const { amount, fromYear } = item.onwards;
    parts.push(
      reduction && named.length === 0 && fromYear <= opts.budgetYear
        ? `${written(amount)} årligt`
        : `${written(amount)} i ${fromYear} og fremefter`,
    );
  }
  const what = parts.length === 0 ? "ingen beløb" : joinDanish(parts);
  if (!reduction) {
    return continueSentence(
      `I forbindelse med tilførsel af DUT-midler har ${area} fået tildelt ${what}`,
      item.text,
    );
  }
  const label = item.label.trim();
  const sentence =
    label === ""
      ? `I forbindelse med DUT-midler er der for ${area} indarbejdet en reduktion på ${what}`
      : `I relation til ${lowerFirst(label)} er der indarbejdet en reduktion på ${what}`;
  return continueSentence(sentence, item.text);
}

/**
 * A demography pool in its area's remarks: the pool's own text (seed 001: "Demografipuljen er
 * afsat som en pulje til …"); without one, its amounts.
 */
export function poolRemark(
  item: PoolItem,
  orgNames: ReadonlyMap<string, string>,
  opts: RemarkOptions,
): string {
  const text = item.text?.trim() ?? "";
  if (text !== "") return endWithStop(text);
  return describeItem(item, orgNames, {
    budgetYear: opts.budgetYear,
    ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
  });
}

/**
 * One adopted item as a bullet of a committee's "Budgetaftalen": adjustments as seed 000,
 * DUT money as seed 001, a pool as "{label} med {amounts}" and its text, a proposal as
 * describeItem writes it.
 */
export function remarkSentence(
  item: AgreementItem,
  orgNames: ReadonlyMap<string, string>,
  opts: RemarkOptions,
): string {
  switch (item.kind) {
    case "adjustment":
      return adjustmentRemark(item, orgNames, opts);
    case "dut":
      return dutRemark(item, orgNames, opts);
    case "pool": {
      const phrase = describePattern(compactPattern(item.amounts), {
        budgetYear: opts.budgetYear,
        ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
      });
      const label = item.label.trim() || (orgNames.get(item.area) ?? item.area);
      return continueSentence(`${label} med ${phrase}`, item.text);
    }
    case "proposal":
      return describeItem(item, orgNames, {
        budgetYear: opts.budgetYear,
        ...(opts.amountStyle === undefined ? {} : { amountStyle: opts.amountStyle }),
      });
  }
}

/**
 * Seed 001's first "Budgetgrundlag" sentence for an area with a frame budget: "Budgettet er et
 * rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for
 * 2024, og pris- og lønfremskrevet i forhold til KL's vejledning." Without a stated basis for
 * the price and wage adjustment, the clause about it is left out rather than guessed.
 */
export function frameBudgetSentence(budgetYear: number, priceBasis: string | null | undefined): string {
  const basis = priceBasis?.trim() ?? "";
  const adjusted = basis === "" ? "" : `, og pris- og lønfremskrevet i forhold til ${basis}`;
  return `Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for ${budgetYear}${adjusted}.`;
}
