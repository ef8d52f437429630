/** Time-based one-time passwords (RFC 6238): SHA-1, 6 digits, 30-second steps, as every authenticator app expects. */
export interface Totp {
  /** A new random secret, base32 (160 bits, RFC 4226's recommendation). */
  newSecret(): string;
  /**
   * The step (`floor(ms / 30 s)`) the code belongs to when it is right for `now` give or take
   * one step of clock drift; null when it is wrong.
   */
  verify(secret: string, code: string, now: number): number | null;
  /** The `otpauth://totp/…` URI an authenticator app reads from the QR code. */
  keyUri(secret: string, account: string, issuer: string): string;
}
