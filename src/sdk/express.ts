/**
 * Express helper: `app.use(sessiondExpress({ verifier }))` puts the caller's session (or null)
 * on `req.session`. It does not refuse anyone: routes decide. When sessiond cannot be asked,
 * `next(err)` receives a `SessiondUnavailableError` (statusCode 503).
 *
 * Typed structurally rather than against @types/express, so the SDK's types do not require
 * Express to be installed; the global augmentation below merges with Express's `Request`.
 */
import { DEFAULT_COOKIE_NAME, readToken } from './credential.js';
import type { VerifiedSession } from './session.js';
import type { Verifier } from './verifier.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are augmented through this namespace
  namespace Express {
    interface Request {
      /** Set by `sessiondExpress`: the caller's live session, or null. */
      session?: VerifiedSession | null;
    }
  }
}

/** The part of an Express (4 or 5) request the middleware reads and writes. */
export interface SessiondExpressRequest {
  headers: { authorization?: string | undefined; cookie?: string | undefined };
  session?: VerifiedSession | null;
}

export interface SessiondExpressOptions {
  verifier: Pick<Verifier, 'verify'>;
  /** The session cookie's name, when this service shares sessiond's site. @default '__Host-sessiond' */
  cookieName?: string;
}

export function sessiondExpress({ verifier, cookieName = DEFAULT_COOKIE_NAME }: SessiondExpressOptions) {
  return function sessiondSession(req: SessiondExpressRequest, _res: unknown, next: (err?: unknown) => void): void {
    const token = readToken(req.headers.authorization, req.headers.cookie, cookieName);
    if (token === null) {
      req.session = null;
      next();
      return;
    }
    verifier.verify(token).then((session) => {
      req.session = session;
      next();
    }, next);
  };
}
