import { describe, expect, it } from "vitest";
import { changedFields, conflictKey, mergeChanges, resolveConflicts, sameValue } from "../src/lib/merge.ts";

const base = { displayName: "Hanne Jensen", role: "sekretariat", unitIds: [] as number[], disabled: false };

describe("three-way merge", () => {
  it("keeps a field only I changed, and one only they changed", () => {
    const mine = { ...base, displayName: "Hanne B. Jensen" };
    const theirs = { ...base, disabled: true };
    const r = mergeChanges(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ ...base, displayName: "Hanne B. Jensen", disabled: true });
  });

  it("is not a conflict when both changed a field to the same value", () => {
    const mine = { ...base, role: "okonomi" };
    const theirs = { ...base, role: "okonomi", disabled: true };
    const r = mergeChanges(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ ...base, role: "okonomi", disabled: true });
  });

  it("lists fields both changed differently, holding theirs until the user picks", () => {
    const mine = { ...base, role: "budgetansvarlig", unitIds: [3, 7], displayName: "H. Jensen" };
    const theirs = { ...base, role: "politiker", unitIds: [] };
    const r = mergeChanges(base, mine, theirs);
    expect(r.conflicts).toEqual([
      { path: ["role"], base: "sekretariat", mine: "budgetansvarlig", theirs: "politiker" },
    ]);
    // unitIds: only I changed them (theirs equals base).
    expect(r.merged).toEqual({ ...base, role: "politiker", unitIds: [3, 7], displayName: "H. Jensen" });
    expect(resolveConflicts(r, {})).toEqual(r.merged);
    expect(resolveConflicts(r, { role: "theirs" })).toEqual(r.merged);
    expect(resolveConflicts(r, { role: "mine" })).toEqual({ ...r.merged, role: "budgetansvarlig" });
  });

  it("compares arrays whole, in order", () => {
    const r = mergeChanges({ ids: [1, 2] }, { ids: [1, 2, 3] }, { ids: [2] });
    expect(r.conflicts.map((c) => conflictKey(c.path))).toEqual(["ids"]);
    expect(resolveConflicts(r, { ids: "mine" })).toEqual({ ids: [1, 2, 3] });
  });

  it("merges nested objects field by field (a mapping's format and amounts)", () => {
    const b = {
      kind: "amounts",
      unit: "kr",
      format: { separator: ";", encoding: "auto" },
      amounts: [{ column: "A" }],
    };
    const mine = { ...b, format: { separator: ",", encoding: "auto" }, priceYear: 2025 };
    const theirs = { ...b, unit: "tkr", format: { separator: ";", encoding: "utf-8" } };
    const r = mergeChanges<Record<string, unknown>>(b, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({
      kind: "amounts",
      unit: "tkr",
      format: { separator: ",", encoding: "utf-8" },
      amounts: [{ column: "A" }],
      priceYear: 2025,
    });

    const clash = mergeChanges<Record<string, unknown>>(b, mine, {
      ...b,
      format: { separator: "\t", encoding: "auto" },
    });
    expect(clash.conflicts).toEqual([{ path: ["format", "separator"], base: ";", mine: ",", theirs: "\t" }]);
    expect(conflictKey(clash.conflicts[0]?.path ?? [])).toBe("format.separator");
    expect(resolveConflicts(clash, { "format.separator": "mine" })).toEqual({ ...mine });
  });

  it("handles fields added and removed", () => {
    const b: Record<string, unknown> = { a: 1, b: 2 };
    // I removed b, they added c.
    const r = mergeChanges(b, { a: 1 }, { a: 1, b: 2, c: 3 });
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ a: 1, c: 3 });
    // I removed b, they changed it: a conflict; choosing mine removes it.
    const r2 = mergeChanges(b, { a: 1 }, { a: 1, b: 5 });
    expect(r2.conflicts).toEqual([{ path: ["b"], base: 2, mine: undefined, theirs: 5 }]);
    expect(resolveConflicts(r2, { b: "mine" })).toEqual({ a: 1 });
    expect(resolveConflicts(r2, { b: "theirs" })).toEqual({ a: 1, b: 5 });
    // Both added the same new field differently.
    const r3 = mergeChanges<Record<string, unknown>>({}, { x: 1 }, { x: 2 });
    expect(r3.conflicts.map((c) => c.path)).toEqual([["x"]]);
  });

  it("gives theirs when nothing of mine changed, and mine when nothing of theirs did", () => {
    const theirs = { ...base, role: "okonomi" };
    expect(mergeChanges(base, base, theirs)).toEqual({ merged: theirs, conflicts: [] });
    const mine = { ...base, role: "politiker" };
    expect(mergeChanges(base, mine, base)).toEqual({ merged: mine, conflicts: [] });
  });

  it("compares structurally and lists changed fields for a PATCH", () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, undefined)).toBe(false);
    expect(changedFields(base, { ...base, role: "okonomi", unitIds: [] })).toEqual({ role: "okonomi" });
    expect(changedFields(base, base)).toEqual({});
  });
});
