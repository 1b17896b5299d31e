import { useState } from "react";
import { api } from "../api";
import { Empty, ErrorBox, Show } from "../components";
import { config } from "../config";
import { startHostedLogin } from "../cognito";
import { saveSession, type Session } from "../session";
import { useApi } from "../useApi";

type DemoUser = {
  email: string;
  name: string;
  organisation_name: string | null;
  organisation_kind: "vendor" | "partner" | null;
  roles: string[];
};

export function Login({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const settings = config();
  if (settings.auth === "cognito") {
    return (
      <main className="login" id="main">
        <h1>Sign in to Trellis</h1>
        <button type="button" className="primary" onClick={() => void startHostedLogin(settings)}>
          Sign in
        </button>
      </main>
    );
  }
  return <LocalLogin onSignedIn={onSignedIn} />;
}

function LocalLogin({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const users = useApi(() => api<{ users: DemoUser[] }>("/local/users", { auth: false }), []);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function signIn(email: string) {
    setBusy(email);
    setError(null);
    try {
      const answer = await api<{ id_token: string }>("/local/token", { method: "POST", body: { email }, auth: false });
      onSignedIn(saveSession(answer.id_token));
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(null);
    }
  }

  return (
    <main className="login" id="main">
      <h1>Sign in to Trellis</h1>
      <p className="muted">Local stack: pick a demo user. The local issuer signs a token with their claims.</p>
      {error && <ErrorBox error={error} />}
      <Show loadable={users} what="demo users">
        {({ users: list }) =>
          list.length === 0 ? (
            <Empty>No demo users.</Empty>
          ) : (
            (["vendor", "partner"] as const).map((kind) => (
              <section key={kind} aria-labelledby={`login-${kind}`}>
                <h2 id={`login-${kind}`}>{kind === "vendor" ? "Vendors (console)" : "Partners (portal)"}</h2>
                <ul className="user-list">
                  {list
                    .filter((user) => (user.organisation_kind ?? "partner") === kind)
                    .map((user) => (
                      <li key={user.email}>
                        <button
                          type="button"
                          onClick={() => void signIn(user.email)}
                          disabled={busy !== null}
                          aria-label={`Sign in as ${user.email}`}
                        >
                          <span className="user-name">{user.name}</span>
                          <span className="muted">
                            {user.email} · {user.organisation_name} · {user.roles.join(", ")}
                          </span>
                        </button>
                      </li>
                    ))}
                </ul>
              </section>
            ))
          )
        }
      </Show>
    </main>
  );
}
