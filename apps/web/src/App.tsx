import { lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { Layout } from "./components/Layout.tsx";
import { OrgNav } from "./components/OrgNav.tsx";
import { ErrorState, Loading } from "./components/States.tsx";
import { t } from "./i18n/da.ts";
import { useApi } from "./lib/api.ts";
import { useTitle } from "./lib/hooks.ts";
import { carryOver, parseOverviewParams } from "./lib/overviewParams.ts";
import { matchRoute, municipalityHref } from "./lib/paths.ts";
import { type Location, useLocation } from "./lib/router.tsx";
import type { Municipality, OrgNode } from "./lib/types.ts";
import { Home } from "./views/Home.tsx";
import { OverviewPage } from "./views/OverviewPage.tsx";

// The import page is only needed by some users: it loads on first visit, keeping the start small.
const ImportPage = lazy(() => import("./views/ImportPage.tsx").then((m) => ({ default: m.ImportPage })));

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

function MunicipalityPages({
  code,
  location,
  nodeId,
  importOpen,
}: {
  code: string;
  location: Location;
  nodeId: number | null;
  importOpen: boolean;
}) {
  const base = `/api/municipalities/${encodeURIComponent(code)}`;
  const m = useApi<Municipality>(base, { cache: true });
  const org = useApi<OrgNode[]>(`${base}/organisation`, { cache: true });
  const params = parseOverviewParams(location.query);
  const municipality = m.stale ? undefined : m.data;
  useTitle(municipality ? null : m.error || org.error ? t("state.errorTitle") : t("state.loading"));
  const root = org.data?.find((n) => n.parentId === null);
  const nav =
    municipality && org.data ? (
      <OrgNav
        code={municipality.code}
        nodes={org.data}
        target={{ currentId: importOpen ? null : (nodeId ?? root?.id ?? null), importOpen }}
        params={carryOver(params)}
      />
    ) : undefined;

  let content: ReactNode;
  const error = m.error ?? org.error;
  if (error) {
    content = (
      <>
        <h1>{error.status === 404 ? t("state.notFoundTitle") : t("state.errorTitle")}</h1>
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
  } else if (importOpen) {
    content = (
      <Suspense fallback={<Loading />}>
        <ImportPage municipality={municipality} />
      </Suspense>
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
  useFocusMainOnPathChange(location.path);
  switch (route.name) {
    case "home":
      return (
        <Layout>
          <Home />
        </Layout>
      );
    case "overview":
      return (
        <MunicipalityPages code={route.code} location={location} nodeId={route.nodeId} importOpen={false} />
      );
    case "import":
      return <MunicipalityPages code={route.code} location={location} nodeId={null} importOpen />;
    default:
      return (
        <Layout>
          <NotFound path={location.path} />
        </Layout>
      );
  }
}
