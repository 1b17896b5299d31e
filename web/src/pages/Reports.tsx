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

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);
const amounts = (values: Money[]) => values.map((value) => money(value.amount, value.currency)).join(", ") || "—";

export function Reports() {
  const journey = useApi(() => api<Journey>("/reports/journey"), []);
  const performance = useApi(() => api<Performance>("/reports/partner-performance"), []);
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
                options={{ responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
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
    </section>
  );
}
