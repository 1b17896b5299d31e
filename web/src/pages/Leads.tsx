import { useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import { href } from "../router";
import type { Lead } from "../types";
import { useApi } from "../useApi";
import { LeadSuggestions } from "./LeadSuggestions";

export function money(amount: string | null, currency: string | null): string {
  if (!amount) return "—";
  const value = Number(amount);
  if (!currency || Number.isNaN(value)) return amount;
  // Display only: the amount stays the API's decimal string everywhere else.
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(value);
}

const STATUS_LABEL: Record<Lead["status"], string> = {
  not_sent: "Not sent",
  sent: "Waiting",
  accepted: "Accepted",
  declined: "Declined",
};

const TABS = [
  { id: "received", label: "Received", empty: "No leads received yet. Partners' leads appear here." },
  { id: "sent", label: "Sent", empty: "No leads sent to partners yet." },
  { id: "not_sent", label: "Not sent", empty: "No leads waiting to be sent." },
] as const;

export function Leads({ tab = "received" }: { tab?: string }) {
  const current = TABS.find((entry) => entry.id === tab) ?? TABS[0];
  const leads = useApi(() => api<Page<Lead>>("/leads", { query: { tab: current.id, limit: 50 } }), [current.id]);
  return (
    <section aria-labelledby="leads-heading">
      <h1 id="leads-heading">Leads</h1>
      <nav className="subnav" aria-label="Lead tabs">
        {TABS.map((entry) => (
          <a key={entry.id} href={href(`/leads/${entry.id}`)} aria-current={entry.id === current.id ? "page" : undefined}>
            {entry.label}
          </a>
        ))}
      </nav>
      <Show loadable={leads} what="leads">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{current.empty}</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((lead) => (
                <LeadCard key={lead.id} lead={lead} actionable={current.id === "received"} onChanged={leads.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function LeadCard({ lead, actionable, onChanged }: { lead: Lead; actionable: boolean; onChanged: () => void }) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `lead-${lead.id}`;

  async function act(action: "accept" | "decline") {
    setBusy(true);
    setError(null);
    try {
      await api<Lead>(`/leads/${lead.id}/${action}`, {
        method: "POST",
        body: action === "decline" ? { reason } : undefined,
      });
      onChanged();
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  const contact = lead.contact ? [lead.contact.first_name, lead.contact.last_name].filter(Boolean).join(" ") : "";
  return (
    <li className="card" aria-labelledby={headingId}>
      <div className="row-between">
        <h2 id={headingId}>{lead.company_name}</h2>
        <span className={`tag status-${lead.status}`}>{STATUS_LABEL[lead.status]}</span>
      </div>
      <p className="muted">
        {[lead.website, lead.country, money(lead.estimated_value, lead.currency), contact].filter((part) => part && part !== "—").join(" · ")}
      </p>
      <p className="muted">Created {formatDate(lead.created_at)}</p>
      {lead.status === "declined" && lead.decline_reason && <p>Declined: {lead.decline_reason}</p>}
      {error && <ErrorBox error={error} />}
      {lead.status === "not_sent" && <LeadSuggestions lead={lead} onSent={onChanged} />}
      {actionable &&
        lead.status === "sent" &&
        (declining ? (
          <form
            className="stacked"
            onSubmit={(event) => {
              event.preventDefault();
              void act("decline");
            }}
          >
            <label>
              Reason for declining {lead.company_name}
              <textarea value={reason} onChange={(event) => setReason(event.target.value)} required rows={2} />
            </label>
            <div className="actions">
              <button type="submit" disabled={busy || !reason.trim()}>
                Decline lead
              </button>
              <button type="button" onClick={() => setDeclining(false)} disabled={busy}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <div className="actions">
            <button type="button" className="primary" onClick={() => void act("accept")} disabled={busy}>
              Accept
            </button>
            <button type="button" onClick={() => setDeclining(true)} disabled={busy}>
              Decline…
            </button>
          </div>
        ))}
    </li>
  );
}
