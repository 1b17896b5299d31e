import { useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import type { Notification } from "../types";
import { useApi } from "../useApi";

/** A notification's API path as the app's route, where the app has a screen for it. */
function appLink(link: string | null): string | null {
  const partnership = link?.match(/^\/partnerships\/([^/]+)/);
  if (partnership) return `#/partners/${partnership[1]}/activity`;
  if (link?.startsWith("/leads/")) return "#/leads";
  return null;
}

export function Notifications({ onChanged }: { onChanged: () => void }) {
  const inbox = useApi(() => api<Page<Notification>>("/notifications", { query: { limit: 50 } }), []);
  const [error, setError] = useState<Error | null>(null);

  async function mark(path: string) {
    setError(null);
    try {
      await api(path, { method: "POST" });
      inbox.reload();
      onChanged();
    } catch (failure) {
      setError(failure as Error);
    }
  }

  return (
    <section aria-labelledby="notifications-heading">
      <div className="row-between">
        <h1 id="notifications-heading">Notifications</h1>
        <button type="button" onClick={() => void mark("/notifications/read-all")} disabled={!inbox.data?.items.some((n) => !n.read)}>
          Mark all read
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      <Show loadable={inbox} what="notifications">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>You're all caught up: no notifications.</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((item) => (
                <li key={item.id} className={item.read ? "card read" : "card unread"}>
                  <div className="row-between">
                    <h2>
                      {!item.read && <span className="visually-hidden">Unread: </span>}
                      {item.title}
                    </h2>
                    {!item.read && (
                      <button type="button" onClick={() => void mark(`/notifications/${encodeURIComponent(item.id)}/read`)} aria-label={`Mark "${item.title}" read`}>
                        Mark read
                      </button>
                    )}
                  </div>
                  <p>{item.body}</p>
                  {appLink(item.link) && (
                    <p>
                      <a href={appLink(item.link)!} aria-label={`Open: ${item.title}`}>
                        Open
                      </a>
                    </p>
                  )}
                  <p className="muted">
                    <time dateTime={item.created_at}>{formatDate(item.created_at)}</time> · {item.category}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
