/** The SDK's promises against a sessiond on MySQL (with Redis, and over its SSE stream). */
import { describe } from 'vitest';
import { SHARED_ENGINES } from '../support/databases.js';
import { runVerifierSuite } from './verifier-suite.js';

describe.runIf(SHARED_ENGINES.includes('mysql'))('the SDK against sessiond on MySQL', () => {
  runVerifierSuite('redis', 'mysql');
  runVerifierSuite('sse', 'mysql');
});
