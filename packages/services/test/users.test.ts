import { SYSTEM_ACTOR } from "@bevilling/core";
import type { DatabaseHandle } from "@bevilling/db";
import { openTestDatabase, testEngines } from "@bevilling/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequest,
  changeOwnPassword,
  createUser,
  MAX_FAILURES_PER_USER,
  signIn,
  signInWithIdentity,
  TooManyAttempts,
  UNKNOWN_EXTERNAL_USER,
} from "../src/index.ts";

describe.each(testEngines())("users on %s", (engine) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("never links an administrator to an identity-provider account by its username claim", async () => {
    await createUser(
      h.db,
      { username: "chef", displayName: "Chef", role: "administrator", unitIds: [] },
      SYSTEM_ACTOR,
    );
    await expect(
      signInWithIdentity(h.db, { issuer: "https://idp.example", subject: "s-1", username: "chef" }),
    ).rejects.toThrow(UNKNOWN_EXTERNAL_USER);
    await createUser(
      h.db,
      { username: "lise", displayName: "Lise", role: "okonomi", unitIds: [] },
      SYSTEM_ACTOR,
    );
    const s = await signInWithIdentity(h.db, {
      issuer: "https://idp.example",
      subject: "s-2",
      username: "Lise",
    });
    expect(s.user.username).toBe("lise");
  });

  it("counts wrong current passwords in a password change against the sign-in limit", async () => {
    const password = "en-god-kode-til-test";
    await createUser(
      h.db,
      { username: "mads", displayName: "Mads", role: "politiker", unitIds: [] },
      SYSTEM_ACTOR,
      {
        password,
        mustChangePassword: false,
      },
    );
    const s = await signIn(h.db, { username: "mads", password, ip: "10.0.0.1" });
    const change = (current: string) =>
      changeOwnPassword(
        h.db,
        s.user.id,
        { currentPassword: current, newPassword: "en-helt-ny-kode-123" },
        "hash",
        SYSTEM_ACTOR,
        "10.0.0.1",
      );
    for (let i = 0; i < MAX_FAILURES_PER_USER; i++)
      await expect(change("gæt")).rejects.toBeInstanceOf(BadRequest);
    // Blocked now, even with the right password: a stolen session cannot keep guessing.
    await expect(change(password)).rejects.toBeInstanceOf(TooManyAttempts);
    await expect(signIn(h.db, { username: "mads", password, ip: "10.0.0.2" })).rejects.toBeInstanceOf(
      TooManyAttempts,
    );
  });
});
