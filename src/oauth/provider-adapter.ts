/**
 * oidc-provider's storage adapter over the OidcStore port: the class the provider's `adapter`
 * option takes. The provider makes one instance per model ("AccessToken", "Grant", "Session", …)
 * and calls it as its own memory adapter (node_modules/oidc-provider/lib/adapters/memory_adapter.js)
 * would be called: `upsert(id, payload, expiresIn seconds)`, `find`, `findByUid`, `findByUserCode`,
 * `consume`, `destroy`, `revokeByGrantId`. A missing or expired object is `undefined`.
 *
 * Time comes from the injected clock, so an object's row expires when sessiond's clock says (the
 * provider still checks `exp` in the payload itself). Clients are not provider-managed objects:
 * they are registered through sessiond (its admin API and CLI), so the "Client" model reads their
 * metadata from there and refuses writes.
 */
import type { Clock } from '../core/ports/clock.js';
import type { OidcPayload, OidcStore } from '../core/ports/oidc-store.js';

/** What oidc-provider calls on its `adapter` (typed here: the package ships no types). */
export interface OidcProviderAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn?: number | null): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type OidcProviderAdapterClass = new (name: string) => OidcProviderAdapter;

/** Registered clients' metadata in oidc-provider's terms (`client_id`, `redirect_uris`, …), or null when there is no such client. */
export interface OidcClientMetadataSource {
  metadata(id: string): Promise<Record<string, unknown> | null>;
}

const CLIENT_MODEL = 'Client';

export function oidcAdapterFactory(store: OidcStore, clock: Clock, clients: OidcClientMetadataSource): OidcProviderAdapterClass {
  return class SessiondOidcAdapter implements OidcProviderAdapter {
    readonly #model: string;

    constructor(name: string) {
      this.#model = name;
    }

    async upsert(id: string, payload: OidcPayload, expiresIn?: number | null): Promise<void> {
      refuseClientWrite(this.#model);
      const expiresAt = typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? clock.now() + Math.round(expiresIn * 1000) : null;
      await store.upsert(this.#model, id, payload, expiresAt);
    }

    async find(id: string): Promise<OidcPayload | undefined> {
      if (this.#model === CLIENT_MODEL) return (await clients.metadata(id)) ?? undefined;
      return (await store.find(this.#model, id, clock.now())) ?? undefined;
    }

    async findByUid(uid: string): Promise<OidcPayload | undefined> {
      return (await store.findByUid(this.#model, uid, clock.now())) ?? undefined;
    }

    async findByUserCode(userCode: string): Promise<OidcPayload | undefined> {
      return (await store.findByUserCode(this.#model, userCode, clock.now())) ?? undefined;
    }

    async consume(id: string): Promise<void> {
      await store.consume(this.#model, id, clock.now());
    }

    async destroy(id: string): Promise<void> {
      refuseClientWrite(this.#model);
      await store.destroy(this.#model, id);
    }

    /** Every token of the grant goes, whichever token model the provider calls it on (as its memory adapter does). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}

function refuseClientWrite(model: string): void {
  // Dynamic registration is off; a write here would be a client sessiond's admins never registered.
  if (model === CLIENT_MODEL) throw new Error('OAuth clients are registered through sessiond, not by the provider');
}
