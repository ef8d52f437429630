/** What every plane of the HTTP API shares: the registry, cookie policy and metrics. */
import type { Registry } from '../registry.js';
import type { CookiePolicy } from './cookies.js';
import type { Metrics } from './metrics.js';

export interface HttpContext {
  registry: Registry;
  cookies: CookiePolicy;
  metrics: Metrics;
}
