/** The Totp port over `otpauth` (MIT, maintained), the library behind many authenticator integrations. */
import { Secret, TOTP } from 'otpauth';
import type { Crypto } from '../../core/ports/crypto.js';
import type { Totp } from '../../core/ports/totp.js';

const PERIOD_S = 30;
/** RFC 4226 §4 asks for at least 128 bits and recommends 160. */
const SECRET_BYTES = 20;
/** One step either side: a phone clock 30 s off still works; a code lives at most about 90 s. */
const WINDOW = 1;

function totp(secret: string, account = '', issuer = ''): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secret) });
}

export function otpauthTotp(crypto: Crypto): Totp {
  return {
    newSecret() {
      const bytes = crypto.randomBytes(SECRET_BYTES);
      return new Secret({ buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }).base32;
    },
    verify(secret, code, now) {
      if (!/^\d{6}$/.test(code)) return null;
      const delta = totp(secret).validate({ token: code, timestamp: now, window: WINDOW });
      return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
    },
    keyUri(secret, account, issuer) {
      return totp(secret, account, issuer).toString();
    },
  };
}
