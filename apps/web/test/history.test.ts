import { describe, expect, it } from "vitest";
import { actionText, actorText, auditChanges, valueText } from "../src/lib/audit.ts";
import {
  figureHistoryUrl,
  figureKey,
  figureLabel,
  figuresUrl,
  isEditableKind,
  reasonProblem,
  sortFigures,
} from "../src/lib/figures.ts";
import { formatDate, formatDateTime } from "../src/lib/format.ts";
import { flattenTree } from "../src/lib/org.ts";
import type { Figure, OrgNode } from "../src/lib/types.ts";

const fig = (p: Partial<Figure>): Figure => ({
  accountId: null,
  accountCode: null,
  accountName: null,
  kind: "budget",
  year: 2026,
  amount: "0",
  priceYear: 2026,
  version: 1,
  ...p,
});

describe("budget figures", () => {
  it("names, orders and addresses figures", () => {
    const a = fig({ accountId: 7, accountCode: "51010", accountName: "Løn", kind: "estimate" });
    const b = fig({ accountId: 8, accountCode: "9", kind: "budget" });
    const c = fig({ kind: "actual" });
    const d = fig({ accountId: 7, accountCode: "51010", accountName: "Løn", kind: "budget" });
    expect(sortFigures([a, b, c, d])).toEqual([c, b, d, a]);
    expect(figureKey(a)).toBe("7:2026:estimate");
    expect(figureKey(c)).toBe("-:2026:actual");
    expect(figureLabel(a)).toBe("Overslagsår 2026, konto 51010 Løn");
    expect(figureLabel(b)).toBe("Budget 2026, konto 9");
    expect(figureLabel(c)).toBe("Regnskab 2026, uden konto");
    expect(isEditableKind("budget")).toBe(true);
    expect(isEditableKind("estimate")).toBe(true);
    expect(isEditableKind("actual")).toBe(false);
    expect(isEditableKind("corrected")).toBe(false);
    expect(figuresUrl(4, 2026)).toBe("/api/nodes/4/figures?year=2026");
    expect(figuresUrl(4, undefined)).toBe("/api/nodes/4/figures");
    expect(figureHistoryUrl(4, a)).toBe("/api/nodes/4/history?accountId=7&year=2026&kind=estimate");
    expect(figureHistoryUrl(4, c)).toBe("/api/nodes/4/history?year=2026&kind=actual");
  });

  it("needs a reason of 1–500 characters", () => {
    expect(reasonProblem("")).toBe("figures.needReason");
    expect(reasonProblem("   ")).toBe("figures.needReason");
    expect(reasonProblem("Budgetopfølgning 2")).toBeUndefined();
    expect(reasonProblem("x".repeat(500))).toBeUndefined();
    expect(reasonProblem("x".repeat(501))).toBe("figures.reasonTooLong");
  });
});

describe("the audit trail", () => {
  it("lists the fields an entry changed", () => {
    expect(
      auditChanges(
        { displayName: "A", role: "sekretariat", unitIds: [1], disabled: false },
        { displayName: "A", role: "budgetansvarlig", unitIds: [1, 2], disabled: false },
      ),
    ).toEqual([
      { field: "role", before: "sekretariat", after: "budgetansvarlig" },
      { field: "unitIds", before: [1], after: [1, 2] },
    ]);
    expect(auditChanges(null, { name: "x", format: { separator: ";" } })).toEqual([
      { field: "name", before: undefined, after: "x" },
      { field: "format.separator", before: undefined, after: ";" },
    ]);
    expect(auditChanges({ a: 1 }, null)).toEqual([{ field: "a", before: 1, after: undefined }]);
    expect(auditChanges("5", "7")).toEqual([{ field: "", before: "5", after: "7" }]);
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual([]);
    expect(auditChanges(null, null)).toEqual([]);
  });

  it("shows values, actions and actors in Danish", () => {
    expect(valueText(null)).toBe("—");
    expect(valueText(true)).toBe("ja");
    expect(valueText(false)).toBe("nej");
    expect(valueText([1, 2])).toBe("1, 2");
    expect(valueText([])).toBe("—");
    expect(valueText({ a: 1 })).toBe('{"a":1}');
    expect(valueText("x".repeat(300))).toHaveLength(200);
    expect(actionText("create")).toBe("Oprettet");
    expect(actionText("something_new")).toBe("something_new");
    expect(actorText({ kind: "user", name: "Hanne Jensen" })).toBe("Hanne Jensen (bruger)");
    expect(actorText({ kind: "token", id: "3", name: "eksport" })).toBe("eksport (nøgle)");
    expect(actorText({ kind: "robot", name: "x" })).toBe("x (robot)");
  });

  it("formats times the Danish way", () => {
    expect(formatDateTime("2026-03-03T12:05:00Z")).toMatch(/^3\. marts 2026 kl\. \d\d\.05$/);
    expect(formatDate("2026-03-03T12:05:00Z")).toBe("3. marts 2026");
    expect(formatDateTime("ikke en dato")).toBe("ikke en dato");
  });
});

describe("choosing a unit", () => {
  const node = (id: number, parentId: number | null, name: string, sortOrder = 0): OrgNode => ({
    id,
    parentId,
    kind: parentId === null ? "municipality" : "unit",
    code: String(id),
    name,
    validFrom: 2020,
    validTo: null,
    sortOrder,
  });

  it("lists the tree depth-first with paths below the root", () => {
    const nodes = [
      node(3, 2, "Digitalisering", 1),
      node(1, null, "Sorø"),
      node(2, 1, "Økonomiudvalget"),
      node(4, 2, "Løn", 0),
    ];
    expect(flattenTree(nodes).map((e) => [e.node.id, e.depth, e.path])).toEqual([
      [1, 0, "Sorø"],
      [2, 1, "Økonomiudvalget"],
      [4, 2, "Økonomiudvalget › Løn"],
      [3, 2, "Økonomiudvalget › Digitalisering"],
    ]);
  });

  it("places a node whose parent is missing at the top", () => {
    expect(flattenTree([node(5, 99, "Alene")]).map((e) => e.path)).toEqual(["Alene"]);
  });
});
