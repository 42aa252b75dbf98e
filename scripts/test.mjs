#!/usr/bin/env node
// The one test command (npm test). Runs every test on PGlite, and on PostgreSQL too when a
// server is configured (TEST_DATABASE_URL) or answers on the default local address. A
// configured server that does not answer fails the run: it is never silently skipped.
import { spawnSync } from "node:child_process";
import net from "node:net";

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.setTimeout(2000);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

const env = { ...process.env };
if (env.TEST_DATABASE_URL) {
  if (!(await reachable(env.TEST_DATABASE_URL))) {
    console.error(
      `TEST_DATABASE_URL er sat (${env.TEST_DATABASE_URL}), men serveren svarer ikke. Testen fejler.`,
    );
    process.exit(1);
  }
  console.log(`Tester på PGlite og PostgreSQL (${env.TEST_DATABASE_URL}).`);
} else if (await reachable(DEFAULT_URL)) {
  env.TEST_DATABASE_URL = DEFAULT_URL;
  console.log(`Tester på PGlite og PostgreSQL (${DEFAULT_URL}).`);
} else {
  console.log("PostgreSQL blev ikke fundet på 127.0.0.1:5432: kører kun den indlejrede suite (PGlite).");
}

const r = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(r.status ?? 1);
