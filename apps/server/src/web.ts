/**
 * Serves the built web application (apps/web/dist) from the same address as the API. Files are
 * read once at start-up: the bundle is small and immutable until the next build, and this keeps
 * path handling out of the request path (no request can name a file outside the folder).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** The application's own scripts and styles only; nothing inline, nothing from elsewhere. */
export const WEB_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export function registerWeb(app: FastifyInstance, root: string): void {
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  for (const p of walk(root)) {
    const url = `/${relative(root, p).split(sep).join("/")}`;
    files.set(url, {
      body: readFileSync(p),
      type: TYPES[extname(p)] ?? "application/octet-stream",
      // Vite puts a content hash in every asset name, so those never change under their name.
      immutable: url.startsWith("/assets/"),
    });
  }
  const index = files.get("/index.html");
  if (!index) throw new Error(`Webappen mangler index.html i ${root}`);
  app.get("/*", { config: { access: "public" } }, async (req, reply) => {
    const path = decodeURIComponent(req.url.split("?")[0] ?? "/");
    if (path.startsWith("/api/")) {
      return reply.code(404).type("application/json").send({ error: "Ruten findes ikke" });
    }
    const file = files.get(path);
    // Every other path is a view of the single-page application (deep links, reloads).
    const f = file ?? (extname(path) === "" ? index : undefined);
    if (!f) return reply.code(404).type("text/plain; charset=utf-8").send("Filen findes ikke");
    reply.header("content-security-policy", WEB_CSP);
    reply.header("cache-control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    return reply.type(f.type).send(f.body);
  });
}
