import { userInfo } from "node:os";
import type { Actor } from "@bevilling/core";

/** Changes made at the command line are recorded under the operating system's user name. */
export function cliActor(env: NodeJS.ProcessEnv = process.env): Actor {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // A container user without a passwd entry has no name to look up.
  }
  return { kind: "cli", name: name || env.USER || env.USERNAME || "ukendt" };
}
