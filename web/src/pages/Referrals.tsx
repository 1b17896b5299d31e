import { useEffect, useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Loading, formatDate } from "../components";
import type { Referral } from "../crmTypes";
import { href } from "../router";
import type { Partnership } from "../types";

const DIRECTIONS = [
  { id: "in", label: "To our deals", empty: "No one has referred a deal of yours yet." },
  { id: "out", label: "Our referrals", empty: "You have not referred a deal yet." },
] as const;

const STATUS_LABEL: Record<Referral["status"], string> = { pending: "Pending", accepted: "Accepted", declined: "Declined" };

export function Referrals({ direction = "in" }: { direction?: string }) {
  const current = DIRECTIONS.find((entry) => entry.id === direction) ?? DIRECTIONS[0];
  const [items, setItems] = useState<Referral[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | Error>("loading");
  // A referral names the partnership it came through, not its company: look each one up once.
  const [names, setNames] = useState<Record<string, string>>({});
  const partnershipIds = [...new Set(items.map((entry) => entry.partnership_id).filter((id): id is string => Boolean(id)))];
  const missing = partnershipIds.filter((id) => !(id in names)).join(",");
  useEffect(() => {
    if (!missing) return;
    for (const id of missing.split(",")) {
      api<Partnership>(`/partnerships/${id}`).then(
        (partnership) => setNames((previous) => ({ ...previous, [id]: partnership.company_name })),
        () => setNames((previous) => ({ ...previous, [id]: "" })),
      );
    }
  }, [missing]);

  async function load(from: string | null) {
    setState("loading");
    try {
      const page = await api<Page<Referral>>("/referrals", { query: { direction: current.id, limit: 25, cursor: from } });
      setItems((previous) => (from ? [...previous, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setState("ready");
    } catch (error) {
      setState(error as Error);
    }
  }

  useEffect(() => {
    setItems([]);
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current.id]);

  function partnerName(referral: Referral): string {
    const name = referral.partnership_id ? names[referral.partnership_id] : undefined;
    return name || (referral.direction === "in" ? referral.referrer_organisation_id : referral.owner_organisation_id);
  }

  function replaced(updated: Referral) {
    setItems((previous) => previous.map((entry) => (entry.id === updated.id ? updated : entry)));
  }

  return (
    <section aria-labelledby="referrals-heading">
      <h1 id="referrals-heading">Referrals</h1>
      <nav className="subnav" aria-label="Referral direction">
        {DIRECTIONS.map((entry) => (
          <a key={entry.id} href={href(`/referrals/${entry.id}`)} aria-current={entry.id === current.id ? "page" : undefined}>
            {entry.label}
          </a>
        ))}
      </nav>
      {state instanceof Error && <ErrorBox error={state} onRetry={() => void load(null)} />}
      {state === "loading" && items.length === 0 && <Loading what="referrals" />}
      {state === "ready" && items.length === 0 && <Empty>{current.empty}</Empty>}
      {items.length > 0 && (
        <ul className="cards">
          {items.map((referral) => (
            <ReferralCard key={referral.id} referral={referral} partner={partnerName(referral)} onChanged={replaced} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)} disabled={state === "loading"}>
          Load more referrals
        </button>
      )}
    </section>
  );
}

function ReferralCard({ referral, partner, onChanged }: { referral: Referral; partner: string; onChanged: (referral: Referral) => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `referral-${referral.id}`;

  async function setStatus(status: Referral["status"]) {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<Referral>(`/referrals/${referral.id}/status`, { method: "PUT", body: { status } }));
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card" aria-labelledby={headingId}>
      <div className="row-between">
        <h2 id={headingId}>{referral.deal_name}</h2>
        <span className={`tag status-${referral.status}`}>{STATUS_LABEL[referral.status]}</span>
      </div>
      <p className="muted">
        {referral.direction === "in" ? `Referred by ${partner}` : `Referred to ${partner}`} · {formatDate(referral.created_at)}
      </p>
      {error && <ErrorBox error={error} />}
      {referral.editable && (
        <div className="actions" role="group" aria-label={`Status of the referral of ${referral.deal_name}`}>
          {(["accepted", "declined", "pending"] as const)
            .filter((status) => status !== referral.status)
            .map((status) => (
              <button
                key={status}
                type="button"
                className={status === "accepted" ? "primary" : undefined}
                onClick={() => void setStatus(status)}
                disabled={busy}
              >
                {status === "accepted" ? "Accept" : status === "declined" ? "Decline" : "Back to pending"}
              </button>
            ))}
        </div>
      )}
    </li>
  );
}
