/**
 * The authorised chart of accounts (autoriseret kontoplan, "Budget- og regnskabssystem for
 * kommuner") plus the municipality's local dimensions. An ERP account string combines
 * funktion (h.hf.ff), dranst, gruppering and art with local cost centre and project.
 */

export const HOVEDKONTO_LABEL: Record<number, string> = {
  0: "Byudvikling, bolig- og miljøforanstaltninger",
  1: "Forsyningsvirksomheder",
  2: "Transport og infrastruktur",
  3: "Undervisning og kultur",
  4: "Sundhedsområdet",
  5: "Sociale opgaver og beskæftigelse",
  6: "Fællesudgifter og administration",
  7: "Renter, tilskud, udligning og skatter",
  8: "Balanceforskydninger",
  9: "Balance",
};

export const DRANST_LABEL: Record<number, string> = {
  1: "Drift",
  2: "Statsrefusion",
  3: "Anlæg",
  4: "Renter",
  5: "Finansforskydninger",
  6: "Afdrag på lån",
  7: "Finansiering",
};

export const HOVEDART_LABEL: Record<number, string> = {
  0: "Beregnede omkostninger",
  1: "Lønninger",
  2: "Varekøb",
  4: "Tjenesteydelser",
  5: "Tilskud og overførsler",
  6: "Finansudgifter",
  7: "Indtægter",
  8: "Finansindtægter",
  9: "Interne udgifter og indtægter",
};

/**
 * Spending categories. The service frame (serviceramme) is measured on service spending only,
 * so every account must say which one it belongs to.
 */
export type SpendingCategory = "service" | "transfer" | "capital" | "financing";
export const SPENDING_CATEGORIES: readonly SpendingCategory[] = [
  "service",
  "transfer",
  "capital",
  "financing",
];
export const SPENDING_CATEGORY_LABEL: Record<SpendingCategory, string> = {
  service: "Serviceudgifter",
  transfer: "Overførselsudgifter",
  capital: "Anlæg",
  financing: "Finansiering",
};

export interface Funktion {
  hovedkonto: number;
  hovedfunktion: number;
  funktion: number;
}

const FUNKTION_RE = /^(\d)\.(\d{2})\.(\d{2})$/;
const ART_RE = /^(\d)\.(\d)$/;

export function parseFunktion(s: string): Funktion | { error: string } {
  const m = FUNKTION_RE.exec(s.trim());
  if (!m) return { error: `"${s}" er ikke en funktion på formen h.hf.ff (fx 6.45.51)` };
  return { hovedkonto: Number(m[1]), hovedfunktion: Number(m[2]), funktion: Number(m[3]) };
}

export function formatFunktion(f: Funktion): string {
  return `${f.hovedkonto}.${String(f.hovedfunktion).padStart(2, "0")}.${String(f.funktion).padStart(2, "0")}`;
}

/** Arts are written with one decimal ("4.0", "9.7"); exports often drop the dot or use a comma. */
export function parseArt(s: string): string | { error: string } {
  const t = s.trim().replace(",", ".");
  const m = ART_RE.exec(t) ?? /^(\d)(\d)$/.exec(t) ?? /^(\d)$/.exec(t);
  if (!m) return { error: `"${s}" er ikke en art med én decimal (fx 4.0)` };
  const hoved = Number(m[1]);
  if (hoved === 3) return { error: `"${s}": der findes ingen hovedart 3` };
  return `${m[1]}.${m[2] ?? "0"}`;
}

export function parseDranst(s: string): number | { error: string } {
  const t = s.trim();
  if (!/^[1-7]$/.test(t)) return { error: `"${s}" er ikke en dranst (1-7)` };
  return Number(t);
}

/**
 * Transfer-payment functions (overførselsudgifter) outside the service frame. The list follows
 * the ministry's definition at the level of hovedfunktion/funktion as we know it; a municipality
 * can override the category of any account, so this only sets the default.
 */
const TRANSFER_FUNKTIONER: readonly RegExp[] = [
  /^5\.46\.6[0-9]$/, // integrationsydelse m.v.
  /^5\.48\.67$/, // personlige tillæg
  /^5\.57\.\d{2}$/, // kontante ydelser
  /^5\.58\.\d{2}$/, // revalidering, ressourceforløb, fleksjob
  /^5\.68\.9\d$/, // arbejdsmarkedsforanstaltninger: dagpenge m.m.
];

export function defaultCategory(funktion: string, dranst: number): SpendingCategory {
  const hk = Number(funktion[0]);
  if (dranst === 3) return "capital";
  if (dranst >= 4 || hk >= 7) return "financing";
  if (TRANSFER_FUNKTIONER.some((re) => re.test(funktion))) return "transfer";
  return "service";
}

export interface AccountInput {
  funktion: string;
  dranst: number;
  art: string;
  gruppering?: string | null;
  costCentre?: string | null;
  project?: string | null;
}

/** The canonical account string: funktion-gruppering-dranst-art[-cost centre][-project]. */
export function accountCode(a: AccountInput): string {
  const parts = [a.funktion, a.gruppering || "000", String(a.dranst), a.art];
  if (a.costCentre || a.project) parts.push(a.costCentre ?? "");
  if (a.project) parts.push(a.project);
  return parts.join("-");
}
