import { useState } from "react";
import { ApiError, api, type Page } from "../../api";
import { Empty, ErrorBox, Show, formatDate } from "../../components";
import { useApi } from "../../useApi";
import { humanise, type Invitation, type Me, type OrganisationUser, type Preferences } from "./model";

const PARTNER_ROLES = ["partner_admin", "sales", "marketing", "project_manager", "executive"];

/** The partner organisation's people: invite a teammate, change a role, remove someone (partner admins). */
export function Team() {
  const me = useApi(() => api<Me>("/portal/me"), []);
  const users = useApi(() => api<Page<OrganisationUser>>("/organisation/users", { query: { limit: 100 } }), []);
  const isAdmin = (me.data?.roles ?? []).includes("partner_admin");
  const invitations = useApi(
    () => (isAdmin ? api<Page<Invitation>>("/organisation/invitations", { query: { limit: 50 } }) : Promise.resolve({ items: [] as Invitation[] })),
    [isAdmin],
  );
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [invite, setInvite] = useState({ email: "", name: "", role: "sales" });

  async function act(work: () => Promise<string>) {
    setError(null);
    setSaved("");
    try {
      setSaved(await work());
    } catch (failure) {
      setError(failure as Error);
    }
    users.reload();
    invitations.reload();
  }

  return (
    <section aria-labelledby="team-heading">
      <h1 id="team-heading">Team</h1>
      {error && <ErrorBox error={error} />}
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <Show loadable={users} what="your team">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No users in your organisation.</Empty>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Your team</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="wide-only">Email</th>
                  <th scope="col">Role</th>
                  {isAdmin && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {page.items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row">{user.name}</th>
                    <td className="wide-only">{user.email}</td>
                    <td>
                      {isAdmin && user.id !== me.data?.user_id ? (
                        <label>
                          <span className="visually-hidden">Role of {user.name}</span>
                          <select
                            value={user.roles[0] ?? ""}
                            onChange={(event) =>
                              void act(async () => {
                                await api(`/organisation/users/${user.id}/roles`, { method: "PUT", body: { roles: [event.target.value] } });
                                return `${user.name} is now ${humanise(event.target.value)}.`;
                              })
                            }
                          >
                            {PARTNER_ROLES.map((role) => (
                              <option key={role} value={role}>
                                {humanise(role)}
                              </option>
                            ))}
                          </select>
                        </label>
                      ) : (
                        user.roles.map(humanise).join(", ")
                      )}
                    </td>
                    {isAdmin && (
                      <td>
                        {user.id !== me.data?.user_id && (
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              if (!window.confirm(`Remove ${user.name} from your organisation?`)) return;
                              void act(async () => {
                                await api(`/organisation/users/${user.id}`, { method: "DELETE" });
                                return `${user.name} removed.`;
                              });
                            }}
                          >
                            Remove<span className="visually-hidden"> {user.name}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
      {isAdmin && (
        <>
          <form
            className="stacked card"
            aria-labelledby="invite-heading"
            onSubmit={(event) => {
              event.preventDefault();
              void act(async () => {
                await api("/organisation/invitations", {
                  method: "POST",
                  body: { email: invite.email.trim(), name: invite.name.trim() || null, roles: [invite.role] },
                });
                setInvite({ email: "", name: "", role: "sales" });
                return `Invitation sent to ${invite.email.trim()}.`;
              });
            }}
          >
            <h2 id="invite-heading">Invite a teammate</h2>
            <div className="row">
              <label>
                Email
                <input type="email" required value={invite.email} onChange={(event) => setInvite({ ...invite, email: event.target.value })} />
              </label>
              <label>
                Name
                <input value={invite.name} onChange={(event) => setInvite({ ...invite, name: event.target.value })} maxLength={200} />
              </label>
              <label>
                Role
                <select value={invite.role} onChange={(event) => setInvite({ ...invite, role: event.target.value })}>
                  {PARTNER_ROLES.map((role) => (
                    <option key={role} value={role}>
                      {humanise(role)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="actions">
              <button type="submit" className="primary" disabled={!invite.email.trim()}>
                Send invitation
              </button>
            </div>
          </form>
          <h2>Invitations</h2>
          <Show loadable={invitations} what="invitations">
            {(page) =>
              page.items.length === 0 ? (
                <Empty>No invitations.</Empty>
              ) : (
                <ul className="plain">
                  {page.items.map((invitation) => (
                    <li key={invitation.id}>
                      {invitation.email} · {invitation.roles.map(humanise).join(", ")} · {invitation.status}
                      {invitation.status === "pending" && (
                        <>
                          {" "}
                          <span className="muted">until {formatDate(invitation.expires_at)}</span>{" "}
                          <button
                            type="button"
                            className="link"
                            onClick={() =>
                              void act(async () => {
                                await api(`/organisation/invitations/${invitation.id}`, { method: "DELETE" });
                                return `Invitation to ${invitation.email} revoked.`;
                              })
                            }
                          >
                            Revoke<span className="visually-hidden"> the invitation to {invitation.email}</span>
                          </button>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )
            }
          </Show>
        </>
      )}
      {me.error instanceof ApiError && me.error.status !== 404 && <ErrorBox error={me.error} onRetry={me.reload} />}
    </section>
  );
}

/** Which notifications the caller gets, in the app and by email, and the email digest. */
export function NotificationPreferences() {
  const preferences = useApi(() => api<Preferences>("/notifications/preferences"), []);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);
  // A ticked box shows at once; the saved preferences replace it once the answer is back.
  const [pending, setPending] = useState<Record<string, boolean>>({});

  async function save(body: object, what: string) {
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      await api<Preferences>("/notifications/preferences", { method: "PATCH", body });
      setSaved(`${what} saved.`);
      preferences.reload();
    } catch (failure) {
      setError(failure as Error);
      setPending({});
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="preferences-heading">
      <h1 id="preferences-heading">Notification preferences</h1>
      {error && <ErrorBox error={error} />}
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <Show loadable={preferences} what="your preferences">
        {(current) => (
          <>
            <p className="muted">Emails go to {current.email_address ?? "your sign-in address"}.</p>
            <label>
              Email digest
              <select
                value={current.digest}
                disabled={busy}
                onChange={(event) => void save({ digest: event.target.value }, "Digest")}
              >
                <option value="off">Off</option>
                <option value="daily">Daily</option>
                <option value="weekly">Weekly</option>
              </select>
            </label>
            {current.categories.length === 0 ? (
              <Empty>There are no kinds of notification to choose from.</Empty>
            ) : (
              <table className="table">
                <caption className="visually-hidden">Notifications by kind</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">In the app</th>
                    <th scope="col">Email</th>
                  </tr>
                </thead>
                <tbody>
                  {current.categories.map((category) => (
                    <tr key={category.category}>
                      <th scope="row">
                        {category.label}
                        <div className="muted">{category.description}</div>
                      </th>
                      {(["in_app", "email"] as const).map((channel) => (
                        <td key={channel}>
                          <input
                            type="checkbox"
                            aria-label={`${category.label}: ${channel === "in_app" ? "in the app" : "email"}`}
                            checked={pending[`${category.category}.${channel}`] ?? category[channel]}
                            disabled={busy}
                            onChange={(event) => {
                              setPending({ ...pending, [`${category.category}.${channel}`]: event.target.checked });
                              void save({ categories: { [category.category]: { [channel]: event.target.checked } } }, category.label);
                            }}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
