import { ApiError } from "./api";

/** The problem+json errors naming `field` (or a path starting with it), shown next to that field. */
export function FieldMessage({ error, field, id }: { error: Error | null; field: string; id: string }) {
  if (!(error instanceof ApiError)) return null;
  const messages = error.fieldErrors
    .filter((entry) => entry.field === field || entry.field.startsWith(`${field}.`) || entry.field.startsWith(`${field}[`))
    .map((entry) => entry.message);
  if (messages.length === 0) return null;
  return (
    <span className="field-error" id={id}>
      {messages.join("; ")}
    </span>
  );
}

/** A failure whose field errors are all shown next to their fields needs no other box. */
export function unplacedError(error: Error | null, fields: string[]): Error | null {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return error;
  const placed = error.fieldErrors.every((entry) =>
    fields.some((field) => entry.field === field || entry.field.startsWith(`${field}.`) || entry.field.startsWith(`${field}[`)),
  );
  return placed ? null : error;
}
