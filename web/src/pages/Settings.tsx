import { useState } from "react";
import { api } from "../api";
import { Empty, ErrorBox, Show, formatDate } from "../components";
import { FieldMessage, unplacedError } from "../fields";
import { href } from "../router";
import type { Option, Program } from "../types";
import { useApi } from "../useApi";

type ListName = "stages" | "tiers" | "categories" | "tags";
const LISTS: { name: ListName; label: string; singular: string }[] = [
  { name: "stages", label: "Stages", singular: "stage" },
  { name: "tiers", label: "Tiers", singular: "tier" },
  { name: "categories", label: "Categories", singular: "category" },
  { name: "tags", label: "Tags", singular: "tag" },
];
const SECTIONS = [
  { id: "program", label: "Program" },
  { id: "fields", label: "Custom fields" },
  { id: "modules", label: "Modules" },
  { id: "webhooks", label: "Webhooks" },
];

export function Settings({ section }: { section?: string }) {
  const current = SECTIONS.find((entry) => entry.id === section)?.id ?? "program";
  return (
    <section aria-labelledby="settings-heading">
      <h1 id="settings-heading">Settings</h1>
      <nav className="subnav" aria-label="Settings sections">
        {SECTIONS.map((entry) => (
          <a key={entry.id} href={href(`/settings/${entry.id}`)} aria-current={current === entry.id ? "page" : undefined}>
            {entry.label}
          </a>
        ))}
      </nav>
      {current === "program" && <ProgramLists />}
      {current === "fields" && <CustomFields />}
      {current === "modules" && <Modules />}
      {current === "webhooks" && <Webhooks />}
    </section>
  );
}

function ProgramLists() {
  const program = useApi(() => api<Program>("/program"), []);
  // Here, not in each list: a save's answer has a new version, which starts every list again.
  const [saved, setSaved] = useState<Partial<Record<ListName, string>>>({});
  return (
    <Show loadable={program} what="the program settings">
      {(loaded) => (
        <div className="settings-grid">
          {LISTS.map((list) => (
            // A saved list changes the program's version: every editor starts again from the answer.
            <ProgramList
              key={`${list.name}-${loaded.version}`}
              list={list}
              program={loaded}
              saved={saved[list.name] ?? ""}
              onSaving={() => setSaved({})}
              onSaved={() => {
                setSaved({ [list.name]: `${list.label} saved.` });
                program.reload();
              }}
            />
          ))}
        </div>
      )}
    </Show>
  );
}

type Draft = { id: string | null; name: string; key: string };

type ListProps = { list: (typeof LISTS)[number]; program: Program; saved: string; onSaving: () => void; onSaved: () => void };

