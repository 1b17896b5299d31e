import { useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import type { Lead } from "../types";
import { useApi } from "../useApi";

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

export function LeadsReceived() {
  const leads = useApi(() => api<Page<Lead>>("/leads", { query: { tab: "received", limit: 50 } }), []);
  return (
    <section aria-labelledby="leads-heading">
      <h1 id="leads-heading">Leads received</h1>
      <Show loadable={leads} what="leads">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No leads received yet. Partners' leads appear here.</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((lead) => (
                <ReceivedLead key={lead.id} lead={lead} onChanged={leads.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function ReceivedLead({ lead, onChanged }: { lead: Lead; onChanged: () => void }) {
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
      <p className="muted">Received {formatDate(lead.created_at)}</p>
      {lead.status === "declined" && lead.decline_reason && <p>Declined: {lead.decline_reason}</p>}
      {error && <ErrorBox error={error} />}
      {lead.status === "sent" &&
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
