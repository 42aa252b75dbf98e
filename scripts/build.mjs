#!/usr/bin/env node
// Production build: the CLI (which also serves the API) bundled into one ES module. Our own
// workspace packages are bundled (they are TypeScript sources); third-party packages stay
// external, because PGlite loads its WebAssembly and data files from its own folder.
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { build } from "esbuild";

const external = new Set();
for (const dir of ["packages", "apps"]) {
  for (const name of readdirSync(dir)) {
    const pkg = JSON.parse(readFileSync(`${dir}/${name}/package.json`, "utf8"));
    for (const dep of Object.keys(pkg.dependencies ?? {}))
      if (!dep.startsWith("@bevilling/")) external.add(dep);
  }
}

await build({
  entryPoints: ["apps/cli/src/main.ts"],
  outfile: "dist/bin/bevilling.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: [...external],
  sourcemap: true,
  banner: { js: "#!/usr/bin/env node" },
  define: { "process.env.BEVILLING_CLI_ENTRY": '"1"' },
  logLevel: "warning",
});
// The demo files are read relative to the module (../demo/), so they travel beside the bundle.
cpSync("packages/services/demo", "dist/demo", { recursive: true });
// The web application is served from beside the bundle (dist/web), see apps/cli/src/serve.ts.
cpSync("apps/web/dist", "dist/web", { recursive: true });
console.log("dist/bin/bevilling.mjs bygget");
