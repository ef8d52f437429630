import type { InputHTMLAttributes, Ref } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'> {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the input and tied to it with aria-describedby. */
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled input in the forms' layout; required unless said otherwise. */
export function TextField({ id, label, value, onChange, hint, inputRef, required = true, ...input }: TextFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        ref={inputRef}
        id={id}
        required={required}
        aria-describedby={hintId ?? input['aria-describedby']}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
