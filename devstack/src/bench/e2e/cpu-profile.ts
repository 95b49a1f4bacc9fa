// Summarises V8 .cpuprofile files (node --cpu-prof): self time per function, aggregated over the
// profile's nodes, as ms and as a share of the busy (non-idle) time. Pure over the parsed JSON.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  fn: string;
  location: string;
  selfMs: number;
  /** Share of busy time (everything but "(idle)"). */
  busyPercent: number;
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  busyMs: number;
  top: SelfTime[];
  /** Self time grouped by package (node_modules), repo module folder, Node internals or native code. */
  byModule: { module: string; selfMs: number; busyPercent: number }[];
}

/** "decimal.js", "@azure/core-client", "functions/rating", "node:internal/http", "(garbage collector)", "(native)". */
export function moduleOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const modules = clean.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = clean.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? clean);
  }
  const repo = /\/(functions|webjob|devstack|shared)\/dist\/([^/]+)/.exec(clean);
  if (repo) return repo[2]?.endsWith('.js') ? `${repo[1]}/${repo[2]}` : `${repo[1]}/${repo[2]}`;
  const internal = /^node:internal\/([^/]+)/.exec(clean);
  if (internal) return `node:internal/${internal[1]}`;
  return clean.startsWith('node:') ? clean : path.basename(clean);
}

/** Short location: the path from node_modules/<pkg> or from the repo's dist folder, with the line. */
function shortLocation(url: string, line: number): string {
  if (!url) return '';
  const clean = url.replace(/^file:\/\//, '');
  const modules = clean.lastIndexOf('node_modules/');
  const short =
    modules >= 0
      ? clean.slice(modules + 'node_modules/'.length)
      : clean.replace(/^.*?\/(functions|webjob|devstack|shared)\/dist\//, '$1/');
  return `${short}:${line + 1}`;
}

export function summariseProfile(profile: CpuProfile, file: string, topN = 15): ProfileSummary {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, { fn: string; location: string; us: number }>();
  const byModule = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byNode.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const module = moduleOf(frame.functionName, frame.url);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
    const fn = frame.functionName || '(anonymous)';
    const location = shortLocation(frame.url, frame.lineNumber);
    const key = `${fn}@${location}`;
    const entry = byFunction.get(key) ?? { fn, location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const top = [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      fn: e.fn,
      location: e.location,
      selfMs: e.us / 1000,
      busyPercent: busyUs > 0 ? (100 * e.us) / busyUs : 0,
    }));
  const modules = [...byModule]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([module, us]) => ({ module, selfMs: us / 1000, busyPercent: busyUs > 0 ? (100 * us) / busyUs : 0 }));
  return { file, wallMs: (profile.endTime - profile.startTime) / 1000, busyMs: busyUs / 1000, top, byModule: modules };
}

/** Every .cpuprofile in a folder, summarised. */
export function summariseProfiles(dir: string, topN?: number): ProfileSummary[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((file) =>
      summariseProfile(
        JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile,
        path.join(dir, file),
        topN,
      ),
    );
}

export function profileTable(summary: ProfileSummary): string {
  const lines = [
    `${summary.file}: wall ${(summary.wallMs / 1000).toFixed(1)} s, busy ${(summary.busyMs / 1000).toFixed(1)} s`,
  ];
  lines.push('  self time by function:');
  for (const entry of summary.top)
    lines.push(
      `  ${entry.selfMs.toFixed(0).padStart(7)} ms ${entry.busyPercent.toFixed(1).padStart(5)}%  ${entry.fn}  ${entry.location}`,
    );
  lines.push('  self time by module:');
  for (const entry of summary.byModule)
    lines.push(
      `  ${entry.selfMs.toFixed(0).padStart(7)} ms ${entry.busyPercent.toFixed(1).padStart(5)}%  ${entry.module}`,
    );
  return lines.join('\n');
}
