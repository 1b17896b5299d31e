import { useMemo, useState } from "react";
import { api, type Page } from "../api";
import { Empty, Show, nameOf } from "../components";
import { href } from "../router";
import type { Partnership, Program } from "../types";
import { useApi } from "../useApi";
import { PartnerSidebar } from "./PartnerSidebar";

export function Partners({ selectedId, tab }: { selectedId?: string; tab?: string }) {
  const [stage, setStage] = useState("");
  const [tier, setTier] = useState("");
  const [search, setSearch] = useState("");
  const program = useApi(() => api<Program>("/program"), []);
  const partnerships = useApi(
    () => api<Page<Partnership>>("/partnerships", { query: { stage, tier, sort: "name", limit: 100 } }),
    [stage, tier],
  );
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const items = partnerships.data?.items ?? [];
    return needle ? items.filter((item) => item.company_name.toLowerCase().includes(needle)) : items;
  }, [partnerships.data, search]);

  return (
    <div className={selectedId ? "split with-sidebar" : "split"}>
      <section className="list-pane" aria-labelledby="partners-heading">
        <h1 id="partners-heading">Partners</h1>
        <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
          <label>
            Search
            <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Company name" />
          </label>
          <label>
            Stage
            <select value={stage} onChange={(event) => setStage(event.target.value)}>
              <option value="">All stages</option>
              {program.data?.stages.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Tier
            <select value={tier} onChange={(event) => setTier(event.target.value)}>
              <option value="">All tiers</option>
              {program.data?.tiers.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Show loadable={partnerships} what="partners">
          {(page) =>
            shown.length === 0 ? (
              <Empty>{page.items.length === 0 ? "No partners match these filters." : "No partner's name contains that."}</Empty>
            ) : (
              <table className="table">
                <caption className="visually-hidden">Partners</caption>
                <thead>
                  <tr>
                    <th scope="col">Company</th>
                    <th scope="col">Stage</th>
                    <th scope="col" className="wide-only">Tier</th>
                    <th scope="col" className="wide-only">Type</th>
                    <th scope="col" className="wide-only">Country</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((item) => (
                    <tr key={item.id} className={item.id === selectedId ? "selected" : undefined}>
                      <th scope="row">
                        <a href={href(`/partners/${item.id}`)} aria-current={item.id === selectedId ? "true" : undefined}>
                          {item.company_name}
                        </a>
                      </th>
                      <td>
                        <span className="tag stage">{nameOf(program.data?.stages, item.stage)}</span>
                      </td>
                      <td className="wide-only">{nameOf(program.data?.tiers, item.tier)}</td>
                      <td className="wide-only">{item.partnership_type}</td>
                      <td className="wide-only">{item.country ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Show>
        {partnerships.data?.next_cursor && <p className="muted">Showing the first 100 partners; narrow the filters to see others.</p>}
      </section>
      {selectedId && program.data && (
        <PartnerSidebar
          key={selectedId}
          partnershipId={selectedId}
          tab={tab ?? "details"}
          program={program.data}
          onChanged={partnerships.reload}
        />
      )}
    </div>
  );
}
