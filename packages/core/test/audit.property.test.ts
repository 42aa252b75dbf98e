/**
 * Canonical JSON, on which every audit hash rests: the same value always gives the same text
 * (whatever the key order), bigint is written exactly as a decimal string, and the text survives
 * a round trip through a JSON parser (as through PostgreSQL's jsonb) unchanged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AMOUNT_KINDS } from "../src/amounts.ts";
import {
  type AmountChange,
  type AuditRecord,
  auditPayload,
  CanonicalJsonError,
  canonicalAmountChanges,
  canonicalJson,
  GENESIS_HASH,
  toJsonValue,
} from "../src/audit.ts";

/** JSON-able values including bigint, Dates and undefined properties. */
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.string({ unit: "grapheme" }),
  fc.string(),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.option(tie("value"), { nil: undefined }), { maxKeys: 6 }),
  ),
}));

/** The same object with its keys inserted in another order, all the way down. */
function reorder(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reorder(x, seed + i));
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v as Record<string, unknown>);
  const shuffled = entries
    .map((e, i) => ({ e, k: (i * 7919 + seed * 104729) % (entries.length * 31 + 1) }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.e)
    .reverse();
  return Object.fromEntries(shuffled.map(([k, x], i) => [k, reorder(x, seed + i)]));
}

/** Removes string literals, so what is left is structure only. */
const structure = (json: string) => json.replace(/"(?:[^"\\]|\\.)*"/g, '""');

describe("canonicalJson", () => {
  it("does not depend on the order in which keys were added", () => {
    fc.assert(
      fc.property(value, fc.nat(1000), (v, seed) => {
        expect(canonicalJson(reorder(v, seed))).toBe(canonicalJson(v));
      }),
    );
  });

  it("is valid JSON without whitespace, with the keys of every object sorted", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = canonicalJson(v);
        expect(() => JSON.parse(text)).not.toThrow();
        expect(structure(text)).not.toMatch(/\s/);
        const check = (x: unknown): void => {
          if (Array.isArray(x)) x.forEach(check);
          else if (x !== null && typeof x === "object") {
            const o = x as Record<string, unknown>;
            const keys = Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            expect(canonicalJson(o)).toBe(
              `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`,
            );
            for (const k of keys) check(o[k]);
          }
        };
        check(JSON.parse(text));
      }),
    );
  });

  it("survives a round trip through a JSON parser unchanged (as through jsonb)", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(toJsonValue(v))).toBe(text);
      }),
    );
  });

  it("writes bigint exactly as a decimal string, far beyond 2^53", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (b) => {
        expect(canonicalJson(b)).toBe(`"${b.toString()}"`);
        expect(BigInt(JSON.parse(canonicalJson({ amount: b })).amount)).toBe(b);
      }),
    );
    expect(canonicalJson({ b: 9007199254740993n, a: [1n, -2n] })).toBe(
      '{"a":["1","-2"],"b":"9007199254740993"}',
    );
  });

  it("sorts keys by UTF-16 code units, leaves out undefined properties and writes dates as ISO strings", () => {
    expect(canonicalJson({ b: 1, a: undefined, B: 2, "10": 3, "9": 4, æ: 5 })).toBe(
      '{"10":3,"9":4,"B":2,"b":1,"æ":5}',
    );
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)) })).toBe(
      '{"at":"2025-01-02T03:04:05.006Z"}',
    );
    expect(canonicalJson(-0)).toBe("0");
  });

  it("refuses what JSON cannot hold instead of hashing something else", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol("x"), new Map(), new Set([1])]) {
      expect(() => canonicalJson({ x: bad }), String(bad)).toThrow(CanonicalJsonError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalJsonError);
    // The same object twice side by side is no cycle.
    const shared = { a: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"a":1},{"a":1}]');
  });
});

const change: fc.Arbitrary<AmountChange> = fc.record({
  nodeId: fc.integer({ min: 1, max: 50 }),
  accountId: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
  year: fc.integer({ min: 2020, max: 2030 }),
  kind: fc.constantFrom(...AMOUNT_KINDS),
  oldAmount: fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { nil: null }),
  newAmount: fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { nil: null }),
  oldPriceYear: fc.option(fc.integer({ min: 2020, max: 2030 }), { nil: null }),
  newPriceYear: fc.option(fc.integer({ min: 2020, max: 2030 }), { nil: null }),
});

describe("canonicalAmountChanges", () => {
  it("does not depend on the order of the rows, and is the canonical JSON of the sorted rows", () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), fc.nat(), (rows, seed) => {
        const shuffled = [...rows].sort(
          (a, b) => ((a.nodeId * 31 + seed) % 17) - ((b.nodeId * 31 + seed) % 17) || a.year - b.year,
        );
        const text = canonicalAmountChanges(rows);
        expect(canonicalAmountChanges(shuffled)).toBe(text);
        const parsed = JSON.parse(text) as unknown[][];
        expect(canonicalJson(parsed)).toBe(text);
        expect(parsed).toHaveLength(rows.length);
        const asArrays = rows.map((c) =>
          canonicalJson([
            c.nodeId,
            c.accountId,
            c.year,
            c.kind,
            c.oldAmount,
            c.newAmount,
            c.oldPriceYear,
            c.newPriceYear,
          ]),
        );
        expect(parsed.map((p) => canonicalJson(p)).sort()).toEqual(asArrays.sort());
      }),
    );
  });
});

describe("auditPayload", () => {
  const record: AuditRecord = {
    at: "2025-03-01T12:00:00.123456Z",
    actor: { kind: "cli", id: null, name: "jens" },
    municipalityId: 1,
    entityType: "municipality",
    entityId: "1",
    action: "settings",
    before: { budgetYear: 2025 },
    after: { budgetYear: 2026 },
    reason: null,
  };

  it("is the previous hash followed by the record's canonical JSON", () => {
    const p = auditPayload(GENESIS_HASH, record);
    expect(p.startsWith(GENESIS_HASH)).toBe(true);
    expect(JSON.parse(p.slice(64))).toEqual({ ...record });
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it("changes with every field and with the previous hash", () => {
    const base = auditPayload(GENESIS_HASH, record);
    const variants: AuditRecord[] = [
      { ...record, at: "2025-03-01T12:00:00.123457Z" },
      { ...record, actor: { ...record.actor, name: "mallory" } },
      { ...record, actor: { ...record.actor, id: "7" } },
      { ...record, actor: { ...record.actor, kind: "user" } },
      { ...record, municipalityId: null },
      { ...record, entityType: "import" },
      { ...record, entityId: "2" },
      { ...record, action: "create" },
      { ...record, before: null },
      { ...record, after: { budgetYear: 2027 } },
      { ...record, reason: "fordi" },
    ];
    const payloads = new Set(variants.map((v) => auditPayload(GENESIS_HASH, v)));
    expect(payloads.size).toBe(variants.length);
    expect(payloads.has(base)).toBe(false);
    expect(auditPayload("1".repeat(64), record)).not.toBe(base);
  });
});
