/**
 * A minimal Server-Sent Events parser (the WHATWG "event stream interpretation"): `event` and
 * `data` fields, comments, CR/LF/CRLF line ends, and chunks split anywhere.
 */
export interface SseMessage {
  event: string;
  data: string;
}

export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  feed(chunk: string): void {
    this.#buffer += chunk;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = lineEnd.exec(this.#buffer); m; m = lineEnd.exec(this.#buffer)) {
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (m[0] === '\r' && m.index === this.#buffer.length - 1) break;
      this.#line(this.#buffer.slice(start, m.index));
      start = lineEnd.lastIndex;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) this.onMessage({ event: this.#event || 'message', data: this.#data.join('\n') });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}
