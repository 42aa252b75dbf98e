/**
 * Proposals and the consistency checks, on seed 003 (Slagelse, "Budget 2023-2026", eight
 * operating proposals in 1.000 kr.). The catalogue is transcribed below as data; the last
 * block reads the seed file itself and must give exactly the same proposals.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkCatalogue,
  checkProposal,
  findReferences,
  lineTotal,
  normalizeScheduleNumber,
  PROPOSAL_KIND_LABEL,
  PROPOSAL_KINDS,
  PROPOSAL_STATUS_LABEL,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalLine,
  type ProposalWarning,
  parseCatalogueText,
  parseProposalKind,
  parseScheduleNumber,
  proposalTotal,
  proposalYearTotals,
  sameSchedule,
} from "../src/proposals.ts";

/** Øre per 1.000 kr. */
const T = 100_000n;
const YEARS = [2023, 2024, 2025, 2026] as const;
const PERIOD = { firstYear: 2023, lastYear: 2026 };

/** A row of 1.000 kr. cells for 2023–2026; null is an empty cell. */
function row(...cells: (bigint | null)[]): Map<number, bigint> {
  const m = new Map<number, bigint>();
  cells.forEach((c, i) => {
    if (c !== null) m.set(YEARS[i] as number, c * T);
  });
  return m;
}

function line(name: string, cells: (bigint | null)[], printedTotal: bigint): ProposalLine {
  return { name, amounts: row(...cells), printedTotal: printedTotal * T };
}

function paragraphs(...ps: string[]): string {
  return ps.join("\n\n");
}

type Fixture = Pick<Proposal, "title" | "text" | "lines" | "printedTotals"> &
  Partial<Pick<Proposal, "internalNumber" | "references">>;

function schedule(serial: string, f: Fixture): Proposal {
  return {
    schedule: `2.1.2. ${serial}`,
    kind: "drift",
    committee: "Økonomiudvalget",
    area: "Administration",
    status: "submitted",
    references: [],
    ...f,
  };
}

