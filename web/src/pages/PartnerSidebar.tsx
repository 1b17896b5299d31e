import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Show, formatDate, nameOf } from "../components";
import { href, navigate } from "../router";
import type { ActivityEntry, Icp, OrganisationUser, Option, Partnership, Program } from "../types";
import { useApi } from "../useApi";
import { CustomFieldValues } from "./CustomFieldValues";
import { money } from "./Leads";

const TABS = [
  { id: "details", label: "Details" },
  { id: "commissions", label: "Commissions" },
  { id: "icp", label: "ICP" },
  { id: "assigned", label: "Assigned users" },
  { id: "activity", label: "Activity" },
] as const;

type Props = { partnershipId: string; tab: string; program: Program; onChanged: () => void };

export function PartnerSidebar({ partnershipId, tab, program, onChanged }: Props) {
  const partnership = useApi(() => api<Partnership>(`/partnerships/${partnershipId}`), [partnershipId]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [partnershipId]);
  const base = `/partners/${partnershipId}`;
  const changed = (updated: Partnership) => {
    partnership.reload();
    onChanged();
    return updated;
  };

  function onTabKey(event: KeyboardEvent<HTMLAnchorElement>, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    navigate(`${base}/${next.id}`);
    document.getElementById(`tab-${next.id}`)?.focus();
  }

  return (
    <aside className="sidebar" aria-labelledby="sidebar-heading">
      <Show loadable={partnership} what="the partner">
        {(item) => (
          <>
            <header className="sidebar-header">
              <a className="close" href={href("/partners")} aria-label="Close the partner panel">
                ×
              </a>
              <h2 id="sidebar-heading" tabIndex={-1} ref={heading}>
                {item.company_name}
              </h2>
              <p className="tags">
                <span className="tag stage">{nameOf(program.stages, item.stage)}</span>
                {item.tier && <span className="tag">{nameOf(program.tiers, item.tier)}</span>}
                {item.category && <span className="tag">{nameOf(program.categories, item.category)}</span>}
                {item.archived && <span className="tag warn">Archived</span>}
              </p>
            </header>
            <nav className="tabs" role="tablist" aria-label="Partner sections">
              {TABS.map((entry, index) => (
                <a
                  key={entry.id}
                  id={`tab-${entry.id}`}
                  role="tab"
                  href={href(`${base}/${entry.id}`)}
                  aria-selected={tab === entry.id}
                  aria-controls="tab-panel"
                  tabIndex={tab === entry.id ? 0 : -1}
                  onKeyDown={(event) => onTabKey(event, index)}
                >
                  {entry.label}
                </a>
              ))}
            </nav>
            <div id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
              {tab === "details" && <DetailsTab partnership={item} program={program} onSaved={changed} />}
              {tab === "commissions" && <CommissionsTab partnershipId={partnershipId} />}
              {tab === "icp" && <IcpTab partnershipId={partnershipId} readOnly={item.archived} />}
              {tab === "assigned" && <AssignedTab partnership={item} onSaved={changed} />}
              {tab === "activity" && <ActivityTab partnershipId={partnershipId} />}
            </div>
          </>
        )}
      </Show>
    </aside>
  );
}

