import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from "chart.js";
import { useState } from "react";
import { Bar } from "react-chartjs-2";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import { href } from "../router";
import type { Deal, Lead, PortalDashboard, PortalProgram } from "../types";
import { DealsTable } from "./Deals";
import { useApi } from "../useApi";
import { money } from "./Leads";
import { humanise } from "./portal/model";
import { RoomNav } from "./portal/RoomNav";

// Only what the bar chart uses, so the bundle carries no other chart types.
ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export function Programs() {
  const programs = useApi(() => api<{ items: PortalProgram[] }>("/portal/programs"), []);
  return (
    <section aria-labelledby="programs-heading">
      <h1 id="programs-heading">Your partner programs</h1>
      <Show loadable={programs} what="programs">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>Your organisation is not a partner in any program yet.</Empty>
          ) : (
            <ul className="cards">
              {items.map((program) => (
                <li key={program.partnership_id} className="card">
                  <h2>
                    <a href={href(`/portal/${program.partnership_id}`)}>{program.vendor_organisation_name ?? "A vendor"}</a>
                  </h2>
                  <p className="muted">
                    {[
                      humanise(program.partnership_type),
                      program.tier && `${program.tier_name ?? humanise(program.tier)} tier`,
                      program.stage && `${program.stage_name ?? humanise(program.stage)} stage`,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                    {program.archived ? " · archived" : ""}
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

export function PortalNav({ partnershipId, current }: { partnershipId: string; current: string }) {
  return <RoomNav partnershipId={partnershipId} current={current} />;
}

export function Dashboard({ partnershipId }: { partnershipId: string }) {
  const dashboard = useApi(() => api<PortalDashboard>(`/portal/partnerships/${partnershipId}/dashboard`), [partnershipId]);
  return (
    <section aria-labelledby="dashboard-heading">
      <PortalNav partnershipId={partnershipId} current="dashboard" />
      <h1 id="dashboard-heading">Dashboard</h1>
      <Show loadable={dashboard} what="the dashboard">
        {(figures) => (
          <>
            <dl className="figures">
              <Figure label="Tier" value={humanise(figures.tier) || "—"} />
              <Figure label="Stage" value={humanise(figures.stage) || "—"} />
              <Figure label="Leads submitted" value={String(figures.leads_submitted)} />
              <Figure label="Conversion" value={figures.conversion_rate ? `${figures.conversion_rate} %` : "—"} />
              <Figure label="Won revenue" value={figures.won_revenue.map((m) => money(m.amount, m.currency)).join(", ") || "—"} />
              <Figure label="Certifications" value={String(figures.certifications)} />
            </dl>
            <div className="chart" role="img" aria-label={chartSummary(figures)}>
              <Bar
                data={{
                  labels: ["Leads", "Deals"],
                  datasets: [
                    { label: "Open / waiting", data: [figures.leads_submitted - figures.leads_accepted - figures.leads_declined, figures.deals_open], backgroundColor: "#8fa8c8" },
                    { label: "Accepted / won", data: [figures.leads_accepted, figures.deals_won], backgroundColor: "#2f7d4f" },
                    { label: "Declined / lost", data: [figures.leads_declined, figures.deals_lost], backgroundColor: "#b4533c" },
                  ],
                }}
                options={{
                  responsive: true,
                  maintainAspectRatio: false,
                  animation: false,
                  scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
                }}
              />
            </div>
            <h2>Recent activity</h2>
            {figures.recent_activity.length === 0 ? (
              <Empty>Nothing has happened yet.</Empty>
            ) : (
              <ol className="timeline">
                {figures.recent_activity.map((entry) => (
                  <li key={`${entry.occurred_at}-${entry.text}`}>
                    <span>{entry.text}</span>
                    <time className="muted" dateTime={entry.occurred_at}>
                      {formatDate(entry.occurred_at)}
                    </time>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function chartSummary(figures: PortalDashboard): string {
  return (
    `Leads: ${figures.leads_submitted} submitted, ${figures.leads_accepted} accepted, ${figures.leads_declined} declined. ` +
    `Deals: ${figures.deals_open} open, ${figures.deals_won} won, ${figures.deals_lost} lost.`
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

const EMPTY_LEAD = { company_name: "", website: "", country: "", estimated_value: "", currency: "EUR", first_name: "", last_name: "", email: "", notes: "" };

export function LeadsRoom({ partnershipId }: { partnershipId: string }) {
  const leads = useApi(() => api<Page<Lead>>("/leads", { query: { tab: "sent", limit: 100 } }), []);
  const [form, setForm] = useState(EMPTY_LEAD);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [submitted, setSubmitted] = useState("");
  const set = (name: keyof typeof EMPTY_LEAD) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });

  async function submit() {
    setBusy(true);
    setError(null);
    setSubmitted("");
    const contact = form.first_name || form.last_name || form.email
      ? { first_name: form.first_name || null, last_name: form.last_name || null, email: form.email || null }
      : null;
    try {
      const lead = await api<Lead>("/leads", {
        method: "POST",
        body: {
          partnership_id: partnershipId,
          company_name: form.company_name,
          website: form.website || null,
          country: form.country || null,
          estimated_value: form.estimated_value || null,
          currency: form.estimated_value ? form.currency : null,
          notes: form.notes || null,
          contact,
        },
      });
      setSubmitted(`Lead ${lead.company_name} submitted.`);
      setForm(EMPTY_LEAD);
      leads.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="leads-room-heading">
      <PortalNav partnershipId={partnershipId} current="leads" />
      <h1 id="leads-room-heading">Leads room</h1>
      <form
        className="stacked card"
        aria-labelledby="submit-lead-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h2 id="submit-lead-heading">Submit a lead</h2>
        {error && <ErrorBox error={error} />}
        <p role="status" aria-live="polite" className="saved">
          {submitted}
        </p>
        <label>
          Company name
          <input value={form.company_name} onChange={set("company_name")} required maxLength={200} />
        </label>
        <div className="row">
          <label>
            Website
            <input value={form.website} onChange={set("website")} placeholder="example.com" />
          </label>
          <label>
            Country
            <input value={form.country} onChange={set("country")} placeholder="NL" maxLength={2} />
          </label>
        </div>
        <div className="row">
          <label>
            Estimated value
            <input value={form.estimated_value} onChange={set("estimated_value")} inputMode="decimal" placeholder="12000" />
          </label>
          <label>
            Currency
            <select value={form.currency} onChange={set("currency")}>
              {["EUR", "USD", "GBP"].map((code) => (
                <option key={code}>{code}</option>
              ))}
            </select>
          </label>
        </div>
        <fieldset>
          <legend>Contact</legend>
          <div className="row">
            <label>
              First name
              <input value={form.first_name} onChange={set("first_name")} />
            </label>
            <label>
              Last name
              <input value={form.last_name} onChange={set("last_name")} />
            </label>
          </div>
          <label>
            Email
            <input type="email" value={form.email} onChange={set("email")} />
          </label>
        </fieldset>
        <label>
          Notes
          <textarea value={form.notes} onChange={set("notes")} rows={2} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !form.company_name.trim()}>
            Submit lead
          </button>
        </div>
      </form>
      <h2>Your leads</h2>
      <Show loadable={leads} what="your leads">
        {(page) => {
          const mine = page.items.filter((lead) => lead.partnership_id === partnershipId);
          return mine.length === 0 ? (
            <Empty>No leads submitted in this program yet.</Empty>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Your leads</caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="wide-only">Value</th>
                  <th scope="col" className="wide-only">Submitted</th>
                </tr>
              </thead>
              <tbody>
                {mine.map((lead) => (
                  <tr key={lead.id}>
                    <th scope="row">{lead.company_name}</th>
                    <td>
                      {lead.status}
                      {lead.decline_reason ? `: ${lead.decline_reason}` : ""}
                    </td>
                    <td className="wide-only">{money(lead.estimated_value, lead.currency)}</td>
                    <td className="wide-only">{formatDate(lead.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Show>
    </section>
  );
}


/** The deals of this program the partner sees: those from its leads (the vendor owns them) and its own. */
export function DealsRoom({ partnershipId }: { partnershipId: string }) {
  const deals = useApi(async () => {
    const [sent, owned] = await Promise.all(
      (["sent", "owned"] as const).map((tab) => api<Page<Deal>>("/deals", { query: { tab, limit: 100 } })),
    );
    return [...sent.items, ...owned.items]
      .filter((deal) => deal.partnership_id === partnershipId)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }, [partnershipId]);
  return (
    <section aria-labelledby="deals-room-heading">
      <PortalNav partnershipId={partnershipId} current="deals" />
      <h1 id="deals-room-heading">Deals room</h1>
      <Show loadable={deals} what="deals">
        {(items) =>
          items.length === 0 ? (
            <Empty>No deals in this program yet: a lead the vendor accepts becomes one.</Empty>
          ) : (
            <DealsTable deals={items} caption="Your deals" />
          )
        }
      </Show>
    </section>
  );
}
