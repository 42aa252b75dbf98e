import type { ReactNode } from "react";
import { t } from "../i18n/da.ts";
import { appropriationsHref } from "../lib/appropriations.ts";
import { type OverviewParams, overviewHref } from "../lib/overviewParams.ts";
import { agreementsHref, importHref, proposalsHref } from "../lib/paths.ts";
import { remarksHref } from "../lib/remarks.ts";
import { Link } from "../lib/router.tsx";
import type { OrgNode } from "../lib/types.ts";

export interface NavTarget {
  /** The node whose overview is open (null on other pages of the municipality). */
  currentId: number | null;
  importOpen: boolean;
  /** The proposals catalogue is open. */
  proposalsOpen?: boolean;
  /** A budget agreement page is open. */
  agreementsOpen?: boolean;
  /** The appropriations page is open. */
  appropriationsOpen?: boolean;
  /** The budget remarks are open. */
  remarksOpen?: boolean;
}

/** A link to one of the municipality's pages, marked as the current page while it is open. */
function PageLink({
  to,
  open = false,
  testId,
  children,
}: {
  to: string;
  open?: boolean | undefined;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <li>
      <Link
        to={to}
        aria-current={open ? "page" : undefined}
        className={open ? "current" : undefined}
        data-testid={testId}
      >
        {children}
      </Link>
    </li>
  );
}

/**
 * The organisation as a tree that opens along the current path: the municipality, its
 * committees, and below the open node its children, so a large organisation stays short. Nodes
 * the user may not read (the ancestors of a budgetansvarlig's units) are plain text, always open.
 */
export function OrgNav({
  code,
  nodes,
  target,
  params,
  showImport,
  showProposals = false,
  showAgreements = false,
  showAppropriations = false,
}: {
  code: string;
  nodes: readonly OrgNode[];
  target: NavTarget;
  params: OverviewParams;
  /** The import link, for the roles that may import. */
  showImport: boolean;
  /** The proposals catalogue's link, for the roles that may read it. */
  showProposals?: boolean;
  /** The budget agreements' link, for the roles that may read them. */
  showAgreements?: boolean;
  /** The appropriations' link, for the roles that may read them. */
  showAppropriations?: boolean;
}) {
  const byParent = new Map<number | null, OrgNode[]>();
  for (const n of nodes) {
    const list = byParent.get(n.parentId) ?? [];
    list.push(n);
    byParent.set(n.parentId, list);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const open = new Set<number>();
  for (let cur = target.currentId === null ? undefined : byId.get(target.currentId); cur; ) {
    open.add(cur.id);
    cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
  }
  const root = byParent.get(null)?.[0];

  const item = (n: OrgNode) => {
    const children = byParent.get(n.id) ?? [];
    // A node the user may not read is only there as the ancestor of one they may: always open.
    const readable = n.readable !== false;
    const expanded = n.parentId === null || open.has(n.id) || !readable;
    const current = n.id === target.currentId;
    return (
      <li key={n.id}>
        {readable ? (
          <Link
            to={overviewHref(code, n.parentId === null ? null : n.id, params)}
            aria-current={current ? "page" : undefined}
            className={current ? "current" : undefined}
          >
            {n.name}
            {n.validTo !== null ? (
              <span className="muted"> ({t("nav.ended", { year: n.validTo })})</span>
            ) : null}
          </Link>
        ) : (
          <span className="tree-text">
            {n.name}
            <span className="visually-hidden"> {t("nav.notReadable")}</span>
          </span>
        )}
        {expanded && children.length > 0 ? <ul>{children.map(item)}</ul> : null}
      </li>
    );
  };

  return (
    <nav className="sidebar" aria-label={t("nav.label")}>
      <h2 className="sidebar-title">{t("nav.label")}</h2>
      {root ? <ul className="tree">{item(root)}</ul> : null}
      <ul className="sidebar-links">
        {showProposals ? (
          <PageLink to={proposalsHref(code)} open={target.proposalsOpen} testId="nav-proposals">
            {t("nav.proposals")}
          </PageLink>
        ) : null}
        {showAppropriations ? (
          <PageLink
            to={appropriationsHref(code)}
            open={target.appropriationsOpen}
            testId="nav-appropriations"
          >
            {t("nav.appropriations")}
          </PageLink>
        ) : null}
        {showAgreements ? (
          <PageLink to={agreementsHref(code)} open={target.agreementsOpen} testId="nav-agreements">
            {t("nav.agreements")}
          </PageLink>
        ) : null}
        {/* Everyone: the remarks are published with the budget (sections need signing in). */}
        <PageLink to={remarksHref(code)} open={target.remarksOpen} testId="nav-remarks">
          {t("nav.remarks")}
        </PageLink>
        {showImport ? (
          <PageLink to={importHref(code)} open={target.importOpen}>
            {t("nav.import")}
          </PageLink>
        ) : null}
        <li>
          <Link to="/">{t("nav.municipalities")}</Link>
        </li>
      </ul>
    </nav>
  );
}