function DetailsTab({ partnership, program, onSaved }: { partnership: Partnership; program: Program; onSaved: (p: Partnership) => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);
  const [country, setCountry] = useState(partnership.country ?? "");
  const [tags, setTags] = useState(partnership.tags);
  // The version of the last save's answer: a second change before the panel reloads is not a conflict.
  const version = useRef(partnership.version);
  useEffect(() => {
    version.current = Math.max(version.current, partnership.version);
  }, [partnership.version]);

  async function save(what: string, path: string, method: string, body: Record<string, unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      const updated = await api<Partnership>(path, {
        method,
        body: { ...body, expected_version: version.current },
      });
      version.current = updated.version;
      setSaved(`${what} saved.`);
      onSaved(updated);
      return true;
    } catch (failure) {
      setError(failure as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const base = `/partnerships/${partnership.id}`;
  return (
    <div className="details">
      {error && <ErrorBox error={error} />}
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <ProgramSelect
        label="Stage"
        value={partnership.stage}
        options={program.stages}
        disabled={busy || partnership.archived}
        onChange={(value) => void save("Stage", `${base}/stage`, "PUT", { stage: value })}
      />
      <ProgramSelect
        label="Tier"
        value={partnership.tier}
        options={program.tiers}
        none="No tier"
        disabled={busy || partnership.archived}
        onChange={(value) => void save("Tier", base, "PATCH", { tier: value || null })}
      />
      <ProgramSelect
        label="Category"
        value={partnership.category}
        options={program.categories}
        none="No category"
        disabled={busy || partnership.archived}
        onChange={(value) => void save("Category", base, "PATCH", { category: value || null })}
      />
      <fieldset disabled={busy || partnership.archived}>
        <legend>Tags</legend>
        <div className="checks">
          {program.tags.map((option) => (
            <label key={option.id} className="check">
              <input
                type="checkbox"
                checked={tags.includes(option.id)}
                onChange={(event) => {
                  const chosen = event.target.checked ? [...tags, option.id] : tags.filter((tag) => tag !== option.id);
                  setTags(chosen); // shown at once; put back if the save fails
                  void save("Tags", base, "PATCH", { tags: chosen }).then((ok) => ok || setTags(partnership.tags));
                }}
              />
              {option.name}
            </label>
          ))}
          {program.tags.length === 0 && <span className="muted">The program has no tags yet.</span>}
        </div>
      </fieldset>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void save("Country", base, "PATCH", { country: country.trim().toUpperCase() || null });
        }}
      >
        <label>
          Country
          <input value={country} onChange={(event) => setCountry(event.target.value)} maxLength={2} placeholder="NL" />
        </label>
        <button type="submit" disabled={busy || partnership.archived || country.trim().toUpperCase() === (partnership.country ?? "")}>
          Save country
        </button>
      </form>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{partnership.partnership_type}</dd>
        <dt>Website</dt>
        <dd>{partnership.website ?? "—"}</dd>
        <dt>In stage since</dt>
        <dd>{formatDate(partnership.stage_changed_at)}</dd>
      </dl>
      <CustomFieldValues partnershipId={partnership.id} readOnly={partnership.archived} />
    </div>
  );
}

const LIST_FIELDS = [
  { key: "countries", label: "Countries", hint: "ISO codes, e.g. NL, BE" },
  { key: "industries", label: "Industries", hint: "e.g. software_saas, financial_services" },
  { key: "sub_categories", label: "Sub-categories", hint: "market segments or niches" },
  { key: "keywords", label: "Keywords", hint: "terms that describe the partner's expertise" },
] as const;
type ListField = (typeof LIST_FIELDS)[number]["key"];

