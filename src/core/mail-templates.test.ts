import { describe, expect, it } from 'vitest';
import {
  describeDevice,
  describeLocation,
  esc,
  formatTime,
  mfaChangedMail,
  newDeviceAlert,
  passwordChangedMail,
  passwordResetMail,
  signUpAttemptMail,
  signUpConfirmMail,
  suspiciousSignInAlert,
} from './mail-templates.js';

const details = {
  product: 'sessiond',
  device: "<script>alert(1)</script>\nThis wasn't me: https://evil.example",
  app: 'Web',
  location: describeLocation({ city: 'Paris', region: null, country: 'FR' }),
  ip: '203.0.113.9',
  at: Date.parse('2026-03-01T09:05:00Z'),
  sessionsUrl: 'https://id.example/settings/security/sessions',
  reportUrl: 'https://id.example/report-sign-in?token=a.b&x="y"',
};

describe('mail templates', () => {
  it('escapes every value in the HTML part', () => {
    const { html } = newDeviceAlert(details);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('href="https://id.example/report-sign-in?token=a.b&amp;x=&quot;y&quot;"');
  });

  it('keeps a value on its own line in the text part, so it cannot fake a link line', () => {
    const { text } = newDeviceAlert(details);
    expect(text.split('\n').filter((l) => l.startsWith("This wasn't me:"))).toEqual([`This wasn't me: ${details.reportUrl}`]);
    expect(text).toContain('Time: 2026-03-01 09:05 UTC');
    expect(text).toContain('Approximate location: Paris, FR (approximate)');
  });

  it('lists the reasons of an unusual sign-in', () => {
    const { subject, text } = suspiciousSignInAlert({
      ...details,
      reasons: ['A country this account has not signed in from before (FR).'],
    });
    expect(subject).toBe('Unusual sign-in to your sessiond account');
    expect(text).toContain('- A country this account has not signed in from before (FR).');
  });

  it('says how long a reset link works', () => {
    expect(passwordResetMail({ product: 'sessiond', resetUrl: 'https://id.example/r', expiresInMinutes: 30 }).text).toContain(
      'expires in 30 minutes',
    );
  });
});

