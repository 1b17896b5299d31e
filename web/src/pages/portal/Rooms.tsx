import { useState } from "react";
import { api, type Page } from "../../api";
import { Empty, ErrorBox, Show, formatDate } from "../../components";
import { useApi } from "../../useApi";
import { money } from "../Leads";
import { RoomNav } from "./RoomNav";
import type {
  Download, Message, ModuleSummary, PendingVersion, Project, ResellerFigures, Resource, SharedFile, Task, TaskStatus, Thread,
  TrainingModule,
} from "./model";

const base = (partnershipId: string) => `/portal/partnerships/${partnershipId}`;

/** Fetches a short-lived address for the version and opens it (a file: presigned GET; a link: its address). */
async function openDownload(path: string): Promise<void> {
  const download = await api<Download>(path);
  window.open(download.url, "_blank", "noopener");
}

function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The resources and brand rooms: the vendor's content for this partner, to open or download. */
export function ContentRoom({ partnershipId, room }: { partnershipId: string; room: "resources" | "brand" }) {
  const items = useApi(() => api<Page<Resource>>(`${base(partnershipId)}/${room}`, { query: { limit: 100 } }), [partnershipId, room]);
  const [error, setError] = useState<Error | null>(null);
  const title = room === "resources" ? "Resources" : "Brand";
  const headingId = `${room}-room-heading`;
  return (
    <section aria-labelledby={headingId}>
      <RoomNav partnershipId={partnershipId} current={room} />
      <h1 id={headingId}>{title}</h1>
      {error && <ErrorBox error={error} />}
      <Show loadable={items} what={room === "resources" ? "resources" : "brand assets"}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{room === "resources" ? "The vendor has shared no resources with you yet." : "The vendor has shared no brand assets yet."}</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((item) => (
                <li key={item.resource_id} className="card">
                  <h2>{item.title}</h2>
                  {item.description && <p>{item.description}</p>}
                  <p className="muted">
                    {item.kind === "link" ? "Link" : item.current_version?.filename ?? "File"}
                    {item.current_version?.size ? ` · ${size(item.current_version.size)}` : ""}
                    {item.tags.length ? ` · ${item.tags.join(", ")}` : ""} · updated {formatDate(item.updated_at)}
                  </p>
                  <button
                    type="button"
                    disabled={!item.current_version}
                    aria-label={`${item.kind === "link" ? "Open" : "Download"} ${item.title}`}
                    onClick={() => {
                      setError(null);
                      openDownload(`${base(partnershipId)}/${room}/${item.resource_id}/download`).catch(setError);
                    }}
                  >
                    {item.kind === "link" ? "Open" : "Download"}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

/** Sends the file to S3 with the presigned POST the API answered (its fields first, the file last). */
async function upload(pending: PendingVersion, file: File): Promise<void> {
  if (!pending.upload) return;
  const form = new FormData();
  for (const [name, value] of Object.entries(pending.upload.fields)) form.append(name, value);
  form.append("file", file);
  const response = await fetch(pending.upload.url, { method: "POST", body: form });
  if (!response.ok) throw new Error(`The upload failed (HTTP ${response.status}).`);
}

const contentType = (file: File) => file.type || "application/octet-stream";

/** Files both sides share in this partnership: list, download, upload, a new version. */
export function SharedFilesRoom({ partnershipId }: { partnershipId: string }) {
  const files = useApi(() => api<Page<SharedFile>>(`${base(partnershipId)}/shared-files`, { query: { limit: 100 } }), [partnershipId]);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [status, setStatus] = useState("");
  const [inputKey, setInputKey] = useState(0);

  async function run(work: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setStatus("");
    try {
      setStatus(await work());
      files.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  const share = (chosen: File) =>
    run(async () => {
      const created = await api<{ file: SharedFile; pending: PendingVersion }>(`${base(partnershipId)}/shared-files`, {
        method: "POST",
        body: { filename: chosen.name, content_type: contentType(chosen), size: chosen.size, title: title.trim() || null },
      });
      await upload(created.pending, chosen);
      await api(`${base(partnershipId)}/shared-files/${created.file.file_id}/versions/${created.pending.version.version_id}/complete`, { method: "POST" });
      setFile(null);
      setTitle("");
      setInputKey((key) => key + 1);
      return `${created.file.title} shared.`;
    });

  const newVersion = (shared: SharedFile, chosen: File) =>
    run(async () => {
      const path = `${base(partnershipId)}/shared-files/${shared.file_id}/versions`;
      const pending = await api<PendingVersion>(path, {
        method: "POST",
        body: { filename: chosen.name, content_type: contentType(chosen), size: chosen.size },
      });
      await upload(pending, chosen);
      await api(`${path}/${pending.version.version_id}/complete`, { method: "POST" });
      return `New version of ${shared.title} uploaded.`;
    });

  return (
    <section aria-labelledby="files-room-heading">
      <RoomNav partnershipId={partnershipId} current="files" />
      <h1 id="files-room-heading">Shared files</h1>
      <form
        className="stacked card"
        aria-labelledby="share-file-heading"
        onSubmit={(event) => {
          event.preventDefault();
          if (file) void share(file);
        }}
      >
        <h2 id="share-file-heading">Share a file</h2>
        {error && <ErrorBox error={error} />}
        <p role="status" aria-live="polite" className="saved">
          {status}
        </p>
        <label>
          File
          <input key={inputKey} type="file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </label>
        <label>
          Title (optional)
          <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} placeholder={file?.name ?? ""} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !file}>
            {busy ? "Uploading…" : "Upload"}
          </button>
        </div>
      </form>
      <h2>Files</h2>
      <Show loadable={files} what="shared files">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No files shared in this partnership yet.</Empty>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Shared files</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col" className="wide-only">Version</th>
                  <th scope="col" className="wide-only">Shared by</th>
                  <th scope="col" className="wide-only">Updated</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((shared) => (
                  <tr key={shared.file_id}>
                    <th scope="row">
                      {shared.title}
                      <div className="muted">{shared.current_version ? `${shared.current_version.filename ?? ""} ${size(shared.current_version.size)}` : "upload not finished"}</div>
                    </th>
                    <td className="wide-only">{shared.current_version ? `v${shared.current_version.number}` : "—"}</td>
                    <td className="wide-only">{shared.uploader_side === "vendor" ? "Vendor" : "You"}</td>
                    <td className="wide-only">{formatDate(shared.updated_at)}</td>
                    <td>
                      <button
                        type="button"
                        disabled={!shared.current_version}
                        aria-label={`Download ${shared.title}`}
                        onClick={() => {
                          setError(null);
                          openDownload(`${base(partnershipId)}/shared-files/${shared.file_id}/download`).catch(setError);
                        }}
                      >
                        Download
                      </button>{" "}
                      <label className="file-button">
                        New version<span className="visually-hidden"> of {shared.title}</span>
                        <input
                          type="file"
                          disabled={busy}
                          onChange={(event) => {
                            const chosen = event.target.files?.[0];
                            if (chosen) void newVersion(shared, chosen);
                            event.target.value = "";
                          }}
                        />
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

/** Training: the modules meant for this partner, their lessons and the caller's progress. */
export function TrainingRoom({ partnershipId }: { partnershipId: string }) {
  const modules = useApi(() => api<{ items: ModuleSummary[] }>(`${base(partnershipId)}/training/modules`), [partnershipId]);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <section aria-labelledby="training-room-heading">
      <RoomNav partnershipId={partnershipId} current="training" />
      <h1 id="training-room-heading">Training</h1>
      <Show loadable={modules} what="training modules">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>No training modules are published for you yet.</Empty>
          ) : (
            <ul className="cards">
              {items.map((module) => (
                <li key={module.id} className="card">
                  <h2>{module.title}</h2>
                  {module.description && <p>{module.description}</p>}
                  <p className="muted" data-testid="module-progress">
                    {module.progress.completed
                      ? `Completed ${formatDate(module.progress.completed_at)}`
                      : `${module.progress.lessons_done.length} of ${module.lesson_count} lessons done`}
                    {module.has_quiz ? (module.progress.passed ? " · quiz passed" : " · quiz to pass") : ""}
                  </p>
                  <button
                    type="button"
                    aria-expanded={openId === module.id}
                    aria-label={`${openId === module.id ? "Close" : "Open"} ${module.title}`}
                    onClick={() => setOpenId(openId === module.id ? null : module.id)}
                  >
                    {openId === module.id ? "Close" : "Open"}
                  </button>
                  {openId === module.id && <ModuleDetail partnershipId={partnershipId} moduleId={module.id} onChanged={modules.reload} />}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function ModuleDetail({ partnershipId, moduleId, onChanged }: { partnershipId: string; moduleId: string; onChanged: () => void }) {
  const path = `${base(partnershipId)}/training/modules/${moduleId}`;
  const module = useApi(() => api<TrainingModule>(path), [path]);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [result, setResult] = useState("");

  async function act(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      module.reload();
      onChanged();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="module">
      {error && <ErrorBox error={error} />}
      <Show loadable={module} what="the module">
        {(detail) => (
          <>
            <ol className="lessons">
              {detail.lessons.map((lesson) => {
                const done = detail.progress.lessons_done.includes(lesson.id);
                return (
                  <li key={lesson.id}>
                    <h3>{lesson.title}</h3>
                    {lesson.body && <p>{lesson.body}</p>}
                    {lesson.url && (
                      <p>
                        <a href={lesson.url} target="_blank" rel="noreferrer">
                          Lesson material<span className="visually-hidden"> for {lesson.title}</span>
                        </a>
                      </p>
                    )}
                    {done ? (
                      <p className="saved">Done</p>
                    ) : (
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`Mark done: ${lesson.title}`}
                        onClick={() => void act(async () => void (await api(`${path}/lessons/${lesson.id}/done`, { method: "POST" })))}
                      >
                        Mark done
                      </button>
                    )}
                  </li>
                );
              })}
            </ol>
            {detail.quiz && !detail.progress.passed && (
              <form
                className="stacked"
                onSubmit={(event) => {
                  event.preventDefault();
                  void act(async () => {
                    const answer = await api<{ score?: number; passed?: boolean }>(`${path}/quiz/attempts`, {
                      method: "POST",
                      body: { answers: detail.quiz!.questions.map((q) => ({ question_id: q.id, option_ids: answers[q.id] ?? [] })) },
                    });
                    setResult(answer.passed ? `Passed (${answer.score ?? ""} %).` : `Not passed (${answer.score ?? ""} %): try again.`);
                  });
                }}
              >
                <h3>Quiz (pass mark {detail.quiz.pass_mark} %)</h3>
                {detail.quiz.questions.map((question) => (
                  <fieldset key={question.id}>
                    <legend>{question.text}</legend>
                    {question.options.map((option) => (
                      <label key={option.id} className="inline">
                        <input
                          type={question.multiple ? "checkbox" : "radio"}
                          name={`q-${question.id}`}
                          checked={(answers[question.id] ?? []).includes(option.id)}
                          onChange={(event) => {
                            const chosen = answers[question.id] ?? [];
                            const next = question.multiple
                              ? event.target.checked ? [...chosen, option.id] : chosen.filter((id) => id !== option.id)
                              : [option.id];
                            setAnswers({ ...answers, [question.id]: next });
                          }}
                        />
                        {option.text}
                      </label>
                    ))}
                  </fieldset>
                ))}
                <p role="status" aria-live="polite">
                  {result}
                </p>
                <div className="actions">
                  <button type="submit" className="primary" disabled={busy}>
                    Submit answers
                  </button>
                </div>
              </form>
            )}
          </>
        )}
      </Show>
    </div>
  );
}

const TASK_STATUSES: { value: TaskStatus; label: string }[] = [
  { value: "todo", label: "To do" },
  { value: "in_progress", label: "In progress" },
  { value: "done", label: "Done" },
];

/** Joint projects of the partnership and their tasks; a task's status changes here. */
export function ProjectsRoom({ partnershipId }: { partnershipId: string }) {
  const projects = useApi(() => api<Page<Project>>(`${base(partnershipId)}/projects`, { query: { limit: 50 } }), [partnershipId]);
  return (
    <section aria-labelledby="projects-room-heading">
      <RoomNav partnershipId={partnershipId} current="projects" />
      <h1 id="projects-room-heading">Projects</h1>
      <Show loadable={projects} what="projects">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No joint projects in this partnership yet.</Empty>
          ) : (
            <ul className="cards">
              {page.items.map((project) => (
                <li key={project.id} className="card">
                  <h2>{project.name}</h2>
                  <p className="muted">
                    {project.status.replace("_", " ")}
                    {project.start_on || project.end_on ? ` · ${project.start_on ?? "…"} – ${project.end_on ?? "…"}` : ""}
                  </p>
                  {project.description && <p>{project.description}</p>}
                  {project.milestones.length > 0 && (
                    <ul aria-label={`Milestones of ${project.name}`}>
                      {project.milestones.map((milestone) => (
                        <li key={milestone.id}>
                          {milestone.done ? "✓ " : ""}
                          {milestone.title}
                          {milestone.due_on ? <span className="muted"> · due {milestone.due_on}</span> : null}
                        </li>
                      ))}
                    </ul>
                  )}
                  <Tasks partnershipId={partnershipId} project={project} />
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function Tasks({ partnershipId, project }: { partnershipId: string; project: Project }) {
  const path = `${base(partnershipId)}/projects/${project.id}/tasks`;
  const tasks = useApi(() => api<Page<Task>>(path, { query: { limit: 100 } }), [path]);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");

  async function change(task: Task, status: TaskStatus) {
    setError(null);
    setSaved("");
    try {
      await api<Task>(`${path}/${task.id}`, { method: "PATCH", body: { status, expected_version: task.version } });
      setSaved(`${task.title}: ${TASK_STATUSES.find((entry) => entry.value === status)?.label ?? status}.`);
    } catch (failure) {
      setError(failure as Error);
    }
    tasks.reload();
  }

  return (
    <div>
      <h3>Tasks</h3>
      {error && <ErrorBox error={error} />}
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <Show loadable={tasks} what="tasks">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No tasks in this project.</Empty>
          ) : (
            <ul className="tasks">
              {page.items.map((task) => (
                <li key={task.id} className="row">
                  <span>
                    {task.title}
                    <span className="muted">
                      {task.assignee?.name ? ` · ${task.assignee.name}` : ""}
                      {task.due_on ? ` · due ${task.due_on}` : ""}
                    </span>
                  </span>
                  <label>
                    <span className="visually-hidden">Status of {task.title}</span>
                    <select value={task.status} onChange={(event) => void change(task, event.target.value as TaskStatus)}>
                      {TASK_STATUSES.map((entry) => (
                        <option key={entry.value} value={entry.value}>
                          {entry.label}
                        </option>
                      ))}
                    </select>
                  </label>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </div>
  );
}

/** Conversations with the vendor: threads, a thread's messages, a reply, a new thread. */
export function MessagesRoom({ partnershipId }: { partnershipId: string }) {
  const path = `${base(partnershipId)}/messages/threads`;
  const threads = useApi(() => api<Page<Thread>>(path, { query: { limit: 50 } }), [path]);
  const [openId, setOpenId] = useState<string | null>(null);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const thread = await api<Thread>(path, { method: "POST", body: { subject: subject.trim(), body: body.trim() } });
      setSubject("");
      setBody("");
      setOpenId(thread.id);
      threads.reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="messages-room-heading">
      <RoomNav partnershipId={partnershipId} current="messages" />
      <h1 id="messages-room-heading">Messages</h1>
      <div className="split">
        <div>
          <Show loadable={threads} what="conversations">
            {(page) =>
              page.items.length === 0 ? (
                <Empty>No conversations yet: start one below.</Empty>
              ) : (
                <ul className="threads" aria-label="Conversations">
                  {page.items.map((thread) => (
                    <li key={thread.id}>
                      <button
                        type="button"
                        className="link"
                        aria-current={openId === thread.id ? "true" : undefined}
                        onClick={() => setOpenId(thread.id)}
                      >
                        {thread.subject}
                        {thread.unread ? <span className="badge">{thread.unread}</span> : null}
                      </button>
                      <div className="muted">
                        {thread.last_excerpt} · {formatDate(thread.last_message_at)}
                      </div>
                    </li>
                  ))}
                </ul>
              )
            }
          </Show>
          <form
            className="stacked card"
            aria-labelledby="new-thread-heading"
            onSubmit={(event) => {
              event.preventDefault();
              void start();
            }}
          >
            <h2 id="new-thread-heading">New conversation</h2>
            {error && <ErrorBox error={error} />}
            <label>
              Subject
              <input value={subject} onChange={(event) => setSubject(event.target.value)} required maxLength={200} />
            </label>
            <label>
              Message
              <textarea value={body} onChange={(event) => setBody(event.target.value)} rows={3} required />
            </label>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || !subject.trim() || !body.trim()}>
                Start conversation
              </button>
            </div>
          </form>
        </div>
        {openId && <ThreadView key={openId} path={`${path}/${openId}/messages`} onPosted={threads.reload} />}
      </div>
    </section>
  );
}

function ThreadView({ path, onPosted }: { path: string; onPosted: () => void }) {
  const messages = useApi(() => api<Page<Message>>(path, { query: { limit: 100 } }), [path]);
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  async function post() {
    setBusy(true);
    setError(null);
    try {
      await api<Message>(path, { method: "POST", body: { body: body.trim() } });
      setBody("");
      messages.reload();
      onPosted();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-label="Conversation" className="card">
      <Show loadable={messages} what="messages">
        {(page) => (
          <ol className="timeline" aria-label="Messages">
            {[...page.items]
              .sort((a, b) => a.sequence - b.sequence)
              .map((message) => (
                <li key={message.id}>
                  <span>
                    <strong>{message.author.name ?? (message.author.side === "vendor" ? "Vendor" : "Partner")}</strong>: {message.body}
                  </span>
                  <time className="muted" dateTime={message.posted_at}>
                    {formatDate(message.posted_at)}
                  </time>
                </li>
              ))}
          </ol>
        )}
      </Show>
      <form
        className="stacked"
        onSubmit={(event) => {
          event.preventDefault();
          void post();
        }}
      >
        {error && <ErrorBox error={error} />}
        <label>
          Reply
          <textarea value={body} onChange={(event) => setBody(event.target.value)} rows={2} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !body.trim()}>
            Send
          </button>
        </div>
      </form>
    </section>
  );
}

/** A distributor's resellers in this vendor's program, with their leads and deals. */
export function NetworkRoom({ partnershipId }: { partnershipId: string }) {
  const network = useApi(() => api<{ items: ResellerFigures[] }>(`${base(partnershipId)}/network`), [partnershipId]);
  const total = (amounts: { amount: string; currency: string }[]) => amounts.map((m) => money(m.amount, m.currency)).join(", ") || "—";
  return (
    <section aria-labelledby="network-room-heading">
      <RoomNav partnershipId={partnershipId} current="network" />
      <h1 id="network-room-heading">Your resellers</h1>
      <Show loadable={network} what="your resellers">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>The vendor has assigned no resellers to you yet.</Empty>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Your resellers</caption>
              <thead>
                <tr>
                  <th scope="col">Reseller</th>
                  <th scope="col">Leads</th>
                  <th scope="col">Open deals</th>
                  <th scope="col" className="wide-only">Pipeline</th>
                  <th scope="col">Won</th>
                  <th scope="col" className="wide-only">Won revenue</th>
                </tr>
              </thead>
              <tbody>
                {items.map((reseller) => (
                  <tr key={reseller.partnership_id}>
                    <th scope="row">{reseller.company_name ?? "A reseller"}</th>
                    <td>{reseller.leads}</td>
                    <td>{reseller.deals_open}</td>
                    <td className="wide-only">{total(reseller.pipeline)}</td>
                    <td>{reseller.deals_won}</td>
                    <td className="wide-only">{total(reseller.won_revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}
