import { useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import type { Partnership } from "../types";
import { useApi } from "../useApi";
import { money } from "./Leads";

type Entry = {
  id: string;
  deal_id: string;
  deal_name: string;
  kind: "commission" | "adjustment" | "clawback";
  status: "pending" | "approved" | "paid";
  beneficiary: { partnership_id: string; organisation_id: string | null; role: string };
  amount: string;
  currency: string;
  effective_at: string;
  expected_payout_on: string;
  approved_at: string | null;
  paid_at: string | null;
  payout_id: string | null;
};
type Payout = {
  id: string;
  partnership_id: string;
  currency: string;
  amount: string;
  status: "open" | "paid";
  reference: string | null;
  lines: { entry_id: string; deal_id: string; kind: string; amount: string }[];
  created_at: string;
  paid_at: string | null;
};

const APPROVE_AT_ONCE = 25; // POST /commissions/approve takes at most 25 entries

export function Commissions() {
  const [status, setStatus] = useState("");
  const [month, setMonth] = useState("");
  const [partnershipId, setPartnershipId] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const partners = useApi(() => api<Page<Partnership>>("/partnerships", { query: { sort: "name", limit: 100 } }), []);
  const entries = useApi(
    () => api<Page<Entry>>("/commissions", { query: { status, month, partnership_id: partnershipId, limit: 100 } }),
    [status, month, partnershipId],
  );
  const payouts = useApi(() => api<Page<Payout>>("/payouts", { query: { limit: 50 } }), []);
  // A selection is of entries shown: other filters start without one.
  const filter = (set: (value: string) => void, value: string) => {
    setChosen([]);
    set(value);
  };
  const nameOf = (id: string) => partners.data?.items.find((item) => item.id === id)?.company_name ?? id;

  async function act(what: string, call: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      await call();
      setSaved(what);
      setChosen([]);
      entries.reload();
      payouts.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  const approve = (ids: string[]) =>
    act(ids.length === 1 ? "Commission approved." : `${ids.length} commissions approved.`, () =>
      ids.length === 1
        ? api(`/commissions/${ids[0]}/approve`, { method: "POST" })
        : api("/commissions/approve", { method: "POST", body: { entry_ids: ids } }),
    );

  return (
    <section aria-labelledby="commissions-heading">
      <h1 id="commissions-heading">Commissions</h1>
      {error && <ErrorBox error={error} />}
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <form className="filters" role="search" aria-label="Commission filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(event) => filter(setStatus, event.target.value)}>
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="approved">Approved</option>
            <option value="paid">Paid</option>
          </select>
        </label>
        <label>
          Month
          <input type="month" value={month} onChange={(event) => filter(setMonth, event.target.value)} />
        </label>
        <label>
          Partner
          <select value={partnershipId} onChange={(event) => filter(setPartnershipId, event.target.value)}>
            <option value="">All partners</option>
            {partners.data?.items.map((item) => (
              <option key={item.id} value={item.id}>
                {item.company_name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Show loadable={entries} what="commissions">
        {(page) => {
          const pending = page.items.filter((entry) => entry.status === "pending");
          return page.items.length === 0 ? (
            <Empty>No commission entries match these filters.</Empty>
          ) : (
            <>
              <div className="actions">
                <button
                  type="button"
                  disabled={busy || chosen.length === 0}
                  onClick={() => void approve(chosen)}
                >
                  Approve selected ({chosen.length})
                </button>
                {chosen.length >= APPROVE_AT_ONCE && <span className="muted">At most {APPROVE_AT_ONCE} at once.</span>}
              </div>
              <div className="list-pane">
                <table className="table">
                  <caption className="visually-hidden">Commission entries</caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <input
                          type="checkbox"
                          aria-label="Select every pending entry shown"
                          disabled={pending.length === 0}
                          checked={pending.length > 0 && pending.slice(0, APPROVE_AT_ONCE).every((entry) => chosen.includes(entry.id))}
                          onChange={(event) =>
                            setChosen(event.target.checked ? pending.slice(0, APPROVE_AT_ONCE).map((entry) => entry.id) : [])
                          }
                        />
                      </th>
                      <th scope="col">Deal</th>
                      <th scope="col">Partner</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="wide-only">Expected payout</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((entry) => (
                      <tr key={entry.id}>
                        <td>
                          {entry.status === "pending" && (
                            <input
                              type="checkbox"
                              aria-label={`Select ${entry.deal_name} (${entry.kind})`}
                              checked={chosen.includes(entry.id)}
                              disabled={!chosen.includes(entry.id) && chosen.length >= APPROVE_AT_ONCE}
                              onChange={(event) =>
                                setChosen(event.target.checked ? [...chosen, entry.id] : chosen.filter((id) => id !== entry.id))
                              }
                            />
                          )}
                        </td>
                        <th scope="row">
                          {entry.deal_name} {entry.kind !== "commission" && <span className="tag">{entry.kind}</span>}
                        </th>
                        <td>
                          <a href={`#/partners/${entry.beneficiary.partnership_id}`}>{nameOf(entry.beneficiary.partnership_id)}</a>
                          {entry.beneficiary.role !== "partner" && <span className="muted"> ({entry.beneficiary.role})</span>}
                        </td>
                        <td>{money(entry.amount, entry.currency)}</td>
                        <td>
                          <span className="tag">{entry.status}</span>
                        </td>
                        <td className="wide-only">{entry.expected_payout_on}</td>
                        <td>
                          {entry.status === "pending" && (
                            <button
                              type="button"
                              disabled={busy}
                              aria-label={`Approve ${entry.deal_name} (${entry.kind})`}
                              onClick={() => void approve([entry.id])}
                            >
                              Approve
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {page.next_cursor && <p className="muted">Showing the newest 100 entries; narrow the filters to see others.</p>}
            </>
          );
        }}
      </Show>
      <h2 id="payouts-heading">Payouts</h2>
      <NewPayout partners={partners.data?.items ?? []} busy={busy} onCreate={(body) => act("Payout created.", () => api("/payouts", { method: "POST", body }))} />
      <Show loadable={payouts} what="payouts">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No payouts yet. Approved entries can be paid out to their partner.</Empty>
          ) : (
            <ul className="cards" aria-labelledby="payouts-heading">
              {page.items.map((payout) => (
                <li key={payout.id} className="card">
                  <div className="row-between">
                    <h3>{nameOf(payout.partnership_id)}</h3>
                    <span className="tag">{payout.status}</span>
                  </div>
                  <p>
                    {money(payout.amount, payout.currency)} for {payout.lines.length} {payout.lines.length === 1 ? "entry" : "entries"},
                    created {formatDate(payout.created_at)}
                    {payout.paid_at && `, paid ${formatDate(payout.paid_at)}`}
                    {payout.reference && ` (reference ${payout.reference})`}
                  </p>
                  {payout.status === "open" && (
                    <MarkPaid
                      payout={payout}
                      label={nameOf(payout.partnership_id)}
                      busy={busy}
                      onPaid={(reference) =>
                        act("Payout marked paid.", () =>
                          api(`/payouts/${payout.id}/paid`, { method: "POST", body: { reference: reference || null } }),
                        )
                      }
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function NewPayout({
  partners,
  busy,
  onCreate,
}: {
  partners: Partnership[];
  busy: boolean;
  onCreate: (body: { partnership_id: string; currency: string | null }) => void;
}) {
  const [partnershipId, setPartnershipId] = useState("");
  const [currency, setCurrency] = useState("");
  return (
    <form
      className="row"
      aria-label="New payout"
      onSubmit={(event) => {
        event.preventDefault();
        onCreate({ partnership_id: partnershipId, currency: currency.trim().toUpperCase() || null });
      }}
    >
      <label>
        Pay partner
        <select value={partnershipId} onChange={(event) => setPartnershipId(event.target.value)} required>
          <option value="">Choose a partner</option>
          {partners.map((item) => (
            <option key={item.id} value={item.id}>
              {item.company_name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Currency (if several)
        <input value={currency} onChange={(event) => setCurrency(event.target.value)} maxLength={3} placeholder="EUR" />
      </label>
      <button type="submit" disabled={busy || !partnershipId}>
        Create payout
      </button>
      <span className="muted">Pays every approved entry of the partner in one currency, net of clawbacks.</span>
    </form>
  );
}

function MarkPaid({ payout, label, busy, onPaid }: { payout: Payout; label: string; busy: boolean; onPaid: (reference: string) => void }) {
  const [reference, setReference] = useState("");
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        onPaid(reference.trim());
      }}
    >
      <label>
        Payment reference
        <input value={reference} onChange={(event) => setReference(event.target.value)} placeholder="Bank transfer id" />
      </label>
      <button type="submit" disabled={busy} aria-label={`Mark the payout to ${label} of ${money(payout.amount, payout.currency)} paid`}>
        Mark paid
      </button>
    </form>
  );
}
