import { StrictMode, useCallback, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { api } from "./api";
import { hostedLogout, finishHostedLogin } from "./cognito";
import { ErrorBox, Loading } from "./components";
import { config, loadConfig } from "./config";
import { Accounts } from "./pages/Accounts";
import { Import } from "./pages/Import";
import { Commissions } from "./pages/Commissions";
import { Leads } from "./pages/Leads";
import { Network } from "./pages/Network";
import { Login } from "./pages/Login";
import { Notifications } from "./pages/Notifications";
import { Partners } from "./pages/Partners";
import { Dashboard, DealsRoom, LeadsRoom, Programs } from "./pages/Portal";
import { ContentRoom, MessagesRoom, NetworkRoom, ProjectsRoom, SharedFilesRoom, TrainingRoom } from "./pages/portal/Rooms";
import { NotificationPreferences, Team } from "./pages/portal/Settings";
import { Deals } from "./pages/Deals";
import { Referrals } from "./pages/Referrals";
import { Reports } from "./pages/Reports";
import { Settings } from "./pages/Settings";
import { href, navigate, useRoute } from "./router";
import { clearSession, currentSession, saveSession, type Session } from "./session";
import "./styles.css";

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(currentSession);
  const [unread, setUnread] = useState<number | null>(null);

  const refreshUnread = useCallback(() => {
    if (!currentSession()) return;
    api<{ unread: number }>("/notifications/unread-count").then(
      (answer) => setUnread(answer.unread),
      () => setUnread(null),
    );
  }, []);
  const routeKey = route.join("/");
  useEffect(() => {
    if (session) refreshUnread();
  }, [session, routeKey, refreshUnread]);
  useEffect(() => {
    if (!session) return;
    const timer = window.setInterval(() => document.visibilityState === "visible" && refreshUnread(), 30_000);
    return () => window.clearInterval(timer);
  }, [session, refreshUnread]);

  if (!session || route[0] === "login") {
    return (
      <Login
        onSignedIn={(signedIn) => {
          setSession(signedIn);
          navigate(signedIn.side === "vendor" ? "/partners" : "/portal");
        }}
      />
    );
  }

  function signOut() {
    clearSession();
    setSession(null);
    const settings = config();
    if (settings.auth === "cognito") hostedLogout(settings);
    else navigate("/login");
  }

  const vendor = session.side === "vendor";
  const links = vendor
    ? [
        { path: "/partners", label: "Partners" },
        { path: "/leads", label: "Leads" },
        { path: "/deals", label: "Deals" },
        { path: "/accounts", label: "Accounts" },
        { path: "/referrals", label: "Referrals" },
        { path: "/commissions", label: "Commissions" },
        { path: "/network", label: "Network" },
        { path: "/reports", label: "Reports" },
        { path: "/settings", label: "Settings" },
      ]
    : [
        { path: "/portal", label: "Programs" },
        { path: "/team", label: "Team" },
        { path: "/preferences", label: "Preferences" },
      ];
  const section = route[0] ?? (vendor ? "partners" : "portal");

  return (
    <>
      <a className="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Trellis {vendor ? "console" : "portal"}</span>
        <nav aria-label="Main">
          {links.map((link) => (
            <a key={link.path} href={href(link.path)} aria-current={section === link.path.slice(1) ? "page" : undefined}>
              {link.label}
            </a>
          ))}
          <a href={href("/notifications")} aria-current={section === "notifications" ? "page" : undefined}>
            Notifications
            {unread ? (
              <span className="badge" aria-label={`${unread} unread`} data-testid="unread-count">
                {unread}
              </span>
            ) : null}
          </a>
        </nav>
        <span className="who">
          <span className="muted">{session.name}</span>
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} vendor={vendor} onNotificationsChanged={refreshUnread} />
      </main>
    </>
  );
}

function Page({ route, vendor, onNotificationsChanged }: { route: string[]; vendor: boolean; onNotificationsChanged: () => void }) {
  const [section, id, tab] = route;
  if (section === "notifications") return <Notifications onChanged={onNotificationsChanged} />;
  if (vendor) {
    if (section === "leads") return <Leads tab={id} />;
    if (section === "deals") return <Deals tab={id} />;
    if (section === "accounts") return id === "import" ? <Import /> : <Accounts id={id} action={tab} />;
    if (section === "referrals") return <Referrals direction={id} />;
    if (section === "reports") return <Reports />;
    if (section === "commissions") return <Commissions />;
    if (section === "network") return <Network />;
    if (section === "settings") return <Settings section={id} />;
    return <Partners selectedId={section === "partners" ? id : undefined} tab={tab} />;
  }
  if (section === "portal" && id) {
    if (tab === "leads") return <LeadsRoom partnershipId={id} />;
    if (tab === "deals") return <DealsRoom partnershipId={id} />;
    if (tab === "resources" || tab === "brand") return <ContentRoom key={tab} partnershipId={id} room={tab} />;
    if (tab === "files") return <SharedFilesRoom partnershipId={id} />;
    if (tab === "training") return <TrainingRoom partnershipId={id} />;
    if (tab === "projects") return <ProjectsRoom partnershipId={id} />;
    if (tab === "messages") return <MessagesRoom partnershipId={id} />;
    if (tab === "network") return <NetworkRoom partnershipId={id} />;
    return <Dashboard partnershipId={id} />;
  }
  if (section === "team") return <Team />;
  if (section === "preferences") return <NotificationPreferences />;
  return <Programs />;
}

// Links the services put in emails and partnerships (PORTAL_BASE_URL/partnerships/<id>) name a path;
// where the static host answers them with index.html, they become the app's hash route.
function routeFromPath(): void {
  const portal = window.location.pathname.match(/^\/portal\/partnerships\/([A-Za-z0-9_-]+)\/?$/);
  if (portal && !window.location.hash) window.history.replaceState(null, "", `/#/portal/${portal[1]}`);
}

function Boot() {
  const [state, setState] = useState<"loading" | "ready" | Error>("loading");
  useEffect(() => {
    routeFromPath();
    loadConfig()
      .then(async (settings) => {
        if (settings.auth === "cognito") {
          const token = await finishHostedLogin(settings);
          if (token) saveSession(token);
        }
        setState("ready");
      })
      .catch((error: Error) => setState(error));
  }, []);
  if (state === "loading") return <Loading what="Trellis" />;
  if (state instanceof Error) return <ErrorBox error={state} />;
  return <App />;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Boot />
  </StrictMode>,
);
