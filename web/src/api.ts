import { config } from "./config";
import { clearSession, currentSession } from "./session";

export type FieldError = { field: string; message: string };

/** An answer other than 2xx; problem+json's `detail` and `errors[]` when the API sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

export type Page<T> = { items: T[]; next_cursor?: string | null };
type Query = Record<string, string | number | boolean | null | undefined>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return `${config().api_url}${path}${search ? `?${search}` : ""}`;
}

export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; query?: Query; auth?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.auth !== false) {
    const session = currentSession();
    if (session) headers.authorization = `Bearer ${session.token}`;
  }
  const response = await fetch(url(path, options.query), {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const content: unknown = text ? safeJson(text) : null;
  if (response.ok) return content as T;
  if (response.status === 401 && options.auth !== false) {
    clearSession();
    window.location.hash = "#/login";
  }
  const problem = (content ?? {}) as { detail?: string; title?: string; message?: string; errors?: FieldError[] };
  throw new ApiError(
    response.status,
    problem.detail ?? problem.title ?? problem.message ?? `HTTP ${response.status}`,
    Array.isArray(problem.errors) ? problem.errors : [],
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