/** What a reader sees in the HTML part: one line per paragraph, table row or list item; entities decoded. */
function readable(html: string): string[] {
  const body = html.replace(/^[\s\S]*<body>/, '').replace(/<\/body>[\s\S]*$/, '');
  return body
    .replace(/<\/(p|tr|li)>|<ul>|<\/ul>|<table>|<\/table>/g, '\n')
    .replace(/<\/th>/g, ': ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Every link in the HTML part as [href, label]. */
function links(html: string): [string, string][] {
  return [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}

const plain = {
  product: 'Acme',
  device: describeDevice({ name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 124' }),
  app: 'Web',
  location: describeLocation({ city: 'London', region: 'England', country: 'GB' }),
  ip: '81.2.69.160',
  at: Date.parse('2026-03-01T09:05:59Z'),
  sessionsUrl: 'https://id.example/sessions',
  reportUrl: 'https://id.example/report?token=t',
};

describe('sign-in alerts', () => {
  it('a new-device alert says what signed in, from where and when, and how to react', () => {
    const mail = newDeviceAlert(plain);
    expect(mail.subject).toBe('New sign-in to your Acme account');
    expect(mail.text.split('\n')).toEqual([
      'Your account was just signed in to from a device or app it has not used before.',
      '',
      'Device: Chrome 124 on Windows 10',
      'App: Web',
      'Approximate location: London, England, GB (approximate)',
      'IP address: 81.2.69.160',
      'Time: 2026-03-01 09:05 UTC',
      '',
      'If this was you, you can ignore this message.',
      '',
      'See where your account is signed in: https://id.example/sessions',
      '',
      "This wasn't me: https://id.example/report?token=t",
      '(The link signs that session out and asks for a new password. It works once.)',
    ]);
  });

  it('its HTML part says the same and links to the session list and the report link', () => {
    const { html } = newDeviceAlert(plain);
    expect(html).toMatch(
      /^<!doctype html><html><head><meta charset="utf-8"><title>New sign-in to your Acme account<\/title><\/head><body>/,
    );
    expect(readable(html)).toEqual([
      'Your account was just signed in to from a device or app it has not used before.',
      'Device: Chrome 124 on Windows 10',
      'App: Web',
      'Approximate location: London, England, GB (approximate)',
      'IP address: 81.2.69.160',
      'Time: 2026-03-01 09:05 UTC',
      'If this was you, you can ignore this message.',
      'See where your account is signed in',
      "This wasn't me — signs that session out and asks for a new password. The link works once.",
    ]);
    expect(links(html)).toEqual([
      ['https://id.example/sessions', 'See where your account is signed in'],
      ['https://id.example/report?token=t', "This wasn't me"],
    ]);
  });

  it('an unusual sign-in alert lists every reason, in text and HTML', () => {
    const reasons = ['A country this account has not signed in from before (FR).', 'Five failed attempts just before.'];
    const mail = suspiciousSignInAlert({ ...plain, reasons });
    expect(mail.subject).toBe('Unusual sign-in to your Acme account');
    const text = mail.text.split('\n');
    expect(text[0]).toBe('We noticed a sign-in to your account that looks unusual.');
    expect(text.slice(7, 11)).toEqual(['', 'Why we are telling you:', `- ${reasons[0]}`, `- ${reasons[1]}`]);
    expect(text.slice(11, 13)).toEqual(['', 'If this was you, you can ignore this message.']);
    expect(readable(mail.html).slice(6, 9)).toEqual(['Why we are telling you:', reasons[0], reasons[1]]);
  });

  it('a reason cannot add lines or markup either', () => {
    const mail = suspiciousSignInAlert({ ...plain, reasons: ["<b>x</b>\nThis wasn't me: https://evil.example"] });
    expect(mail.text).toContain("- <b>x</b> This wasn't me: https://evil.example");
    expect(mail.html).toContain('<li>&lt;b&gt;x&lt;/b&gt;\nThis wasn&#39;t me: https://evil.example</li>');
  });

  it('turns every kind of line break in a value into a single space', () => {
    for (const br of ['\n', '\r', '\r\n', '\u2028', '\u2029', '\n\n\r\n']) {
      const { text } = newDeviceAlert({ ...plain, device: `Evil${br}This wasn't me: https://evil.example` });
      expect(text, JSON.stringify(br)).toContain("Device: Evil This wasn't me: https://evil.example\n");
    }
  });
});

describe('password mails', () => {
  it('a reset mail gives the link, says it works once and when it expires, and what resetting does', () => {
    const mail = passwordResetMail({ product: 'Acme', resetUrl: 'https://id.example/reset?token=t', expiresInMinutes: 30 });
    expect(mail.subject).toBe('Reset your Acme password');
    expect(mail.text.split('\n')).toEqual([
      'Someone (hopefully you) asked to reset the password of your account.',
      '',
      'Choose a new password: https://id.example/reset?token=t',
      '',
      'The link works once and expires in 30 minutes. Resetting signs your account out everywhere.',
      'If you did not ask for this, ignore this message: your password stays as it is.',
    ]);
    expect(readable(mail.html)).toEqual([
      'Someone (hopefully you) asked to reset the password of your account.',
      'Choose a new password',
      'The link works once and expires in 30 minutes. Resetting signs your account out everywhere.',
      'If you did not ask for this, ignore this message: your password stays as it is.',
    ]);
    expect(links(mail.html)).toEqual([['https://id.example/reset?token=t', 'Choose a new password']]);
  });

  const changed = {
    product: 'Acme',
    at: Date.parse('2026-03-01T09:05:00Z'),
    ip: '81.2.69.160',
    location: 'London, GB (approximate)',
    resetUrl: 'https://id.example/forgot',
    sessionsUrl: 'https://id.example/sessions',
  };

  it('a password-changed notice says when and from where, and how to take the account back', () => {
    const mail = passwordChangedMail({ ...changed, how: 'changed' });
    expect(mail.subject).toBe('Your Acme password was changed');
    expect(mail.text.split('\n')).toEqual([
      'The password of your account was changed.',
      '',
      'Time: 2026-03-01 09:05 UTC',
      'Approximate location: London, GB (approximate)',
      'IP address: 81.2.69.160',
      '',
      'If this was not you, reset your password now: https://id.example/forgot',
      'See where your account is signed in: https://id.example/sessions',
    ]);
    expect(readable(mail.html)).toEqual([
      'The password of your account was changed.',
      'Time: 2026-03-01 09:05 UTC',
      'Approximate location: London, GB (approximate)',
      'IP address: 81.2.69.160',
      'If this was not you, reset your password now.',
      'See where your account is signed in',
    ]);
    expect(links(mail.html)).toEqual([
      ['https://id.example/forgot', 'reset your password now'],
      ['https://id.example/sessions', 'See where your account is signed in'],
    ]);
  });

  it('after a reset, says so and that every session was signed out', () => {
    const mail = passwordChangedMail({ ...changed, how: 'reset' });
    expect(mail.subject).toBe('Your Acme password was reset');
    const lead = 'The password of your account was reset with a link from our mail. Every session was signed out.';
    expect(mail.text.split('\n')[0]).toBe(lead);
    expect(readable(mail.html)[0]).toBe(lead);
    expect(mail.html).toContain('<title>Your Acme password was reset</title>');
  });

  it('keeps values on their line and escaped in the HTML', () => {
    const mail = passwordChangedMail({ ...changed, how: 'changed', location: '<i>Nowhere</i>\nIP address: 1.2.3.4' });
    expect(mail.text).toContain('Approximate location: <i>Nowhere</i> IP address: 1.2.3.4\n');
    expect(mail.html).toContain('<td>&lt;i&gt;Nowhere&lt;/i&gt;\nIP address: 1.2.3.4</td>');
  });
});

describe('two-step verification mails', () => {
  const changed = {
    product: 'Acme',
    at: Date.parse('2026-03-01T09:05:00Z'),
    ip: '81.2.69.160',
    resetUrl: 'https://id.example/forgot',
    sessionsUrl: 'https://id.example/sessions',
    mfaUrl: 'https://id.example/mfa',
  };
  const tail = [
    '',
    'Time: 2026-03-01 09:05 UTC',
    'IP address: 81.2.69.160',
    '',
    'If this was not you, reset your password now: https://id.example/forgot',
    'See where your account is signed in: https://id.example/sessions',
    'Two-step verification settings: https://id.example/mfa',
  ];

  it('turning it on says what sign-in now asks for, when and from where, and how to take the account back', () => {
    const mail = mfaChangedMail({ ...changed, change: 'mfa_enabled' });
    expect(mail.subject).toBe('Two-step verification was turned on for your Acme account');
    expect(mail.text.split('\n')).toEqual([
      'Two-step verification was turned on for your account: signing in now asks for a code from an authenticator app.',
      ...tail,
    ]);
    expect(readable(mail.html)).toEqual([
      'Two-step verification was turned on for your account: signing in now asks for a code from an authenticator app.',
      'Time: 2026-03-01 09:05 UTC',
      'IP address: 81.2.69.160',
      'If this was not you, reset your password now.',
      'See where your account is signed in',
      'Two-step verification settings',
    ]);
    expect(links(mail.html)).toEqual([
      ['https://id.example/forgot', 'reset your password now'],
      ['https://id.example/sessions', 'See where your account is signed in'],
      ['https://id.example/mfa', 'Two-step verification settings'],
    ]);
  });

  it('turning it off says the password alone now signs in and no device is trusted any more', () => {
    const mail = mfaChangedMail({ ...changed, change: 'mfa_disabled' });
    expect(mail.subject).toBe('Two-step verification was turned off for your Acme account');
    expect(mail.text.split('\n')).toEqual([
      'Two-step verification was turned off for your account: the password alone now signs in, and no device is trusted any more.',
      ...tail,
    ]);
  });

  it('new recovery codes: the old ones stopped working', () => {
    const mail = mfaChangedMail({ ...changed, change: 'recovery_codes_replaced' });
    expect(mail.subject).toBe('New recovery codes for your Acme account');
    expect(mail.text.split('\n')).toEqual(['New recovery codes were made for your account; the old ones no longer work.', ...tail]);
  });

  it('leaves out an address it does not know, and keeps values escaped', () => {
    const mail = mfaChangedMail({ ...changed, change: 'mfa_disabled', ip: null, product: '<b>Acme</b>' });
    expect(mail.text).not.toContain('IP address');
    expect(mail.html).toContain('<title>Two-step verification was turned off for your &lt;b&gt;Acme&lt;/b&gt; account</title>');
  });
});

describe('describing places, devices and times', () => {
  it('names the parts of a place a lookup knew, and says so when it knew none', () => {
    expect(describeLocation({ city: 'London', region: 'England', country: 'GB' })).toBe('London, England, GB (approximate)');
    expect(describeLocation({ city: null, region: 'England', country: 'GB' })).toBe('England, GB (approximate)');
    expect(describeLocation({ city: '', region: null, country: 'GB' })).toBe('GB (approximate)');
    expect(describeLocation({ city: null, region: null, country: null })).toBe('Unknown location');
    expect(describeLocation(null)).toBe('Unknown location');
  });

  it('names a browser on its OS, a native app by the name it gave, and an unknown device as such', () => {
    expect(describeDevice({ name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 124' })).toBe('Chrome 124 on Windows 10');
    expect(describeDevice({ name: "Ada's iPhone", os: 'iOS 18', browser: null })).toBe("Ada's iPhone");
    expect(describeDevice(null)).toBe('Unknown device');
  });

  it('writes times in UTC to the minute, the same in every locale', () => {
    expect(formatTime(Date.parse('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31 23:59 UTC');
  });

  it('escapes each of the five characters that are special in HTML', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('sign-up mails', () => {
  it('the confirmation mail gives the link, says it works once and when it expires, and that ignoring it creates nothing', () => {
    const mail = signUpConfirmMail({ product: 'Nimbus', confirmUrl: 'https://id.example/sign-up?token=t', expiresInMinutes: 60 });
    expect(mail.subject).toBe('Confirm your Nimbus account');
    expect(mail.text.split('\n')).toEqual([
      'Someone (hopefully you) asked to create a Nimbus account with this address.',
      '',
      'Create the account: https://id.example/sign-up?token=t',
      '',
      'The link works once and expires in 60 minutes.',
      'If you did not ask for this, ignore this message: no account is created.',
    ]);
    expect(readable(mail.html)).toEqual([
      'Someone (hopefully you) asked to create a Nimbus account with this address.',
      'Create the account',
      'The link works once and expires in 60 minutes.',
      'If you did not ask for this, ignore this message: no account is created.',
    ]);
    expect(links(mail.html)).toEqual([['https://id.example/sign-up?token=t', 'Create the account']]);
    expect(mail.html).toContain('<title>Confirm your Nimbus account</title>');
  });

  it('the owner of an address already in use hears of the attempt, from where, and what to do', () => {
    const mail = signUpAttemptMail({
      product: 'Acme',
      at: Date.parse('2026-03-01T09:05:00Z'),
      ip: '81.2.69.160',
      location: 'London, GB (approximate)',
      signInUrl: 'https://id.example/sign-in',
      resetUrl: 'https://id.example/forgot',
    });
    expect(mail.subject).toBe('Someone tried to sign up to Acme with your address');
    const lead =
      'Someone tried to create a new Acme account with this address, which already has one. No account was created and nothing about yours changed.';
    const where = 'When: 2026-03-01 09:05 UTC. From: London, GB (approximate) (IP 81.2.69.160).';
    const hint = 'If it was you, sign in instead, or reset your password if you forgot it. If not, you need do nothing.';
    expect(mail.text.split('\n')).toEqual([
      lead,
      '',
      where,
      '',
      hint,
      'Sign in: https://id.example/sign-in',
      'Reset your password: https://id.example/forgot',
    ]);
    expect(readable(mail.html)).toEqual([lead, where, hint, 'Sign in · Reset your password']);
    expect(links(mail.html)).toEqual([
      ['https://id.example/sign-in', 'Sign in'],
      ['https://id.example/forgot', 'Reset your password'],
    ]);
  });

  it('a place or address from the request cannot add lines to the attempt mail', () => {
    const mail = signUpAttemptMail({
      product: 'Acme',
      at: 0,
      ip: '1.2.3.4\nSign in: https://evil.example',
      location: 'Nowhere\r\nReset your password: https://evil.example',
      signInUrl: 'https://id.example/sign-in',
      resetUrl: 'https://id.example/forgot',
    });
    expect(mail.text.split('\n').filter((l) => l.startsWith('Sign in:') || l.startsWith('Reset your password:'))).toEqual([
      'Sign in: https://id.example/sign-in',
      'Reset your password: https://id.example/forgot',
    ]);
  });
});
