/**
 * `bevilling`: the command line. Exit codes: 0 success, 1 failure (bad data, database trouble),
 * 2 wrong usage. The database is PostgreSQL when DATABASE_URL (or --database-url) is set and
 * otherwise the embedded PGlite in BEVILLING_DATA_DIR (default ./.data/bevilling).
 */
import { type DatabaseHandle, DataDirLockedError, openDatabase } from "@bevilling/db";
import { ImportFailed } from "@bevilling/services";
import { parse, UsageError } from "./args.ts";
import { AuditBroken, auditCommand } from "./audit.ts";
import { type Command, commands, type Io } from "./commands.ts";
import { CatalogueWarnings, proposalsCommand } from "./proposals.ts";
import { serveCommand } from "./serve.ts";
import { tokenCommand, userCommand } from "./users.ts";

const ALL: Command[] = [...commands, proposalsCommand, auditCommand, userCommand, tokenCommand, serveCommand];

const GLOBAL = {
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const DEFAULT_DATA_DIR = ".data/bevilling";

function mainHelp(): string {
  const w = Math.max(...ALL.map((c) => c.name.length));
  return [
    "bevilling: budget og økonomistyring for kommuner",
    "",
    "Brug: bevilling KOMMANDO [tilvalg]",
    "",
    "Kommandoer:",
    ...ALL.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "Fælles tilvalg:",
    "  --data-dir MAPPE      den indlejrede database (standard: $BEVILLING_DATA_DIR eller .data/bevilling)",
    "  --database-url URL    brug PostgreSQL (standard: $DATABASE_URL)",
    "  -h, --help            vis hjælp; bevilling KOMMANDO --help viser kommandoens hjælp",
    "",
    "Afslutningskoder: 0 udført, 1 fejl, 2 forkert brug.",
  ].join("\n");
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(
    ([k, v]) =>
      `  ${"short" in v && v.short ? `-${v.short}, ` : ""}--${k}${v.type === "string" ? " VÆRDI" : ""}`,
  );
  return [
    `bevilling ${c.name}: ${c.summary}`,
    "",
    `Brug: ${c.usage}`,
    ...(opts.length ? ["", "Tilvalg:", ...opts] : []),
  ].join("\n");
}

export async function main(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name ? 0 : 2;
  }
  const cmd = ALL.find((c) => c.name === name);
  if (!cmd) {
    io.err(`Ukendt kommando "${name}".\n\n${mainHelp()}`);
    return 2;
  }
  let db: DatabaseHandle | undefined;
  try {
    const { values, positionals } = parse(rest, { ...GLOBAL, ...cmd.options }, cmd.positionals ?? 0);
    if (values.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    const url = (values["database-url"] as string | undefined) ?? env.DATABASE_URL;
    const dataDir = (values["data-dir"] as string | undefined) ?? env.BEVILLING_DATA_DIR ?? DEFAULT_DATA_DIR;
    db = await openDatabase(url ? { url } : { dataDir });
    await cmd.run({ db, io, values, positionals });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`Fejl: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    if (
      e instanceof ImportFailed ||
      e instanceof DataDirLockedError ||
      e instanceof AuditBroken ||
      e instanceof CatalogueWarnings
    )
      io.err(e.message);
    else io.err(`Fejl: ${(e as Error).message}`);
    return 1;
  } finally {
    await db?.close();
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isEntry || process.env.BEVILLING_CLI_ENTRY === "1") {
  const io: Io = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(s.startsWith("\r") || s === "\n" ? s : `${s}\n`),
    tty: Boolean(process.stderr.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`Fejl: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
