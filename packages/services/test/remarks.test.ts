/**
 * The budget remarks on the demo, on both engines: Sorø's committee remarks hold seed 000's
 * table and its budget-agreement bullets, Kalundborg's area remarks hold seed 001's seventeen
 * net budgets and its DUT sentences, read back from the generated files; the sections' editing
 * with versions, conflicts and the audit trail; the settings; the demo text format.
 */
import { SYSTEM_ACTOR } from "@bevilling/core";
import {
  type DatabaseHandle,
  findMunicipality,
  findNodeByCode,
  historyOf,
  listRemarkSections,
  verifyAudit,
} from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import type ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlTables, readDocx, readPdf, readXlsx } from "../../documents/test/read-back.ts";
import { loadDemoRemarks, parseRemarksText } from "../src/demo-remarks.ts";
import {
  areaRemarksDocument,
  BadRequest,
  Conflict,
  committeeRemarksDocument,
  createRemarkSection,
  DEMO_ACTOR,
  deleteRemarkSection,
  getRemarks,
  ImportFailed,
  loadDemo,
  NotFound,
  nodeRemarksDocument,
  reorderRemarkSections,
  requireMunicipality,
  setFrameBudget,
  setPriceBasis,
  updateRemarkSection,
} from "../src/index.ts";

/** Seed 000's table as printed, with the one cell where its areas add up to one more (351.608). */
const SEED_000 = [
  ["År", "2023", "2024", "2025", "2026", "2027", "2028"],
  ["(1.000 kr.)", "Regnskab", "Budget - oprindeligt", "Budget", "Budget", "Budget", "Budget"],
  ["Økonomiudvalget", "306.005", "351.608", "388.324", "384.273", "379.719", "381.305"],
  ["Puljer", "0", "0", "80.496", "80.232", "77.723", "79.709"],
  ["Administration", "259.092", "304.620", "259.178", "255.388", "253.341", "252.941"],
  ["Boligudvikling", "435", "782", "579", "579", "579", "579"],
  ["Borgerservice", "36.531", "35.785", "38.532", "38.533", "38.535", "38.535"],
  ["Lokaldemokrati", "368", "349", "343", "344", "344", "344"],
  ["Beredskab", "9.579", "10.072", "9.196", "9.197", "9.197", "9.197"],
];

/** The amounts of seed 000's "Budgetaftalen 2025", as the bullets write them. */
const SEED_000_AMOUNTS = [
  "1,750 mio. kr. i 2025",
  "2,0 mio. kr. årligt i 2027 og 2028",
  "0,9 mio. kr. i 2025",
  "0,260 mio. kr. i 2025",
  "3,780 mio. kr. i 2025",
  "-1,7 mio. kr. årligt i overslagsårene 2026\u20132028",
  "-0,180 mio. kr. årligt fra 2025 og frem",
  "-0,2 mio. kr. årligt fra 2025 og frem",
  "-0,323 mio. kr. årligt fra 2026 og frem",
  "-0,3 mio. kr. årligt fra 2025 og frem",
];

/** Seed 001: every area's "Samlet nettobudget for området", in its order. */
const SEED_001_NET: [string, string][] = [
  ["Jobcenter", "50.190.100"],
  ["Borgerservice", "81.205.800"],
  ["Børn og Familie", "26.854.400"],
  ["Demografipulje – Børn- og Familieområdet", "5.000.000"],
  ["Ledelse, Jura og Kommunikation", "21.193.700"],
  ["Kultur og Fritid", "6.681.800"],
  ["Vej, Ejendom og Affald", "5.131.600"],
  ["Plan, Byg og Miljø", "39.254.500"],
  ["Vestsjællands Brandvæsen", "13.725.000"],
  ["Fagcenter Børn, Læring og Uddannelse", "7.882.800"],
  ["Sundhed og Myndighed", "19.565.000"],
  ["Demografipulje - Ældreområdet", "10.000.000"],
  ["Voksenspecialenheden", "2.234.900"],
  ["Demografipulje - Voksenspecialområdet", "9.000.000"],
  ["Digitalisering og IT", "44.166.100"],
  ["HR og Personale", "13.541.600"],
  ["Økonomi", "104.816.500"],
];

