import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildApp, OidcClient, oidcSettingsFromEnv } from "@bevilling/server";
import { DEMO_PASSWORD, ensureFirstAdministrator, loadDemo, loadDemoUsers } from "@bevilling/services";
import type { Command } from "./commands.ts";

/**
 * The built web application: BEVILLING_WEB_ROOT, beside the production bundle (dist/web), or the
 * workspace's apps/web/dist when running from source.
 */
function findWebRoot(): string | undefined {
  const candidates = [
    process.env.BEVILLING_WEB_ROOT,
    fileURLToPath(new URL("../web/", import.meta.url)),
    fileURLToPath(new URL("../../web/dist/", import.meta.url)),
  ];
  return candidates.find((d): d is string => d !== undefined && existsSync(`${d}/index.html`));
}

/**
 * Serves the API until SIGINT/SIGTERM. The database handle stays open while serving (the CLI's
 * main closes it afterwards), which keeps the data-directory lock held for the whole run.
 */
export const serveCommand: Command = {
  name: "serve",
  summary: "Start serveren (PORT, HOST; --demo indlæser demodata først)",
  usage: "bevilling serve [--port 3000] [--host 127.0.0.1] [--demo]",
  options: { port: { type: "string" }, host: { type: "string" }, demo: { type: "boolean" } },
  async run({ db, io, values }) {
    const first = await ensureFirstAdministrator(db.db);
    if (values.demo) {
      const r = await loadDemo(db.db);
      io.err(`Demodata klar: ${r.municipalities.map((m) => m.name).join(", ")}`);
      await loadDemoUsers(db.db);
      io.err(
        `Demobrugere (adgangskode "${DEMO_PASSWORD}"): demo-administrator, demo-okonomi, ` +
          "demo-budgetansvarlig, demo-sekretariat, demo-politiker",
      );
    }
    if (first) {
      // Printed once, on the first start of an empty database; only its hash is stored.
      io.out(
        `Første start: administratoren "${first.username}" har engangsadgangskoden ${first.oneTimePassword}\n` +
          "Log ind og vælg en ny adgangskode. Den vises ikke igen (bevilling user reset-password admin giver en ny).",
      );
    }
    const oidcSettings = oidcSettingsFromEnv(process.env);
    const oidc = oidcSettings ? await OidcClient.create(oidcSettings) : null;
    if (oidcSettings) io.err(`Login via identitetsudbyder: ${oidcSettings.issuer}`);
    const secureCookies = /^(1|true)$/i.test(process.env.BEVILLING_SECURE_COOKIES ?? "");
    // One proxy hop: the address the proxy saw. Trusting every hop would let a client name its own.
    const trustProxy = /^(1|true)$/i.test(process.env.BEVILLING_TRUST_PROXY ?? "") ? 1 : false;
    const port = Number((values.port as string | undefined) ?? process.env.PORT ?? 3000);
    const host = (values.host as string | undefined) ?? process.env.HOST ?? "127.0.0.1";
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Ugyldig port: ${port}`);
    const webRoot = findWebRoot();
    if (!webRoot) io.err("Webappen er ikke bygget (kør npm run build:web); kun API'et serveres.");
    const app = await buildApp({
      db: db.db,
      webRoot,
      logger: { level: process.env.LOG_LEVEL ?? "warn" },
      auth: { secureCookies, oidc },
      trustProxy,
    });
    const address = await app.listen({ port, host });
    io.out(`Bevilling kører på ${address} (database: ${db.engine}, ${db.location})`);
    io.out(`API-beskrivelse: ${address}/api/openapi.json`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    io.err("Stopper…");
    await app.close();
  },
};
