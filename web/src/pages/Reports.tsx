import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from "chart.js";
import { Bar } from "react-chartjs-2";
import { api } from "../api";
import { Empty, Show } from "../components";
import type { Money } from "../types";
import { useApi } from "../useApi";
import { money } from "./Leads";

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type JourneyStage = {
  stage_id: string;
  name: string;
  partners: number;
  entered: number;
  moved_on: number;
  conversion_rate: number | null;
  median_hours_in_stage: number | null;
};
type Journey = { stages: JourneyStage[]; time_to_first_deal: { partnerships_with_a_deal: number; median_days: number | null } };

type Figures = {
  leads: number;
  leads_accepted: number;
  acceptance_rate: number | null;
  deals_won: number;
  deals_open: number;
  won_revenue: Money[];
  pipeline: Money[];
};
type Performance = {
  period: { first_month: string; last_month: string };
  totals: Figures;
  partners: (Figures & { partnership_id: string; company_name: string; tier: string | null })[];
};

type NetworkFigures = {
  leads: number;
  leads_accepted: number;
  acceptance_rate: number | null;
  deals_won: number;
  deals_open: number;
  won_revenue: Money[];
  pipeline: Money[];
};
type NetworkReport = {
  period: { first_month: string; last_month: string };
  totals: NetworkFigures;
  distributors: (NetworkFigures & {
    distributor_id: string | null;
    company_name: string | null;
    resellers: (NetworkFigures & { partnership_id: string; company_name: string | null })[];
  })[];
};

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);
const amounts = (values: Money[]) => values.map((value) => money(value.amount, value.currency)).join(", ") || "—";

