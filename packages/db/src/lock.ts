/**
 * One process per embedded data directory. PGlite does not lock its directory itself, and a
 * second process that opens it runs on a stale copy and silently loses its writes, so we hold
 * an exclusive lock file with our pid. A lock left by a dead process is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Datamappen ${dataDir} er allerede åbnet af en anden proces (pid ${pid}). ` +
        "Stop den anden Bevilling-proces, eller brug en anden BEVILLING_DATA_DIR.",
    );
    this.name = "DataDirLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const held = new Set<string>();

export function acquireDataDirLock(dataDir: string): () => void {
  const file = join(dataDir, "bevilling.lock");
  if (held.has(file)) throw new DataDirLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      const release = () => {
        if (!held.delete(file)) return;
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) rmSync(file);
        } catch {
          // already gone: nothing to release
        }
        process.off("exit", release);
      };
      process.on("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid))
        throw new DataDirLockedError(dataDir, pid);
      if (pid === process.pid) throw new DataDirLockedError(dataDir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Kunne ikke låse datamappen ${dataDir}`);
}
