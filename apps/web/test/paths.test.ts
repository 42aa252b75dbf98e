import { describe, expect, it } from "vitest";
import {
  carryOver,
  overviewApiUrl,
  overviewHref,
  overviewSearch,
  parseOverviewParams,
} from "../src/lib/overviewParams.ts";
import { importHref, matchRoute, municipalityHref, userHref } from "../src/lib/paths.ts";

describe("addresses", () => {
  it("maps every view's address to its route", () => {
    expect(matchRoute("/")).toEqual({ name: "home" });
    expect(matchRoute("/kommune/340")).toEqual({ name: "overview", code: "340", nodeId: null });
    expect(matchRoute("/kommune/340/")).toEqual({ name: "overview", code: "340", nodeId: null });
    expect(matchRoute("/kommune/340/enhed/12")).toEqual({ name: "overview", code: "340", nodeId: 12 });
    expect(matchRoute("/kommune/340/import")).toEqual({ name: "import", code: "340" });
    expect(matchRoute("/kommune/Sor%C3%B8")).toEqual({ name: "overview", code: "Sorø", nodeId: null });
    for (const bad of [
      "/kommune",
      "/kommune/340/enhed/x",
      "/kommune/340/enhed/1234567890",
      "/andet",
      "/kommune/%E0",
    ]) {
      expect(matchRoute(bad), bad).toEqual({ name: "notFound" });
    }
    expect(matchRoute("/log-ind")).toEqual({ name: "signIn" });
    expect(matchRoute("/konto/adgangskode")).toEqual({ name: "password" });
    expect(matchRoute("/admin/brugere")).toEqual({ name: "users" });
    expect(matchRoute("/admin/brugere/")).toEqual({ name: "users" });
    expect(matchRoute("/admin/brugere/12")).toEqual({ name: "user", id: 12 });
    expect(matchRoute("/admin/noegler")).toEqual({ name: "tokens" });
    for (const bad of ["/admin", "/admin/brugere/x", "/konto", "/log-ind/x", "/admin/noegler/3"]) {
      expect(matchRoute(bad), bad).toEqual({ name: "notFound" });
    }
    expect(userHref(12)).toBe("/admin/brugere/12");
    expect(municipalityHref("Sorø")).toBe("/kommune/Sor%C3%B8");
    expect(importHref("340")).toBe("/kommune/340/import");
  });

  it("keeps the overview's view in the query and leaves defaults out", () => {
    const plain = parseOverviewParams(new URLSearchParams(""));
    expect(plain).toEqual({
      price: undefined,
      unit: "tkr",
      view: "table",
      rows: "children",
      year: undefined,
    });
    expect(overviewHref("340", null, plain)).toBe("/kommune/340");
    const q = "?pris=loebende&enhed=mio&visning=graf&raekker=accounts&aar=2024";
    const p = parseOverviewParams(new URLSearchParams(q));
    expect(p).toEqual({ price: "current", unit: "mio", view: "chart", rows: "accounts", year: 2024 });
    expect(overviewSearch(p)).toBe(q);
    expect(overviewHref("340", 7, { ...p, price: 2026 })).toBe(
      "/kommune/340/enhed/7?pris=2026&enhed=mio&visning=graf&raekker=accounts&aar=2024",
    );
    // Nonsense falls back to the defaults instead of breaking the page.
    expect(parseOverviewParams(new URLSearchParams("pris=x&enhed=y&visning=z&aar=20"))).toEqual(plain);
    // A drill-down keeps price, unit and view, and starts over with rows and the chart's column.
    expect(carryOver(p)).toEqual({ ...p, rows: "children", year: undefined });
  });

  it("keeps the figures view and its year in the address", () => {
    const p = parseOverviewParams(new URLSearchParams("visning=tal&aar=2027"));
    expect(p).toMatchObject({ view: "figures", year: 2027 });
    expect(overviewHref("340", 4, p)).toBe("/kommune/340/enhed/4?visning=tal&aar=2027");
    // Moving to another unit keeps the year of the figures (it is the same year there).
    expect(carryOver(p)).toMatchObject({ view: "figures", year: 2027 });
  });

  it("asks the API for the same table, as JSON or as a file", () => {
    const p = parseOverviewParams(new URLSearchParams("pris=loebende&enhed=kr&raekker=accounts"));
    expect(overviewApiUrl(5, p)).toBe("/api/nodes/5/overview?priceYear=current&unit=kr&rows=accounts");
    expect(overviewApiUrl(5, { ...p, price: 2025 }, "xlsx")).toBe(
      "/api/nodes/5/overview?priceYear=2025&unit=kr&rows=accounts&format=xlsx",
    );
    expect(overviewApiUrl(5, parseOverviewParams(new URLSearchParams()), "csv")).toBe(
      "/api/nodes/5/overview?unit=tkr&rows=children&format=csv",
    );
  });
});