const SEED_003: Proposal[] = [
  schedule("01", {
    internalNumber: "3106",
    title: "Medarbejderkommunikation",
    text: paragraphs(
      "Der har gennem nogle år kørt pilotprojekter med en app-baseret kommunikationsplatform, Actimo, som en løsning på behovet for effektive interne dialog- og kommunikationskanaler, særligt målrettet de medarbejdere, som ikke har daglig adgang til InSlag eller har en computer, som en integreret del af deres arbejde.",
      "De foreløbige resultater samt erfaringer fra andre kommuner peger på, at dette er en effektiv kanal til distribution af information og dialog. Actimo sørger for, at de ofte udkørende medarbejdere modtager information på samme tid som dem, der sidder ved en skærm på et kontor. Actimo er også et nyttigt værktøj medarbejderne imellem, ligesom tilgængeligheden til øvrige, tværfaglige medarbejdere og kommunal information generelt sikre en langt bedre og hurtigere information, hvilket også er vigtigt i det daglige arbejde med borgerne. Endelig er der vellykkede eksempler på at det også kan anvendes til onboarding af nye medarbejdere (fx i Kommunale Ejendomme), løbende temperaturmåling på arbejdsmiljøet (Blomstergården) etc.",
      "Udbredelsen af Actimo har stået stille de seneste pga budgetusikkerhed. Men det vurderes, at der er grundlag nok nu til at tage næste skridt og udbrede anvendelsen i en trinvis model.",
    ),
    lines: [line("", [600n, 1_200n, 1_200n, null], 3_000n)],
    printedTotals: { perYear: row(600n, 1_200n, 1_200n, 0n), total: 3_000n * T },
  }),
  schedule("02", {
    title: "Kernefortælling",
    text: paragraphs(
      "Indsatsen for at sikre, at Kernefortællingen får liv skal fortsætte (det har stået stille siden februar 2022 pga genåbning af budget). Jf den strategi, der blev fremlagt og godkendt i Økonomiudvalget i juni 2021 og jf ønsker fra de mange aktører, der blev involveret i arbejdet med at afklare, hvordan kernefortællingen for bosætning kunne bredes ud til gavn for flere og mere, er næste skridt at få etableret en række værktøjer til brug for markedsføring af og kommunikation om Slagelse Kommune.",
      "Dette indebærer modernisering af den visuelle og grafiske identitet for hele Slagelse Kommune samt etablering af en 'værktøjskasse', som kommunens aktører (interne og eksterne) kan anvende med fx billedekartotek, designmanualer, grafiske elementer og skabeloner etc. Formålet er at få skabt en tidssvarende visuel identitet, der understøtter kernefortællingens formål og styrker kommunens image. Formålet er også at sikre genkendelighed i kommunikationen og markedsføring af Slagelse Kommune.",
      "Som baggrund for denne indsats blev der i 2021 gennemført et såkaldt design audit, hvoraf det tydeligt fremgår, at Slagelse Kommune ikke udnytter mulighederne for at understøtte et sammenhængende samt positivt image og kendskab til kommunen via de kanaler, der er til rådighed.",
      "Budget nedenfor er udtryk for et estimat, da der ikke er indhentet tilbud (opgaven skal i udbud). Budgetbehov vil desuden afhænge af, om al skiltning og anvendelse af visuel identitet i det offentlige rum (skiltning, biler etc.) skal justeres straks efter nyt design eller tages løbende over nogle år.",
      "Hvis det fulde budget ikke kan allokeres, står Slagelse Kommune under alle omstændigheder over for en opgave med opdatering af dele af den nuværende grafiske identitet, da den skrifttype, der for nuværende anvendes, ikke længere findes.",
    ),
    // The seed cuts the line name off after "til".
    lines: [
      line(
        "Modernisering af visuel identitet og etablering af værktøjskasse til",
        [1_750n, 100n, 100n, 100n],
        2_050n,
      ),
    ],
    printedTotals: { perYear: row(1_750n, 100n, 100n, 100n), total: 2_050n * T },
  }),
  schedule("03", {
    title: "Studieby Slagelse",
    text: paragraphs(
      "Økonomiudvalget godkendte ved deres møde d. xx februar en strategi for Studieby Slagelse.",
      "Studieby Slagelses formål er at styrke studie- og ungemiljøet i Slagelse Kommune, styrke Slagelse Kommunes image som uddannelsescentrum på Sjælland og bygge bro og skabe synergi mellem uddannelser, erhvervsliv, de unge/de studerende, kommunen, politikere, foreningslivet, kulturlivet, civilsamfundet.",
      "Formålet peger på følgende fokusområder: Bosætning og udvikling, sikre opførelse af studieboliger, inddragelse og samskabelse med de studerende, job og karriere, studieliv, vidensamarbejde, markedsføring og branding og strategisk udvikling.",
      "Der er behov for en økonomisk ramme, der stiller studiebykonsulenten i stand til at udmønte den strategiske ramme i samarbejde med uddannelsesstederne. På baggrund af de aktiviteter, som allerede er under udvikling og videreført på baggrund af arbejdet med det tidligere §17 stk. 4 Campus-udvalg foreslås en ramme på 150.000 kr.",
      "Studieby Slagelse har følgende aktiviteter i 2022:",
      "- Åbent Hus (fælles markedsføring af de videregående uddannelsers Åbent Hus arrangementer).\n- Skills 2022 i Høng (28.-30. april), hvor Studiebyen deltager med en messestand.",
      "Uddannelsesinstitutionerne medfinansierer messestand.",
      "- Studiebyens fredagscafe om Bæredygtig Mad i forbindelse med Forskningens Døgn på Campuspladsen fredag den 22. april kl. 13-17.",
      "50.000 kr. er bevilget fra Forskningens Døgn. SDU bidrager med 35.000 kr.",
      "- Etablering af dialogforum med nuværende studerende.\n- Studiestart-events, blandt andet i samarbejde med Sommerlyd, Klimakaravanen og Musikhuset.\n- Uddannelsernes Fællescase (efteråret 2022), hvor studerende fra de tre videregående uddannelser i et fælles valgfag samarbejder med en lokal virksomhed omkring løsningen af et problem.\n- Deltagelse i bylivs-aktiviteter som Slagelse Festuge, Sct. Michaels Nat og De Dødes Nat.\n- Studielivsundersøgelse og procedure for generel indsamling af data.\n- Synlighed omkring studieboliger – nuværende og kommende.\n- Understøttelse af byudvikling.\n- Tiltrækning af nye uddannelser.\n- En række tværgående samarbejder",
    ),
    lines: [line("", [150n, 150n, 150n, 150n], 600n)],
    printedTotals: { perYear: row(150n, 150n, 150n, 150n), total: 600n * T },
  }),
  schedule("04", {
    title: "Strategisk Fundraising",
    text: paragraphs(
      "Fundraising giver Slagelse Kommune mulighed for at udvikle og kvalitetsforbedre områder og tilbud på en måde, som vi ikke har mulighed for indenfor budgetrammen. Midlerne medvirker til, at vi kan opnå de politiske fastsatte målsætninger og herigennem skabe bedre velfærd for borgeren. Derfor er et skærpet fokus og en koordineret indsats, med de rigtige centrale og decentrale ressourcer, vigtig.",
      "For at kunne skabe den bedst mulige velfærd, igennem fundraising-aktiviteter, bør man tænke i at beskrive løsningsmodeller som et program, hvor flere forskellige indsatser bliver en del af løsningen. Dette sikrer, at man får en vis volumen på løsningsforslagene, samtidig med at man har mulighed for at søge synergier mellem de enkelte dele. Hvis Slagelse Kommune skal arbejde strategisk med at skabe et langsigtet samarbejde med de store fonde omkring programgjorte løsningsmodeller, så skal der allokeres budget hertil af en størrelsesorden, som øger sandsynligheden for at vi kan få samfinansiering til store indsatser over flere år. Dialogen om et sådant samarbejde er indledt, men vil være betinget af, at Slagelse Kommune sikrer ressourcer også.",
      "Konkret foreslås det at arbejde med de problematikker, som Sundhedsprofilen, Sundhedsklynge samarbejdet, BørnUngeLiv, samt TOPI, belyser ved at designe et tværorganisatorisk program. Her designes et handlingskatalog, med tilhørende budget, som kan udfoldes i samarbejde med en af de større danske fonde. Budgettet allokeres, betinget af at der opnås en anseelig støtte fra en eller flere fonde.",
      "Indsatsen forankres i Center for Sundhed og Ældre og støttes af Tværgående Udvikling med fundraising-kompetencer og tværorganisatorisk udsyn.",
    ),
    lines: [line("", [5_000n, 5_009n, 5_018n, 5_027n], 20_054n)],
    printedTotals: { perYear: row(5_000n, 5_009n, 5_018n, 5_027n), total: 20_054n * T },
  }),
  schedule("05", {
    title: "Etablering af direktion",
    text: paragraphs(
      "Økonomiudvalget har den 21.3.22 pkt. 30, besluttet at der skal etableres en direktion. Direktionen etableres primo 2023 i samarbejde med kommunaldirektøren, som forventes at tiltræde 1.8.2022. Der indarbejdes mulighed for 2-3 medlemmer af direktionen",
    ),
    lines: [
      line("2 direktører", [3_000n, 3_000n, 3_000n, 3_000n], 12_000n),
      line("1 direktør", [1_500n, 1_500n, 1_500n, 1_500n], 6_000n),
    ],
    printedTotals: { perYear: row(4_500n, 4_500n, 4_500n, 4_500n), total: 18_000n * T },
  }),
  schedule("06", {
    title: "IT og DATA sikkerhed",
    text: paragraphs(
      "Med øget digitalisering og automatisering følger flere systemer, flere brugere og større risiko for IT og datasikkerhedsbrud",
      "Siden 2016 er antallet af brugere på kommunens IT netværk og systemer stedet fra ca. 6.200 til i marts 2022 at være 10.000. Antallet af systemer er fordoblet, der er udbygget med trådløse netværk på hovedparten af de kommunale lokationer og forsøg på angreb udefra via f.ek. phishing udgør i dag 80% af trafikken på vores mailservere og firewall",
      "I forbindelse med det såkaldte monopolbrud har kommunen fået ansvaret for en række opgaver og funktioner som tidligere blev varetaget af systemleverandøren. Vi går populært sagt fra at bo til leje i systemerne til selv at have det fulde ansvar som systemejer, med hvad deraf følger af opgaver og risiko. IT drift er ikke blevet tilført personalressourcer siden 2007, udover medarbejdere der varetager opgaver på systemer, som vi har overtaget drift og udvikling af fra fagområderne.",
      "Kommunens basis IT-drift er derfor nu så udfordret på at opretholde en sikker og stabil drift, hvor organisationen ikke oplever nedbrud, driftsudfald og egentlige IT- eller data sikkerhedshændelser, at der fremadrettet bør tilføres ressourcer til området.",
      "Alene til varetagelse af nødvendige opgaver i forhold til drift af servere, netværk og datasikkerhed bør der tilføres 4 årsværk, således at det muligt at understøtte den daglige drift og samtidig fastholde et vist beredskab til håndtering af mulige IT og data sikkerhedshændelser. Den daglige support af brugere og systemer bør tilføres 2 årsværk, så det også her bliver muligt at opretholde en stabil og kvalificeret understøttelse af organisationen.",
    ),
    lines: [
      line("IT og DATA sikkerhed 4 år", [2_500n, 2_500n, 2_500n, 2_500n], 10_000n),
      line("IT driftunderstøttelse 2 år", [1_000n, 1_000n, 1_000n, 1_000n], 4_000n),
    ],
    printedTotals: { perYear: row(3_500n, 3_500n, 3_500n, 3_500n), total: 14_000n * T },
  }),
  schedule("07", {
    title: "Microsoft licenser - stigende udgifter",
    text: paragraphs(
      "Kommunens udgifter til Microsoftlicenser har igennem en årrække været stigende, som følge af stigende priser udover den almindelige prisregulering, og som følge af en stigning i antallet af brugere. Antallet af brugere er steget i takt med at antallet af ansatte i kommunen er steget og som en konsekvens af ændrede licensbetingelser i forhold til Microsoft, hvor det ikke længere er muligt at lade brugere, der deler PC også dele Microsoftlicens. I forbindelse med stigningen i antallet af ansatte er der ikke tilført yderligere budget til kommunens IT Budgetter.",
    ),
    lines: [line("MS licenser", [500n, 500n, 500n, 500n], 2_000n)],
    printedTotals: { perYear: row(500n, 500n, 500n, 500n), total: 2_000n * T },
  }),
  schedule("08", {
    title: "Ungeenheden - Investeringsforslag",
    text: paragraphs(
      "I skema nr. 8.1.2 01 har vi beskrevet, hvordan vi kan imødekomme reduktion på 981 t.kr.",
      "I dette skema lægger vi i stedet op til at man ser med investeringsbriller på området omkring unge. Som nævnt i skema 01 har vi relativt lave omkostninger til området i Slagelse Kommune set ift. andre kommuner og ift. de konkrete udfordringer med målgruppen vi har. Det er en god businesscase at lykkes med ungemålgruppen, fordi det kan være dyrt i mange år såvel menneskeligt som økonomisk, hvis ikke vi får flere unge i uddannelse og/eller beskæftigelse. Det er jf. M-ploy analysen primært de aktivitetsparate unge, som vi med fordel kan sætte fokus på (de unge der er længst fra udd. og besk.), fordi vi i højere grad lykkes med de uddannelsesparate. Det er en målgruppe, hvor der er evidens for, at tættere opfølgninger, flere samtaler, større sammenhæng og bedre virksomhedsrettede indsatser virker. M-Ploy analysen peger på, at en tilførsel af ressourcer til sagsbehandling og aktivitet omkring de unge kan bidrage til en sænkelse af antallet af unge på uddannelseshjælp.",
      "Det foreslås derfor at investere i 4 ungeguides/ungekontaktpersoner, der kan fungere som casemanagers for de unge og altså varetage den samlede portefølje af aktiviteter omkring de unge, der har særligt brug for sammenhængende indsatser (de aktivitetsparate unge). I M-Ploy analysen fra 2020 er det beskrevet at en 11 % reduktion af uddannelseshjælpsmodtagere kan medføre en reduktion på 5,7 mio. kr. netto. 11 % reduktion af uddannelseshjælpsmodtagere i aktuelle tal vil betyde, at vi skal reducere antallet med 63 unge samlet set. Det svarer til ca. 16 unge pr. ungeguide (ved ansættelse af 4). 4 ungeguides vil ca. koste 2 mio. kr.",
      "Investering i 4 ungeguides - 2000 t.kr.",
      "63 færre unge på ydelse - ca. 5700 t.kr.",
      "Investeringsresultat - 3700 t.kr. (fratrullet de 2000 t.kr i investering)",
      "Med andre ord er forskellen på en ren reduktion på 981 t.kr. (som beskrevet i prioriteringskataloget) og en investering i området udgøre 2719 t.kr.",
    ),
    lines: [
      line("Investering af 4 medarbejdere (ungeguides)", [2_000n, 2_000n, 2_000n, 2_000n], 8_000n),
      line("60 færre unge på uddannelseshjælp", [-5_300n, -5_300n, -5_300n, -5_300n], -21_200n),
    ],
    printedTotals: { perYear: row(-3_300n, -3_300n, -3_300n, -3_300n), total: -13_200n * T },
    references: [{ schedule: "8.1.2. 01", relation: "alternative_to" }],
  }),
];