export function Reports() {
  const journey = useApi(() => api<Journey>("/reports/journey"), []);
  const performance = useApi(() => api<Performance>("/reports/partner-performance"), []);
  const network = useApi(() => api<NetworkReport>("/reports/distribution-network"), []);
  return (
    <section aria-labelledby="reports-heading">
      <h1 id="reports-heading">Reports</h1>
      <h2 id="journey-heading">Partner journey</h2>
      <Show loadable={journey} what="the journey report">
        {(report) => (
          <>
            <div
              className="chart"
              role="img"
              aria-label={report.stages.map((stage) => `${stage.name}: ${stage.partners} partners now, ${stage.entered} entered`).join("; ")}
            >
              <Bar
                data={{
                  labels: report.stages.map((stage) => stage.name),
                  datasets: [
                    { label: "Entered the stage", data: report.stages.map((stage) => stage.entered), backgroundColor: "#8fa8c8" },
                    { label: "In the stage now", data: report.stages.map((stage) => stage.partners), backgroundColor: "#1f5fa8" },
                  ],
                }}
                // Horizontal bars in pipeline order read as the journey's funnel.
                options={{
                  indexAxis: "y",
                  responsive: true,
                  maintainAspectRatio: false,
                  animation: false,
                  scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                }}
              />
            </div>
            <table className="table" aria-labelledby="journey-heading">
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Partners now</th>
                  <th scope="col">Moved on</th>
                  <th scope="col" className="wide-only">Median time in stage</th>
                </tr>
              </thead>
              <tbody>
                {report.stages.map((stage) => (
                  <tr key={stage.stage_id}>
                    <th scope="row">{stage.name}</th>
                    <td>{stage.partners}</td>
                    <td>
                      {stage.moved_on} of {stage.entered} ({percent(stage.conversion_rate)})
                    </td>
                    <td className="wide-only">{stage.median_hours_in_stage === null ? "—" : `${stage.median_hours_in_stage} h`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              Time to first deal:{" "}
              {report.time_to_first_deal.median_days === null
                ? "no partner has a deal yet"
                : `${report.time_to_first_deal.median_days} days (median of ${report.time_to_first_deal.partnerships_with_a_deal} partners)`}
            </p>
          </>
        )}
      </Show>
      <h2 id="performance-heading">Partner performance</h2>
      <Show loadable={performance} what="the performance report">
        {(report) =>
          report.partners.length === 0 ? (
            <Empty>No partner has leads or deals in this period.</Empty>
          ) : (
            <>
              <p className="muted">
                {report.period.first_month} to {report.period.last_month}: {report.totals.leads} leads, {percent(report.totals.acceptance_rate)} accepted,{" "}
                {report.totals.deals_won} deals won ({amounts(report.totals.won_revenue)})
              </p>
              <PerformanceChart partners={report.partners} />
              <table className="table" aria-labelledby="performance-heading">
                <thead>
                  <tr>
                    <th scope="col">Partner</th>
                    <th scope="col">Leads</th>
                    <th scope="col" className="wide-only">Accepted</th>
                    <th scope="col">Deals won</th>
                    <th scope="col">Won revenue</th>
                    <th scope="col" className="wide-only">Pipeline</th>
                  </tr>
                </thead>
                <tbody>
                  {report.partners.map((partner) => (
                    <tr key={partner.partnership_id}>
                      <th scope="row">{partner.company_name}</th>
                      <td>{partner.leads}</td>
                      <td className="wide-only">
                        {partner.leads_accepted} ({percent(partner.acceptance_rate)})
                      </td>
                      <td>{partner.deals_won}</td>
                      <td>{amounts(partner.won_revenue)}</td>
                      <td className="wide-only">{amounts(partner.pipeline)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Show>
      <h2 id="network-report-heading">Distribution network</h2>
      <Show loadable={network} what="the distribution network report">
        {(report) =>
          report.distributors.length === 0 ? (
            <Empty>No distributor has leads or deals in this period.</Empty>
          ) : (
            <NetworkReportView report={report} />
          )
        }
      </Show>
    </section>
  );
}

// One stacked bar per distributor: its own leads and each reseller's, so the chart shows where the flow comes from.
function NetworkReportView({ report }: { report: NetworkReport }) {
  const labels = report.distributors.map((distributor) => distributor.company_name ?? "Direct resellers");
  const resellerLeads = report.distributors.map((distributor) => distributor.resellers.reduce((sum, reseller) => sum + reseller.leads, 0));
  return (
    <>
      <p className="muted">
        {report.period.first_month} to {report.period.last_month}: {report.totals.leads} leads through distributors, {percent(report.totals.acceptance_rate)}{" "}
        accepted, {report.totals.deals_won} deals won ({amounts(report.totals.won_revenue)})
      </p>
      <div
        className="chart"
        role="img"
        aria-label={`Distribution network leads: ${report.distributors
          .map((distributor, index) => `${labels[index]}: ${distributor.leads} leads, ${distributor.leads_accepted} accepted, ${distributor.deals_won} won`)
          .join("; ")}`}
      >
        <Bar
          data={{
            labels,
            datasets: [
              { label: "Leads", data: report.distributors.map((distributor) => distributor.leads), backgroundColor: "#8fa8c8" },
              { label: "Accepted", data: report.distributors.map((distributor) => distributor.leads_accepted), backgroundColor: "#1f5fa8" },
              { label: "Deals won", data: report.distributors.map((distributor) => distributor.deals_won), backgroundColor: "#2e7d4f" },
              { label: "Leads of its resellers", data: resellerLeads, backgroundColor: "#c8a86f" },
            ],
          }}
          options={{ responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
        />
      </div>
      <table className="table" aria-labelledby="network-report-heading">
        <thead>
          <tr>
            <th scope="col">Distributor / reseller</th>
            <th scope="col">Leads</th>
            <th scope="col" className="wide-only">Accepted</th>
            <th scope="col">Deals won</th>
            <th scope="col">Won revenue</th>
            <th scope="col" className="wide-only">Pipeline</th>
          </tr>
        </thead>
        {report.distributors.map((distributor, index) => (
          <tbody key={distributor.distributor_id ?? `direct-${index}`}>
            <tr>
              <th scope="row">{labels[index]}</th>
              <td>{distributor.leads}</td>
              <td className="wide-only">
                {distributor.leads_accepted} ({percent(distributor.acceptance_rate)})
              </td>
              <td>{distributor.deals_won}</td>
              <td>{amounts(distributor.won_revenue)}</td>
              <td className="wide-only">{amounts(distributor.pipeline)}</td>
            </tr>
            {distributor.resellers.map((reseller) => (
              <tr key={reseller.partnership_id} className="nested-row">
                <th scope="row">
                  <span aria-hidden="true">↳ </span>
                  {reseller.company_name ?? reseller.partnership_id}
                </th>
                <td>{reseller.leads}</td>
                <td className="wide-only">
                  {reseller.leads_accepted} ({percent(reseller.acceptance_rate)})
                </td>
                <td>{reseller.deals_won}</td>
                <td>{amounts(reseller.won_revenue)}</td>
                <td className="wide-only">{amounts(reseller.pipeline)}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </>
  );
}

const PERFORMANCE_BARS = 15;

// Counts only: revenue comes in several currencies, which one axis cannot add up.
function PerformanceChart({ partners }: { partners: Performance["partners"] }) {
  const top = [...partners].sort((a, b) => b.leads - a.leads || b.deals_won - a.deals_won).slice(0, PERFORMANCE_BARS);
  return (
    <div
      className="chart"
      role="img"
      data-testid="performance-chart"
      aria-label={`Partner performance${partners.length > top.length ? ` (the ${top.length} partners with most leads)` : ""}: ${top
        .map((partner) => `${partner.company_name}: ${partner.leads} leads, ${partner.leads_accepted} accepted, ${partner.deals_won} won`)
        .join("; ")}`}
    >
      <Bar
        data={{
          labels: top.map((partner) => partner.company_name),
          datasets: [
            { label: "Leads", data: top.map((partner) => partner.leads), backgroundColor: "#8fa8c8" },
            { label: "Accepted", data: top.map((partner) => partner.leads_accepted), backgroundColor: "#1f5fa8" },
            { label: "Deals won", data: top.map((partner) => partner.deals_won), backgroundColor: "#2e7d4f" },
          ],
        }}
        options={{ responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
      />
    </div>
  );
}
