import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTemplates } from "@bevilling/db/testing";

export default async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "bevilling-test-"));
  const dropPgTemplate = await createTemplates(dir);
  return async () => {
    await dropPgTemplate();
    rmSync(dir, { recursive: true, force: true });
  };
}