function bySerial(serial: string): Proposal {
  const p = SEED_003.find((x) => x.schedule === `2.1.2. ${serial}`);
  if (!p) throw new Error(`no schedule ${serial}`);
  return p;
}

function withText(p: Proposal, text: string): Proposal {
  return { ...p, text };
}

describe("kinds and statuses", () => {
  it("has a Danish label for every kind and status", () => {
    expect(PROPOSAL_KINDS.map((k) => PROPOSAL_KIND_LABEL[k])).toEqual([
      "Driftsforslag",
      "Anlægsforslag",
      "Udvidelsesforslag",
      "Reduktionsforslag",
      "Investeringsforslag",
    ]);
    expect(PROPOSAL_STATUSES.map((s) => PROPOSAL_STATUS_LABEL[s])).toEqual([
      "Kladde",
      "Indsendt",
      "Vedtaget",
      "Vedtaget med ændringer",
      "Forkastet",
    ]);
  });

  it("reads kind headings", () => {
    expect(parseProposalKind("Driftsforslag")).toBe("drift");
    expect(parseProposalKind(" anlægsforslag ")).toBe("anlaeg");
    expect(parseProposalKind("Budgetforslag")).toBeUndefined();
  });
});

describe("schedule numbers", () => {
  it.each<[string, string | undefined]>([
    ["Skema 2.1.2. 05", "2.1.2. 05"],
    ["*Skema 2.1.2. 05**Økonomiudvalget - Administration*", "2.1.2. 05"],
    ["*Skema 2.1.2. 05**", "2.1.2. 05"],
    ["skema nr. 8.1.2 01", "8.1.2. 01"],
    ["8.1.2 01", "8.1.2. 01"],
    ["8.1.2. 01", "8.1.2. 01"],
    ["8.1.2.01", "8.1.2. 01"],
    ["8.1.2 1", "8.1.2. 01"],
    ["Skema 01", undefined],
    ["Økonomiudvalget", undefined],
  ])("parseScheduleNumber(%j) = %j", (text, expected) => {
    expect(parseScheduleNumber(text)).toBe(expected);
  });

  it("compares spellings of the same schedule as equal", () => {
    expect(normalizeScheduleNumber("8.1.2 01")).toBe(normalizeScheduleNumber("8.1.2. 01"));
    expect(sameSchedule("8.1.2 01", "Skema 8.1.2. 01")).toBe(true);
    expect(sameSchedule("8.1.2 01", "8.1.2. 02")).toBe(false);
  });

  it("finds references in text, not the proposal's own number nor a bare 'skema 01'", () => {
    expect(findReferences(bySerial("08").text, "2.1.2. 08")).toEqual([
      { schedule: "8.1.2. 01", relation: "alternative_to" },
    ]);
    expect(findReferences("Se også skema 2.1.2. 03 og skema 2.1.2. 04.", "2.1.2. 03")).toEqual([
      { schedule: "2.1.2. 04", relation: "related" },
    ]);
  });
});

