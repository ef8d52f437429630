/**
 * The password of `users create` without `--password`: asked twice with echo off on a terminal,
 * or the first line of stdin otherwise (`printf '%s\n' "$PW" | sessiond users create …`). Neither
 * lands in shell history, as a flag would.
 */
import { createInterface } from 'node:readline';
import { SessiondError } from '../core/errors.js';

type Input = NodeJS.ReadStream;

/** One line typed with echo off; Ctrl-C or Ctrl-D ends the command. */
function askHidden(input: Input, output: NodeJS.WriteStream, question: string): Promise<string> {
  // Echo off before the prompt shows, so nothing typed after it is echoed.
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(value);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(new SessiondError('invalid_request', 'No password given; nothing was created.'));
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The first line of a non-terminal stdin (without its line ending); null when it is empty. */
function firstLine(input: Input): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
    let line: string | null = null;
    lines.once('line', (text) => {
      line = text;
      lines.close();
    });
    lines.once('close', () => {
      input.destroy();
      resolve(line);
    });
    input.once('error', reject);
  });
}

export async function readNewPassword(input: Input = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (input.isTTY) {
    const first = await askHidden(input, output, 'Password: ');
    if (first === '') throw new SessiondError('invalid_request', 'No password given; nothing was created.');
    const again = await askHidden(input, output, 'Password again: ');
    if (again !== first) throw new SessiondError('invalid_request', 'The two passwords differ; nothing was created.');
    return first;
  }
  const line = await firstLine(input);
  if (!line)
    throw new SessiondError(
      'invalid_request',
      'No password on stdin (give one line), and none given with --password or SESSIOND_PASSWORD.',
    );
  return line;
}
