/**
 * The few pages oidc-provider renders itself (device code entry and confirmation, sign-out
 * confirmation, errors). Plain forms, no script: they work in any browser and under a strict
 * content security policy (mount.ts); their look follows the web app's.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2430}
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin-top:0}label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=text]{width:100%;box-sizing:border-box;font-size:1.25rem;padding:.5rem;text-transform:uppercase;letter-spacing:.1em;text-align:center}
button{display:block;width:100%;margin-top:1rem;padding:.6rem;font-size:1rem;border:0;border-radius:.4rem;background:#2450d8;color:#fff;cursor:pointer}
button.secondary{background:transparent;color:#2450d8}.error{color:#b00020}code{font-size:1.4rem;letter-spacing:.1em;white-space:nowrap}
@media (prefers-color-scheme:dark){body{background:#111418;color:#e6e8eb}main{background:#1b1f24}button.secondary{color:#8fb0ff}.error{color:#ff8a80}}`;

/** A page of the device sign-in (or sign-out) flow; `body` is trusted HTML built by the caller. */
export function devicePage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · sessiond</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>`;
}

/** What the provider says when a request cannot go on: the error code and its description, never a stack. */
export function errorPage(out: { error: string; error_description?: string }): string {
  const description = out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : '';
  return devicePage(
    'This sign-in cannot go on',
    `<p role="alert" class="error">${escapeHtml(out.error)}</p>${description}<p>Go back to the app and start again.</p>`,
  );
}
