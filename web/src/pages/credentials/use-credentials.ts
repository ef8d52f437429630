/**
 * The three lists of issue 11 the Active sessions page shows besides its sessions: connected apps
 * (device sign-ins among them), "Signed in with your account" and personal access tokens. Each
 * is loaded on its own: one that fails says so in its section, and one whose route this server
 * does not have (404) is `absent`, so its section is left out.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthenticated } from '../../api';
import { useServices } from '../../services';
import type { ConnectedApp, PersonalTokenList, RelyingPartySession } from './types';
import { errorText, isMissingRoute } from './wording';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'absent' }
  | { state: 'error'; message: string }
  /** `error`: a later refresh failed; the list shown may be out of date. */
  | { state: 'ready'; value: T; error?: string };

export type CredentialList = 'apps' | 'rp' | 'tokens';

export interface Credentials {
  apps: Loaded<ConnectedApp[]>;
  rp: Loaded<RelyingPartySession[]>;
  tokens: Loaded<PersonalTokenList>;
  /** Reads the lists again (all of them unless named); what is on screen stays meanwhile. */
  reload: (which?: CredentialList) => Promise<void>;
  /** Takes an item off its list at once (it was ended here), before the reload confirms it. */
  drop: (which: CredentialList, id: string) => void;
}

export function useCredentials(): Credentials {
  const { api, onUnauthenticated } = useServices();
  const [apps, setApps] = useState<Loaded<ConnectedApp[]>>({ state: 'loading' });
  const [rp, setRp] = useState<Loaded<RelyingPartySession[]>>({ state: 'loading' });
  const [tokens, setTokens] = useState<Loaded<PersonalTokenList>>({ state: 'loading' });
  const mounted = useRef(true);

  const reload = useCallback(
    async (which?: CredentialList) => {
      async function one<T>(read: () => Promise<T>, set: (update: (old: Loaded<T>) => Loaded<T>) => void): Promise<void> {
        try {
          const value = await read();
          if (mounted.current) set(() => ({ state: 'ready', value }));
        } catch (err) {
          if (!mounted.current) return;
          if (isUnauthenticated(err)) return onUnauthenticated(err);
          if (isMissingRoute(err)) return set(() => ({ state: 'absent' }));
          const message = errorText(err);
          set((old) => (old.state === 'ready' ? { ...old, error: message } : { state: 'error', message }));
        }
      }
      await Promise.all([
        which === undefined || which === 'apps' ? one(() => api.listConnectedApps(), setApps) : null,
        which === undefined || which === 'rp' ? one(() => api.listRelyingPartySessions(), setRp) : null,
        which === undefined || which === 'tokens' ? one(() => api.listPersonalTokens(), setTokens) : null,
      ]);
    },
    [api, onUnauthenticated],
  );

  const drop = useCallback((which: CredentialList, id: string) => {
    if (which === 'apps') setApps((old) => (old.state === 'ready' ? { ...old, value: old.value.filter((a) => a.id !== id) } : old));
    else if (which === 'rp') setRp((old) => (old.state === 'ready' ? { ...old, value: old.value.filter((s) => s.id !== id) } : old));
    else
      setTokens((old) =>
        old.state === 'ready' ? { ...old, value: { ...old.value, tokens: old.value.tokens.filter((t) => t.id !== id) } } : old,
      );
  }, []);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);

  return { apps, rp, tokens, reload, drop };
}

/** How many of each the bulk sign-outs would end with "Also remove…" ticked (null: the server has no such list). */
export function credentialCounts(c: Pick<Credentials, 'apps' | 'tokens'>): { apps: number; devices: number; tokens: number } | null {
  if (c.apps.state !== 'ready' && c.tokens.state !== 'ready') return null;
  const apps = c.apps.state === 'ready' ? c.apps.value : [];
  return {
    apps: apps.filter((a) => a.via !== 'device_code').length,
    devices: apps.filter((a) => a.via === 'device_code').length,
    tokens: c.tokens.state === 'ready' ? c.tokens.value.tokens.length : 0,
  };
}
