/**
 * Three-way merge for a 409: base is what I fetched, mine what I want to save, theirs what the
 * server holds now. A field only I changed keeps mine, a field only they changed keeps theirs, a
 * field both changed to the same value keeps it, and a field both changed differently is a
 * conflict the user decides. Plain objects merge field by field (a mapping's format.separator and
 * its unit are separate fields); arrays and other values are compared whole.
 */

export interface MergeConflict {
  /** The field's path from the top, e.g. ["role"] or ["format", "separator"]. */
  path: string[];
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeResult<T> {
  /** Every field merged; a conflicting field holds theirs until resolved. */
  merged: T;
  conflicts: MergeConflict[];
}

export type Choice = "mine" | "theirs";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Structural equality: arrays in order, objects by their fields (a field set to undefined = absent). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!sameValue(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The key of a conflict's path, for choices: "format.separator". */
export function conflictKey(path: readonly string[]): string {
  return path.join(".");
}

function mergeValue(path: string[], base: unknown, mine: unknown, theirs: unknown, out: MergeConflict[]) {
  if (sameValue(mine, base)) return theirs;
  if (sameValue(theirs, base)) return mine;
  if (sameValue(mine, theirs)) return mine;
  if (isPlainObject(mine) && isPlainObject(theirs)) {
    const b = isPlainObject(base) ? base : {};
    const merged: Record<string, unknown> = {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(mine), ...Object.keys(theirs)])];
    for (const k of keys) {
      const v = mergeValue([...path, k], b[k], mine[k], theirs[k], out);
      if (v !== undefined) merged[k] = v;
    }
    return merged;
  }
  out.push({ path, base, mine, theirs });
  return theirs;
}

export function mergeChanges<T>(base: T, mine: T, theirs: T): MergeResult<T> {
  const conflicts: MergeConflict[] = [];
  const merged = mergeValue([], base, mine, theirs, conflicts) as T;
  return { merged, conflicts };
}

function setAt(target: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const obj: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const v = setAt(obj[head], rest, value);
  if (v === undefined) delete obj[head];
  else obj[head] = v;
  return obj;
}

/**
 * The merge with every conflict decided: choices[conflictKey(path)] "mine" takes my value, anything
 * else (or no choice) keeps theirs.
 */
export function resolveConflicts<T>(result: MergeResult<T>, choices: Readonly<Record<string, Choice>>): T {
  let out: unknown = result.merged;
  for (const c of result.conflicts) {
    if (choices[conflictKey(c.path)] === "mine") out = setAt(out, c.path, c.mine);
  }
  return out as T;
}

/** The fields of next that differ from prev (top level), for a PATCH that sends only changes. */
export function changedFields<T extends Record<string, unknown>>(prev: T, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(next) as (keyof T)[]) {
    if (!sameValue(prev[k], next[k])) out[k] = next[k];
  }
  return out;
}
