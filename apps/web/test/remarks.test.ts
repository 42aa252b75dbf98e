import { describe, expect, it } from "vitest";
import { matchRoute } from "../src/lib/paths.ts";
import {
  bodyBlocks,
  hasFrameBudget,
  movedOrder,
  parseRemarksQuery,
  priceBasisChange,
  remarkKindLabel,
  remarksDocumentHref,
  remarksHref,
  remarkTargets,
} from "../src/lib/remarks.ts";
import type { OrgNode } from "../src/lib/types.ts";

function node(
  id: number,
  parentId: number | null,
  kind: OrgNode["kind"],
  name: string,
  extra: Partial<OrgNode> = {},
) {
  return {
    id,
    parentId,
    kind,
    code: name.slice(0, 3).toUpperCase(),
    name,
    validFrom: 2007,
    validTo: null,
    sortOrder: id,
    ...extra,
  };
}

describe("the remarks page's address", () => {
  it("is /kommune/:code/bemaerkninger with the node and year in the query", () => {
    expect(matchRoute("/kommune/340/bemaerkninger")).toEqual({ name: "remarks", code: "340" });
    expect(remarksHref("340")).toBe("/kommune/340/bemaerkninger");
    expect(remarksHref("326", { node: 12, year: 2024 })).toBe("/kommune/326/bemaerkninger?enhed=12&aar=2024");
    expect(parseRemarksQuery(new URLSearchParams("enhed=12&aar=2024"))).toEqual({ node: 12, year: 2024 });
    expect(parseRemarksQuery(new URLSearchParams("enhed=0&aar=24"))).toEqual({ node: null, year: null });
    expect(parseRemarksQuery(new URLSearchParams("enhed=x&aar=3000"))).toEqual({ node: null, year: null });
    expect(remarksDocumentHref(4, "committee", "pdf", 2025)).toBe(
      "/api/nodes/4/remarks/committee-document?format=pdf&year=2025",
    );
  });
});

describe("remarkTargets", () => {
  const nodes = [
    node(1, null, "municipality", "Kalundborg"),
    node(2, 1, "committee", "Økonomiudvalget"),
    node(3, 2, "area", "Jobcenter"),
    node(4, 2, "area", "Det tekniske område", { validTo: 2022 }),
    node(5, 3, "unit", "Jobcenter Nord"),
    node(6, 1, "committee", "Teknik", { sortOrder: 0 }),
  ];

  it("lists committees with their areas that exist in the year, in order", () => {
    expect(remarkTargets(nodes, 2024).map((t) => [t.level, t.node.name])).toEqual([
      [0, "Teknik"],
      [0, "Økonomiudvalget"],
      [1, "Jobcenter"],
    ]);
    expect(remarkTargets(nodes, 2020).map((t) => t.node.name)).toContain("Det tekniske område");
  });

  it("lists only what a budgetansvarlig may read: their area at the top", () => {
    const limited = nodes.map((n) => (n.id === 3 ? n : { ...n, readable: false }));
    expect(remarkTargets(limited, 2024).map((t) => [t.level, t.node.name])).toEqual([[0, "Jobcenter"]]);
  });
});

describe("bodyBlocks", () => {
  it("reads paragraphs and nested bullets as the documents print them", () => {
    expect(bodyBlocks("Første\nlinje.\n\n- a\n  - b\n - c\n      - d\n- e\nEfter.")).toEqual([
      { type: "paragraph", text: "Første linje." },
      {
        type: "list",
        items: [
          {
            text: "a",
            children: [
              { text: "b", children: [] },
              { text: "c", children: [{ text: "d", children: [] }] },
            ],
          },
          { text: "e", children: [] },
        ],
      },
      { type: "paragraph", text: "Efter." },
    ]);
    expect(bodyBlocks("  - starter indrykket")).toEqual([
      { type: "list", items: [{ text: "starter indrykket", children: [] }] },
    ]);
    expect(bodyBlocks("")).toEqual([]);
  });
});

describe("movedOrder and kinds", () => {
  const sections = [
    { id: 1, version: 1 },
    { id: 2, version: 3 },
    { id: 3, version: 1 },
  ];

  it("moves a section one place with the versions seen, and refuses to move past the ends", () => {
    expect(movedOrder(sections, 1, -1)).toEqual([
      { id: 2, version: 3 },
      { id: 1, version: 1 },
      { id: 3, version: 1 },
    ]);
    expect(movedOrder(sections, 1, 1)?.map((s) => s.id)).toEqual([1, 3, 2]);
    expect(movedOrder(sections, 0, -1)).toBeNull();
    expect(movedOrder(sections, 2, 1)).toBeNull();
  });

  it("names the kinds in Danish", () => {
    expect(remarkKindLabel("description")).toBe("Beskrivelse af området");
    expect(remarkKindLabel("intro")).toBe("Indledning");
    expect(remarkKindLabel("ukendt")).toBe("ukendt");
  });
});

describe("the frame sentence's settings", () => {
  const settings = {
    priceBasis: "KL's vejledning",
    frameBudgetAreas: [{ id: 7, code: "JOB", name: "Jobcenter" }],
  };

  it("tells whether an area has a frame budget", () => {
    expect(hasFrameBudget(settings, 7)).toBe(true);
    expect(hasFrameBudget(settings, 8)).toBe(false);
    expect(hasFrameBudget({ priceBasis: null, frameBudgetAreas: [] }, 7)).toBe(false);
  });

  it("sends the price basis trimmed, an empty field as null, and nothing when it is unchanged", () => {
    expect(priceBasisChange("  KL's vejledning af 2024 ", "KL's vejledning")).toEqual({
      priceBasis: "KL's vejledning af 2024",
    });
    expect(priceBasisChange("KL's vejledning ", "KL's vejledning")).toBeNull();
    expect(priceBasisChange("   ", "KL's vejledning")).toEqual({ priceBasis: null });
    expect(priceBasisChange("", null)).toBeNull();
    expect(priceBasisChange("Økonomiaftalen", null)).toEqual({ priceBasis: "Økonomiaftalen" });
  });
});
