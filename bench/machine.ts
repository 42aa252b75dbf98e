/** What the figures were measured on: CPU, cores, memory, Node and the database versions. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, release, totalmem } from "node:os";
import { Worker } from "node:worker_threads";

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  postgres: string;
  pglite: string;
  duckdb: string;
  /** Seconds for one CPU-bound thread and for two running the same work at once. */
  parallel: { one: number; two: number };
}

const SPIN = `
  const { parentPort } = require("node:worker_threads");
  let x = 0;
  for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003;
  parentPort.postMessage(x);
`;

/**
 * How much parallel CPU the machine really gives: the same busy loop in one thread, then in two
 * at once. On real cores the two finish in about the time of one; a VM whose vCPUs share one core
 * takes twice as long, and then the database server and Node also share one core.
 */
export async function parallelProbe(): Promise<{ one: number; two: number }> {
  const run = async (k: number) => {
    const t = performance.now();
    await Promise.all(
      Array.from(
        { length: k },
        () =>
          new Promise((resolve, reject) => {
            const w = new Worker(SPIN, { eval: true });
            w.once("message", resolve);
            w.once("error", reject);
          }),
      ),
    );
    return (performance.now() - t) / 1000;
  };
  await run(1);
  return { one: await run(1), two: await run(2) };
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m?.[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The installed version of a package, found the way Node finds it from the repository root. */
function packageVersion(name: string): string {
  try {
    const require = createRequire(new URL("../package.json", import.meta.url));
    const main = require.resolve(name);
    const dir = main.slice(0, main.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length);
    return (JSON.parse(readFileSync(`${dir}package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function machine(postgres: string, parallel: { one: number; two: number }): Machine {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    ramGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `Linux ${release()}`,
    postgres,
    pglite: packageVersion("@electric-sql/pglite"),
    duckdb: packageVersion("@duckdb/node-api"),
    parallel,
  };
}
