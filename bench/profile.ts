/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the server's CPU time went, by
 * function (self and inclusive) and by area (a package in node_modules, a file of sessiond,
 * Node internals, GC). Used by `npm run bench -- --profile`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byArea: { name: string; ms: number }[];
  selfTop: { name: string; ms: number }[];
  inclusiveTop: { name: string; ms: number }[];
}

function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  // sessiond's own build: dist/, or a copy of it measured with --dist.
  const own = /\/(?:dist|node_modules\/\.cache\/[^/]+\/[^/]+)\/((?:adapters|cli|core|http|sdk)\/.+|[^/]+\.js)$/.exec(url);
  if (own && !/node_modules\/(?!\.cache)/.test(url)) return `sessiond ${own[1]!}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  return url.replace(/^file:\/\//, '');
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${area(url, functionName)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalSamples = profile.samples?.length ?? profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const msPerSample = totalSamples ? (profile.endTime - profile.startTime) / 1000 / totalSamples : 0;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));

  const selfBy = new Map<string, number>();
  const areaBy = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (!ms) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + ms);
    const a = area(node.callFrame.url, node.callFrame.functionName);
    areaBy.set(a, (areaBy.get(a) ?? 0) + ms);
  }

  // Inclusive time: a function's own samples plus everything it called, counted once per
  // stack even when the function recurses.
  const inclusiveBy = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const name = label(node);
    const fresh = !onStack.has(name);
    if (fresh) onStack.add(name);
    let ms = (node.hitCount ?? 0) * msPerSample;
    for (const child of node.children ?? []) ms += walk(child, onStack);
    if (fresh) {
      onStack.delete(name);
      if (node.callFrame.functionName !== '(idle)' && node.callFrame.functionName !== '(root)')
        inclusiveBy.set(name, (inclusiveBy.get(name) ?? 0) + ms);
    }
    return ms;
  };
  const root = profile.nodes[0];
  const totalMs = root ? walk(root.id, new Set()) : 0;

  const sorted = (m: Map<string, number>) =>
    [...m]
      .map(([name, ms]) => ({ name, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { totalMs, idleMs, byArea: sorted(areaBy), selfTop: sorted(selfBy), inclusiveTop: sorted(inclusiveBy) };
}

export function formatProfile(summary: ProfileSummary): string {
  const busy = summary.totalMs - summary.idleMs;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const lines = [
    `CPU profile: ${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s (percentages of busy time)`,
    '',
    'By area (self time):',
    ...summary.byArea.map((r) => `  ${pct(r.ms)}  ${r.name}`),
    '',
    'Top functions, self time:',
    ...summary.selfTop.map((r) => `  ${pct(r.ms)}  ${r.name}`),
    '',
    'Top functions, inclusive time:',
    ...summary.inclusiveTop.map((r) => `  ${pct(r.ms)}  ${r.name}`),
  ];
  return lines.join('\n');
}
