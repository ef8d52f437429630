/**
 * A browser over fetch for the OpenID flows (tests and bench): it keeps cookies by name, sends a
 * same-origin `Origin`, and follows redirects only when asked; plus the two things read from the
 * provider's plain-form pages (the device code entry and confirmation).
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    /** Sent as `X-Forwarded-For` (the servers trust 127.0.0.1 as a proxy), when given. */
    readonly options: { ip?: string; timeoutMs?: number } = {},
  ) {}

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.base), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        origin: this.base,
        ...(this.options.ip ? { 'x-forwarded-for': this.options.ip } : {}),
      },
      ...(this.options.timeoutMs ? { signal: AbortSignal.timeout(this.options.timeoutMs) } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (attrs.some((a) => /max-age=0|expires=Thu, 01 Jan 1970/i.test(a.trim()))) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return res;
  }

  /** Follows redirects until `stop` says so, or an answer that is not a redirect; that answer (none when stopped) and its URL. */
  async follow(url: string, stop: (url: URL) => boolean): Promise<{ res: Response; url: URL }> {
    let at = new URL(url, this.base);
    for (let i = 0; i < 20; i++) {
      if (stop(at)) return { res: new Response(null, { status: 204 }), url: at };
      const res = await this.fetch(at.href);
      if (res.status < 300 || res.status >= 400) return { res, url: at };
      at = new URL(res.headers.get('location')!, at);
    }
    throw new Error('too many redirects');
  }

  async json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await this.fetch(url, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** The hidden inputs of a page's forms (the provider's xsrf token and the like), by name. */
export function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name) out[name] = value ?? '';
  }
  return out;
}

/** Where the form with this id posts (`op.deviceInputForm`, `op.deviceConfirmForm`). */
export function formAction(html: string, id: string): string {
  const form = new RegExp(`<form[^>]*id="${id.replace('.', '\\.')}"[^>]*>`).exec(html)?.[0] ?? '';
  return /action="([^"]+)"/.exec(form)![1]!;
}
