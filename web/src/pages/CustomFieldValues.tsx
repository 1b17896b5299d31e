import { useState } from "react";
import { api } from "../api";
import { ErrorBox, Show } from "../components";
import { FieldMessage, unplacedError } from "../fields";
import { href } from "../router";
import { useApi } from "../useApi";

type Value = string | number | string[] | null;
type FieldValue = {
  field_id: string;
  key: string;
  label: string;
  type: "text" | "number" | "date" | "single_select" | "multi_select";
  required: boolean;
  visibility: "standard" | "shared";
  options: string[];
  help_text: string | null;
  value: Value;
};
type Answer = { partnership_id: string; version: number; fields: FieldValue[] };

/** The partnership's custom field values (definitions in Settings → Custom fields), edited as one form. */
export function CustomFieldValues({ partnershipId, readOnly }: { partnershipId: string; readOnly: boolean }) {
  const answer = useApi(() => api<Answer>(`/partnerships/${partnershipId}/custom-fields`), [partnershipId]);
  // Here, not in the form: a save's answer has a new version, which starts a new form.
  const [saved, setSaved] = useState("");
  return (
    <section aria-labelledby="custom-fields-heading" className="stacked">
      <h3 id="custom-fields-heading">Custom fields</h3>
      <p role="status" aria-live="polite" className="saved">
        {saved}
      </p>
      <Show loadable={answer} what="custom fields">
        {(loaded) =>
          loaded.fields.length === 0 ? (
            <p className="muted">
              The program has no custom fields: define them in <a href={href("/settings/fields")}>Settings</a>.
            </p>
          ) : (
            <ValuesForm
              key={loaded.version}
              partnershipId={partnershipId}
              answer={loaded}
              readOnly={readOnly}
              onSaving={() => setSaved("")}
              onSaved={() => {
                setSaved("Custom fields saved.");
                answer.reload();
              }}
            />
          )
        }
      </Show>
    </section>
  );
}

// Inputs hold text; a number field's text becomes a number only when sent (an empty one clears it).
function asText(value: Value): string | string[] {
  if (Array.isArray(value)) return value;
  return value === null ? "" : String(value);
}

type FormProps = { partnershipId: string; answer: Answer; readOnly: boolean; onSaving: () => void; onSaved: () => void };

function ValuesForm({ partnershipId, answer, readOnly, onSaving, onSaved }: FormProps) {
  const [values, setValues] = useState<Record<string, string | string[]>>(
    Object.fromEntries(answer.fields.map((field) => [field.key, asText(field.value)])),
  );
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    const body: Record<string, Value> = {};
    for (const field of answer.fields) {
      const value = values[field.key];
      if (JSON.stringify(value) === JSON.stringify(asText(field.value))) continue;
      if (Array.isArray(value)) body[field.key] = value.length ? value : null;
      else if (value.trim() === "") body[field.key] = null;
      else if (field.type === "number") body[field.key] = Number.isNaN(Number(value)) ? value : Number(value);
      else body[field.key] = value;
    }
    setBusy(true);
    setError(null);
    onSaving();
    try {
      await api(`/partnerships/${partnershipId}/custom-fields`, { method: "PUT", body: { values: body, expected_version: answer.version } });
      onSaved();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  const leftOver = unplacedError(error, ["values"]);
  return (
    <form
      className="stacked"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {leftOver && <ErrorBox error={leftOver} />}
      <fieldset disabled={busy || readOnly} className="stacked">
        <legend className="visually-hidden">Custom field values</legend>
        {answer.fields.map((field) => {
          const value = values[field.key];
          const errorId = `cf-${field.key}-error`;
          const set = (next: string | string[]) => setValues({ ...values, [field.key]: next });
          const label = `${field.label}${field.required ? " (required)" : ""}`;
          if (field.type === "multi_select") {
            const chosen = Array.isArray(value) ? value : [];
            return (
              <fieldset key={field.key}>
                <legend>{label}</legend>
                <div className="checks">
                  {field.options.map((option) => (
                    <label key={option} className="check">
                      <input
                        type="checkbox"
                        checked={chosen.includes(option)}
                        onChange={(event) => set(event.target.checked ? [...chosen, option] : chosen.filter((other) => other !== option))}
                      />
                      {option}
                    </label>
                  ))}
                </div>
                <FieldMessage error={error} field={`values.${field.key}`} id={errorId} />
              </fieldset>
            );
          }
          return (
            <label key={field.key}>
              {label}
              {field.type === "single_select" ? (
                <select value={value as string} onChange={(event) => set(event.target.value)} aria-describedby={errorId}>
                  <option value="">—</option>
                  {field.options.map((option) => (
                    <option key={option} value={option}>
                      {option}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  type={field.type === "date" ? "date" : "text"}
                  inputMode={field.type === "number" ? "decimal" : undefined}
                  value={value as string}
                  onChange={(event) => set(event.target.value)}
                  aria-describedby={errorId}
                />
              )}
              {field.help_text && <span className="muted">{field.help_text}</span>}
              <FieldMessage error={error} field={`values.${field.key}`} id={errorId} />
            </label>
          );
        })}
      </fieldset>
      {!readOnly && (
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save custom fields
          </button>
        </div>
      )}
    </form>
  );
}