const FRAME =
  "Budgettet er et rammebudget. Forudsætninger for budgettet er udarbejdet på baggrund af budgetoverslag for 2024, og pris- og lønfremskrevet i forhold til KL's vejledning.";

/**
 * Seed 001's DUT sentences as Bevilling writes them from the adopted agreement. Seed 001 words
 * some of them differently where the data cannot tell (see the report in the test below).
 */
const DUT_SENTENCES = [
  "I forbindelse med tilførsel af DUT-midler har Borgerservice fået tildelt 0,1 mio. kr. i 2024. De tilførte DUT-midler er kompensation for meropgaver i forbindelse med implementering af MitID.",
  "fået tildelt 1,8 mio. kr. i 2024, 2,3 mio. kr. i 2025, 2,8 mio. kr. i 2026 og 3,1 mio. kr. i 2027 og fremefter.",
  "De tilførte DUT-midler vedrører kompensation i forbindelse med indførelse af Barnets Lov, som træder i kraft 1. januar 2024.",
  "I forbindelse med tilførsel af DUT-midler har Voksenspecialenheden fået tildelt 0,04 mio. kr. i 2024 og fremefter til omlægning af indsatsen mod hjemløshed.",
  "I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. årligt",
  'som følge af reguleringer i DUT, bloktilskud samt "Work in Kalundborg".',
  "fået tildelt 116.000 kr. i 2024 til at styrke den lokale koordinering af varmeplanlægningen som en del af lov- og cirkulæreprogrammet.",
];

