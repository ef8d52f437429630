/** One call to `POST /v1/introspect`, with its failures told apart from an inactive token. */
import { SessiondUnavailableError } from './errors.js';
import type { VerifiedCredential, VerifiedSession } from './session.js';

export interface IntrospectOptions {
  endpoint: string;
  serviceKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export async function introspect(token: string, options: IntrospectOptions): Promise<VerifiedSession | null> {
  return toSession(await introspectBody(token, options));
}

/** A personal or OAuth access token's answer (never cached): null when inactive. */
export async function introspectToken(token: string, options: IntrospectOptions): Promise<VerifiedCredential | null> {
  const b = ((await introspectBody(token, options)) ?? {}) as Record<string, unknown>;
  if (b.active === false) return null;
  if (
    b.active === true &&
    (b.token_type === 'personal_access_token' || b.token_type === 'access_token') &&
    typeof b.sub === 'string' &&
    typeof b.client_id === 'string' &&
    typeof b.iat === 'number' &&
    (b.exp === undefined || typeof b.exp === 'number')
  ) {
    return Object.freeze({
      kind: b.token_type,
      userId: b.sub,
      clientId: b.client_id,
      scopes: Object.freeze(typeof b.scope === 'string' ? b.scope.split(' ').filter(Boolean) : []),
      issuedAt: b.iat * 1000,
      expiresAt: typeof b.exp === 'number' ? b.exp * 1000 : null,
    });
  }
  throw new SessiondUnavailableError('unexpected_response', 'sessiond sent an introspection answer without the expected fields');
}

async function introspectBody(token: string, options: IntrospectOptions): Promise<unknown> {
  let res: Response;
  try {
    res = await options.fetch(options.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.serviceKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error | undefined)?.name === 'TimeoutError';
    throw new SessiondUnavailableError(
      timedOut ? 'timeout' : 'unreachable',
      timedOut ? `sessiond did not answer within ${options.timeoutMs} ms` : 'sessiond is unreachable',
      { cause: err },
    );
  }
  if (res.status !== 200) {
    // Read the body anyway so the connection goes back to the pool.
    await res.arrayBuffer().catch(() => {});
    if (res.status === 401)
      throw new SessiondUnavailableError('service_key_rejected', 'sessiond refused the service key', { status: res.status });
    throw new SessiondUnavailableError('unexpected_response', `sessiond answered ${res.status} to introspection`, { status: res.status });
  }
  try {
    return await res.json();
  } catch (err) {
    throw new SessiondUnavailableError('unexpected_response', 'sessiond sent an introspection answer that is not JSON', { cause: err });
  }
}

function toSession(body: unknown): VerifiedSession | null {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.active === false) return null;
  if (
    b.active === true &&
    typeof b.sub === 'string' &&
    typeof b.sid === 'string' &&
    typeof b.client_id === 'string' &&
    typeof b.exp === 'number' &&
    typeof b.iat === 'number'
  ) {
    return Object.freeze({ userId: b.sub, sessionId: b.sid, clientId: b.client_id, issuedAt: b.iat * 1000, expiresAt: b.exp * 1000 });
  }
  throw new SessiondUnavailableError('unexpected_response', 'sessiond sent an introspection answer without the expected fields');
}
