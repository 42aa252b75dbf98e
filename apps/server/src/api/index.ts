import type { Route } from "../routes.ts";
import { agreementRoutes } from "./agreements.ts";
import { appropriationRoutes } from "./appropriations.ts";
import { auditRoutes } from "./audit.ts";
import { authRoutes } from "./auth.ts";
import { exportRoutes } from "./export.ts";
import { importRoutes } from "./imports.ts";
import { municipalityRoutes } from "./municipalities.ts";
import { nodeRoutes } from "./nodes.ts";
import { priceRoutes } from "./prices.ts";
import { proposalRoutes } from "./proposals.ts";
import { remarkRoutes } from "./remarks.ts";
import { systemRoutes } from "./system.ts";

/** Every route of the API, in the order the documentation lists them. */
export const ROUTES: readonly Route[] = [
  ...systemRoutes,
  ...authRoutes,
  ...municipalityRoutes,
  ...nodeRoutes,
  ...importRoutes,
  ...priceRoutes,
  ...proposalRoutes,
  ...agreementRoutes,
  ...remarkRoutes,
  ...appropriationRoutes,
  ...exportRoutes,
  ...auditRoutes,
];
