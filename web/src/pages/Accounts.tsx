import { useEffect, useState } from "react";
import { api, type Page } from "../api";
import { Empty, ErrorBox, Loading, Show, formatDate } from "../components";
import { LIFECYCLE_STAGES, stageLabel, type Account, type Contact } from "../crmTypes";
import { href, navigate } from "../router";
import { useApi } from "../useApi";
import { Field, orNull } from "./crmForm";

const SORTS = [
  { id: "name", label: "Name A–Z" },
  { id: "-name", label: "Name Z–A" },
  { id: "-created", label: "Newest first" },
  { id: "created", label: "Oldest first" },
];

/** #/accounts, #/accounts/new, #/accounts/<id>, #/accounts/<id>/edit */
export function Accounts({ id, action }: { id?: string; action?: string }) {
  if (id === "new") return <AccountForm />;
  if (id && action === "edit") return <EditAccount id={id} />;
  if (id) return <AccountDetail id={id} />;
  return <AccountList />;
}

function AccountList() {
  const [stage, setStage] = useState("");
  const [country, setCountry] = useState("");
  const [sort, setSort] = useState("name");
  const [items, setItems] = useState<Account[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | Error>("loading");
  const countryQuery = /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : "";

  async function load(from: string | null) {
    setState("loading");
    try {
      const page = await api<Page<Account>>("/accounts", {
        query: { lifecycle_stage: stage, country: countryQuery, sort, limit: 25, cursor: from },
      });
      setItems((previous) => (from ? [...previous, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setState("ready");
    } catch (error) {
      setState(error as Error);
    }
  }

  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stage, countryQuery, sort]);

  const filtered = Boolean(stage || countryQuery);
  return (
    <section aria-labelledby="accounts-heading">
      <div className="row-between">
        <h1 id="accounts-heading">Accounts</h1>
        <div className="actions">
          <a className="button" href={href("/accounts/import")}>
            Import CSV
          </a>
          <a className="button primary" href={href("/accounts/new")}>
            New account
          </a>
        </div>
      </div>
      <div className="filters">
        <label>
          Lifecycle stage
          <select value={stage} onChange={(event) => setStage(event.target.value)}>
            <option value="">Any stage</option>
            {LIFECYCLE_STAGES.map((entry) => (
              <option key={entry} value={entry}>
                {stageLabel(entry)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Country
          <input
            value={country}
            onChange={(event) => setCountry(event.target.value)}
            maxLength={2}
            placeholder="e.g. NL"
            aria-describedby="country-hint"
          />
          <small id="country-hint" className="muted">
            Two-letter code
          </small>
        </label>
        <label>
          Sort
          <select value={sort} onChange={(event) => setSort(event.target.value)}>
            {SORTS.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {state instanceof Error && <ErrorBox error={state} onRetry={() => void load(null)} />}
      {state === "loading" && items.length === 0 && <Loading what="accounts" />}
      {state === "ready" && items.length === 0 && (
        <Empty>{filtered ? "No account matches these filters." : "No accounts yet. Create one or import a CSV."}</Empty>
      )}
      {items.length > 0 && (
        <div className="list-pane">
          <table className="table" aria-label="Accounts">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Website</th>
                <th scope="col">Country</th>
                <th scope="col">Stage</th>
                <th scope="col" className="wide-only">
                  Contacts
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((account) => (
                <tr key={account.id}>
                  <td>
                    <a href={href(`/accounts/${account.id}`)}>{account.name}</a>
                  </td>
                  <td>{account.domain ?? account.website ?? "—"}</td>
                  <td>{account.country ?? "—"}</td>
                  <td>{stageLabel(account.lifecycle_stage)}</td>
                  <td className="wide-only">{account.contact_count ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <p>
          <button type="button" onClick={() => void load(cursor)} disabled={state === "loading"}>
            {state === "loading" ? "Loading…" : "Load more accounts"}
          </button>
        </p>
      )}
    </section>
  );
}

function EditAccount({ id }: { id: string }) {
  const account = useApi(() => api<Account>(`/accounts/${id}`), [id]);
  return (
    <Show loadable={account} what="the account">
      {(loaded) => <AccountForm account={loaded} />}
    </Show>
  );
}

function AccountForm({ account }: { account?: Account }) {
  const [values, setValues] = useState({
    name: account?.name ?? "",
    website: account?.website ?? "",
    country: account?.country ?? "",
    industry: account?.industry ?? "",
    employee_count: account?.employee_count?.toString() ?? "",
    lifecycle_stage: account?.lifecycle_stage ?? "",
    lead_source: account?.lead_source ?? "",
    notes: account?.notes ?? "",
  });
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof typeof values) => (value: string) => setValues((previous) => ({ ...previous, [field]: value }));

  async function save() {
    setBusy(true);
    setError(null);
    const count = values.employee_count.trim();
    const body = {
      name: values.name.trim(),
      website: orNull(values.website),
      country: orNull(values.country)?.toUpperCase() ?? null,
      industry: orNull(values.industry),
      employee_count: count ? Number(count) : null,
      lifecycle_stage: orNull(values.lifecycle_stage),
      lead_source: orNull(values.lead_source),
      notes: orNull(values.notes),
    };
    try {
      const saved = account
        ? await api<Account>(`/accounts/${account.id}`, {
            method: "PATCH",
            body: { ...body, expected_version: account.version },
          })
        : await api<Account>("/accounts", { method: "POST", body });
      navigate(`/accounts/${saved.id}`);
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  const title = account ? `Edit ${account.name}` : "New account";
  return (
    <section aria-labelledby="account-form-heading">
      <p>
        <a href={href(account ? `/accounts/${account.id}` : "/accounts")}>← {account ? account.name : "Accounts"}</a>
      </p>
      <h1 id="account-form-heading">{title}</h1>
      <form
        className="stacked narrow"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {error && <ErrorBox error={error} />}
        <Field label="Name" name="name" error={error} value={values.name} onChange={set("name")} required maxLength={200} />
        <Field label="Website" name="website" error={error} value={values.website} onChange={set("website")} placeholder="https://example.com" />
        <div className="row">
          <Field label="Country" name="country" error={error} value={values.country} onChange={set("country")} maxLength={2} placeholder="NL" />
          <Field
            label="Employees"
            name="employee_count"
            error={error}
            value={values.employee_count}
            onChange={set("employee_count")}
            inputMode="numeric"
            type="number"
            min={0}
          />
        </div>
        <Field label="Industry" name="industry" error={error} value={values.industry} onChange={set("industry")} placeholder="software_saas" />
        <label>
          Lifecycle stage
          <select value={values.lifecycle_stage} onChange={(event) => set("lifecycle_stage")(event.target.value)}>
            <option value="">—</option>
            {LIFECYCLE_STAGES.map((entry) => (
              <option key={entry} value={entry}>
                {stageLabel(entry)}
              </option>
            ))}
          </select>
        </label>
        <Field label="Lead source" name="lead_source" error={error} value={values.lead_source} onChange={set("lead_source")} />
        <label>
          Notes
          <textarea value={values.notes} onChange={(event) => set("notes")(event.target.value)} rows={3} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !values.name.trim()}>
            {account ? "Save account" : "Create account"}
          </button>
          <a className="button" href={href(account ? `/accounts/${account.id}` : "/accounts")}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

function AccountDetail({ id }: { id: string }) {
  const account = useApi(() => api<Account>(`/accounts/${id}`), [id]);
  return (
    <section aria-labelledby="account-heading">
      <p>
        <a href={href("/accounts")}>← Accounts</a>
      </p>
      <Show loadable={account} what="the account">
        {(loaded) => (
          <>
            <div className="row-between">
              <h1 id="account-heading">{loaded.name}</h1>
              <a className="button" href={href(`/accounts/${loaded.id}/edit`)}>
                Edit account
              </a>
            </div>
            <dl className="facts">
              <dt>Website</dt>
              <dd>{loaded.website ?? "—"}</dd>
              <dt>Country</dt>
              <dd>{loaded.country ?? "—"}</dd>
              <dt>Industry</dt>
              <dd>{loaded.industry ?? "—"}</dd>
              <dt>Employees</dt>
              <dd>{loaded.employee_count ?? "—"}</dd>
              <dt>Lifecycle stage</dt>
              <dd>{stageLabel(loaded.lifecycle_stage)}</dd>
              <dt>Lead source</dt>
              <dd>{loaded.lead_source ?? "—"}</dd>
              <dt>Updated</dt>
              <dd>{formatDate(loaded.updated_at)}</dd>
            </dl>
            {loaded.notes && <p>{loaded.notes}</p>}
            <Contacts accountId={loaded.id} />
            <DeleteAccount account={loaded} />
          </>
        )}
      </Show>
    </section>
  );
}

function DeleteAccount({ account }: { account: Account }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api<null>(`/accounts/${account.id}`, { method: "DELETE" });
      navigate("/accounts");
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <section aria-label="Delete the account" className="stacked">
      {error && <ErrorBox error={error} />}
      <div className="actions">
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              Delete {account.name} and its contacts
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Delete account…
          </button>
        )}
      </div>
    </section>
  );
}

function Contacts({ accountId }: { accountId: string }) {
  const contacts = useApi(() => api<Page<Contact>>(`/accounts/${accountId}/contacts`, { query: { limit: 100 } }), [accountId]);
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="contacts-heading" className="stacked">
      <div className="row-between">
        <h2 id="contacts-heading">Contacts</h2>
        {!adding && (
          <button type="button" onClick={() => setAdding(true)}>
            Add contact
          </button>
        )}
      </div>
      {adding && (
        <ContactForm
          accountId={accountId}
          onDone={(saved) => {
            setAdding(false);
            if (saved) contacts.reload();
          }}
        />
      )}
      <Show loadable={contacts} what="contacts">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No contacts at this account yet.</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((contact) => (
                <ContactCard key={contact.id} contact={contact} onChanged={contacts.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function fullName(contact: Contact): string {
  return [contact.first_name, contact.last_name].filter(Boolean).join(" ");
}

function ContactCard({ contact, onChanged }: { contact: Contact; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const name = fullName(contact);
  const headingId = `contact-${contact.id}`;

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api<null>(`/accounts/${contact.account_id}/contacts/${contact.id}`, { method: "DELETE" });
      onChanged();
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <li className="card" aria-labelledby={headingId}>
      {editing ? (
        <ContactForm
          accountId={contact.account_id}
          contact={contact}
          onDone={(saved) => {
            setEditing(false);
            if (saved) onChanged();
          }}
        />
      ) : (
        <>
          <h3 id={headingId}>{name}</h3>
          <p className="muted">{[contact.title, contact.email].filter(Boolean).join(" · ") || "No title or email"}</p>
          {contact.linkedin_url && (
            <p>
              <a href={contact.linkedin_url} rel="noreferrer noopener" target="_blank">
                LinkedIn profile of {name}
              </a>
            </p>
          )}
          {error && <ErrorBox error={error} />}
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${name}`}>
              Edit
            </button>
            {confirming ? (
              <>
                <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
                  Delete {name}
                </button>
                <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete ${name}…`}>
                Delete…
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
}

function ContactForm({ accountId, contact, onDone }: { accountId: string; contact?: Contact; onDone: (saved: boolean) => void }) {
  const [values, setValues] = useState({
    first_name: contact?.first_name ?? "",
    last_name: contact?.last_name ?? "",
    email: contact?.email ?? "",
    title: contact?.title ?? "",
    linkedin_url: contact?.linkedin_url ?? "",
  });
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof typeof values) => (value: string) => setValues((previous) => ({ ...previous, [field]: value }));
  const suffix = contact?.id ?? "new";

  async function save() {
    setBusy(true);
    setError(null);
    const body = {
      first_name: values.first_name.trim(),
      last_name: orNull(values.last_name),
      email: orNull(values.email),
      title: orNull(values.title),
      linkedin_url: orNull(values.linkedin_url),
    };
    try {
      if (contact) {
        await api<Contact>(`/accounts/${accountId}/contacts/${contact.id}`, {
          method: "PATCH",
          body: { ...body, expected_version: contact.version },
        });
      } else {
        await api<Contact>(`/accounts/${accountId}/contacts`, { method: "POST", body });
      }
      onDone(true);
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <form
      className="stacked"
      aria-label={contact ? `Edit ${fullName(contact)}` : "New contact"}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {error && <ErrorBox error={error} />}
      <div className="row">
        <Field label="First name" name="first_name" id={suffix} error={error} value={values.first_name} onChange={set("first_name")} required />
        <Field label="Last name" name="last_name" id={`${suffix}-last`} error={error} value={values.last_name} onChange={set("last_name")} />
      </div>
      <div className="row">
        <Field label="Email" name="email" id={`${suffix}-email`} error={error} value={values.email} onChange={set("email")} type="text" inputMode="email" />
        <Field label="Title" name="title" id={`${suffix}-title`} error={error} value={values.title} onChange={set("title")} />
      </div>
      <Field label="LinkedIn URL" name="linkedin_url" id={`${suffix}-linkedin`} error={error} value={values.linkedin_url} onChange={set("linkedin_url")} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !values.first_name.trim()}>
          {contact ? "Save contact" : "Add contact"}
        </button>
        <button type="button" onClick={() => onDone(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
