import { useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate, nameOf } from "../components";
import { href } from "../router";
import type { Partnership, Program } from "../types";
import { useApi } from "../useApi";

type Reseller = { id: string; company_name: string; partnership_type: string; stage: string; country: string | null; assigned_at: string };
type Module = { enabled: boolean; version: number };

/** The distributors of the program, each with its current resellers (GET /distributors/{id}/resellers). */
export function Network() {
  const module = useApi(() => api<Module>("/distributor-module"), []);
  const program = useApi(() => api<Program>("/program"), []);
  const distributors = useApi(
    () => api<Page<Partnership>>("/partnerships", { query: { type: "distributor", sort: "name", limit: 100 } }),
    [],
  );
  // Partnerships of type reseller, offered to every distributor (one read for the page).
  const candidates = useApi(
    () => api<Page<Partnership>>("/partnerships", { query: { type: "reseller", sort: "name", limit: 100 } }),
    [],
  );
  return (
    <section aria-labelledby="network-heading">
      <h1 id="network-heading">Distribution network</h1>
      {module.data && !module.data.enabled && (
        <p className="muted">
          The distributor module is off: switch it on in <a href={href("/settings")}>Settings</a> to assign resellers.
        </p>
      )}
      <Show loadable={distributors} what="distributors">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No distributor yet: a partnership of type “distributor” appears here with its resellers.</Empty>
          ) : (
            <ul className="cards tree" aria-label="Distributors">
              {page.items.map((distributor) => (
                <Distributor key={distributor.id} distributor={distributor} program={program.data} candidates={candidates.data?.items ?? []} />
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

type DistributorProps = { distributor: Partnership; program: Program | null; candidates: Partnership[] };

function Distributor({ distributor, program, candidates }: DistributorProps) {
  const resellers = useApi(
    () => api<Page<Reseller>>(`/distributors/${distributor.id}/resellers`, { query: { limit: 50 } }),
    [distributor.id],
  );
  const [adding, setAdding] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const headingId = `distributor-${distributor.id}`;

  async function change(method: "POST" | "DELETE", resellerId: string) {
    setError(null);
    try {
      await api(`/distributors/${distributor.id}/resellers${method === "DELETE" ? `/${resellerId}` : ""}`, {
        method,
        body: method === "POST" ? { reseller_id: resellerId } : undefined,
      });
      setAdding("");
      resellers.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  }

  const assigned = new Set(resellers.data?.items.map((item) => item.id));
  return (
    <li className="card" aria-labelledby={headingId}>
      <h2 id={headingId} className="row-between">
        <a href={href(`/partners/${distributor.id}`)}>{distributor.company_name}</a>
        <span className="tag stage">{nameOf(program?.stages, distributor.stage)}</span>
      </h2>
      {error && <ErrorBox error={error} />}
      <Show loadable={resellers} what="resellers">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No resellers assigned.</p>
          ) : (
            <ul className="plain nested" aria-label={`Resellers of ${distributor.company_name}`}>
              {page.items.map((reseller) => (
                <li key={reseller.id} className="row-between">
                  <span>
                    <a href={href(`/partners/${reseller.id}`)}>{reseller.company_name}</a>{" "}
                    <span className="muted">
                      {reseller.country ?? ""} · since {formatDate(reseller.assigned_at)}
                    </span>
                  </span>
                  <button
                    type="button"
                    className="link"
                    aria-label={`End ${reseller.company_name}'s assignment to ${distributor.company_name}`}
                    onClick={() => void change("DELETE", reseller.id)}
                  >
                    Remove
                  </button>
                </li>
              ))}
              {page.next_cursor && <li className="muted">Showing the first 50 resellers.</li>}
            </ul>
          )
        }
      </Show>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (adding) void change("POST", adding);
        }}
      >
        <label>
          Add a reseller
          <select value={adding} onChange={(event) => setAdding(event.target.value)}>
            <option value="">Choose a reseller</option>
            {candidates
              .filter((item) => !assigned.has(item.id))
              .map((item) => (
                <option key={item.id} value={item.id}>
                  {item.company_name}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" disabled={!adding}>
          Assign
        </button>
      </form>
    </li>
  );
}