describe("sums", () => {
  it("adds up seed 003 exactly", () => {
    expect(SEED_003.map((p) => proposalTotal(p) / T)).toEqual([
      3_000n,
      2_050n,
      600n,
      20_054n,
      18_000n,
      14_000n,
      2_000n,
      -13_200n,
    ]);
    expect(SEED_003.map((p) => p.lines.map((l) => lineTotal(l) / T))).toEqual([
      [3_000n],
      [2_050n],
      [600n],
      [20_054n],
      [12_000n, 6_000n],
      [10_000n, 4_000n],
      [2_000n],
      [8_000n, -21_200n],
    ]);
    expect(proposalYearTotals(bySerial("01"), [...YEARS])).toEqual(row(600n, 1_200n, 1_200n, 0n));
    expect(proposalYearTotals(bySerial("08"), [...YEARS])).toEqual(row(-3_300n, -3_300n, -3_300n, -3_300n));
    // Without years: exactly the years some line has.
    expect([...proposalYearTotals(bySerial("01")).keys()]).toEqual([2023, 2024, 2025]);
  });

  it("agrees between lines, years and the grand total for any amounts", () => {
    fc.assert(
      fc.property(consistentProposalArb, (p) => {
        const years = [...new Set(p.lines.flatMap((l) => [...l.amounts.keys()]))];
        let byYear = 0n;
        for (const v of proposalYearTotals(p, years).values()) byYear += v;
        let byLine = 0n;
        for (const l of p.lines) byLine += lineTotal(l);
        expect(proposalTotal(p)).toBe(byYear);
        expect(proposalTotal(p)).toBe(byLine);
      }),
    );
  });
});