function ProgramList({ list, program, saved, onSaving, onSaved }: ListProps) {
  const initial = program[list.name].map((entry: Option) => ({ id: entry.id, name: entry.name, key: entry.id }));
  const [entries, setEntries] = useState<Draft[]>(initial);
  const [adding, setAdding] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const changed = JSON.stringify(entries.map(({ id, name }) => [id, name])) !== JSON.stringify(initial.map(({ id, name }) => [id, name]));
  const headingId = `list-${list.name}`;

  function move(index: number, by: number) {
    const next = [...entries];
    const [entry] = next.splice(index, 1);
    next.splice(index + by, 0, entry);
    setEntries(next);
  }

  async function save() {
    setBusy(true);
    setError(null);
    onSaving();
    try {
      await api<Program>(`/program/${list.name}`, {
        method: "PUT",
        body: {
          entries: entries.map(({ id, name }) => (id ? { id, name: name.trim() } : { name: name.trim() })),
          expected_version: program.version,
        },
      });
      onSaved();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{list.label}</h2>
      {unplacedError(error, ["entries"]) && <ErrorBox error={error!} />}
      <FieldMessage error={error} field="entries" id={`${headingId}-error`} />
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      {entries.length === 0 ? (
        <p className="muted">No {list.label.toLowerCase()} yet.</p>
      ) : (
        <ol className="plain" aria-label={list.label}>
          {entries.map((entry, index) => (
            <li key={entry.key} className="row">
              <label>
                <span className="visually-hidden">
                  {list.singular} {index + 1} name
                </span>
                <input
                  value={entry.name}
                  onChange={(event) =>
                    setEntries(entries.map((other, at) => (at === index ? { ...other, name: event.target.value } : other)))
                  }
                />
                <FieldMessage error={error} field={`entries.${index}`} id={`${headingId}-${index}-error`} />
              </label>
              <span className="actions">
                <button type="button" aria-label={`Move ${entry.name} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${entry.name} down`}
                  disabled={index === entries.length - 1}
                  onClick={() => move(index, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  aria-label={`Remove ${entry.name}`}
                  onClick={() => setEntries(entries.filter((_, at) => at !== index))}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (!adding.trim()) return;
          setEntries([...entries, { id: null, name: adding.trim(), key: `new-${entries.length}-${adding}` }]);
          setAdding("");
        }}
      >
        <label>
          New {list.singular}
          <input value={adding} onChange={(event) => setAdding(event.target.value)} maxLength={100} />
        </label>
        <button type="submit" disabled={!adding.trim()}>
          Add {list.singular}
        </button>
      </form>
      <div className="actions">
        <button type="button" disabled={busy || !changed} onClick={() => void save()}>
          Save {list.label.toLowerCase()}
        </button>
        {changed && (
          <button type="button" className="link" disabled={busy} onClick={() => setEntries(initial)}>
            Undo changes
          </button>
        )}
      </div>
    </section>
  );
}

type CustomField = {
  id: string;
  key: string;
  label: string;
  type: "text" | "number" | "date" | "single_select" | "multi_select";
  required: boolean;
  visibility: "standard" | "shared";
  options: string[];
  help_text: string | null;
  version: number;
};
const FIELD_TYPES: { value: CustomField["type"]; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "date", label: "Date" },
  { value: "single_select", label: "One choice" },
  { value: "multi_select", label: "Several choices" },
];

function CustomFields() {
  const fields = useApi(() => api<CustomField[]>("/custom-fields"), []);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState({ key: "", label: "", type: "text" as CustomField["type"], options: "", required: false, shared: false, help: "" });
  const choices = draft.type === "single_select" || draft.type === "multi_select";

  async function run(what: string, call: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      await call();
      setSaved(what);
      fields.reload();
      return true;
    } catch (failure) {
      setError(failure as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function create() {
    const ok = await run(`Field “${draft.label}” added.`, () =>
      api("/custom-fields", {
        method: "POST",
        body: {
          key: draft.key.trim(),
          label: draft.label.trim(),
          type: draft.type,
          required: draft.required,
          visibility: draft.shared ? "shared" : "standard",
          options: choices ? draft.options.split(",").map((option) => option.trim()).filter(Boolean) : [],
          help_text: draft.help.trim() || null,
        },
      }),
    );
    if (ok) setDraft({ key: "", label: "", type: "text", options: "", required: false, shared: false, help: "" });
  }

  const placed = ["key", "label", "type", "options", "help_text"];
  return (
    <div className="stacked">
      <p className="muted">Fields every partnership can hold (edited in a partner's Details tab). Shared fields are visible to the partner.</p>
      <Show loadable={fields} what="custom fields">
        {(list) =>
          list.length === 0 ? (
            <Empty>No custom fields yet.</Empty>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Custom fields</caption>
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col" className="wide-only">Key</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="wide-only">Options</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((field) => (
                  <tr key={field.id}>
                    <th scope="row">
                      {field.label}
                      {field.required && <span className="muted"> (required)</span>}
                      {field.visibility === "shared" && <span className="tag">shared</span>}
                    </th>
                    <td className="wide-only">
                      <code>{field.key}</code>
                    </td>
                    <td>{FIELD_TYPES.find((type) => type.value === field.type)?.label ?? field.type}</td>
                    <td className="wide-only">{field.options.join(", ") || "—"}</td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        disabled={busy}
                        aria-label={`Remove the field ${field.label}`}
                        onClick={() => void run(`Field “${field.label}” removed.`, () => api(`/custom-fields/${field.id}`, { method: "DELETE" }))}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      {unplacedError(error, placed) && <ErrorBox error={error!} />}
      <form
        className="card stacked"
        aria-labelledby="new-field-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h2 id="new-field-heading">New custom field</h2>
        <div className="row">
          <label>
            Label
            <input value={draft.label} required maxLength={100} onChange={(event) => setDraft({ ...draft, label: event.target.value })} aria-describedby="field-label-error" />
            <FieldMessage error={error} field="label" id="field-label-error" />
          </label>
          <label>
            Key
            <input
              value={draft.key}
              required
              placeholder="contract_end"
              onChange={(event) => setDraft({ ...draft, key: event.target.value })}
              aria-describedby="field-key-error"
            />
            <FieldMessage error={error} field="key" id="field-key-error" />
          </label>
          <label>
            Type
            <select value={draft.type} onChange={(event) => setDraft({ ...draft, type: event.target.value as CustomField["type"] })}>
              {FIELD_TYPES.map((type) => (
                <option key={type.value} value={type.value}>
                  {type.label}
                </option>
              ))}
            </select>
            <FieldMessage error={error} field="type" id="field-type-error" />
          </label>
        </div>
        {choices && (
          <label>
            Options (comma-separated)
            <input value={draft.options} onChange={(event) => setDraft({ ...draft, options: event.target.value })} aria-describedby="field-options-error" />
            <FieldMessage error={error} field="options" id="field-options-error" />
          </label>
        )}
        <label>
          Help text
          <input value={draft.help} onChange={(event) => setDraft({ ...draft, help: event.target.value })} />
          <FieldMessage error={error} field="help_text" id="field-help-error" />
        </label>
        <div className="checks">
          <label className="check">
            <input type="checkbox" checked={draft.required} onChange={(event) => setDraft({ ...draft, required: event.target.checked })} />
            Required
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.shared} onChange={(event) => setDraft({ ...draft, shared: event.target.checked })} />
            Shared with the partner
          </label>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Add field
          </button>
        </div>
      </form>
    </div>
  );
}

function Modules() {
  const module = useApi(() => api<{ enabled: boolean; version: number; updated_at: string | null }>("/distributor-module"), []);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="stacked">
      {error && <ErrorBox error={error} />}
      <Show loadable={module} what="the modules">
        {(state) => (
          <div className="card">
            <label className="check">
              <input
                type="checkbox"
                role="switch"
                checked={state.enabled}
                disabled={busy}
                onChange={async (event) => {
                  setBusy(true);
                  setError(null);
                  try {
                    await api("/distributor-module", { method: "PUT", body: { enabled: event.target.checked } });
                    module.reload();
                  } catch (failure) {
                    setError(failure as Error);
                  } finally {
                    setBusy(false);
                  }
                }}
              />
              Distributor module
            </label>
            <p className="muted">
              Distributors manage resellers, submit leads for them and share their commissions. See the <a href={href("/network")}>network</a>.
              {state.updated_at && ` Last changed ${formatDate(state.updated_at)}.`}
            </p>
          </div>
        )}
      </Show>
    </div>
  );
}

type Endpoint = {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  secret_hint: string;
  created_at: string;
};
type InboundSetting = { system: "hubspot" | "generic"; endpoint_url: string | null; endpoint_path: string; secret_hint?: string | null; updated_at: string };

function Webhooks() {
  const endpoints = useApi(() => api<{ items: Endpoint[] } | Endpoint[]>("/webhooks/endpoints"), []);
  const types = useApi(() => api<{ items: { type: string; description: string }[] }>("/webhooks/event-types"), []);
  const inbound = useApi(() => api<{ items: InboundSetting[] }>("/webhook-settings"), []);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const list = (data: { items: Endpoint[] } | Endpoint[]) => (Array.isArray(data) ? data : data.items);

  async function run(call: () => Promise<unknown>, reload: () => void): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await call();
      reload();
      return true;
    } catch (failure) {
      setError(failure as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function create() {
    setSecret(null);
    let answer: { secret: string } | null = null;
    const ok = await run(async () => {
      answer = await api<{ secret: string }>("/webhooks/endpoints", {
        method: "POST",
        body: { url: url.trim(), event_types: chosen, description: description.trim() || null },
      });
    }, endpoints.reload);
    if (ok && answer) {
      setSecret((answer as { secret: string }).secret);
      setUrl("");
      setDescription("");
      setChosen([]);
    }
  }

  return (
    <div className="stacked">
      <h2 id="outbound-heading">Outbound webhooks</h2>
      {unplacedError(error, ["url", "event_types", "description"]) && <ErrorBox error={error!} />}
      {secret && (
        <p className="card" role="status">
          The new endpoint's signing secret (shown this once): <code>{secret}</code>
        </p>
      )}
      <Show loadable={endpoints} what="webhook endpoints">
        {(data) =>
          list(data).length === 0 ? (
            <Empty>No webhook endpoints yet.</Empty>
          ) : (
            <ul className="cards" aria-labelledby="outbound-heading">
              {list(data).map((endpoint) => (
                <li key={endpoint.id} className="card">
                  <div className="row-between">
                    <strong className="break">{endpoint.url}</strong>
                    <span className="tag">{endpoint.enabled ? "on" : "disabled"}</span>
                  </div>
                  {endpoint.description && <p>{endpoint.description}</p>}
                  <p className="muted">
                    {endpoint.event_types.join(", ")} · secret …{endpoint.secret_hint}
                    {endpoint.disabled_reason && ` · ${endpoint.disabled_reason}`}
                  </p>
                  <div className="actions">
                    {!endpoint.enabled && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => void run(() => api(`/webhooks/endpoints/${endpoint.id}/enable`, { method: "POST" }), endpoints.reload)}
                      >
                        Turn back on
                      </button>
                    )}
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Delete the endpoint ${endpoint.url}`}
                      onClick={() => void run(() => api(`/webhooks/endpoints/${endpoint.id}`, { method: "DELETE" }), endpoints.reload)}
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <form
        className="card stacked"
        aria-labelledby="new-endpoint-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h3 id="new-endpoint-heading">New endpoint</h3>
        <label>
          URL
          <input type="url" value={url} required placeholder="https://example.com/trellis" onChange={(event) => setUrl(event.target.value)} aria-describedby="endpoint-url-error" />
          <FieldMessage error={error} field="url" id="endpoint-url-error" />
        </label>
        <label>
          Description
          <input value={description} onChange={(event) => setDescription(event.target.value)} />
          <FieldMessage error={error} field="description" id="endpoint-description-error" />
        </label>
        <fieldset>
          <legend>Events</legend>
          <FieldMessage error={error} field="event_types" id="endpoint-types-error" />
          <Show loadable={types} what="event types">
            {(answer) => (
              <div className="checks">
                {answer.items.map((type) => (
                  <label key={type.type} className="check" title={type.description}>
                    <input
                      type="checkbox"
                      checked={chosen.includes(type.type)}
                      onChange={(event) => setChosen(event.target.checked ? [...chosen, type.type] : chosen.filter((other) => other !== type.type))}
                    />
                    {type.type}
                  </label>
                ))}
              </div>
            )}
          </Show>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Add endpoint
          </button>
        </div>
      </form>
      <h2 id="inbound-heading">Inbound CRM webhooks</h2>
      <Show loadable={inbound} what="inbound webhooks">
        {(answer) =>
          answer.items.length === 0 ? (
            <Empty>No CRM sends webhooks to Trellis yet (set up through the API: PUT /webhook-settings/hubspot).</Empty>
          ) : (
            <ul className="cards" aria-labelledby="inbound-heading">
              {answer.items.map((setting) => (
                <li key={setting.system} className="card row-between">
                  <span>
                    <strong>{setting.system === "hubspot" ? "HubSpot" : "Generic (Standard Webhooks)"}</strong>
                    <br />
                    <code className="break">{setting.endpoint_url ?? setting.endpoint_path}</code>
                  </span>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void run(() => api(`/webhook-settings/${setting.system}`, { method: "DELETE" }), inbound.reload)}
                  >
                    Turn off
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </div>
  );
}
