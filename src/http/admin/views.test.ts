/** The admin plane's wire helpers: audit cursors, CSV fields, and the export's walk over every page. */
import { describe, expect, it } from 'vitest';
import type { AuditCursor, AuditEntry } from '../../core/workspaces.js';
import { csvField, csvRow, decodeAuditCursor, encodeAuditCursor, wholeTrail } from './views.js';

function entry(seq: number): AuditEntry {
  return {
    seq,
    id: `e${seq}`,
    workspaceId: 'w',
    at: seq,
    actorId: 'a',
    action: 'member.invited',
    targetKind: 'invitation',
    targetId: `i${seq}`,
    ip: null,
    userAgent: null,
    requestId: null,
    details: {},
  };
}

describe('audit cursors', () => {
  it('round-trip a seq, and refuse anything this server would not issue', () => {
    for (const seq of [1, 42, Number.MAX_SAFE_INTEGER]) expect(decodeAuditCursor(encodeAuditCursor({ seq }))).toEqual({ seq });
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of ['', '!!', b64('0'), b64('-1'), b64('1.5'), b64('01'), b64(' 1'), b64('9'.repeat(17)), b64('9007199254740993')])
      expect(() => decodeAuditCursor(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    // One spelling per cursor: base64url with padding is refused.
    expect(() => decodeAuditCursor(`${encodeAuditCursor({ seq: 7 })}=`)).toThrow();
  });
});

describe('CSV fields', () => {
  it('quote commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvRow(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });

  it('neutralise what a spreadsheet would run as a formula, and a leading apostrophe so that one is always removed', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvField(formula).replace(/^"|"$/g, '')).toBe(`'${formula}`);
    expect(csvField("'quoted")).toBe("''quoted");
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('a=1')).toBe('a=1');
  });
});

describe('the whole trail', () => {
  it('asks for the next page while pages come back full, from the last entry of each', async () => {
    const log = [9, 8, 7, 6, 5, 4, 3].map(entry);
    const asked: AuditCursor[] = [];
    const next = async (after: AuditCursor) => {
      asked.push(after);
      return log.filter((e) => e.seq < after.seq).slice(0, 3);
    };
    const seen: number[] = [];
    for await (const e of wholeTrail(log.slice(0, 3), 3, next)) seen.push(e.seq);
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3]);
    expect(asked).toEqual([{ seq: 7 }, { seq: 4 }]);
  });

  it('stops after an exactly full last page with one empty read, and at once on an empty trail', async () => {
    const log = [4, 3, 2, 1].map(entry);
    let reads = 0;
    const next = async (after: AuditCursor) => {
      reads++;
      return log.filter((e) => e.seq < after.seq).slice(0, 2);
    };
    const seen: number[] = [];
    for await (const e of wholeTrail(log.slice(0, 2), 2, next)) seen.push(e.seq);
    expect(seen).toEqual([4, 3, 2, 1]);
    expect(reads).toBe(2);
    const none: number[] = [];
    for await (const e of wholeTrail([], 2, next)) none.push(e.seq);
    expect(none).toEqual([]);
  });
});