describe.each(testEngines())("the budget remarks on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
    await loadDemo(h.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  const node = async (m: string, code: string) => {
    const mm = await findMunicipality(h.db, m);
    const n = mm ? await findNodeByCode(h.db, mm.id, code) : undefined;
    if (!n) throw new Error(`${m}/${code} mangler`);
    return n;
  };

  it("writes Sorø's committee remarks with seed 000's table and one bullet per adjustment (DOCX, XLSX, PDF)", async () => {
    const m = await requireMunicipality(h.db, "340");
    const docx = await committeeRemarksDocument(h.db, m, "OEU", 2025, "docx");
    expect(docx.fileName).toBe("bemaerkninger-340-oekonomiudvalget-2025.docx");
    const word = await readDocx(docx.bytes);
    expect(word.paragraphs[0]).toEqual({ style: "Title", text: "Økonomiudvalget" });
    expect(word.tables.map((t) => t.map((r) => r.cells))).toEqual([SEED_000]);
    const texts = word.paragraphs.map((p) => p.text);
    expect(texts).toContain("Note: Alle tal er i 2025-priser.");
    expect(texts).toContain(
      "Med budgetaftalen for 2025 har kommunalbestyrelsen vedtaget en række reguleringer i budgettet. Disse består af:",
    );
    const bullets = word.paragraphs.filter((p) => p.style === "ListParagraph").map((p) => p.text);
    const agreement = bullets.slice(0, SEED_000_AMOUNTS.length);
    SEED_000_AMOUNTS.forEach((amount, i) => {
      expect(agreement[i], `punkt ${i + 1}`).toContain(amount);
    });
    expect(agreement[0]).toBe(
      "Planområdet styrkes med 1,750 mio. kr. i 2025 for at imødekomme den større efterspørgsel fra virksomheder og boligudviklere og sikre hurtigere sagsbehandlingstid. Budgettet skal sikre at der er ressource til at løfte arbejdet og nedbringe den eksisterende ventetid.",
    );
    expect(agreement[6]).toBe(
      "Budgettet til Beredskabet nedjusteres med -0,180 mio. kr. årligt fra 2025 og frem.",
    );
    // The narrative sections of seed 000 follow, as headings.
    expect(
      word.paragraphs.filter((p) => /^Heading\d$/u.test(p.style ?? "")).map((p) => `${p.style} ${p.text}`),
    ).toEqual([
      "Heading1 Budgetaftalen 2025",
      "Heading1 Administration",
      "Heading2 IT og Digitalisering",
      "Heading2 Politik, Ledelse og Erhverv",
      "Heading2 Sorø Erhverv",
      "Heading2 Kultur og Fritid administration",
      "Heading2 HR og Arbejds miljø",
      "Heading2 Økonomi og Styring",
      "Heading1 Boligudvikling",
      "Heading1 Borgerservice",
      "Heading1 Beredskabet",
    ]);
    expect(bullets).toContain("Sagsbehandling i relation til borgerne");
    expect(word.documentXml).toMatch(
      /<w:ilvl w:val="1"\/>(?:(?!<\/w:p>).)*Sagsbehandling i relation til borgerne/su,
    );

    const wb = await readXlsx((await committeeRemarksDocument(h.db, m, "OEU", 2025, "xlsx")).bytes);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    for (let r = 3; r <= 9; r++) {
      const printed = SEED_000[r - 1] as string[];
      expect(ws.getCell(r, 1).value).toBe(printed[0]);
      for (let c = 2; c <= 7; c++)
        expect(ws.getCell(r, c).value).toBe(Number(printed[c - 1]?.replaceAll(".", "")));
    }
    for (let c = 2; c <= 7; c++) {
      let sum = 0;
      for (let r = 4; r <= 9; r++) sum += ws.getCell(r, c).value as number;
      expect(sum).toBe(ws.getCell(3, c).value);
    }

    const pages = await readPdf((await committeeRemarksDocument(h.db, m, "OEU", 2025, "pdf")).bytes);
    const pdf = pages.join("\n").replace(/\s+/gu, " ");
    for (const row of SEED_000) expect(pdf).toContain(row.join(" "));
    for (const amount of SEED_000_AMOUNTS) expect(pdf).toContain(amount);
    expect(pdf).toContain("Konsolidering af IT-budgetter:");
    pages.forEach((p, i) => {
      expect(p).toContain(`Side ${i + 1} af ${pages.length}`);
    });
  });

  it("writes Kalundborg's area remarks with seed 001's seventeen net budgets and DUT sentences", async () => {
    const m = await requireMunicipality(h.db, "326");
    const word = await readDocx((await areaRemarksDocument(h.db, m, "OEU", 2024, "docx")).bytes);
    expect(word.paragraphs[0]).toEqual({ style: "Title", text: "Bemærkninger - Økonomiudvalget" });
    const texts = word.paragraphs.map((p) => p.text);
    const areas = word.paragraphs.filter((p) => p.style === "Heading1").map((p) => p.text);
    expect(areas).toEqual([...SEED_001_NET.map(([name]) => name), "Samlet nettobudget pr. område"]);
    // Each area's heading is followed by its net budget, exactly as seed 001 prints it.
    for (const [name, net] of SEED_001_NET) {
      const at = texts.indexOf(name);
      expect(texts[at + 1], name).toBe(`Samlet nettobudget for området: ${net} kr.`);
    }
    expect(texts.filter((t) => t === FRAME)).toHaveLength(14);
    const all = texts.join("\n");
    for (const sentence of DUT_SENTENCES) expect(all).toContain(sentence);
    expect(all).toContain(
      "Demografipuljen er afsat som en pulje til imødegåelse af den demografiske udvikling på voksenspecialområdet. Puljen disponeres efter beslutning i Økonomiudvalget.",
    );
    // The users' texts from seed 001, under seed 001's headings.
    expect(texts.filter((t) => t === "Beskrivelse af området")).toHaveLength(14);
    expect(texts.filter((t) => t === "Udvikling og udfordringer")).toHaveLength(12);
    expect(all).toContain("Sundhedsklyngesamarbejde");
    expect(word.paragraphs.find((p) => p.text === "Forebyggelse")?.style).toBe("Heading3");
    // The closing table adds up to the committee.
    const table = word.tables[0]?.map((r) => r.cells) ?? [];
    expect(table.slice(1, -1)).toEqual(SEED_001_NET);
    expect(table.at(-1)).toEqual(["Økonomiudvalget i alt", "460.443.800"]);

    const pdf = (await readPdf((await areaRemarksDocument(h.db, m, "OEU", 2024, "pdf")).bytes))
      .join("\n")
      .replace(/\s+/gu, " ");
    for (const [, net] of SEED_001_NET) expect(pdf).toContain(`Samlet nettobudget for området: ${net} kr.`);
    expect(pdf).toContain(
      "I forbindelse med tilførsel af DUT-midler har Voksenspecialenheden fået tildelt 0,04 mio. kr.",
    );

    // One area alone, and all committees: the same area text.
    const one = new TextDecoder().decode((await areaRemarksDocument(h.db, m, "JOB", 2024, "html")).bytes);
    expect(one).toContain("<h1>Bemærkninger - Økonomiudvalget</h1>");
    expect(one).toContain("<p>Samlet nettobudget for området: 50.190.100 kr.</p>");
    expect(one).not.toContain("Borgerservice");
    expect(htmlTables(one)[0]?.rows.at(-1)).toEqual(["Økonomiudvalget i alt", "50.190.100"]);
    const every = await areaRemarksDocument(h.db, m, "all", 2024, "xlsx");
    expect(every.fileName).toBe("bemaerkninger-omraader-326-alle-2024.xlsx");
    const ws = (await readXlsx(every.bytes)).worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getCell(3, 2).value).toBe(50190100);
    expect(ws.getCell(3 + SEED_001_NET.length, 2).value).toBe(460443800);
  });

  it("refuses what is not there, and a committee document for an area", async () => {
    const m = await requireMunicipality(h.db, "326");
    await expect(committeeRemarksDocument(h.db, m, "XYZ", 2024, "pdf")).rejects.toBeInstanceOf(NotFound);
    await expect(committeeRemarksDocument(h.db, m, "JOB", 2024, "pdf")).rejects.toThrow(/ikke et udvalg/);
    await expect(areaRemarksDocument(h.db, m, "XYZ", 2024, "pdf")).rejects.toBeInstanceOf(NotFound);
    // A year without an adopted agreement: the table and the sections, no "Budgetaftalen".
    const sor = await requireMunicipality(h.db, "340");
    const html = new TextDecoder().decode(
      (await committeeRemarksDocument(h.db, sor, "OEU", 2026, "html")).bytes,
    );
    expect(html).not.toContain("Budgetaftalen");
    expect(html).toContain("Note: Alle tal er i 2026-priser.");
    const byNode = await nodeRemarksDocument(
      h.db,
      (await node("340", "OEU")).id,
      "committee",
      undefined,
      "html",
    );
    expect(new TextDecoder().decode(byNode.bytes)).toContain("<h2>Budgetaftalen 2025</h2>");
  });

  it("lists a node's sections with what the documents generate for it", async () => {
    const job = await node("326", "JOB");
    const r = await getRemarks(h.db, job.id);
    expect(r.budgetYear).toBe(2024);
    expect(r.sections.map((s) => s.kind)).toEqual(["description", "development"]);
    expect(r.generated).toEqual({
      kind: "area",
      netBudget: "Samlet nettobudget for området: 50.190.100 kr.",
      basis: [
        FRAME,
        'I relation til delaftale 2 om Arnepension er der indarbejdet en reduktion på 0,2 mio. kr. årligt, som følge af reguleringer i DUT, bloktilskud samt "Work in Kalundborg".',
      ],
    });
    const oeu = await getRemarks(h.db, (await node("340", "OEU")).id, 2025);
    expect(oeu.sections[0]?.kind).toBe("intro");
    expect(oeu.generated.kind).toBe("committee");
    if (oeu.generated.kind === "committee") expect(oeu.generated.agreement?.items).toHaveLength(10);
    await expect(getRemarks(h.db, (await node("326", "326")).id)).rejects.toBeInstanceOf(BadRequest);
  });

  it("adds, changes, moves and deletes sections with versions, refusing stale changes, all in the audit trail", async () => {
    const bs = await node("326", "BS");
    const made = await createRemarkSection(
      h.db,
      bs.id,
      { year: 2024, kind: "section", heading: "Nyt afsnit", body: "Første udgave." },
      SYSTEM_ACTOR,
    );
    expect(made).toMatchObject({ kind: "section", heading: "Nyt afsnit", version: 1, position: 2 });
    const changed = await updateRemarkSection(
      h.db,
      bs.id,
      made.id,
      { version: 1, body: "Anden udgave.\n\n- et punkt\n  - et underpunkt", reason: "Rettet" },
      SYSTEM_ACTOR,
    );
    expect(changed.version).toBe(2);
    // Changing nothing changes nothing.
    expect(
      (await updateRemarkSection(h.db, bs.id, made.id, { version: 2, body: changed.body }, SYSTEM_ACTOR))
        .version,
    ).toBe(2);

    const stale = updateRemarkSection(h.db, bs.id, made.id, { version: 1, heading: "Min" }, SYSTEM_ACTOR);
    await expect(stale).rejects.toBeInstanceOf(Conflict);
    await stale.catch((e: Conflict) => {
      expect((e.current as { version: number; body: string }).body).toBe(
        "Anden udgave.\n\n- et punkt\n  - et underpunkt",
      );
    });
    // Through another node's address the section is not there.
    const job = await node("326", "JOB");
    await expect(
      updateRemarkSection(h.db, job.id, made.id, { version: 2, heading: "x" }, SYSTEM_ACTOR),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      createRemarkSection(h.db, bs.id, { year: 2024, kind: "nope" as "section", body: "" }, SYSTEM_ACTOR),
    ).rejects.toThrow(/kind/);

    const list = (await getRemarks(h.db, bs.id)).sections;
    const reversed = [...list].reverse().map((s) => ({ id: s.id, version: s.version }));
    const moved = await reorderRemarkSections(h.db, bs.id, { year: 2024, sections: reversed }, SYSTEM_ACTOR);
    expect(moved.map((s) => s.id)).toEqual(reversed.map((s) => s.id));
    expect(moved[0]?.version).toBe(3);
    // The same order again, from what was seen before the move: refused.
    await expect(
      reorderRemarkSections(h.db, bs.id, { year: 2024, sections: reversed }, SYSTEM_ACTOR),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      reorderRemarkSections(
        h.db,
        bs.id,
        { year: 2024, sections: moved.slice(1).map((s) => ({ id: s.id, version: s.version })) },
        SYSTEM_ACTOR,
      ),
    ).rejects.toBeInstanceOf(Conflict);

    // The document prints the new section first, with its nested bullet.
    const m = await requireMunicipality(h.db, "326");
    const html = new TextDecoder().decode((await areaRemarksDocument(h.db, m, "BS", 2024, "html")).bytes);
    expect(html.indexOf("<h3>Nyt afsnit</h3>")).toBeGreaterThan(html.indexOf("<h3>Budgetgrundlag</h3>"));
    expect(html).toContain("<li>et punkt\n<ul>\n<li>et underpunkt</li>");

    await expect(deleteRemarkSection(h.db, bs.id, made.id, 2, SYSTEM_ACTOR)).rejects.toBeInstanceOf(Conflict);
    await deleteRemarkSection(h.db, bs.id, made.id, 3, SYSTEM_ACTOR, "Ikke brug for det");
    expect((await getRemarks(h.db, bs.id)).sections.some((s) => s.id === made.id)).toBe(false);

    const history = await historyOf(h.db, "remark_section", String(made.id));
    expect(history.map((e) => e.action)).toEqual(["create", "update", "delete"]);
    expect(history[1]?.reason).toBe("Rettet");
    expect(history[1]?.after).toMatchObject({ body: "Anden udgave.\n\n- et punkt\n  - et underpunkt" });
    const reorder = await historyOf(h.db, "remark_section", `${bs.id}:2024`);
    expect(reorder.map((e) => e.action)).toEqual(["reorder"]);
    expect((await verifyAudit(h.db)).ok).toBe(true);
  });

  it("keeps the frame sentence's settings, audited, and the sentence follows them", async () => {
    const m = await requireMunicipality(h.db, "326");
    const vea = await node("326", "VEA");
    await setFrameBudget(
      h.db,
      vea.id,
      { frameBudget: false, reason: "Ikke længere rammestyret" },
      SYSTEM_ACTOR,
    );
    expect((await getRemarks(h.db, vea.id)).generated).toMatchObject({ basis: [] });
    await setFrameBudget(h.db, vea.id, { frameBudget: true }, SYSTEM_ACTOR);
    await setPriceBasis(h.db, m, { priceBasis: "KL's skøn fra juni" }, SYSTEM_ACTOR);
    expect((await getRemarks(h.db, vea.id)).generated).toMatchObject({
      basis: [FRAME.replace("KL's vejledning", "KL's skøn fra juni")],
    });
    await setPriceBasis(h.db, m, { priceBasis: "KL's vejledning" }, SYSTEM_ACTOR);
    await expect(
      setFrameBudget(h.db, (await node("326", "OEU")).id, { frameBudget: true }, SYSTEM_ACTOR),
    ).rejects.toThrow(/ikke et bevillingsområde/);
    const frames = await historyOf(h.db, "org_node", String(vea.id));
    expect(
      frames
        .filter((e) => e.action === "update")
        .map((e) => e.after)
        .slice(-2),
    ).toEqual([{ frameBudget: false }, { frameBudget: true }]);
  });

  it("loads the demo's remarks once: loading again changes nothing", async () => {
    const m = await requireMunicipality(h.db, "340");
    const before = await listRemarkSections(h.db, { municipalityId: m.id });
    expect(await loadDemoRemarks(h.db, DEMO_ACTOR)).toBe(0);
    expect(await listRemarkSections(h.db, { municipalityId: m.id })).toEqual(before);
    expect(before).toHaveLength(11);
  });
});