describe("checkCatalogue on seed 003", () => {
  const warnings = checkCatalogue(SEED_003, PERIOD, "tkr");

  it("reports exactly schedule 08's two contradictions as warnings", () => {
    const real = warnings.filter((w) => w.severity === "warning");
    expect(real).toHaveLength(2);
    expect(real).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          schedule: "2.1.2. 08",
          code: "text_amount_mismatch",
          line: "60 færre unge på uddannelseshjælp",
          expected: "5.300 t.kr.",
          found: "5.700 t.kr.",
        }),
        expect.objectContaining({
          schedule: "2.1.2. 08",
          code: "text_count_mismatch",
          line: "60 færre unge på uddannelseshjælp",
          expected: "60",
          found: "63",
        }),
      ]),
    );
    const amount = real.find((w) => w.code === "text_amount_mismatch");
    expect(amount?.message).toBe(
      "Skema 2.1.2. 08: Teksten nævner 5.700 t.kr. om »63 færre unge på ydelse«, men tabellens linje »60 færre unge på uddannelseshjælp« har -5.300 t.kr. pr. år (i alt -21.200 t.kr.).",
    );
    const count = real.find((w) => w.code === "text_count_mismatch");
    expect(count?.message).toBe(
      "Skema 2.1.2. 08: Teksten nævner »63 færre unge på ydelse«, men tabellens linje »60 færre unge på uddannelseshjælp« regner med 60.",
    );
  });

  it("notes the reference to 8.1.2 01 in another catalogue as info, not as a warning", () => {
    expect(warnings.filter((w) => w.severity === "info")).toEqual([
      {
        schedule: "2.1.2. 08",
        severity: "info",
        code: "reference_outside_catalogue",
        message: "Skema 2.1.2. 08 er et alternativ til skema 8.1.2. 01, som ikke er i dette katalog.",
        found: "8.1.2. 01",
      },
    ]);
  });

  it("has nothing to say about schedules 01–07", () => {
    for (const serial of ["01", "02", "03", "04", "05", "06", "07"]) {
      expect(checkProposal(bySerial(serial), PERIOD, "tkr")).toEqual([]);
    }
  });

  it("does not tie 981, 2000, 3700 or 2719 t.kr. to a wrong line", () => {
    // With the 5.700 corrected and 63 made 60, schedule 08 is clean: every other figure
    // either matches its line (2000) or belongs to no line.
    const fixed = withText(
      bySerial("08"),
      bySerial("08").text.replace("63 færre unge på ydelse - ca. 5700", "60 færre unge på ydelse - ca. 5300"),
    );
    expect(checkProposal(fixed, PERIOD)).toEqual([]);
  });
});

describe("figures in the text", () => {
  const p08 = bySerial("08");
  const codes = (ws: ProposalWarning[]): string[] => ws.map((w) => `${w.code} ${w.found} ${w.expected}`);

  it("catches an investment amount that differs from its line", () => {
    const changed = withText(p08, p08.text.replace("4 ungeguides - 2000 t.kr.", "4 ungeguides - 2500 t.kr."));
    expect(codes(checkProposal(changed, PERIOD))).toContain("text_amount_mismatch 2.500 t.kr. 2.000 t.kr.");
  });

  it("compares at the precision the text uses, in any unit", () => {
    const line60 = [
      line("60 færre unge på uddannelseshjælp", [-5_300n, -5_300n, -5_300n, -5_300n], -21_200n),
    ];
    const p = (text: string): Proposal => ({ ...p08, lines: line60, printedTotals: undefined, text });
    expect(checkProposal(p("60 færre unge på ydelse: ca. 5,3 mio. kr."), PERIOD)).toEqual([]);
    expect(checkProposal(p("60 færre unge på ydelse, i alt 21.200 t.kr."), PERIOD)).toEqual([]);
    expect(codes(checkProposal(p("60 færre unge på ydelse - 5,7 mio. kr."), PERIOD))).toEqual([
      "text_amount_mismatch 5,7 mio. kr. 5,3 mio. kr.",
    ]);
    expect(codes(checkProposal(p("60 færre unge på ydelse - 5.300.001 kr."), PERIOD))).toEqual([
      "text_amount_mismatch 5.300.001 kr. 5.300.000 kr.",
    ]);
  });

  it("needs two shared words: one common word such as 'unge' is not enough", () => {
    const p = withText(
      p08,
      "Det svarer til ca. 16 unge pr. ungeguide. Vi skal reducere antallet med 63 unge.",
    );
    expect(checkProposal(p, PERIOD)).toEqual([]);
  });

  it("leaves a figure alone when two lines match equally well", () => {
    const p: Proposal = {
      ...p08,
      printedTotals: undefined,
      lines: [
        line("Ekstra timer til skolebørn", [100n, 100n, 100n, 100n], 400n),
        line("Ekstra timer til skolelærere", [200n, 200n, 200n, 200n], 800n),
      ],
      text: "Ekstra timer: 900 t.kr.",
    };
    expect(checkProposal(p, PERIOD)).toEqual([]);
  });
});

