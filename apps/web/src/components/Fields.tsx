/** Form fields with their label, help and error tied together (aria-describedby, aria-invalid). */
import { type InputHTMLAttributes, type ReactNode, type Ref, useId } from "react";

export interface TextFieldProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "id" | "className"> {
  label: string;
  value: string;
  onChange: (v: string) => void;
  help?: ReactNode;
  error?: string | readonly string[] | undefined;
  inputRef?: Ref<HTMLInputElement>;
}

function errorList(error: string | readonly string[] | undefined): readonly string[] {
  if (error === undefined) return [];
  return typeof error === "string" ? [error] : error;
}

export function TextField({ label, value, onChange, help, error, inputRef, type, ...rest }: TextFieldProps) {
  const id = useId();
  const errors = errorList(error);
  const describedBy = [help ? `${id}-help` : "", errors.length > 0 ? `${id}-error` : ""]
    .filter((s) => s !== "")
    .join(" ");
  return (
    <div className={errors.length > 0 ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input
        {...rest}
        ref={inputRef}
        id={id}
        type={type ?? "text"}
        value={value}
        aria-invalid={errors.length > 0 ? true : undefined}
        aria-describedby={describedBy === "" ? undefined : describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {errors.length > 0 ? (
        <p id={`${id}-error`} className="field-error">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function TextAreaField({
  label,
  value,
  onChange,
  help,
  error,
  maxLength,
  required,
  rows = 3,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  help?: ReactNode;
  error?: string | undefined;
  maxLength?: number;
  required?: boolean;
  rows?: number;
  testId?: string;
}) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : "", error ? `${id}-error` : ""]
    .filter((s) => s !== "")
    .join(" ");
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        rows={rows}
        maxLength={maxLength}
        required={required}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy === "" ? undefined : describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SelectBox<T extends string>({
  label,
  value,
  options,
  onChange,
  help,
  error,
  testId,
}: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (v: T) => void;
  help?: ReactNode;
  error?: string | undefined;
  testId?: string;
}) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : "", error ? `${id}-error` : ""]
    .filter((s) => s !== "")
    .join(" ");
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy === "" ? undefined : describedBy}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A form's general error (the server's message, or "fix the marked fields"). */
export function FormError({ title, messages }: { title?: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="message message-error" role="alert">
      {title ? <h3>{title}</h3> : null}
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
