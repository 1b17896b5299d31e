import { useEffect, useRef, useState, type RefObject } from "react";
import { ApiError, api, type Page } from "../api";
import { config } from "../config";
import { Empty, ErrorBox, Loading } from "../components";
import type { AccountImport, ImportRejection } from "../crmTypes";
import { href } from "../router";
import { currentSession } from "../session";

const POLL_MS = 1_500;

/** The CSV itself is the body (text/csv), which the JSON wrapper in api.ts does not send. */
async function rawRequest(path: string, init: { method?: string; body?: string; query?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const session = currentSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (init.body !== undefined) headers["content-type"] = "text/csv; charset=utf-8";
  const search = new URLSearchParams(init.query ?? {}).toString();
  const response = await fetch(`${config().api_url}${path}${search ? `?${search}` : ""}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body,
  });
  if (!response.ok) {
    const text = await response.text();
    let problem: { detail?: string; title?: string; errors?: { field: string; message: string }[] } = {};
    try {
      problem = JSON.parse(text);
    } catch {
      problem = { detail: text || `HTTP ${response.status}` };
    }
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.errors ?? []);
  }
  return response;
}

export function Import() {
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<AccountImport | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [templateError, setTemplateError] = useState<Error | null>(null);
  const summaryRef = useRef<HTMLHeadingElement>(null);

  const running = job !== null && (job.status === "queued" || job.status === "running");
  // A large file runs as a job (202): poll it until it completes or fails.
  useEffect(() => {
    if (!job || !running) return;
    let current = true;
    const timer = window.setTimeout(() => {
      api<AccountImport>(`/accounts/imports/${job.id}`).then(
        (next) => current && setJob(next),
        (failure: Error) => current && setError(failure),
      );
    }, POLL_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [job, running]);

  const finished = job !== null && !running;
  useEffect(() => {
    if (finished) summaryRef.current?.focus();
  }, [finished]);

  async function upload() {
    if (!file) return;
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      const text = await file.text();
      const response = await rawRequest("/accounts/imports", { method: "POST", body: text, query: { file_name: file.name } });
      setJob((await response.json()) as AccountImport);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  async function downloadTemplate() {
    setTemplateError(null);
    try {
      const response = await rawRequest("/accounts/import-template");
      const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/csv" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = "accounts-import-template.csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setTemplateError(failure as Error);
    }
  }

  return (
    <section aria-labelledby="import-heading" className="stacked">
      <p>
        <a href={href("/accounts")}>← Accounts</a>
      </p>
      <h1 id="import-heading">Import accounts</h1>
      <p>
        Upload a CSV file with a header row. Rows are matched to existing accounts by their website's domain: a
        match is updated, the rest are created. <code>name</code> and <code>website</code> are required.{" "}
        <button type="button" className="link" onClick={() => void downloadTemplate()}>
          Download the CSV template
        </button>
      </p>
      {templateError && <ErrorBox error={templateError} />}
      <form
        className="stacked narrow"
        onSubmit={(event) => {
          event.preventDefault();
          void upload();
        }}
      >
        <label>
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={!file || busy || running}>
            {busy ? "Uploading…" : "Import"}
          </button>
        </div>
      </form>
      {error && <ErrorBox error={error} />}
      {job && running && <Progress job={job} />}
      {job && finished && <Summary job={job} headingRef={summaryRef} />}
    </section>
  );
}

function Progress({ job }: { job: AccountImport }) {
  return (
    <div className="card" role="status" aria-live="polite">
      <p>
        Importing {job.file_name ?? "the file"}: {job.rows_done} of {job.rows_total} rows
      </p>
      <progress max={job.rows_total || 1} value={job.rows_done} aria-label="Import progress" />
    </div>
  );
}

function Summary({ job, headingRef }: { job: AccountImport; headingRef: RefObject<HTMLHeadingElement | null> }) {
  return (
    <section aria-labelledby="summary-heading" className="stacked">
      <h2 id="summary-heading" ref={headingRef} tabIndex={-1}>
        {job.status === "failed" ? "Import failed" : "Import finished"}
      </h2>
      {job.error && <div className="error" role="alert">{job.error}</div>}
      <dl className="figures" aria-label="Import summary">
        <div>
          <dt>Created</dt>
          <dd>{job.created}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{job.updated}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd>{job.unchanged}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd>{job.rejected}</dd>
        </div>
      </dl>
      {job.rejected > 0 && <Rejections job={job} />}
      <p>
        <a href={href("/accounts")}>See the accounts</a>
      </p>
    </section>
  );
}

function Rejections({ job }: { job: AccountImport }) {
  const inline = job.results?.filter((result) => result.outcome === "rejected");
  const [rows, setRows] = useState<ImportRejection[] | null>(
    inline ? inline.map((result) => ({ row: result.row, reason: result.reason ?? "rejected" })) : null,
  );
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  async function load(from: string | null) {
    try {
      const page = await api<Page<ImportRejection>>(`/accounts/imports/${job.id}/rejections`, { query: { limit: 100, cursor: from } });
      setRows((previous) => (from && previous ? [...previous, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
    } catch (failure) {
      setError(failure as Error);
    }
  }

  useEffect(() => {
    // The job's own answer lists each row only for a file imported within the request; the page names the rows.
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.id]);

  if (error) return <ErrorBox error={error} onRetry={() => void load(null)} />;
  if (rows === null) return <Loading what="rejected rows" />;
  if (rows.length === 0) return <Empty>No rejected rows.</Empty>;
  return (
    <div className="list-pane">
      <table className="table" aria-label="Rejected rows">
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Name</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((rejection) => (
            <tr key={rejection.row}>
              <td>{rejection.row}</td>
              <td>{rejection.name ?? rejection.website ?? "—"}</td>
              <td>{rejection.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          More rejected rows
        </button>
      )}
    </div>
  );
}
