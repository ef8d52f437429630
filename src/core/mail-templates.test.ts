import { describe, expect, it } from 'vitest';
import { describeLocation, newDeviceAlert, passwordResetMail, suspiciousSignInAlert } from './mail-templates.js';

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
