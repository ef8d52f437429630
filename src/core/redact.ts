/**
 * URLs may carry passwords (`postgres://user:secret@host`, `redis://:secret@host`); never print
 * one. Works on a URL or on a message that contains URLs.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@\s]*):[^@/\s]*@/g, '//$1:***@');
}
