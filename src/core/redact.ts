/** URLs may carry passwords (`postgres://user:secret@host`); never print one. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
