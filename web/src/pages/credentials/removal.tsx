/**
 * Ending one credential after a confirmation: the dialog (ConfirmDialog, focus back to the button
 * that opened it or, with its row gone, to the section's heading), "Confirm it's you" when the
 * server asks for a recent sign-in, and an item that had already ended treated as done.
 */
import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useReauth } from '../../components/reauth-dialog';
import { useServices } from '../../services';
import { errorText } from './wording';

export interface RemovalText {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  busyLabel: string;
}

export function useRemoval<T>({
  act,
  done,
  text,
  fallbackFocus,
}: {
  act: (item: T) => Promise<void>;
  /** After the item ended; `alreadyGone`: the server no longer had it (ended elsewhere, expired). */
  done: (item: T, alreadyGone: boolean) => void;
  text: (item: T) => RemovalText;
  fallbackFocus: () => HTMLElement | null;
}): { open: (item: T, trigger: HTMLElement) => void; dialog: ReactNode; busy: boolean } {
  const { onUnauthenticated } = useServices();
  const reauth = useReauth();
  const [pending, setPending] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trigger = useRef<HTMLElement | null>(null);

  async function confirm(item: T) {
    setBusy(true);
    setError(null);
    let alreadyGone = false;
    try {
      await reauth.run(() => act(item));
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (!(err instanceof ApiError && err.code === 'not_found')) {
        setError(errorText(err));
        setBusy(false);
        return;
      }
      alreadyGone = true;
    }
    // The row and its button go away: focus moves to the section's heading.
    trigger.current = null;
    setPending(null);
    setBusy(false);
    done(item, alreadyGone);
  }

  const dialog = (
    <>
      {pending !== null && (
        <ConfirmDialog
          {...text(pending)}
          busy={busy}
          error={error}
          onConfirm={() => void confirm(pending)}
          onCancel={() => {
            setPending(null);
            setError(null);
          }}
          returnFocusTo={() => trigger.current}
          fallbackFocus={fallbackFocus}
        />
      )}
      {reauth.dialog}
    </>
  );

  return {
    open: (item, element) => {
      trigger.current = element;
      setError(null);
      setPending(item);
    },
    dialog,
    busy,
  };
}
