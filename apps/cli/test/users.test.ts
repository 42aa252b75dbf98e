import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@bevilling/db";
import { signIn } from "@bevilling/services";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), tty: false }, out, err };
}

const work = mkdtempSync(join(tmpdir(), "bevilling-cli-users-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("users and tokens at the command line", () => {
  const env = { BEVILLING_DATA_DIR: join(work, "data") };

  it("creates a unit-scoped user with a one-time password that signs in and must be changed", async () => {
    expect(await main(["demo"], capture().io, env)).toBe(0);
    const c = capture();
    expect(
      await main(
        ["user", "create", "hanne", "--role", "budgetansvarlig", "--unit", "326/JOB", "--name", "Hanne"],
        c.io,
        env,
      ),
    ).toBe(0);
    const password = /Engangsadgangskode: (\S+)/.exec(c.out.join("\n"))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const list = capture();
    expect(await main(["user", "list"], list.io, env)).toBe(0);
    expect(list.out.join("\n")).toMatch(
      /hanne\s+Hanne\s+Budgetansvarlig\s+326\/Jobcenter\s+skal skifte adgangskode/,
    );
    const h = await openDatabase({ dataDir: env.BEVILLING_DATA_DIR });
    try {
      const s = await signIn(h.db, { username: "hanne", password: password as string, ip: "127.0.0.1" });
      expect(s.user.mustChangePassword).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("refuses a role that does not exist, a unit that does not exist, and units for a role without them", async () => {
    for (const argv of [
      ["user", "create", "x1", "--role", "konge"],
      ["user", "create", "x2", "--role", "budgetansvarlig", "--unit", "326/NOPE"],
      ["user", "create", "x3", "--role", "budgetansvarlig", "--unit", "bare-en-kode"],
    ]) {
      const c = capture();
      expect(await main(argv, c.io, env), argv.join(" ")).toBe(2);
    }
    const c = capture();
    expect(await main(["user", "create", "x4", "--role", "okonomi", "--unit", "326/JOB"], c.io, env)).toBe(1);
    expect(c.err.join("\n")).toContain("tager ingen enheder");
  });

  it("changes a role, disables a user, and resets a password", async () => {
    const set = capture();
    expect(await main(["user", "set", "hanne", "--role", "politiker", "--disable"], set.io, env)).toBe(0);
    expect(set.out.join("\n")).toBe("hanne: Politiker, spærret");
    const reset = capture();
    expect(await main(["user", "reset-password", "hanne"], reset.io, env)).toBe(0);
    expect(reset.out.join("\n")).toMatch(/Ny engangsadgangskode til hanne: [A-Za-z0-9]{16}/);
    const log = capture();
    expect(await main(["audit", "log", "--entity", "user", "--limit", "5"], log.io, env)).toBe(0);
    expect(log.out.join("\n")).toContain("bruger");
    expect(log.out.join("\n")).not.toContain("scrypt$");
  });

  it("creates a token shown once and revokes it", async () => {
    const c = capture();
    expect(await main(["token", "create", "løn-integration", "--role", "okonomi"], c.io, env)).toBe(0);
    const secret = c.out[1] as string;
    expect(secret).toMatch(/^bvl_[A-Za-z0-9_-]{43}$/);
    const list = capture();
    expect(await main(["token", "list"], list.io, env)).toBe(0);
    expect(list.out.join("\n")).toContain("løn-integration");
    expect(list.out.join("\n")).not.toContain(secret);
    const id = /id (\d+)/.exec(c.out[0] as string)?.[1] as string;
    expect(await main(["token", "revoke", id], capture().io, env)).toBe(0);
    const after = capture();
    expect(await main(["token", "list"], after.io, env)).toBe(0);
    expect(after.out.join("\n")).toContain("trukket tilbage");
  });
});
