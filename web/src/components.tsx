import type { ReactNode } from "react";
import { ApiError } from "./api";
import type { Loadable } from "./useApi";

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div className="error" role="alert">
      <strong>{error instanceof ApiError && error.status === 404 ? "Not found" : "Something went wrong"}:</strong>{" "}
      {error.message}
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={`${field.field}:${field.message}`}>
              <code>{field.field}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Loading, error or the content of a loaded resource. */
export function Show<T>({ loadable, what, children }: { loadable: Loadable<T>; what: string; children: (data: T) => ReactNode }) {
  if (loadable.error) return <ErrorBox error={loadable.error} onRetry={loadable.reload} />;
  if (loadable.loading && loadable.data === null) return <Loading what={what} />;
  if (loadable.data === null) return null;
  return <>{children(loadable.data)}</>;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function nameOf(options: { id: string; name: string }[] | undefined, id: string | null | undefined): string {
  if (!id) return "—";
  return options?.find((option) => option.id === id)?.name ?? id;
}
