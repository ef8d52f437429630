/**
 * The revocation wire format: what one node publishes, every node (and every SDK) reads back; a
 * message that is not exactly one of the known shapes is ignored, never half-applied.
 */
import { describe, expect, it } from 'vitest';
import { CHANNEL, decode, encode, type WireMessage } from './revocation-wire.js';

describe('revocation wire format', () => {
  it('round-trips every kind of message', () => {
    const messages: WireMessage[] = [
      { kind: 'session', userId: 'u1', sessionId: 's1' },
      { kind: 'user', userId: 'u1' },
      { kind: 'policies', workspaceId: 'w1' },
      { kind: 'service-key', keyId: 'k1' },
      { kind: 'heartbeat', node: 'node-a' },
    ];
    for (const m of messages) expect(decode(encode(m))).toEqual(m);
  });

  it('is JSON that other languages can read: the fields, nothing else', () => {
    expect(JSON.parse(encode({ kind: 'session', userId: 'u1', sessionId: 's1' }))).toEqual({
      kind: 'session',
      userId: 'u1',
      sessionId: 's1',
    });
  });

  it('keeps only the known fields of a message (nothing a publisher slipped in travels on)', () => {
    expect(decode('{"kind":"session","userId":"u1","sessionId":"s1","token":"secret"}')).toEqual({
      kind: 'session',
      userId: 'u1',
      sessionId: 's1',
    });
    expect(decode('{"kind":"user","userId":"u1","sessionId":"s1"}')).toEqual({ kind: 'user', userId: 'u1' });
    expect(decode('{"kind":"heartbeat","node":"n","userId":"u1"}')).toEqual({ kind: 'heartbeat', node: 'n' });
    expect(decode('{"kind":"policies","workspaceId":"w1","userId":"u1"}')).toEqual({ kind: 'policies', workspaceId: 'w1' });
    expect(decode('{"kind":"policies"}')).toBeNull();
    expect(decode('{"kind":"service-key","keyId":"k1","secret":"s"}')).toEqual({ kind: 'service-key', keyId: 'k1' });
  });

  it('ignores a message missing a field, or with a field of the wrong type', () => {
    for (const text of [
      '{"kind":"session","userId":"u1"}',
      '{"kind":"session","sessionId":"s1"}',
      '{"kind":"session","userId":1,"sessionId":"s1"}',
      '{"kind":"session","userId":"u1","sessionId":null}',
      '{"kind":"user"}',
      '{"kind":"user","userId":42}',
      '{"kind":"heartbeat"}',
      '{"kind":"heartbeat","node":7}',
      '{"kind":"service-key"}',
      '{"kind":"service-key","keyId":7}',
      '{"kind":"service-key","userId":"u1"}',
    ]) {
      expect(decode(text), text).toBeNull();
    }
  });

  it('ignores an unknown kind, and text that is not a JSON object', () => {
    for (const text of [
      '{"kind":"everyone","userId":"u1"}',
      '{"kind":"shutdown","node":"node-a"}',
      '{"node":"node-a"}',
      '{"userId":"u1"}',
      'null',
      '42',
      '"user"',
      '[]',
      'not json',
      '',
      '{',
    ]) {
      expect(decode(text), text).toBeNull();
    }
  });

  it('carries the commit time `at` of a revocation when there is one, and reads messages without it as before', () => {
    const at = 1_780_000_000_123;
    expect(decode(encode({ kind: 'session', userId: 'u1', sessionId: 's1', at }))).toEqual({
      kind: 'session',
      userId: 'u1',
      sessionId: 's1',
      at,
    });
    expect(decode(encode({ kind: 'user', userId: 'u1', at }))).toEqual({ kind: 'user', userId: 'u1', at });
    expect(decode(encode({ kind: 'policies', workspaceId: 'w1', at }))).toEqual({ kind: 'policies', workspaceId: 'w1', at });
    expect(decode(encode({ kind: 'service-key', keyId: 'k1', at }))).toEqual({ kind: 'service-key', keyId: 'k1', at });
    expect(decode('{"kind":"user","userId":"u1"}')).toEqual({ kind: 'user', userId: 'u1' });
    // A malformed `at` is dropped, the revocation itself still applies.
    for (const bad of ['"soon"', 'null', '{}', '1e400'])
      expect(decode(`{"kind":"user","userId":"u1","at":${bad}}`), bad).toEqual({ kind: 'user', userId: 'u1' });
    // A heartbeat has no `at`.
    expect(decode(`{"kind":"heartbeat","node":"n","at":${at}}`)).toEqual({ kind: 'heartbeat', node: 'n' });
  });

  it('publishes on one channel name that every node and SDK agree on', () => {
    expect(CHANNEL).toBe('sessiond_revocations');
  });
});