function IcpTab({ partnershipId, readOnly }: { partnershipId: string; readOnly: boolean }) {
  const icp = useApi(() => api<Icp>(`/partnerships/${partnershipId}/icp`), [partnershipId]);
  const [editing, setEditing] = useState(false);
  return (
    <Show loadable={icp} what="the ICP">
      {(current) =>
        editing ? (
          <IcpForm
            partnershipId={partnershipId}
            icp={current}
            onDone={(saved) => {
              setEditing(false);
              if (saved) icp.reload();
            }}
          />
        ) : (
          <div>
            <dl className="facts">
              {LIST_FIELDS.map((field) => (
                <FactRow key={field.key} label={field.label} value={current[field.key].join(", ")} />
              ))}
              <FactRow
                label="Company size"
                value={sizeText(current.company_size.min_employees, current.company_size.max_employees)}
              />
            </dl>
            <p className="muted">{current.updated_at ? `Last saved ${formatDate(current.updated_at)}` : "No ICP saved yet."}</p>
            {!readOnly && (
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
          </div>
        )
      }
    </Show>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value || "—"}</dd>
    </>
  );
}

function sizeText(min: number | null, max: number | null): string {
  if (min === null && max === null) return "";
  return `${min ?? 0} to ${max ?? "any"} employees`;
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function IcpForm({ partnershipId, icp, onDone }: { partnershipId: string; icp: Icp; onDone: (saved: boolean) => void }) {
  const [lists, setLists] = useState<Record<ListField, string>>(() => ({
    countries: icp.countries.join(", "),
    industries: icp.industries.join(", "),
    sub_categories: icp.sub_categories.join(", "),
    keywords: icp.keywords.join(", "),
  }));
  const [minEmployees, setMin] = useState(icp.company_size.min_employees?.toString() ?? "");
  const [maxEmployees, setMax] = useState(icp.company_size.max_employees?.toString() ?? "");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await api<Icp>(`/partnerships/${partnershipId}/icp`, {
        method: "PUT",
        body: {
          countries: splitList(lists.countries),
          industries: splitList(lists.industries),
          sub_categories: splitList(lists.sub_categories),
          keywords: splitList(lists.keywords),
          company_size: {
            min_employees: minEmployees === "" ? null : Number(minEmployees),
            max_employees: maxEmployees === "" ? null : Number(maxEmployees),
          },
          custom: icp.custom,
          expected_version: icp.version,
        },
      });
      onDone(true);
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <form
      className="stacked"
      aria-label="Edit the ICP"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {error && <ErrorBox error={error} />}
      {LIST_FIELDS.map((field) => (
        <label key={field.key}>
          {field.label}
          <input
            value={lists[field.key]}
            onChange={(event) => setLists({ ...lists, [field.key]: event.target.value })}
            aria-describedby={`hint-${field.key}`}
          />
          <small id={`hint-${field.key}`} className="muted">
            {field.hint}; separate with commas
          </small>
        </label>
      ))}
      <div className="row">
        <label>
          Minimum employees
          <input type="number" min={0} value={minEmployees} onChange={(event) => setMin(event.target.value)} />
        </label>
        <label>
          Maximum employees
          <input type="number" min={0} value={maxEmployees} onChange={(event) => setMax(event.target.value)} />
        </label>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={() => onDone(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AssignedTab({ partnership, onSaved }: { partnership: Partnership; onSaved: (p: Partnership) => void }) {
  const users = useApi(() => api<Page<OrganisationUser>>("/organisation/users", { query: { limit: 100 } }), []);
  const [choice, setChoice] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const base = `/partnerships/${partnership.id}/assignees`;

  async function change(method: "POST" | "DELETE", userId: string) {
    setError(null);
    try {
      const updated = await api<Partnership>(method === "POST" ? base : `${base}/${encodeURIComponent(userId)}`, {
        method,
        body: method === "POST" ? { user_id: userId } : undefined,
      });
      setChoice("");
      onSaved(updated);
    } catch (failure) {
      setError(failure as Error);
    }
  }

  return (
    <Show loadable={users} what="users">
      {(page) => {
        const byId = new Map(page.items.map((user) => [user.id, user]));
        const assignable = page.items.filter(
          (user) => !partnership.assigned_user_ids.includes(user.id) && !user.roles.includes("member"),
        );
        return (
          <div>
            {error && <ErrorBox error={error} />}
            {partnership.assigned_user_ids.length === 0 ? (
              <Empty>Nobody is assigned to this partner.</Empty>
            ) : (
              <ul className="plain">
                {partnership.assigned_user_ids.map((id) => (
                  <li key={id} className="row-between">
                    <span>
                      {byId.get(id)?.name ?? id} <span className="muted">{byId.get(id)?.email}</span>
                    </span>
                    {!partnership.archived && (
                      <button type="button" className="icon" aria-label={`Remove ${byId.get(id)?.name ?? id}`} onClick={() => void change("DELETE", id)}>
                        ×
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {!partnership.archived && (
              <form
                className="row"
                onSubmit={(event) => {
                  event.preventDefault();
                  if (choice) void change("POST", choice);
                }}
              >
                <label>
                  Assign user
                  <select value={choice} onChange={(event) => setChoice(event.target.value)}>
                    <option value="">Choose a teammate</option>
                    {assignable.map((user) => (
                      <option key={user.id} value={user.id}>
                        {user.name}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" disabled={!choice}>
                  Assign
                </button>
              </form>
            )}
          </div>
        );
      }}
    </Show>
  );
}

function ActivityTab({ partnershipId }: { partnershipId: string }) {
  const activity = useApi(
    () => api<Page<ActivityEntry>>(`/partnerships/${partnershipId}/activity`, { query: { limit: 50 } }),
    [partnershipId],
  );
  return (
    <Show loadable={activity} what="activity">
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No activity yet.</Empty>
        ) : (
          <ol className="timeline" aria-label="Activity, newest first">
            {page.items.map((entry) => (
              <li key={entry.id}>
                <span>{entry.summary}</span>
                <time className="muted" dateTime={entry.occurred_at}>
                  {formatDate(entry.occurred_at)}
                  {entry.actor_user_id ? ` · ${entry.actor_user_id}` : ""}
                </time>
              </li>
            ))}
          </ol>
        )
      }
    </Show>
  );
}

type CommissionPlanAnswer = {
  source: "none" | "tier_default" | "partnership";
  tier: string | null;
  plan: {
    kind: string;
    rate: string | null;
    amount: string | null;
    currency: string | null;
    net_days: number;
    schedule: string;
  } | null;
};
type CommissionEntry = {
  id: string;
  deal_name: string;
  kind: string;
  status: string;
  amount: string;
  currency: string;
  expected_payout_on: string | null;
};

function CommissionsTab({ partnershipId }: { partnershipId: string }) {
  const plan = useApi(() => api<CommissionPlanAnswer>(`/partnerships/${partnershipId}/commission-plan`), [partnershipId]);
  const entries = useApi(
    () => api<Page<CommissionEntry>>("/commissions", { query: { partnership_id: partnershipId, limit: 50 } }),
    [partnershipId],
  );
  return (
    <>
      <Show loadable={plan} what="the commission plan">
        {(answer) =>
          answer.plan === null ? (
            <Empty>No commission plan: set one for this partner or for its tier.</Empty>
          ) : (
            <dl className="facts">
              <FactRow label="Plan" value={answer.source === "tier_default" ? `The ${answer.tier ?? ""} tier's default` : "This partner's own plan"} />
              <FactRow
                label="Commission"
                value={
                  answer.plan.rate !== null
                    ? `${answer.plan.rate} % (${answer.plan.kind})`
                    : `${money(answer.plan.amount, answer.plan.currency)} (${answer.plan.kind})`
                }
              />
              <FactRow label="Payout" value={`${answer.plan.schedule}, net ${answer.plan.net_days} days`} />
            </dl>
          )
        }
      </Show>
      <h3>Commission history</h3>
      <Show loadable={entries} what="commissions">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No commissions yet.</Empty>
          ) : (
            <ul className="plain">
              {page.items.map((entry) => (
                <li key={entry.id} className="row-between">
                  <span>
                    {entry.deal_name} <span className="muted">{entry.kind}</span>
                  </span>
                  <span>
                    {money(entry.amount, entry.currency)} <span className="tag">{entry.status}</span>
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </>
  );
}

type ProgramSelectProps = {
  label: string;
  value: string | null | undefined;
  options: Option[];
  none?: string; // the empty choice's text; without it the list has no empty choice
  disabled: boolean;
  onChange: (value: string) => void;
};

// One of the program's lists (stages, tiers, categories) as a labelled select.
function ProgramSelect({ label, value, options, none, disabled, onChange }: ProgramSelectProps) {
  return (
    <label>
      {label}
      <select value={value ?? ""} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        {none !== undefined && <option value="">{none}</option>}
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
    </label>
  );
}
