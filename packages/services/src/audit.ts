/**
 * Reading the audit trail: the history of one budget figure as a user asks for it (a node, an
 * account or none, a year and a kind), and the records about any entity.
 */
import type { AmountKind } from "@bevilling/core";
import { amountHistory, type Database, type FigureChange, getNode } from "@bevilling/db";
import type { Kysely } from "kysely";
import { NotFound } from "./errors.ts";

/** Every change to one figure, oldest first; the node must exist. */
export async function figureHistory(
  db: Kysely<Database>,
  key: { nodeId: number; accountId: number | null; year: number; kind: AmountKind },
): Promise<FigureChange[]> {
  if (!(await getNode(db, key.nodeId))) throw new NotFound(`Enheden ${key.nodeId} findes ikke`);
  return amountHistory(db, key);
}
