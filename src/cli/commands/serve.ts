import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { buildApp } from '../../http/app.js';
import { cookiePolicy } from '../../http/cookies.js';
import { metricsServer } from '../../http/ops/routes.js';
import { createRegistry } from '../../registry.js';
import { DEMO_EMAIL, demoAccountLine, seedDemo } from '../demo.js';
import { addConfigOptions, flagsOf, type Flags } from '../options.js';

const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * `--port 0` picks a free port. The default public URL is built from the port, and links in mail
 * and the Origin check need the real one, so the port is chosen before anything is built.
 */
async function withConcretePort(config: Readonly<Config>, flags: Flags): Promise<Readonly<Config>> {
  if (config.port !== 0) return config;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, config.host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  return loadConfig({ ...flags, port: String(port) });
}

/** `http://host:port` of a listening server, an IPv6 host in brackets. */
function httpUrl(server: FastifyInstance, host: string): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function serveCommand(): Command {
  const command = new Command('serve').description('Start the HTTP server (runs migrations first).');
  // Its longest flag leaves commander less than its default 40 columns, where it stops wrapping.
  command.configureHelp({ minWidthToWrap: 24 });
  addConfigOptions(command);
  return command.action(async () => {
    const config = await withConcretePort(loadConfig(flagsOf(command)), flagsOf(command));
    // MySQL has no LISTEN/NOTIFY: its nodes hear revocations on Redis within milliseconds, and
    // poll the database's revocation log only as a fallback (table-revocation-bus.ts).
    if (/^(mysql|mariadb):/.test(config.databaseUrl) && !config.redisUrl)
      throw new ConfigError([
        'db: MySQL and MariaDB have no LISTEN/NOTIFY; serving on them needs --redis (SESSIOND_REDIS_URL) on every node, so a revocation on one node reaches the others at once',
      ]);
    const registry = await createRegistry(config);
    const app = await buildApp(registry, { defaultMetrics: true });
    if (!cookiePolicy(config.publicUrl).secure) {
      app.log.warn(
        { public_url: config.publicUrl },
        'public URL is plain http on a non-loopback host: using cookie "sessiond" without __Host- prefix or Secure; serve over https in production',
      );
    }
    if (config.demo) console.log(await demoAccountLine(registry, await seedDemo(registry)));
    // Metrics first: by the "listening" line, everything this process serves is reachable.
    const metricsApp = config.metricsListen ? await metricsServer(app.metrics, config) : null;
    if (metricsApp && config.metricsListen) {
      await metricsApp.listen(config.metricsListen);
      console.log(`sessiond metrics on ${httpUrl(metricsApp, config.metricsListen.host)}/metrics`);
    }
    await app.listen({ host: config.host, port: config.port });
    console.log(`sessiond listening on ${httpUrl(app, config.host)}`);
    // The address people open is the public URL: the CSRF check and passkeys both hold them to it.
    if (config.demo) console.log(`open ${config.publicUrl}/settings/security/sessions and sign in as ${DEMO_EMAIL}`);

    // Ended sessions are deleted in bounded batches once past retention; every node may run it.
    const purge = () =>
      registry.sessions.purgeEndedSessions(config.sessionRetentionMs).then(
        (n) => n > 0 && app.log.info({ event: 'sessions_purged', count: n }, 'purged ended sessions'),
        (err: unknown) => app.log.warn({ err }, 'purging ended sessions failed; will retry'),
      );
    // ...and so are sign-up requests that were used or expired (each holds a password hash).
    const purgeSignUps = () =>
      registry.signUp.purgeStale().then(
        (n) => n > 0 && app.log.info({ event: 'sign_up_requests_purged', count: n }, 'purged used and expired sign-up requests'),
        (err: unknown) => app.log.warn({ err }, 'purging sign-up requests failed; will retry'),
      );
    // ...and audit entries past their workspace's retention (the only delete the log allows).
    const purgeAudit = () =>
      registry.workspaces.purgeExpiredAudit().then(
        (n) => n > 0 && app.log.info({ event: 'audit_purged', count: n }, "purged audit entries past their workspace's retention"),
        (err: unknown) => app.log.warn({ err }, 'purging audit entries failed; will retry'),
      );
    // ...and what the OpenID provider stored that has expired (codes, tokens, interactions).
    const purgeOidc = () =>
      registry.oauth.purgeExpired().then(
        (n) => n > 0 && app.log.info({ event: 'oidc_purged', count: n }, 'purged expired OAuth codes, tokens and sessions'),
        (err: unknown) => app.log.warn({ err }, 'purging expired OAuth objects failed; will retry'),
      );
    void purge();
    void purgeSignUps();
    void purgeAudit();
    void purgeOidc();
    // Incident operations a stopped (or killed) process left running go on from their recorded progress.
    void registry.incidents.resumeAll().then(
      (n) => n > 0 && app.log.info({ event: 'incidents_resumed', count: n }, 'resuming incident operations'),
      (err: unknown) => app.log.error({ err }, 'resuming incident operations failed'),
    );
    const purgeTimer = setInterval(() => {
      void purge();
      void purgeSignUps();
      void purgeAudit();
      void purgeOidc();
    }, PURGE_INTERVAL_MS).unref();

    let closing = false;
    const shutdown = async () => {
      if (closing) return;
      closing = true;
      clearInterval(purgeTimer);
      await metricsApp?.close();
      await app.close();
      await registry.close();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
