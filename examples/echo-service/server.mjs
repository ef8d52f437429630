/* global process, console */
/**
 * echo-service: the smallest service that trusts sessiond sessions. It answers
 *   GET /whoami   200 {session} for a live session, 401 without one, 503 when sessiond cannot be asked
 *   GET /healthz  the verifier's counters (is the revocation stream live, cache hits, …)
 * Run from the repository (after `npm install`, which builds dist/):
 *   SESSIOND_SERVICE_KEY=<key> node examples/echo-service/server.mjs
 */
import { createServer } from 'node:http';
import { createVerifier, SessiondUnavailableError } from 'sessiond/sdk';

const serviceKey = process.env.SESSIOND_SERVICE_KEY;
if (!serviceKey) {
  console.error('set SESSIOND_SERVICE_KEY to a key from `npx sessiond service-keys create --name echo`');
  process.exit(1);
}

const verifier = createVerifier({
  url: process.env.SESSIOND_URL ?? 'http://127.0.0.1:7400',
  serviceKey,
  // With Redis, revocations arrive on the deployment's own channel, named by sessiond's
  // --redis-prefix (logged at its start as redis_prefix); without Redis, over its SSE stream.
  ...(process.env.SESSIOND_REDIS_URL ? { redisUrl: process.env.SESSIOND_REDIS_URL, redisPrefix: process.env.SESSIOND_REDIS_PREFIX } : {}),
});

const BEARER = /^Bearer +(\S+)\s*$/i;

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  if (req.url === '/healthz') return send(res, 200, { ok: true, sdk: verifier.stats() });
  if (req.url !== '/whoami') return send(res, 404, { error: 'not_found' });
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
  try {
    const session = token ? await verifier.verify(token) : null;
    // null: no session, or not a live one (unknown, revoked, expired). Say 401.
    if (!session) return send(res, 401, { error: 'unauthenticated' });
    return send(res, 200, { hello: session.userId, session });
  } catch (err) {
    // Not "invalid token": sessiond could not be asked. Say 503 so the client retries.
    if (err instanceof SessiondUnavailableError) return send(res, 503, { error: 'sessiond_unavailable', reason: err.reason });
    console.error(err);
    return send(res, 500, { error: 'internal_error' });
  }
});

const port = Number(process.env.PORT ?? 7500);
server.listen(port, '127.0.0.1', () => console.log(`echo-service listening on http://127.0.0.1:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    void verifier.close();
  });
}
