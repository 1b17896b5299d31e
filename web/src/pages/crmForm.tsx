import type { InputHTMLAttributes } from "react";
import { ApiError } from "../api";

/** The problem+json message for one field (`errors[].field`), if the last answer named it. */
export function fieldMessage(error: Error | null, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.fieldErrors.find((entry) => entry.field === field || entry.field.startsWith(`${field}.`))?.message;
}

/** A labelled input that shows its field's error from the API beside it (aria-invalid + described by). */
export function Field({
  label,
  name,
  error,
  value,
  onChange,
  id: suffix,
  ...rest
}: {
  label: string;
  name: string;
  error: Error | null;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "name">) {
  const message = fieldMessage(error, name);
  const id = `error-${name}-${suffix ?? ""}`;
  return (
    <label>
      {label}
      <input
        {...rest}
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? id : undefined}
      />
      {message && (
        <small className="field-error" id={id}>
          {message}
        </small>
      )}
    </label>
  );
}

/** Empty text becomes null (the API's "no value"), the rest is trimmed. */
export function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed ? trimmed : null;
}
