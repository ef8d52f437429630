import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.js';

function parse(...chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  for (const chunk of chunks) parser.feed(chunk);
  return out;
}

describe('SseParser', () => {
  it('reads named events with their data', () => {
    expect(parse('event: ready\ndata: {"a":1}\n\nevent: heartbeat\ndata: {}\n\n')).toEqual([
      { event: 'ready', data: '{"a":1}' },
      { event: 'heartbeat', data: '{}' },
    ]);
  });

  it('handles chunks split anywhere, including inside a CRLF', () => {
    const text = 'event: revocation\r\ndata: {"kind":"user","userId":"u"}\r\n\r\n';
    for (let i = 1; i < text.length; i++) {
      expect(parse(text.slice(0, i), text.slice(i)), `split at ${i}`).toEqual([
        { event: 'revocation', data: '{"kind":"user","userId":"u"}' },
      ]);
    }
  });

  it('ignores comments, unknown fields and events without data; joins multi-line data', () => {
    expect(parse(': keep-alive\nid: 7\nevent: x\n\ndata: a\ndata: b\nretry: 10\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('lone CR ends a line; a trailing event without a blank line is not dispatched yet', () => {
    expect(parse('event: a\rdata: 1\r\rdata: 2')).toEqual([{ event: 'a', data: '1' }]);
  });
});
