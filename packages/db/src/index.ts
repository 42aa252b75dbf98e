export * from "./connect.ts";
export * from "./lock.ts";
export * from "./repo/accounts.ts";
export * from "./repo/amounts.ts";
export * from "./repo/mappings.ts";
export * from "./repo/municipalities.ts";
export * from "./repo/org.ts";
export * from "./repo/prices.ts";
export type * from "./schema.ts";