describe("printed totals and the period", () => {
  const p05 = bySerial("05");

  it("reports a line total, a year total and the grand total that are not the sums", () => {
    const [first, second] = p05.lines as [ProposalLine, ProposalLine];
    const broken: Proposal = {
      ...p05,
      lines: [{ ...first, printedTotal: 12_100n * T }, second],
      printedTotals: { perYear: row(4_500n, 4_600n, 4_500n, 4_500n), total: 18_000n * T + 1n },
    };
    expect(checkProposal(broken, PERIOD).map((w) => [w.code, w.year, w.expected, w.found])).toEqual([
      ["line_total_mismatch", undefined, "12.000 t.kr.", "12.100 t.kr."],
      ["year_total_mismatch", 2024, "4.500 t.kr.", "4.600 t.kr."],
      // One øre off still prints as different: the format gains decimals until it is exact.
      ["grand_total_mismatch", undefined, "18.000 t.kr.", "18.000,00001 t.kr."],
    ]);
  });

  it("reports amounts outside the budget period", () => {
    const p = bySerial("07");
    const [ms] = p.lines as [ProposalLine];
    const longer: Proposal = {
      ...p,
      lines: [{ ...ms, amounts: new Map([...ms.amounts, [2027, 500n * T]]), printedTotal: 2_500n * T }],
      printedTotals: { perYear: row(500n, 500n, 500n, 500n).set(2027, 500n * T), total: 2_500n * T },
    };
    const ws = checkProposal(longer, PERIOD);
    expect(ws.map((w) => [w.code, w.year, w.found])).toEqual([["amount_outside_period", 2027, "500 t.kr."]]);
    expect(ws[0]?.message).toBe(
      "Skema 2.1.2. 07: Linjen »MS licenser« har 500 t.kr. i 2027, uden for budgetperioden 2023–2026.",
    );
  });

  it("reports a schedule number used twice, spelt differently", () => {
    const twice = [...SEED_003, { ...bySerial("07"), schedule: "2.1.2 07" }];
    expect(checkCatalogue(twice, PERIOD).filter((w) => w.code === "duplicate_schedule")).toHaveLength(1);
  });

  it("finds nothing in a consistent proposal, and exactly the one printed figure that is off", () => {
    fc.assert(
      fc.property(
        consistentProposalArb,
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.nat(),
        (p, delta, pick) => {
          expect(checkProposal(p, { firstYear: 2020, lastYear: 2030 })).toEqual([]);
          const lineIndex = pick % Math.max(1, p.lines.length);
          const target = p.lines[lineIndex];
          if (target) {
            const lines = p.lines.map((l, i) =>
              i === lineIndex ? { ...l, printedTotal: lineTotal(l) + delta } : l,
            );
            const ws = checkProposal({ ...p, lines }, { firstYear: 2020, lastYear: 2030 });
            expect(ws.map((w) => w.code)).toEqual(["line_total_mismatch"]);
            expect(ws[0]?.expected).not.toBe(ws[0]?.found);
          }
          const perYear = new Map(p.printedTotals?.perYear);
          const year = 2020 + (pick % 11);
          perYear.set(year, (perYear.get(year) ?? 0n) - delta);
          const ws = checkProposal(
            { ...p, printedTotals: { perYear, total: proposalTotal(p) } },
            { firstYear: 2020, lastYear: 2030 },
          );
          expect(ws.map((w) => [w.code, w.year])).toEqual([["year_total_mismatch", year]]);
        },
      ),
    );
  });

  it("tells two lines of the same name apart, so neither's warning hides the other's", () => {
    const line = { name: "Tilskud til foreninger", amounts: new Map([[2025, -18n]]), printedTotal: -18n };
    const ws = checkProposal(
      {
        schedule: "1.2.3. 04",
        kind: "udvidelse",
        title: "Prøve",
        text: "",
        committee: "Kultur- og Fritidsudvalget",
        area: "Kultur",
        lines: [line, { ...line }],
        status: "draft",
        references: [],
        printedTotals: { perYear: new Map([[2025, -36n]]), total: -36n },
      },
      { firstYear: 2020, lastYear: 2020 },
    );
    expect(ws.filter((w) => w.code === "amount_outside_period").map((w) => w.message)).toEqual([
      "Skema 1.2.3. 04: Linjen »Tilskud til foreninger« (linje 1) har -0,00018 t.kr. i 2025, uden for budgetperioden 2020\u20132020.",
      "Skema 1.2.3. 04: Linjen »Tilskud til foreninger« (linje 2) har -0,00018 t.kr. i 2025, uden for budgetperioden 2020\u20132020.",
    ]);
  });

  it("reports each non-zero amount outside a narrower period once", () => {
    fc.assert(
      fc.property(consistentProposalArb, fc.integer({ min: 2020, max: 2030 }), (p, last) => {
        const period = { firstYear: 2020, lastYear: last };
        let outside = 0;
        for (const l of p.lines) {
          for (const [y, v] of l.amounts) if (y > last && v !== 0n) outside++;
        }
        const ws = checkProposal(p, period).filter((w) => w.code === "amount_outside_period");
        expect(ws).toHaveLength(outside);
      }),
    );
  });
});

const NAMES = ["", "Drift af bibliotek", "Flere pædagoger", "Tilskud til foreninger", "Licenser"];

const lineArb = fc
  .record({
    name: fc.constantFrom(...NAMES),
    cells: fc.array(
      fc.tuple(
        fc.integer({ min: 2020, max: 2030 }),
        fc.oneof(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), fc.bigInt({ min: -50n, max: 50n })),
      ),
      { maxLength: 6 },
    ),
  })
  .map(({ name, cells }): ProposalLine => {
    const amounts = new Map(cells);
    const l: ProposalLine = { name, amounts };
    return { ...l, printedTotal: lineTotal(l) };
  });

