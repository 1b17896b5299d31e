import { api, type Page } from "../api";
import { Empty, Show, formatDate } from "../components";
import { href } from "../router";
import type { Deal } from "../types";
import { useApi } from "../useApi";
import { money } from "./Leads";

const STATUS: Record<Deal["status"], string> = { open: "Open", closed_won: "Won", closed_lost: "Lost" };

const TABS = [
  { id: "owned", label: "All my deals", empty: "No deals yet: accepting a lead creates one." },
  { id: "sent", label: "Sent", empty: "No deals from leads you sent." },
  { id: "network", label: "Network", empty: "No deals in your distribution network." },
] as const;

export function DealsTable({ deals, caption }: { deals: Deal[]; caption: string }) {
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Deal</th>
          <th scope="col">Status</th>
          <th scope="col">Amount</th>
          <th scope="col" className="wide-only">Source</th>
          <th scope="col" className="wide-only">Created</th>
        </tr>
      </thead>
      <tbody>
        {deals.map((deal) => (
          <tr key={deal.id}>
            <th scope="row">{deal.name}</th>
            <td>
              <span className={`tag status-${deal.status}`}>{STATUS[deal.status]}</span>
            </td>
            <td>{money(deal.amount, deal.currency)}</td>
            <td className="wide-only">{deal.source}</td>
            <td className="wide-only">{formatDate(deal.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The vendor console's deals, by owner company: the tabs of the product's CRM. */
export function Deals({ tab = "owned" }: { tab?: string }) {
  const current = TABS.find((entry) => entry.id === tab) ?? TABS[0];
  const deals = useApi(() => api<Page<Deal>>("/deals", { query: { tab: current.id, limit: 50 } }), [current.id]);
  return (
    <section aria-labelledby="deals-heading">
      <h1 id="deals-heading">Deals</h1>
      <nav className="subnav" aria-label="Deal tabs">
        {TABS.map((entry) => (
          <a key={entry.id} href={href(`/deals/${entry.id}`)} aria-current={entry.id === current.id ? "page" : undefined}>
            {entry.label}
          </a>
        ))}
      </nav>
      <Show loadable={deals} what="deals">
        {(page) => (page.items.length === 0 ? <Empty>{current.empty}</Empty> : <DealsTable deals={page.items} caption="Deals" />)}
      </Show>
    </section>
  );
}
