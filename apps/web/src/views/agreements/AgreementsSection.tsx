/**
 * /kommune/:code/budgetaftale…: the municipality's budget agreements (the list), one agreement
 * (the editor), and two scenarios side by side. One lazily loaded part of the application, so
 * the first visit does not load it.
 */
import { matchRoute } from "../../lib/paths.ts";
import type { Location } from "../../lib/router.tsx";
import type { Municipality, OrgNode } from "../../lib/types.ts";
import { AgreementCompare } from "./AgreementCompare.tsx";
import { AgreementEditor } from "./AgreementEditor.tsx";
import { AgreementsList } from "./AgreementsList.tsx";

export function AgreementsSection({
  municipality,
  nodes,
  location,
}: {
  municipality: Municipality;
  nodes: readonly OrgNode[];
  location: Location;
}) {
  const route = matchRoute(location.path);
  if (route.name === "agreement") {
    return <AgreementEditor key={route.id} municipality={municipality} nodes={nodes} id={route.id} />;
  }
  if (route.name === "agreementCompare") {
    return <AgreementCompare municipality={municipality} query={location.query} />;
  }
  return <AgreementsList municipality={municipality} />;
}
