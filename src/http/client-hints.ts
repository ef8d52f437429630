/**
 * The User-Agent client hints the server asks browsers for. Chromium browsers freeze the system
 * version in their User-Agent ("Mac OS X 10_15_7", "Windows NT 10.0") and send the real one, the
 * full browser version and the phone model only to an origin that asked with `Accept-CH`; the
 * device a session records at sign-in is read from them (src/http/plugins/request-context.ts,
 * src/adapters/user-agent/bowser-user-agent.ts).
 *
 * Asked on the HTML pages only: Chromium takes `Accept-CH` from a navigation's response and keeps
 * it for the origin, so the sign-in `fetch` the page makes next carries the hints; on an API
 * answer (a subresource) it is ignored. `Sec-CH-UA`, `-Mobile` and `-Platform` are sent without
 * asking. No `Critical-CH` (which costs a second request for the page): the page itself does
 * not use them, and every sign-in happens from a page that has already asked. No `Vary`: no
 * answer's content depends on them (a session's device is recorded once, at sign-in, and pages
 * are `no-store`). Browsers send them only to secure contexts (https, and http://localhost or
 * 127.0.0.1).
 */
import type { FastifyReply } from 'fastify';

export const REQUESTED_CLIENT_HINTS = ['Sec-CH-UA-Platform-Version', 'Sec-CH-UA-Model', 'Sec-CH-UA-Full-Version-List'] as const;

const ACCEPT_CH = REQUESTED_CLIENT_HINTS.join(', ');

/** Asks the browser for the hints on an HTML page's response. */
export function askForClientHints(reply: FastifyReply): FastifyReply {
  return reply.header('accept-ch', ACCEPT_CH);
}
