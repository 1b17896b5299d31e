import { useState } from "react";
import { api } from "../../api";
import { Empty, ErrorBox, Loading } from "../../components";
import { href } from "../../router";
import { useApi } from "../../useApi";
import type { PortalCard, SearchResults } from "./model";

/** The rooms in the order of the menu: the API's room name, the route's segment and the label. */
const ROOMS: { room: string; path: string; label: string }[] = [
  { room: "dashboard", path: "", label: "Dashboard" },
  { room: "leads", path: "leads", label: "Leads room" },
  { room: "deals", path: "deals", label: "Deals room" },
  { room: "resources", path: "resources", label: "Resources" },
  { room: "brand", path: "brand", label: "Brand" },
  { room: "shared_files", path: "files", label: "Shared files" },
  { room: "training", path: "training", label: "Training" },
  { room: "projects", path: "projects", label: "Projects" },
  { room: "messages", path: "messages", label: "Messages" },
  { room: "network", path: "network", label: "Network" },
];

// Where a search hit's room is in the app (the kinds SearchHit names).
const ROOM_OF_HIT: Record<string, string> = {
  resource: "resources", brand: "brand", shared_file: "files", training: "training",
  project: "projects", message: "messages", lead: "leads", deal: "deals",
};

/** The header of a partnership's portal: its rooms (only those the API lets the caller enter) and search. */
export function RoomNav({ partnershipId, current }: { partnershipId: string; current: string }) {
  const card = useApi(() => api<PortalCard>(`/portal/partnerships/${partnershipId}`), [partnershipId]);
  const open = new Set(card.data?.rooms ?? ["dashboard", "leads", "deals"]);
  return (
    <div className="portal-header">
      {card.data && (
        <p className="muted">
          {card.data.vendor_organisation_name ?? "A vendor"}'s program
        </p>
      )}
      <nav aria-label="Rooms" className="subnav">
        {ROOMS.filter((entry) => open.has(entry.room)).map((entry) => (
          <a
            key={entry.room}
            href={href(`/portal/${partnershipId}${entry.path ? `/${entry.path}` : ""}`)}
            aria-current={current === (entry.path || "dashboard") ? "page" : undefined}
          >
            {entry.label}
          </a>
        ))}
        <a href={href("/portal")}>All programs</a>
      </nav>
      {card.error && card.error.message && <ErrorBox error={card.error} onRetry={card.reload} />}
      <PortalSearch partnershipId={partnershipId} />
    </div>
  );
}

function PortalSearch({ partnershipId }: { partnershipId: string }) {
  const [query, setQuery] = useState("");
  const [state, setState] = useState<SearchResults | Error | "loading" | null>(null);

  async function search() {
    if (!query.trim()) return;
    setState("loading");
    try {
      setState(await api<SearchResults>(`/portal/partnerships/${partnershipId}/search`, { query: { q: query.trim() } }));
    } catch (failure) {
      setState(failure as Error);
    }
  }

  return (
    <div className="portal-search">
      <form
        role="search"
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <label className="visually-hidden" htmlFor={`portal-search-${partnershipId}`}>
          Search the rooms
        </label>
        <input
          id={`portal-search-${partnershipId}`}
          type="search"
          value={query}
          placeholder="Search the rooms"
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" disabled={!query.trim()}>
          Search
        </button>
        {state !== null && (
          <button type="button" className="link" onClick={() => setState(null)}>
            Clear results
          </button>
        )}
      </form>
      {state === "loading" && <Loading what="results" />}
      {state instanceof Error && <ErrorBox error={state} />}
      {state !== null && state !== "loading" && !(state instanceof Error) && (
        <section aria-label="Search results" className="card">
          {state.items.length === 0 ? (
            <Empty>Nothing in the rooms matches “{state.query}”.</Empty>
          ) : (
            <ul className="hits">
              {state.items.map((hit) => (
                <li key={`${hit.kind}-${hit.id}`}>
                  <a href={href(`/portal/${partnershipId}/${ROOM_OF_HIT[hit.kind] ?? ""}`)} onClick={() => setState(null)}>
                    {hit.title}
                  </a>{" "}
                  <span className="muted">({hit.kind.replace("_", " ")})</span>
                  {hit.excerpt && <div className="muted">{hit.excerpt}</div>}
                </li>
              ))}
            </ul>
          )}
          {state.truncated && <p className="muted">Only the first results are shown: add a word to narrow the search.</p>}
        </section>
      )}
    </div>
  );
}
