/**
 * Pure wording rules for the pages: no DOM, no clock of their own ("now" is always passed in),
 * so each rule is tested beside this file.
 */
import type { Session } from './api';
import type { Messages } from './messages';
import { messages as defaultMessages } from './messages';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "5 minutes ago", "yesterday", "3 weeks ago"… A time slightly in the future (the
 * server's clock ahead of this one) reads as "just now" rather than "in 1 minute".
 */
export function formatRelative(iso: string, now: Date, locale: string = defaultMessages.locale): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now.getTime() - then) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (seconds < 45) return rtf.format(0, 'second');
  if (seconds < HOUR) return rtf.format(-Math.max(1, Math.round(seconds / MINUTE)), 'minute');
  if (seconds < DAY) return rtf.format(-Math.round(seconds / HOUR), 'hour');
  if (seconds < 7 * DAY) return rtf.format(-Math.round(seconds / DAY), 'day');
  if (seconds < 30 * DAY) return rtf.format(-Math.round(seconds / (7 * DAY)), 'week');
  if (seconds < 365 * DAY) return rtf.format(-Math.round(seconds / (30 * DAY)), 'month');
  return rtf.format(-Math.round(seconds / (365 * DAY)), 'year');
}

/** The exact time for a tooltip: "Jan 5, 2026, 2:03 PM UTC", in the reader's time zone unless given. */
export function formatExact(iso: string, locale: string = defaultMessages.locale, timeZone?: string): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(then);
}

/** A day as people say it: "5 January", with the year when it is not this year's ("5 January 2027"). */
export function formatDay(iso: string, now: Date, locale: string = defaultMessages.locale, timeZone?: string): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  const zone = timeZone === undefined ? {} : { timeZone };
  const year = (d: Date) => new Intl.DateTimeFormat('en', { year: 'numeric', ...zone }).format(d);
  const parts = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', ...zone }).formatToParts(then);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = `${part('day')} ${part('month')}`;
  return year(then) === year(now) ? day : `${day} ${part('year')}`;
}

/** The full country name for a tooltip ("United Kingdom" for GB); the code itself if unknown. */
export function countryName(code: string, locale: string = defaultMessages.locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

export interface LocationWording {
  /** Short visible text: "near Cambridge, GB", "in GB" or "Location unknown". */
  text: string;
  /** Whether the place is known at all (the "approximate" marker is shown only then). */
  known: boolean;
  /** Longer text for a tooltip: "Approximate location … Cambridge, England, United Kingdom". */
  detail: string;
}

/** Locations come from an IP database and are never exact, so the wording always hedges. */
export function formatLocation(location: Session['location'], m: Messages = defaultMessages): LocationWording {
  const place = location.city ?? location.region;
  const country = location.country;
  if (place === null && country === null) {
    return { text: m.sessions.unknownLocation, known: false, detail: m.sessions.unknownLocation };
  }
  const text =
    place === null ? m.sessions.inCountry(country as string) : m.sessions.near(country === null ? place : `${place}, ${country}`);
  const parts = [location.city, location.region, country === null ? null : countryName(country, m.locale)].filter(
    (p, i, all): p is string => p !== null && p !== '' && all.indexOf(p) === i,
  );
  return { text, known: true, detail: `${m.sessions.approximateHint} ${parts.join(', ')}` };
}

/** "Windows · Chrome": the OS and browser under the device name, skipping what is unknown. */
export function formatDeviceDetail(device: Session['device']): string {
  return [device.os, device.browser].filter((p): p is string => typeof p === 'string' && p.trim() !== '').join(' · ');
}

/** What a person calls the session in a sentence: "Chrome on Windows" or the device name. */
export function describeSession(session: Session, m: Messages = defaultMessages): string {
  const { device } = session;
  const name = device.name.trim() !== '' ? device.name : m.sessions.unknownDevice;
  const where = formatLocation(session.location, m);
  return where.known ? `${name} (${session.client.name}, ${where.text})` : `${name} (${session.client.name})`;
}

/** The current session first, then the most recently active; ties broken by id for a stable list. */
export function orderSessions(sessions: readonly Session[]): Session[] {
  return [...sessions].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    const byActivity = Date.parse(b.last_active_at) - Date.parse(a.last_active_at);
    if (byActivity !== 0 && !Number.isNaN(byActivity)) return byActivity;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/**
 * Where to go after sign-in. Only a same-site path is followed: it must start with one "/" (not
 * "//" or "/\", which browsers treat as another host), and carry no control characters.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/settings/security/sessions'): string {
  if (typeof next !== 'string' || next === '') return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  if (next === '/sign-in' || next.startsWith('/sign-in?') || next.startsWith('/sign-in#')) return fallback;
  return next;
}

/**
 * How a session was signed in, the one wording for every page: "Passkey", "Password +
 * authenticator code" (or "Password + passkey" when its sign-in says the second step was a
 * passkey), "Password". An unknown method is shown as the server names it.
 */
export function signInMethodText(authMethod: string, secondFactor?: string | null, m: Messages = defaultMessages): string {
  const labels = m.sessionPage.signInMethods;
  if (authMethod === 'mfa' && secondFactor === 'passkey') return labels.mfaPasskey!;
  return labels[authMethod] ?? authMethod.replace(/_/g, ' ');
}
