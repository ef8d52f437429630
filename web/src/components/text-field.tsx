import { useCallback, useEffect, useRef, useState } from 'react';
import type { InputHTMLAttributes, Ref, RefObject } from 'react';
import { messages } from '../messages';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'> {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the input and tied to it with aria-describedby. */
  hint?: string;
  /**
   * What is wrong with the value: shown under the input, tied to it with aria-describedby, and
   * the input is marked aria-invalid. Null or absent: nothing is wrong.
   */
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
}

/**
 * A labelled input in the forms' layout; required unless said otherwise. A password field
 * (`type="password"`) gets a "Show password" toggle button (aria-pressed) that switches the
 * input between hidden and plain text.
 */
export function TextField({ id, label, value, onChange, hint, error, inputRef, required = true, type, ...input }: TextFieldProps) {
  const [shown, setShown] = useState(false);
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error == null ? undefined : `${id}-error`;
  const describedBy = [errorId, hintId ?? input['aria-describedby']].filter((x) => x !== undefined).join(' ') || undefined;
  const isPassword = type === 'password';
  const field = (
    <input
      {...input}
      ref={inputRef}
      id={id}
      type={isPassword && shown ? 'text' : type}
      required={required}
      aria-describedby={describedBy}
      aria-invalid={error == null ? input['aria-invalid'] : true}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
  return (
    <div className={error == null ? 'field' : 'field field-invalid'}>
      <label htmlFor={id}>{label}</label>
      {isPassword ? (
        <div className="password-input">
          {field}
          <button
            type="button"
            className="button button-small password-toggle"
            aria-pressed={shown}
            aria-controls={id}
            onClick={() => setShown((s) => !s)}
          >
            {messages.forms.showPassword}
          </button>
        </div>
      ) : (
        field
      )}
      {error != null && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * After a submit that found errors: call `focusFirstError()` and, once the errors are drawn, the
 * first field marked aria-invalid in the form takes focus (its error is read with it).
 */
export function useFocusFirstError(): { formRef: RefObject<HTMLFormElement | null>; focusFirstError: () => void } {
  const formRef = useRef<HTMLFormElement>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    if (asked === 0) return;
    formRef.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [asked]);
  const focusFirstError = useCallback(() => setAsked((n) => n + 1), []);
  return { formRef, focusFirstError };
}
