import { parseArgs } from "node:util";

/** Wrong usage: exit code 2, with the command's help. */
export class UsageError extends Error {}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export function parse(argv: string[], options: OptionSpec, positionals = 0) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^.*?: /, ""));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`uventet argument: ${parsed.positionals.slice(positionals).join(" ")}`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

export function str(v: string | boolean | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function required(v: string | boolean | undefined, name: string): string {
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} mangler`);
  return v;
}

export function int(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^\d+$/.test(v)) throw new UsageError(`--${name} skal være et helt tal`);
  return Number(v);
}