/** A proposal whose printed totals are the sums and whose text quotes nothing. */
const consistentProposalArb = fc.array(lineArb, { maxLength: 4 }).map((lines): Proposal => {
  const p: Proposal = {
    schedule: "1.2.3. 04",
    kind: "udvidelse",
    title: "Prøve",
    text: "",
    committee: "Kultur- og Fritidsudvalget",
    area: "Kultur",
    lines,
    status: "draft",
    references: [],
  };
  return { ...p, printedTotals: { perYear: proposalYearTotals(p), total: proposalTotal(p) } };
});

/** Seed 003 itself, kept in the repository with the demo data so the test never depends on a sibling folder. */
const SEED_FILE = new URL("../../services/demo/slagelse-forslagskatalog-2023-2026.txt", import.meta.url);

describe("parseCatalogueText on the seed file", () => {
  const parsed = parseCatalogueText(readFileSync(SEED_FILE, "utf8"));

  it("reads all eight schedules without problems", () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.period).toEqual(PERIOD);
    expect(parsed.proposals.map((p) => p.schedule)).toEqual(SEED_003.map((p) => p.schedule));
  });

  it("gives exactly the transcribed catalogue: every amount, total, title and text", () => {
    expect(parsed.proposals).toEqual(SEED_003);
  });

  it("reads every amount and printed total in 1.000 kr.", () => {
    const table = parsed.proposals.map((p) => ({
      lines: p.lines.map((l) => [l.name, [...l.amounts].map(([y, v]) => `${y}:${v / T}`), l.printedTotal]),
      perYear: [...(p.printedTotals?.perYear ?? [])].map(([y, v]) => `${y}:${v / T}`),
      total: p.printedTotals?.total,
    }));
    expect(table).toEqual([
      {
        lines: [["", ["2023:600", "2024:1200", "2025:1200"], 3_000n * T]],
        perYear: ["2023:600", "2024:1200", "2025:1200", "2026:0"],
        total: 3_000n * T,
      },
      {
        lines: [
          [
            "Modernisering af visuel identitet og etablering af værktøjskasse til",
            ["2023:1750", "2024:100", "2025:100", "2026:100"],
            2_050n * T,
          ],
        ],
        perYear: ["2023:1750", "2024:100", "2025:100", "2026:100"],
        total: 2_050n * T,
      },
      {
        lines: [["", ["2023:150", "2024:150", "2025:150", "2026:150"], 600n * T]],
        perYear: ["2023:150", "2024:150", "2025:150", "2026:150"],
        total: 600n * T,
      },
      {
        lines: [["", ["2023:5000", "2024:5009", "2025:5018", "2026:5027"], 20_054n * T]],
        perYear: ["2023:5000", "2024:5009", "2025:5018", "2026:5027"],
        total: 20_054n * T,
      },
      {
        lines: [
          ["2 direktører", ["2023:3000", "2024:3000", "2025:3000", "2026:3000"], 12_000n * T],
          ["1 direktør", ["2023:1500", "2024:1500", "2025:1500", "2026:1500"], 6_000n * T],
        ],
        perYear: ["2023:4500", "2024:4500", "2025:4500", "2026:4500"],
        total: 18_000n * T,
      },
      {
        lines: [
          ["IT og DATA sikkerhed 4 år", ["2023:2500", "2024:2500", "2025:2500", "2026:2500"], 10_000n * T],
          ["IT driftunderstøttelse 2 år", ["2023:1000", "2024:1000", "2025:1000", "2026:1000"], 4_000n * T],
        ],
        perYear: ["2023:3500", "2024:3500", "2025:3500", "2026:3500"],
        total: 14_000n * T,
      },
      {
        lines: [["MS licenser", ["2023:500", "2024:500", "2025:500", "2026:500"], 2_000n * T]],
        perYear: ["2023:500", "2024:500", "2025:500", "2026:500"],
        total: 2_000n * T,
      },
      {
        lines: [
          [
            "Investering af 4 medarbejdere (ungeguides)",
            ["2023:2000", "2024:2000", "2025:2000", "2026:2000"],
            8_000n * T,
          ],
          [
            "60 færre unge på uddannelseshjælp",
            ["2023:-5300", "2024:-5300", "2025:-5300", "2026:-5300"],
            -21_200n * T,
          ],
        ],
        perYear: ["2023:-3300", "2024:-3300", "2025:-3300", "2026:-3300"],
        total: -13_200n * T,
      },
    ]);
  });

  it("gives the same warnings as the transcription", () => {
    expect(checkCatalogue(parsed.proposals, PERIOD)).toEqual(checkCatalogue(SEED_003, PERIOD));
  });
});

