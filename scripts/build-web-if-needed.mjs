#!/usr/bin/env node
// Before `npm start`: builds the web application when it has never been built or a source file
// is newer than the build, so a fresh checkout and an edited one both serve the current app.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const built = "apps/web/dist/index.html";

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const sources = ["apps/web/src", "apps/web/index.html", "apps/web/vite.config.ts"].filter((p) =>
  existsSync(p),
);
const stale =
  !existsSync(built) ||
  sources.some(
    (p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs) > statSync(built).mtimeMs,
  );
if (stale) {
  console.log("Bygger webappen…");
  const r = spawnSync("npm", ["run", "build:web"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
