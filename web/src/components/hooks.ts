import { useEffect, useState } from 'react';

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

/** Sets document.title for a page: "Active sessions · sessiond". */
export function useDocumentTitle(title: string, product: string): void {
  useEffect(() => {
    document.title = `${title} · ${product}`;
  }, [title, product]);
}
