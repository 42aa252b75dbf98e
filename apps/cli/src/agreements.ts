/**
 * Budget agreements at the command line: list a municipality's agreements, show one with its
 * items, its effect per year in 1.000 kr. and its problems, and adopt one (onto the base budget,
 * or --record for an agreement adopted outside Bevilling whose figures are already imported).
 */
import { formatAmount } from "@bevilling/core";
import {
  AgreementBadRequest,
  type AgreementSummary,
  adoptAgreement,
  getAgreement,
  listAgreements,
  requireMunicipality,
} from "@bevilling/services";
import { cliActor } from "./actor.ts";
import { str, UsageError } from "./args.ts";
import type { Command } from "./commands.ts";
import { renderTable } from "./table.ts";

function statusText(a: Pick<AgreementSummary, "status" | "adoptedMode" | "adoptedAt">): string {
  if (a.status === "scenario") return "Scenarie";
  const when = a.adoptedAt ? ` ${danishDate(a.adoptedAt)}` : "";
  return a.adoptedMode === "record" ? `Vedtaget${when} (registreret)` : `Vedtaget${when}`;
}

function danishDate(d: Date): string {
  return `${d.getDate()}.${d.getMonth() + 1}.${d.getFullYear()}`;
}

function idOf(s: string | undefined): number {
  if (!s) throw new UsageError("angiv aftalens id (se bevilling agreements list)");
  if (!/^\d{1,9}$/.test(s)) throw new UsageError(`"${s}" er ikke et id`);
  return Number(s);
}

export const agreementsCommand: Command = {
  name: "agreements",
  summary: "Budgetaftaler: agreements list KOMMUNE | show KOMMUNE ID | adopt KOMMUNE ID [--record]",
  usage:
    "bevilling agreements list 340\n" +
    "  bevilling agreements show 340 1          (punkter, virkning i 1.000 kr. og problemer)\n" +
    "  bevilling agreements adopt 330 3         (på grundbudgettet: budget, overslag og oprindeligt budget)\n" +
    "  bevilling agreements adopt 326 2 --record   (vedtaget uden for Bevilling; tallene er uændrede)",
  options: {
    municipality: { type: "string", short: "m" },
    record: { type: "boolean" },
    reason: { type: "string" },
  },
  positionals: 3,
  async run({ db, io, values, positionals }) {
    const [action, ...rest] = positionals;
    const code = str(values.municipality) ?? rest.shift();
    if (!action || !["list", "show", "adopt"].includes(action)) {
      throw new UsageError(`angiv list, show eller adopt${action ? ` (ikke "${action}")` : ""}`);
    }
    if (!code) throw new UsageError("angiv kommunen, fx 340");
    const m = await requireMunicipality(db.db, code);

    if (action === "list") {
      if (rest.length > 0) throw new UsageError(`uventet argument: ${rest.join(" ")}`);
      const { agreements } = await listAgreements(db.db, m);
      if (agreements.length === 0) {
        io.out(`${m.name} Kommune har ingen budgetaftaler.`);
        return;
      }
      io.out(
        renderTable(
          [["Id", "Budgetår", "Navn", "Status", "Punkter", "Version"]],
          agreements.map((a) => [
            String(a.id),
            String(a.budgetYear),
            a.name,
            statusText(a),
            String(a.itemCount),
            String(a.version),
          ]),
          { rightFrom: 4 },
        ),
      );
      return;
    }

    const id = idOf(rest[0]);
    if (action === "show") {
      const { agreement, effect, problems } = await getAgreement(db.db, m, id);
      io.out(
        `${agreement.name} (${m.name} Kommune, budget ${agreement.budgetYear}): ${statusText(agreement)}`,
      );
      io.out(`Version ${agreement.version}, ${agreement.items.length} punkter`);
      io.out("");
      for (const item of agreement.items) io.out(`- ${item.sentence}`);
      if (effect) {
        io.out("");
        io.out("Virkning (beløb i 1.000 kr.)");
        // The municipality and every node the agreement touches, indented as the organisation.
        const rows = effect.rows.filter((r, i) => i === 0 || r.values.some((v) => v !== 0n));
        io.out(
          renderTable(
            [["", ...effect.years.map(String)]],
            [
              ...rows.map((r) => [
                `${"  ".repeat(r.depth)}${r.name}`,
                ...r.values.map((v) => formatAmount(v, "tkr")),
              ]),
              ["Serviceramme", ...effect.serviceFrame.map((v) => formatAmount(v, "tkr"))],
            ],
          ),
        );
      }
      if (problems.length > 0) {
        io.out("");
        io.out("Problemer:");
        for (const p of problems) io.out(`- ${p.message}`);
      }
      return;
    }

    // adopt
    const current = await getAgreement(db.db, m, id);
    const mode = values.record === true ? "record" : "apply";
    try {
      const r = await adoptAgreement(
        db.db,
        m,
        id,
        {
          version: current.agreement.version,
          mode,
          ...(str(values.reason) ? { reason: str(values.reason) } : {}),
        },
        cliActor(),
      );
      io.out(
        mode === "apply"
          ? `${r.agreement.name} er vedtaget: ${r.changedFigures} budgettal ændret.`
          : `${r.agreement.name} er registreret som vedtaget; budgettallene er uændrede.`,
      );
    } catch (e) {
      if (e instanceof AgreementBadRequest && e.extra.problems) {
        for (const p of e.extra.problems) io.err(`- ${p.message}`);
      }
      throw e;
    }
  },
};
