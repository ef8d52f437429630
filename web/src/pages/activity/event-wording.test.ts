import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../api';
import { makeEvent } from '../../testing/fixtures';
import type { CredentialEventKind } from '../credentials/types';
import { describeEvent, describeSignal } from './event-wording';

describe('describeEvent', () => {
  it('describes a sign-in with its device, app, approximate place and IP, and marks this device', () => {
    const w = describeEvent(makeEvent({ id: 'e1' }));
    expect(w).toMatchObject({
      title: 'Signed in',
      tone: 'plain',
      by: null,
      thisDevice: true,
      review: false,
      device: 'Chrome on Windows (Windows 11 · Chrome 131)',
      app: 'Web',
      ip: '203.0.113.7',
    });
    expect(w.location?.text).toBe('near Cambridge, GB');
    expect(w.location?.detail).toContain('United Kingdom');
  });

  it('marks an unusual sign-in with every reason and offers a review of the sessions', () => {
    const w = describeEvent(
      makeEvent({
        id: 'e2',
        kind: 'suspicious_sign_in',
        actor: { kind: 'session', session_id: 'x', ip: '89.2.0.1', current: false },
        signals: [
          { kind: 'new_device' },
          { kind: 'new_country', country: 'FR', known_countries: ['GB'] },
          { kind: 'impossible_travel', distance_km: 343.6, hours: 0, speed_kmh: null, from: { city: 'London', country: 'GB', at: '' } },
          { kind: 'failures_then_success', failures: 5, window_seconds: 900 },
        ],
      }),
    );
    expect(w.tone).toBe('unusual');
    expect(w.title).toBe('Unusual sign-in');
    expect(w.review).toBe(true);
    expect(w.thisDevice).toBe(false);
    expect(w.reasons).toEqual([
      'A device not used on this account before',
      'A country this account has not signed in from before (FR)',
      'Too far from the previous sign-in (London, GB) to have travelled in the time between: 344 km',
      'Right after 5 failed attempts',
    ]);
  });

  it('marks a new device and a failed sign-in differently', () => {
    expect(describeEvent(makeEvent({ id: 'e3', kind: 'new_device' }))).toMatchObject({ tone: 'new_device', review: true });
    expect(describeEvent(makeEvent({ id: 'e4', kind: 'sign_in_failed', actor: null }))).toMatchObject({
      tone: 'failed',
      title: 'Failed sign-in: wrong password',
      thisDevice: false,
      review: false,
    });
  });

  it('says who ended a session: you here, another session, an administrator, a mail link', () => {
    const revoked = (actor: Parameters<typeof makeEvent>[0]['actor']) =>
      describeEvent(makeEvent({ id: 'r', kind: 'session_revoked', session_id: 'other', reason: 'revoked_by_user', device: null, actor }));
    expect(revoked({ kind: 'session', session_id: 'me', ip: null, current: true })).toMatchObject({
      title: 'A session was signed out',
      by: 'By you, on this device',
    });
    expect(revoked({ kind: 'session', session_id: 'tab', ip: null, current: false }).by).toBe('By another of your sessions');
    expect(revoked({ kind: 'admin', session_id: null, ip: null, current: false }).by).toBe('By an administrator');
    expect(
      describeEvent(
        makeEvent({ id: 'p', kind: 'session_reported', actor: { kind: 'link', session_id: null, ip: '81.2.69.142', current: false } }),
      ).by,
    ).toBe('With the link from an email sent to you');
  });

  it('says a session the workspace’s policy ended was ended by that policy', () => {
    const w = describeEvent(
      makeEvent({
        id: 'pol',
        kind: 'session_revoked',
        session_id: 'phone',
        reason: 'policy',
        device: { name: 'Pixel 8', os: 'Android 15', browser: null },
        client: { id: 'mobile', name: 'Mobile app' },
        location: { city: 'Amsterdam', region: null, country: 'NL', approximate: true },
        actor: { kind: 'policy', session_id: null, ip: null, current: false },
      }),
    );
    expect(w).toMatchObject({
      title: 'Pixel 8 · Mobile app · near Amsterdam, NL was signed out',
      by: 'By your workspace’s session policy',
      thisDevice: false,
    });
  });

  it('names the policy rule when the server says which', () => {
    const idle = makeEvent({
      id: 'pol2',
      kind: 'session_revoked',
      reason: 'policy',
      actor: { kind: 'policy', session_id: null, ip: null, current: false, policy: 'idle_timeout' },
    });
    expect(describeEvent(idle).by).toBe('By your workspace’s session policy: it was unused too long');
    const unknown = makeEvent({
      id: 'pol3',
      kind: 'session_revoked',
      reason: 'policy',
      actor: { kind: 'policy', session_id: null, ip: null, current: false, policy: 'something_new' },
    });
    expect(describeEvent(unknown).by).toBe('By your workspace’s session policy');
  });

  it('names the session a revocation or a report ended: device, app and place', () => {
    const ended = {
      session_id: 'phone',
      device: { name: 'Pixel 8', os: 'Android 15', browser: null },
      client: { id: 'mobile', name: 'Mobile app' },
      location: { city: 'Amsterdam', region: null, country: 'NL', approximate: true as const },
      ip: '145.2.0.1',
    };
    const revoked = describeEvent(
      makeEvent({
        id: 'n',
        kind: 'session_revoked',
        reason: 'revoked_by_user',
        ...ended,
        actor: { kind: 'session', session_id: 'me', ip: '81.2.69.142', current: true },
      }),
    );
    expect(revoked).toMatchObject({ title: 'Pixel 8 · Mobile app · near Amsterdam, NL was signed out', by: 'By you, on this device' });
    // The facts are the ended session's, not the address of whoever ended it.
    expect(revoked.ip).toBe('145.2.0.1');
    const reported = describeEvent(
      makeEvent({
        id: 'q',
        kind: 'session_reported',
        reason: 'reported',
        ...ended,
        actor: { kind: 'link', session_id: null, ip: null, current: false },
      }),
    );
    expect(reported.title).toBe('Pixel 8 · Mobile app · near Amsterdam, NL was reported as not you and signed out');
  });

  it('calls a session that signed itself out "Signed out", without a "by"', () => {
    const w = describeEvent(
      makeEvent({
        id: 's',
        kind: 'session_revoked',
        session_id: 'old',
        reason: 'sign_out',
        actor: { kind: 'session', session_id: 'old', ip: null, current: false },
      }),
    );
    expect(w).toMatchObject({ title: 'Signed out', by: null });
  });

  it('counts bulk sign-outs and the sessions a password change or reset ended', () => {
    const bulk = (reason: string, count: number) => describeEvent(makeEvent({ id: 'b', kind: 'sessions_revoked', reason, count })).title;
    expect(bulk('revoke_others', 3)).toBe('3 other sessions were signed out');
    expect(bulk('revoke_others', 1)).toBe('The 1 other session was signed out');
    expect(bulk('revoke_all', 4)).toBe('Every session was signed out (4 sessions)');
    expect(describeEvent(makeEvent({ id: 'c', kind: 'password_changed', count: 2 })).note).toBe('2 other sessions were signed out.');
    const reset = describeEvent(
      makeEvent({ id: 'd', kind: 'password_reset', count: 1, actor: { kind: 'link', session_id: null, ip: null, current: false } }),
    );
    expect(reset).toMatchObject({ title: 'Password reset', note: 'Your signed-in session was signed out.' });
  });

  it('says why a review of the sessions was asked for, and who asked, and leads to the sessions', () => {
    const asked = (reason: string | null, kind: 'admin' | 'system') =>
      describeEvent(
        makeEvent({
          id: 'rq',
          kind: 'review_requested',
          reason,
          device: null,
          client: null,
          location: null,
          ip: null,
          actor: { kind, session_id: null, ip: null, current: false },
        }),
      );
    expect(asked('workspace_request', 'admin')).toMatchObject({
      title: 'An administrator of your workspace asked you to review your sessions',
      by: 'By an administrator',
      review: true,
      tone: 'plain',
      note: null,
    });
    expect(asked('onboarding', 'system')).toMatchObject({
      title: 'You joined a workspace and were asked to review your sessions',
      by: 'Automatically',
    });
    expect(asked('password_reset', 'system').title).toBe('Your password was reset: you were asked to review your sessions');
    expect(asked('suspicious_sign_in', 'system').title).toBe('A sign-in looked unusual: you were asked to review your sessions');
    // A reason this page does not know yet, or none, still reads as a request.
    expect(asked('new_policy', 'system').title).toBe('You were asked to review your sessions');
    expect(asked(null, 'system').title).toBe('You were asked to review your sessions');
  });

  it('counts the sessions signed out before a review was confirmed, and who confirmed it', () => {
    const reviewed = (count: number | null, current = true) =>
      describeEvent(
        makeEvent({
          id: 'rv',
          kind: 'sessions_reviewed',
          count,
          actor: { kind: 'session', session_id: current ? 'me' : 'tab', ip: '203.0.113.7', current },
        }),
      );
    expect(reviewed(0)).toMatchObject({
      title: 'You reviewed your sessions',
      note: 'No session was signed out before you confirmed.',
      by: 'By you, on this device',
      review: false,
    });
    expect(reviewed(1).note).toBe('1 session was signed out before you confirmed.');
    expect(reviewed(3, false)).toMatchObject({
      note: '3 sessions were signed out before you confirmed.',
      by: 'By another of your sessions',
    });
    expect(reviewed(null).note).toBeNull();
  });

  it('words MFA and device trust, and an unknown kind without failing', () => {
    expect(describeEvent(makeEvent({ id: 'm', kind: 'mfa_enabled' })).title).toBe('Two-step verification turned on');
    expect(describeEvent(makeEvent({ id: 'u', kind: 'device_untrusted' })).title).toBe('A device is no longer trusted');
    expect(describeEvent(makeEvent({ id: 'r', kind: 'recovery_codes_replaced' })).title).toBe(
      'New recovery codes made: the old ones no longer work',
    );
    expect(describeEvent(makeEvent({ id: 'z', kind: 'webauthn_thing' as SecurityEvent['kind'] })).title).toBe(
      'Security event (webauthn thing)',
    );
    expect(describeSignal({ kind: 'new_client', client_id: 'cli' })).toBe('An app not used on this account before');
  });

  it('words a re-authentication as done by the session itself, marking this device when it is the reader’s', () => {
    const mine = describeEvent(makeEvent({ id: 'r1', kind: 'reauthenticated' }));
    expect(mine).toMatchObject({
      title: 'Confirmed it was you (password, code or passkey) before a sensitive change',
      by: null,
      thisDevice: true,
    });
    const other = describeEvent(
      makeEvent({ id: 'r2', kind: 'reauthenticated', actor: { kind: 'session', session_id: 'x', ip: '198.51.100.1', current: false } }),
    );
    expect(other).toMatchObject({ by: null, thisDevice: false });
  });

  it.each([
    ['totp', 'With a code from the authenticator app.'],
    ['recovery', 'With a recovery code.'],
    ['trusted_device', 'No code asked: the device was trusted.'],
  ] as const)('says how a sign-in passed the code step (%s)', (second_factor, text) => {
    expect(describeEvent(makeEvent({ id: 's', second_factor })).note).toBe(text);
  });

  it('says nothing of a code step a sign-in did not record', () => {
    expect(describeEvent(makeEvent({ id: 's' })).note).toBeNull();
  });

  it('leaves out what the event does not have', () => {
    const w = describeEvent(makeEvent({ id: 'n', kind: 'password_reset_requested', device: null, client: null, location: null, ip: null }));
    expect(w).toMatchObject({ device: null, app: null, location: null, ip: null, by: null });
  });

  it('words passkeys: added and removed, and a passkey as the second step of a sign-in', () => {
    expect(describeEvent(makeEvent({ id: 'pa', kind: 'passkey_added' as SecurityEvent['kind'] }))).toMatchObject({
      title: 'A passkey was added: it can sign in to your account',
      by: 'By you, on this device',
    });
    expect(describeEvent(makeEvent({ id: 'pr', kind: 'passkey_removed' as SecurityEvent['kind'] })).title).toBe(
      'A passkey was removed: it no longer signs in to your account',
    );
    const signIn = makeEvent({ id: 'ps', second_factor: 'passkey' as SecurityEvent['second_factor'] });
    expect(describeEvent(signIn).note).toBe('With a passkey as the second step.');
  });
});

