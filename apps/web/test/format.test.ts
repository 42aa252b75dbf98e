import { describe, expect, it } from "vitest";
import { type MessageKey, t } from "../src/i18n/da.ts";
import { formatNumber, formatOre, printedValue } from "../src/lib/format.ts";

describe("Danish formatting", () => {
  it("groups thousands with a point and uses a decimal comma", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(1234567)).toBe("1.234.567");
    expect(formatNumber(-1234.56, 1)).toBe("-1.234,6");
    expect(formatNumber(-0.04, 1)).toBe("0,0");
    expect(formatNumber(999, 0)).toBe("999");
  });

  it("prints øre as kroner, with øre only when there are any", () => {
    expect(formatOre("8049600000")).toBe("80.496.000");
    expect(formatOre("125050")).toBe("1.250,50");
    expect(formatOre("-5")).toBe("-0,05");
    expect(formatOre("0")).toBe("0");
  });

  it("reads a printed figure in its unit", () => {
    expect(printedValue("3883", "mio")).toBe(388.3);
    expect(printedValue("388324", "tkr")).toBe(388324);
  });

  it("fills placeholders from one catalogue", () => {
    expect(t("overview.note", { note: "Alle tal er i 2025-priser." })).toBe(
      "Note: Alle tal er i 2025-priser.",
    );
    expect(t("overview.caption", {})).toBe("Budget for {name}");
    expect(t("state.loading")).toBe("Henter…");
    const key: MessageKey = "app.name";
    expect(t(key)).toBe("Bevilling");
  });
});
