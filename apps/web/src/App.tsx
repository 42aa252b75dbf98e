import { lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { Layout } from "./components/Layout.tsx";
import { OrgNav } from "./components/OrgNav.tsx";
import { ErrorState, errorTitle, Loading, NoAccess, SignInRequired } from "./components/States.tsx";
import { t } from "./i18n/da.ts";
import { useApi } from "./lib/api.ts";
import {
  canImport,
  canReadAgreements,
  canReadAppropriations,
  canReadProposals,
  isAdministrator,
  passwordHref,
} from "./lib/auth.ts";
import { useTitle } from "./lib/hooks.ts";
import { carryOver, parseOverviewParams } from "./lib/overviewParams.ts";
import { matchRoute, municipalityHref } from "./lib/paths.ts";
import { type Location, navigate, useLocation } from "./lib/router.tsx";
import { type SessionState, useSession } from "./lib/session.ts";
import type { Municipality, OrgNode, SessionUser } from "./lib/types.ts";
import { Home } from "./views/Home.tsx";
import { OverviewPage } from "./views/OverviewPage.tsx";

// Pages only some users need load on first visit, keeping the start small.
const ImportPage = lazy(() => import("./views/ImportPage.tsx").then((m) => ({ default: m.ImportPage })));
const ProposalsPage = lazy(() =>
  import("./views/ProposalsPage.tsx").then((m) => ({ default: m.ProposalsPage })),
);
const AppropriationsPage = lazy(() =>
  import("./views/AppropriationsPage.tsx").then((m) => ({ default: m.AppropriationsPage })),
);
const RemarksPage = lazy(() => import("./views/RemarksPage.tsx").then((m) => ({ default: m.RemarksPage })));
const AgreementsSection = lazy(() =>
  import("./views/agreements/AgreementsSection.tsx").then((m) => ({ default: m.AgreementsSection })),
);
const SignInPage = lazy(() =>
  import("./views/account/SignInPage.tsx").then((m) => ({ default: m.SignInPage })),
);
const PasswordPage = lazy(() =>
  import("./views/account/PasswordPage.tsx").then((m) => ({ default: m.PasswordPage })),
);
const UsersPage = lazy(() => import("./views/admin/UsersPage.tsx").then((m) => ({ default: m.UsersPage })));
const UserPage = lazy(() => import("./views/admin/UserPage.tsx").then((m) => ({ default: m.UserPage })));
const TokensPage = lazy(() =>
  import("./views/admin/TokensPage.tsx").then((m) => ({ default: m.TokensPage })),
);

/**
 * A page for some roles only: while the session loads it waits, signed out it offers to sign in,
 * with another role it says so (the server refuses anyway; this saves a round of errors).
 */
function Guarded({
  session,
  allow,
  title,
  children,
}: {
  session: SessionState;
  allow: (user: SessionUser) => boolean;
  title: string;
  children: ReactNode;
}) {
  useTitle(session.loaded && (!session.user || !allow(session.user)) ? title : null);
  if (!session.loaded) return <Loading label={t("app.loadingSession")} />;
  if (!session.user || !allow(session.user)) {
    return (
      <>
        <h1>{title}</h1>
        {session.user ? <NoAccess /> : <SignInRequired />}
      </>
    );
  }
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/**
 * After moving to another page (not after changing a control on the same page), focus goes to
 * the main landmark so keyboard and screen-reader users start at the new content.
 */
function useFocusMainOnPathChange(path: string): void {
  const previous = useRef(path);
  useEffect(() => {
    if (previous.current === path) return;
    previous.current = path;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [path]);
}

function NotFound({ path }: { path: string }) {
  useTitle(t("state.notFoundTitle"));
  return (
    <>
      <h1>{t("state.notFoundTitle")}</h1>
      <ErrorState
        error={t("state.notFoundText", { path })}
        title={t("state.notFoundTitle")}
        wayOn={{ href: "/", label: t("state.toStart") }}
      />
    </>
  );
}

/** Which of a municipality's pages is open: an overview, the import or the proposals catalogue. */
type MunicipalityPage = "overview" | "import" | "proposals" | "agreements" | "appropriations" | "remarks";

function MunicipalityPages({
  code,
  location,
  nodeId,
  page,
}: {
  code: string;
  location: Location;
  nodeId: number | null;
  page: MunicipalityPage;
}) {
  const session = useSession();
  const base = `/api/municipalities/${encodeURIComponent(code)}`;
  const m = useApi<Municipality>(base, { cache: true });
  const org = useApi<OrgNode[]>(`${base}/organisation`, { cache: true });
  const params = parseOverviewParams(location.query);
  const municipality = m.stale ? undefined : m.data;
  const failed = m.error ?? org.error;
  useTitle(municipality ? null : failed ? errorTitle(failed) : t("state.loading"));
  const root = org.data?.find((n) => n.parentId === null);
  const nav =
    municipality && org.data ? (
      <OrgNav
        code={municipality.code}
        nodes={org.data}
        target={{
          currentId: page === "overview" ? (nodeId ?? root?.id ?? null) : null,
          importOpen: page === "import",
          proposalsOpen: page === "proposals",
          agreementsOpen: page === "agreements",
          remarksOpen: page === "remarks",
          appropriationsOpen: page === "appropriations",
        }}
        params={carryOver(params)}
        showImport={canImport(session.user)}
        showProposals={canReadProposals(session.user)}
        showAgreements={canReadAgreements(session.user)}
        showAppropriations={canReadAppropriations(session.user)}
      />
    ) : undefined;

  let content: ReactNode;
  const error = m.error ?? org.error;
  if (error) {
    content = (
      <>
        <h1>{errorTitle(error)}</h1>
        <ErrorState
          error={error}
          onRetry={() => {
            m.reload();
            org.reload();
          }}
          wayOn={{ href: "/", label: t("state.toStart") }}
        />
      </>
    );
  } else if (!municipality || !org.data || org.stale) {
    content = (
      <div aria-busy="true">
        <Loading />
      </div>
    );
  } else if (page === "import") {
    content = (
      <Guarded session={session} allow={canImport} title={`${t("import.title")} – ${municipality.name}`}>
        <ImportPage municipality={municipality} />
      </Guarded>
    );
  } else if (page === "proposals") {
    content = (
      <Guarded
        session={session}
        allow={canReadProposals}
        title={`${t("proposals.title")} – ${municipality.name}`}
      >
        <ProposalsPage municipality={municipality} query={location.query} />
      </Guarded>
    );
  } else if (page === "appropriations") {
    content = (
      <Guarded
        session={session}
        allow={canReadAppropriations}
        title={`${t("appropriations.title")} – ${municipality.name}`}
      >
        <AppropriationsPage municipality={municipality} nodes={org.data} query={location.query} />
      </Guarded>
    );
  } else if (page === "remarks") {
    // Not guarded: the documents are public for a published municipality; the page itself asks
    // for signing in where the sections need it.
    content = (
      <Suspense fallback={<Loading />}>
        <RemarksPage municipality={municipality} nodes={org.data} query={location.query} />
      </Suspense>
    );
  } else if (page === "agreements") {
    content = (
      <Guarded
        session={session}
        allow={canReadAgreements}
        title={`${t("agreements.title")} – ${municipality.name}`}
      >
        <AgreementsSection municipality={municipality} nodes={org.data} location={location} />
      </Guarded>
    );
  } else {
    content = <OverviewPage municipality={municipality} nodes={org.data} nodeId={nodeId} params={params} />;
  }
  return (
    <Layout
      title={municipality?.name}
      titleHref={municipality ? municipalityHref(municipality.code) : undefined}
      nav={nav}
    >
      {content}
    </Layout>
  );
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.path);
  const session = useSession();
  useFocusMainOnPathChange(location.path);
  // Until the user has chosen a new password the server refuses everything else: go there.
  const mustChange = session.user?.mustChangePassword === true;
  useEffect(() => {
    if (mustChange && route.name !== "password") navigate(passwordHref(location.href), { replace: true });
  }, [mustChange, route.name, location.href]);

  switch (route.name) {
    case "home":
      return (
        <Layout>
          <Home />
        </Layout>
      );
    case "overview":
      return (
        <MunicipalityPages code={route.code} location={location} nodeId={route.nodeId} page="overview" />
      );
    case "import":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} page="import" />;
    case "proposals":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} page="proposals" />;
    case "appropriations":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} page="appropriations" />;
    case "remarks":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} page="remarks" />;
    case "agreements":
    case "agreement":
    case "agreementCompare":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} page="agreements" />;
    case "signIn":
      return (
        <Layout>
          <Suspense fallback={<Loading />}>
            <SignInPage query={location.query} />
          </Suspense>
        </Layout>
      );
    case "password":
      return (
        <Layout>
          <Suspense fallback={<Loading />}>
            <PasswordPage query={location.query} />
          </Suspense>
        </Layout>
      );
    case "users":
      return (
        <Layout>
          <Guarded session={session} allow={isAdministrator} title={t("users.title")}>
            <UsersPage />
          </Guarded>
        </Layout>
      );
    case "user":
      return (
        <Layout>
          <Guarded session={session} allow={isAdministrator} title={t("users.title")}>
            <UserPage id={route.id} />
          </Guarded>
        </Layout>
      );
    case "tokens":
      return (
        <Layout>
          <Guarded session={session} allow={isAdministrator} title={t("tokens.title")}>
            <TokensPage />
          </Guarded>
        </Layout>
      );
    default:
      return (
        <Layout>
          <NotFound path={location.path} />
        </Layout>
      );
  }
}