describe('describeEvent: credential changes (issue 11)', () => {
  /** A credential change on the timeline; `reason` carries the app's or token's name. */
  const credential = (kind: CredentialEventKind, reason: string | null, overrides: Partial<SecurityEvent> = {}) =>
    describeEvent(
      makeEvent({
        id: kind,
        // Cast: these kinds reach the web before api-types.ts is generated with them.
        kind: kind as string as SecurityEvent['kind'],
        reason,
        device: null,
        client: null,
        actor: { kind: 'session', session_id: 'me', ip: '203.0.113.7', current: true },
        ...overrides,
      }),
    );

  it('names the app that was connected or removed, and who did it', () => {
    expect(credential('app_connected', 'Notes Pro')).toMatchObject({
      title: 'A new app was connected: Notes Pro',
      by: 'By you, on this device',
    });
    expect(credential('app_removed', 'Notes Pro').title).toBe('An app’s access was removed: Notes Pro can no longer use your account');
    expect(credential('app_connected', null).title).toBe('A new app was connected');
  });

  it('says a command-line sign-in was approved, and from about where', () => {
    expect(credential('device_sign_in_approved', 'Command line').title).toBe('A command-line sign-in was approved near Cambridge, GB');
    expect(credential('device_sign_in_approved', 'Command line', { location: null }).title).toBe('A command-line sign-in was approved');
  });

  it('names the app signed out of, and the token created or revoked', () => {
    expect(credential('relying_party_signed_out', 'Team wiki').title).toBe('Signed out of Team wiki');
    expect(credential('token_created', 'Deploy script').title).toBe('A personal access token was created: Deploy script');
    expect(credential('token_revoked', 'Deploy script').title).toBe('A personal access token was revoked: Deploy script');
    expect(credential('token_revoked', ' ').title).toBe('A personal access token was revoked');
  });

  it('is not a sign-in: no "This device" mark, no review offered', () => {
    expect(credential('app_connected', 'Notes Pro')).toMatchObject({ tone: 'plain', thisDevice: false, review: false });
  });
});
