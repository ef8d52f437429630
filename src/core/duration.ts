/** Durations in configuration: a positive integer followed by one unit (s, m, h, d). */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]{0,8})(s|m|h|d)$/;
/** Ten years: longer than any session policy a user would want, short of overflow worries. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

/** Parses "14d", "30m", "90s", "12h" into milliseconds; returns null for anything else. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DURATION_MS ? ms : null;
}
