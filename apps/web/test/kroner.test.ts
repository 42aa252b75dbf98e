import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatOre } from "../src/lib/format.ts";
import { oreToInput, parseKroner } from "../src/lib/kroner.ts";

const ok = (s: string) => {
  const r = parseKroner(s);
  if (!r.ok) throw new Error(`${s}: ${r.error}`);
  return r.ore;
};
const err = (s: string) => {
  const r = parseKroner(s);
  return r.ok ? `ok ${r.ore}` : r.error;
};

describe("kroner typed the Danish way", () => {
  it("reads whole kroner, with or without thousands points", () => {
    expect(ok("1.234.567")).toBe("123456700");
    expect(ok("1234567")).toBe("123456700");
    expect(ok("0")).toBe("0");
    expect(ok("999")).toBe("99900");
    expect(ok("1 234 567")).toBe("123456700");
    expect(ok("1\u00a0234")).toBe("123400");
    expect(ok("  12.000 kr. ")).toBe("1200000");
    expect(ok("007")).toBe("700");
  });

  it("reads øre after a decimal comma", () => {
    expect(ok("1.234.567,50")).toBe("123456750");
    expect(ok("-25,7")).toBe("-2570");
    expect(ok("-25,07")).toBe("-2507");
    expect(ok("0,01")).toBe("1");
    expect(ok("1,5")).toBe("150");
    expect(ok("\u221210")).toBe("-1000");
    expect(ok("+10,00")).toBe("1000");
    expect(ok("-0")).toBe("0");
    expect(ok("-0,00")).toBe("0");
  });

  it("is exact far beyond a float's 15 digits", () => {
    expect(ok("123.456.789.012.345,67")).toBe("12345678901234567");
    expect(ok("999999999999999,99")).toBe("99999999999999999");
    expect(ok("-0,1")).toBe("-10");
  });

  it("refuses what is not a Danish amount, with a reason", () => {
    expect(err("")).toBe("amount.empty");
    expect(err("   ")).toBe("amount.empty");
    expect(err("1,234")).toBe("amount.tooManyDecimals");
    expect(err("25.5")).toBe("amount.pointDecimal");
    expect(err("1234.50")).toBe("amount.pointDecimal");
    expect(err("1.23.456")).toBe("amount.invalid");
    expect(err("12.34.567")).toBe("amount.invalid");
    expect(err("1.234 567")).toBe("amount.invalid");
    expect(err("abc")).toBe("amount.invalid");
    expect(err("1e6")).toBe("amount.invalid");
    expect(err("12,")).toBe("amount.invalid");
    expect(err(",50")).toBe("amount.invalid");
    expect(err("1,2,3")).toBe("amount.invalid");
    expect(err("--5")).toBe("amount.invalid");
    expect(err("1.000.000.000.000.000")).toBe("amount.tooLarge");
  });

  it("shows øre back the way it reads them, and round-trips", () => {
    expect(oreToInput("123456750")).toBe("1.234.567,50");
    expect(oreToInput("123456700")).toBe("1.234.567");
    expect(oreToInput("-2570")).toBe("-25,70");
    expect(oreToInput("5")).toBe("0,05");
    expect(oreToInput("0")).toBe("0");
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n) + 1n, max: 10n ** 17n - 1n }), (n) => {
        const ore = n.toString();
        expect(ok(oreToInput(ore))).toBe(ore);
        expect(ok(formatOre(ore))).toBe(ore);
      }),
    );
  });
});
