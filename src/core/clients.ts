import type { Client } from './session.js';

/** First-party apps. Operators may configure their own list; these are the defaults. */
export const DEFAULT_CLIENTS: readonly Client[] = Object.freeze([
  { id: 'web', name: 'Web', kind: 'browser' },
  { id: 'desktop', name: 'Desktop app', kind: 'desktop' },
  { id: 'mobile', name: 'Mobile app', kind: 'mobile' },
  { id: 'platform', name: 'Platform console', kind: 'browser' },
  { id: 'cli', name: 'Command line', kind: 'cli' },
]);

/** A client that no longer exists in configuration still has to be shown, honestly. */
export function describeClient(clients: readonly Client[], id: string): Client {
  return clients.find((c) => c.id === id) ?? { id, name: id, kind: 'service' };
}
