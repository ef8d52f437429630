/** `sessiond/sdk`: verify sessiond sessions from another service. See docs/sdk.md. */
export { createVerifier, type Verifier, type VerifierOptions, type VerifierStats } from './verifier.js';
export type { VerifiedCredential, VerifiedSession } from './session.js';
export { SessiondUnavailableError, type UnavailableReason } from './errors.js';
export { sessiondFastify, type SessiondFastifyOptions } from './fastify.js';
export { sessiondExpress, type SessiondExpressOptions, type SessiondExpressRequest } from './express.js';