describe("parseCatalogueText on damaged input", () => {
  it("describes what it cannot read, in Danish, and still returns the proposal", () => {
    const text = [
      "Skema 4.1.1. 02",
      "",
      "Børneudvalget - Dagtilbud",
      "",
      "Flere pædagoger",
      "",
      "Tekst.",
      "",
      "Budgetoverslag\t2023\t2024\tI alt",
      "Pædagoger\t1.000\ttusind\t2.000",
      "",
    ].join("\n");
    const { proposals, problems } = parseCatalogueText(text);
    const schedule = "4.1.1. 02";
    expect(problems).toEqual([
      {
        line: 1,
        field: "forslagstype",
        schedule,
        reason: "Skema 4.1.1. 02: forslagstypen mangler over skemanummeret; læst som driftsforslag.",
      },
      {
        line: 9,
        field: "enhed",
        schedule,
        reason: "Skema 4.1.1. 02: enheden (»Beløb i …«) mangler; læst som 1.000 kr.",
      },
      { line: 10, field: "2024", schedule, reason: "Skema 4.1.1. 02: »tusind« i 2024 er ikke et beløb." },
      { line: 10, field: "I alt", schedule, reason: "Skema 4.1.1. 02: tabellens »I alt«-række mangler." },
    ]);
    expect(proposals).toEqual([
      {
        schedule: "4.1.1. 02",
        kind: "drift",
        title: "Flere pædagoger",
        text: "Tekst.",
        committee: "Børneudvalget",
        area: "Dagtilbud",
        lines: [{ name: "Pædagoger", amounts: new Map([[2023, 1_000n * T]]), printedTotal: 2_000n * T }],
        status: "submitted",
        references: [],
      },
    ]);
  });

  /** The lines of a catalogue with one schedule in seed 003's layout; `change` breaks some of them. */
  function catalogue(change: (lines: string[]) => string[] = (l) => l): string {
    return change([
      "BUDGET 2023-2026", // 1
      "", // 2
      "Driftsforslag", // 3
      "", // 4
      "Skema 2.1.2. 01", // 5
      "", // 6
      "Økonomiudvalget - Administration", // 7
      "", // 8
      "Medarbejderkommunikation", // 9
      "", // 10
      "Tekst.", // 11
      "", // 12
      "Beløb i 1.000 kr.", // 13
      "", // 14
      "Budgetoverslag\t2023\t2024\tI alt", // 15
      "Linje\t600\t1.200\t1.800", // 16
      "I alt\t600\t1.200\t1.800", // 17
    ]).join("\r\n");
  }
  const where = (text: string) => parseCatalogueText(text).problems.map((p) => [p.line, p.field, p.schedule]);

  it("reads the intact example without problems", () => {
    expect(parseCatalogueText(catalogue()).problems).toEqual([]);
  });

  it("gives every problem the 1-based line where it was found and the field", () => {
    // A cell that is not an amount, in the line and in the total row.
    expect(where(catalogue((l) => l.with(15, "Linje\t6OO\t1.200\t1.800")))).toEqual([
      [16, "2023", "2.1.2. 01"],
    ]);
    expect(where(catalogue((l) => l.with(16, "I alt\t600\t1.200\tx")))).toEqual([[17, "I alt", "2.1.2. 01"]]);
    // A row with more cells than the header; text after the total row.
    expect(where(catalogue((l) => l.with(15, "Linje\t600\t1.200\t1.800\t7")))).toEqual([
      [16, "tabel", "2.1.2. 01"],
    ]);
    expect(where(catalogue((l) => [...l, "", "Efterskrift"]))).toEqual([[19, "tabel", "2.1.2. 01"]]);
    // A header field that is not a year.
    const badHeader = parseCatalogueText(catalogue((l) => l.with(14, "Budgetoverslag\t2023\t20x4\tI alt")));
    expect(badHeader.problems).toEqual([
      {
        line: 15,
        field: "overskrift",
        schedule: "2.1.2. 01",
        reason: "Skema 2.1.2. 01: »20x4« i tabellens overskrift (felt 3) er ikke et årstal.",
      },
    ]);
    // Missing parts: the kind above the schedule line, the unit, the total row, the title, the table.
    expect(where(catalogue((l) => l.with(2, "")))).toEqual([[5, "forslagstype", "2.1.2. 01"]]);
    expect(where(catalogue((l) => l.with(12, "")))).toEqual([[15, "enhed", "2.1.2. 01"]]);
    expect(where(catalogue((l) => l.slice(0, 16)))).toEqual([[16, "I alt", "2.1.2. 01"]]);
    expect(where(catalogue((l) => l.slice(0, 7)))).toEqual([
      [7, "titel", "2.1.2. 01"],
      [5, "tabel", "2.1.2. 01"],
    ]);
  });

  it("counts lines in the second schedule from the top of the text", () => {
    const text = catalogue((l) => [
      ...l,
      "",
      "Driftsforslag", // 19
      "Skema 2.1.2. 02", // 20
      "Økonomiudvalget - Administration", // 21
      "Kernefortælling", // 22
      "Budgetoverslag\t2023\t2024\tI alt", // 23
      "\t100\t100\t200", // 24
      "I alt\t100\tto hundrede\t200", // 25
    ]);
    expect(where(text)).toEqual([
      [23, "enhed", "2.1.2. 02"],
      [25, "2024", "2.1.2. 02"],
    ]);
  });

  it("reports a text without schedules as a problem of the whole text, without a line", () => {
    expect(parseCatalogueText("BUDGET 2023-2026\n\nNoget helt andet\n").problems).toEqual([
      { field: "skema", reason: "Der er ingen skemaer (»Skema …«) i teksten." },
    ]);
  });

  it("reads other units and kinds", () => {
    const text = [
      "Anlægsforslag",
      "Skema 5.2.1. 01",
      "Teknik- og Miljøudvalget - Veje",
      "7001 // Ny cykelsti",
      "Se skema 5.2.1. 02.",
      "Beløb i kr.",
      "Budgetoverslag\t2025\t2026\tI alt",
      "Anlæg\t1.250.000,50\t−250.000\t1.000.000,50",
      "I alt\t1.250.000,50\t-250.000\t1.000.000,50",
    ].join("\n");
    const { proposals, problems } = parseCatalogueText(text);
    expect(problems).toEqual([]);
    expect(proposals[0]).toMatchObject({
      kind: "anlaeg",
      internalNumber: "7001",
      title: "Ny cykelsti",
      references: [{ schedule: "5.2.1. 02", relation: "related" }],
    });
    expect(proposals[0]?.lines[0]?.amounts).toEqual(
      new Map([
        [2025, 125_000_050n],
        [2026, -25_000_000n],
      ]),
    );
  });
});