describe("the remarks' text format", () => {
  it("reads nodes, kinds, headings and bodies", () => {
    expect(
      parseRemarksText(
        "Forord\n\n# OEU 2025\n## intro\n\nTekst\n\n- a\n  - b\n\n## section: Administration\nMere\n# JOB 2024 rammebudget\n## description\n",
        "x.txt",
      ),
    ).toEqual([
      {
        code: "OEU",
        budgetYear: 2025,
        frameBudget: false,
        sections: [
          { kind: "intro", heading: "", body: "Tekst\n\n- a\n  - b" },
          { kind: "section", heading: "Administration", body: "Mere" },
        ],
      },
      {
        code: "JOB",
        budgetYear: 2024,
        frameBudget: true,
        sections: [{ kind: "description", heading: "", body: "" }],
      },
    ]);
  });

  it("names file and line of every problem", () => {
    try {
      parseRemarksText("## intro\n# OEU\n# OEU 2025 ramme\n# JOB 2024\ntekst\n## afsnit: X\n", "b.txt");
      throw new Error("skulle fejle");
    } catch (e) {
      expect(e).toBeInstanceOf(ImportFailed);
      expect((e as ImportFailed).errors.map((x) => `${x.file}:${x.line}`)).toEqual([
        "b.txt:1",
        "b.txt:2",
        "b.txt:3",
        "b.txt:5",
        "b.txt:6",
      ]);
      expect((e as ImportFailed).errors[4]?.reason).toContain("intro, section, subsection");
    }
  });
});
