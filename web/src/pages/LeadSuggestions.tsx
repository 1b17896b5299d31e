import { useState } from "react";
import { api } from "../api";
import { Empty, ErrorBox, Show, nameOf } from "../components";
import { stageLabel, type RoutingSuggestions, type Suggestion } from "../crmTypes";
import type { Lead, Program } from "../types";
import { useApi } from "../useApi";

/** A lead not sent yet: the partners routing suggests, why each scores, and sending to one. */
export function LeadSuggestions({ lead, onSent }: { lead: Lead; onSent: () => void }) {
  const [open, setOpen] = useState(false);
  const panelId = `suggestions-${lead.id}`;
  return (
    <div className="stacked">
      <div className="actions">
        <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
          {open ? "Hide suggested partners" : `Suggested partners for ${lead.company_name}`}
        </button>
      </div>
      {open && (
        <div id={panelId}>
          <SuggestionList lead={lead} onSent={onSent} />
        </div>
      )}
    </div>
  );
}

function SuggestionList({ lead, onSent }: { lead: Lead; onSent: () => void }) {
  const suggestions = useApi(() => api<RoutingSuggestions>(`/leads/${lead.id}/suggestions`, { query: { limit: 10 } }), [lead.id]);
  // Tiers come as the program's ids; the program names them (a failure leaves the id).
  const program = useApi(() => api<Program>("/program"), []);
  return (
    <Show loadable={suggestions} what="suggested partners">
      {(answer) =>
        answer.items.length === 0 ? (
          <Empty>
            No partner fits this lead
            {answer.candidates === 0 ? (lead.country ? ` (none takes leads in ${lead.country})` : "") : ""}.
          </Empty>
        ) : (
          <ol className="plain" aria-label={`Suggested partners for ${lead.company_name}`}>
            {answer.items.map((suggestion) => (
              <SuggestionItem
                key={suggestion.partnership_id}
                lead={lead}
                suggestion={suggestion}
                tier={suggestion.tier ? nameOf(program.data?.tiers, suggestion.tier) : null}
                onSent={onSent}
              />
            ))}
          </ol>
        )
      }
    </Show>
  );
}

function SuggestionItem({ lead, suggestion, tier, onSent }: { lead: Lead; suggestion: Suggestion; tier: string | null; onSent: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `suggestion-${lead.id}-${suggestion.partnership_id}`;

  async function send() {
    setBusy(true);
    setError(null);
    try {
      await api<Lead>(`/leads/${lead.id}/send`, { method: "POST", body: { partnership_id: suggestion.partnership_id } });
      onSent();
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <li className="suggestion" aria-labelledby={headingId}>
      <div className="row-between">
        <h3 id={headingId}>{suggestion.company_name}</h3>
        <span className="score" aria-label={`Score ${suggestion.score} of 100`}>
          {suggestion.score}
          <span className="muted">/100</span>
        </span>
      </div>
      <p className="muted">
        {[stageLabel(suggestion.partnership_type), tier && `Tier ${tier}`].filter(Boolean).join(" · ")}
      </p>
      {suggestion.explanation.length > 0 ? (
        <ul className="explanation" aria-label={`Why ${suggestion.company_name} scores ${suggestion.score}`}>
          {suggestion.explanation.map((reason) => (
            <li key={`${reason.criterion}:${reason.detail}`} className={reason.points ? undefined : "muted"}>
              <strong>{stageLabel(reason.criterion)}</strong> +{reason.points}: {reason.detail}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No criterion of this partner's profile matches the lead.</p>
      )}
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void send()} disabled={busy}>
          Send to {suggestion.company_name}
        </button>
      </div>
    </li>
  );
}
