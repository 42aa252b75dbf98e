/**
 * Users and API tokens at the command line: for the person running the installation, who may
 * need to create the first real administrator, reset a forgotten password or revoke a token
 * without a browser. Changes are recorded in the audit trail under the operating system's user.
 */
import { isRole, ROLE_LABEL, ROLES, type Role } from "@bevilling/core";
import { type DatabaseHandle, findNodeByCode, findUser, listTokens, listUsers } from "@bevilling/db";
import {
  createToken,
  createUser,
  requireMunicipality,
  resetPassword,
  revokeToken,
  updateUser,
} from "@bevilling/services";
import { cliActor } from "./actor.ts";
import { int, required, str, UsageError } from "./args.ts";
import type { Command } from "./commands.ts";
import { renderTable } from "./table.ts";

function roleOf(v: string | boolean | undefined): Role {
  const r = required(v, "role");
  if (!isRole(r)) throw new UsageError(`ukendt rolle "${r}"; brug ${ROLES.join(", ")}`);
  return r;
}

/** "--unit 326/JOB" (municipality/unit code), repeatable. */
async function unitIds(db: DatabaseHandle, v: string | boolean | undefined | string[]): Promise<number[]> {
  const list = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  const ids: number[] = [];
  for (const ref of list) {
    const [mcode, ncode] = ref.split("/");
    if (!mcode || !ncode) throw new UsageError(`--unit skrives kommune/enhed, fx 326/JOB (ikke "${ref}")`);
    const m = await requireMunicipality(db.db, mcode);
    const node = await findNodeByCode(db.db, m.id, ncode);
    if (!node) throw new UsageError(`enheden ${ncode} findes ikke i ${m.name}`);
    ids.push(node.id);
  }
  return ids;
}

const units = (us: { municipalityCode: string; name: string }[]) =>
  us.map((u) => `${u.municipalityCode}/${u.name}`).join(", ");

export const userCommand: Command = {
  name: "user",
  summary: "Brugere: user list | user create | user set | user reset-password",
  usage:
    "bevilling user list\n" +
    "  bevilling user create NAVN --role okonomi [--name 'Fulde navn'] [--unit 326/JOB ...]\n" +
    "  bevilling user set NAVN [--role ROLLE] [--unit 326/JOB ...] [--disable | --enable]\n" +
    "  bevilling user reset-password NAVN\n" +
    `    ROLLE: ${ROLES.join(", ")}`,
  options: {
    role: { type: "string" },
    name: { type: "string" },
    unit: { type: "string", multiple: true },
    disable: { type: "boolean" },
    enable: { type: "boolean" },
  },
  positionals: 2,
  async run({ db, io, values, positionals }) {
    const [action, username] = positionals;
    if (action === "list") {
      const users = await listUsers(db.db);
      io.out(
        renderTable(
          [["Brugernavn", "Navn", "Rolle", "Enheder", "Status"]],
          users.map((u) => [
            u.username,
            u.displayName,
            ROLE_LABEL[u.role],
            units(u.units),
            u.disabled ? "spærret" : u.mustChangePassword ? "skal skifte adgangskode" : "aktiv",
          ]),
          { rightFrom: 99 },
        ),
      );
      return;
    }
    if (!username) throw new UsageError("angiv brugernavnet");
    if (action === "create") {
      const made = await createUser(
        db.db,
        {
          username,
          displayName: str(values.name) ?? username,
          role: roleOf(values.role),
          unitIds: await unitIds(db, values.unit as string[] | undefined),
        },
        cliActor(),
      );
      io.out(`Brugeren ${made.user.username} er oprettet som ${ROLE_LABEL[made.user.role]}.`);
      io.out(`Engangsadgangskode: ${made.oneTimePassword} (skal skiftes ved første login; vises ikke igen)`);
      return;
    }
    const user = await findUser(db.db, { username });
    if (!user) throw new UsageError(`brugeren ${username} findes ikke`);
    if (action === "reset-password") {
      const r = await resetPassword(db.db, user.id, cliActor());
      io.out(`Ny engangsadgangskode til ${user.username}: ${r.oneTimePassword} (vises ikke igen)`);
      return;
    }
    if (action === "set") {
      if (values.disable && values.enable) throw new UsageError("--disable og --enable udelukker hinanden");
      const unitList = values.unit as string[] | undefined;
      const after = await updateUser(
        db.db,
        user.id,
        {
          version: user.version,
          ...(values.role !== undefined ? { role: roleOf(values.role) } : {}),
          ...(unitList !== undefined ? { unitIds: await unitIds(db, unitList) } : {}),
          ...(values.disable ? { disabled: true } : values.enable ? { disabled: false } : {}),
        },
        cliActor(),
      );
      io.out(
        `${after.username}: ${ROLE_LABEL[after.role]}${after.units.length ? ` (${units(after.units)})` : ""}` +
          `${after.disabled ? ", spærret" : ""}`,
      );
      return;
    }
    throw new UsageError(
      `angiv list, create, set eller reset-password${action ? ` (ikke "${action}")` : ""}`,
    );
  },
};

export const tokenCommand: Command = {
  name: "token",
  summary: "API-nøgler: token list | token create | token revoke",
  usage:
    "bevilling token list\n" +
    "  bevilling token create NAVN --role okonomi [--unit 326/JOB ...]\n" +
    "  bevilling token revoke ID",
  options: { role: { type: "string" }, unit: { type: "string", multiple: true } },
  positionals: 2,
  async run({ db, io, values, positionals }) {
    const [action, arg] = positionals;
    if (action === "list") {
      io.out(
        renderTable(
          [["Id", "Navn", "Begynder med", "Rolle", "Enheder", "Status"]],
          (await listTokens(db.db)).map((t) => [
            String(t.id),
            t.name,
            `${t.prefix}…`,
            ROLE_LABEL[t.role],
            units(t.units),
            t.revokedAt ? "trukket tilbage" : "aktiv",
          ]),
          { rightFrom: 99 },
        ),
      );
      return;
    }
    if (action === "create") {
      if (!arg) throw new UsageError("angiv nøglens navn");
      const r = await createToken(
        db.db,
        {
          name: arg,
          role: roleOf(values.role),
          unitIds: await unitIds(db, values.unit as string[] | undefined),
        },
        cliActor(),
      );
      io.out(`Nøglen "${r.token.name}" (id ${r.token.id}, ${ROLE_LABEL[r.token.role]}):`);
      io.out(r.secret);
      io.err("Gem den nu: Bevilling gemmer kun dens hash og kan ikke vise den igen.");
      return;
    }
    if (action === "revoke") {
      const id = int(arg, "id");
      if (id === undefined) throw new UsageError("angiv nøglens id");
      const t = await revokeToken(db.db, id, cliActor());
      io.out(`Nøglen "${t.name}" er trukket tilbage.`);
      return;
    }
    throw new UsageError(`angiv list, create eller revoke${action ? ` (ikke "${action}")` : ""}`);
  },
};
