import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_audit.ts";
import * as m0003 from "./0003_access.ts";
import * as m0004 from "./0004_proposals.ts";
import * as m0005 from "./0005_appropriations.ts";
import * as m0006 from "./0006_agreements.ts";
import * as m0007 from "./0007_remarks.ts";

/**
 * Forward-only: a migration is never edited after it has shipped, and there are no down steps;
 * a mistake is repaired by the next migration. Names sort in the order they run.
 */
const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_audit": m0002,
  "0003_access": m0003,
  "0004_proposals": m0004,
  "0005_appropriations": m0005,
  "0006_agreements": m0006,
  "0007_remarks": m0007,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
