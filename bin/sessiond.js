#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/bundle/cli/ by `npm install`
// (the prepare script; scripts/bundle-server.ts says why).
import { main } from '../dist/bundle/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
