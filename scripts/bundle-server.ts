/**
 * Bundles the command line (`dist/cli/main.js`, built by tsc) into `dist/bundle/cli/`, which
 * `bin/sessiond.js` runs. Issue 13 target 6: `serve` spent most of its ~1.5 s start loading
 * ~1,500 module files one by one (typebox 374, kysely 265, ajv 86, ...); one file per chunk
 * starts it in about 55% of that time (the bench's start part measures both).
 *
 * What every `serve` loads is in the main chunk; what a node loads only when configured to (the
 * OAuth provider, passkeys, mail, PostgreSQL, MySQL, Redis, tracing) stays behind its dynamic
 * import, as its own chunk or as the package in node_modules. External, as published:
 * - native addons (better-sqlite3, @node-rs/argon2);
 * - packages that find their own files at run time relative to `__dirname`, which a bundle
 *   does not have: pino (its transport workers), ioredis (its package.json);
 * - @fastify/cookie, which loads the CommonJS `cookie` with `import()`: in a split bundle that
 *   chunk has only a default export, and setting a cookie failed;
 * - the optional adapters' drivers and the OAuth provider, which no start pays for anyway.
 * The directory is three levels below the package root, like `dist/http/web/`, so paths made
 * from `import.meta.url` (the web pages' `web/dist`) hold in the bundle as in the modules.
 */
import { build } from 'esbuild';

const external = [
  'better-sqlite3',
  '@node-rs/argon2',
  'pino',
  'thread-stream',
  'ioredis',
  '@fastify/cookie',
  'pg',
  'mysql2',
  'nodemailer',
  'oidc-provider',
  '@simplewebauthn/server',
  '@opentelemetry/*',
  '@fastify/otel',
];

await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/bundle/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __sessiondRequire } from 'node:module'; const require = __sessiondRequire(import.meta.url);" },
  logLevel: 'warning',
});
