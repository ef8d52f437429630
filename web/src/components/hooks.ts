import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { useLocation } from '../router';
import { useServices } from '../services';

/** navigator.onLine, kept current by the online/offline events. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine !== false));
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

/**
 * Sets document.title for a page: "Active sessions · sessiond". Set while the page's content is
 * committed (a layout effect), so the title never lags the heading it names: a screen reader or
 * the tab strip does not show the previous page's title over new content.
 */
export function useDocumentTitle(title: string, product: string): void {
  useLayoutEffect(() => {
    document.title = `${title} · ${product}`;
  }, [title, product]);
}

/**
 * The `?token=` of a link from a mail, read once when the page opens. It is taken out of the
 * address bar and the history entry before the page is painted, so it is not left in history,
 * bookmarks or a screenshot, and never sent as a Referer; the page sends it only in a POST body.
 * Kept in state (not in a module variable), so each page that opens reads its own link.
 */
export function useTokenFromUrl(): string | null {
  const { pathname, search, path } = useLocation();
  const { navigate } = useServices();
  const [token] = useState(() => search.get('token'));
  useLayoutEffect(() => {
    if (!search.has('token')) return;
    const rest = new URLSearchParams(search);
    rest.delete('token');
    const query = rest.toString();
    navigate(query === '' ? pathname : `${pathname}?${query}`, { replace: true });
    // `path` stands for pathname and search (new objects on every render).
  }, [path, navigate]);
  return token;
}

export type CopyState = 'idle' | 'copied' | 'failed';

/** Copying a secret shown once to the clipboard, and whether it worked (for a polite live message). */
export function useCopy(): { state: CopyState; copy(text: string): Promise<void>; reset(): void } {
  const [state, setState] = useState<CopyState>('idle');
  const copy = useCallback(async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }, []);
  const reset = useCallback(() => setState('idle'), []);
  return { state, copy, reset };
}
