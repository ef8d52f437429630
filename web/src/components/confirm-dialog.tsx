/**
 * A modal confirmation on the native <dialog>: the browser makes the rest of the page inert and
 * keeps Tab inside. Focus starts on Cancel (the safe choice), Escape cancels, and on close focus
 * returns to the control that opened it — or, if that control is gone (its row was signed out),
 * to `fallbackFocus`.
 */
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { messages } from '../messages';

export interface ConfirmDialogProps {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  /** Asked when the dialog closes, so the caller can say the opener is going away. */
  returnFocusTo: () => HTMLElement | null;
  fallbackFocus?: () => HTMLElement | null;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, body, confirmLabel, busyLabel, busy, error, onConfirm, onCancel } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  // Read at close time, not at open time: the caller may learn the fallback only later.
  const focusRef = useRef(props);
  focusRef.current = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      const { returnFocusTo, fallbackFocus } = focusRef.current;
      const opener = returnFocusTo();
      const target = opener?.isConnected === true ? opener : (fallbackFocus?.() ?? null);
      // After React has removed the dialog, so the browser does not move focus again.
      queueMicrotask(() => target?.focus());
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: close through React state so focus handling stays in one place.
        event.preventDefault();
        if (!busy) onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          if (!busy) onCancel();
        }
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      <div id={bodyId} className="dialog-body">
        {body}
      </div>
      {error !== null && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="button" onClick={onCancel} disabled={busy}>
          {messages.common.cancel}
        </button>
        <button type="button" className="button button-danger-solid" onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
