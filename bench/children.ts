/**
 * Child processes of the benchmarks: every point runs in a fresh Node
 * process (bench/point.ts), so one point's garbage, JIT state and leaked
 * timers cannot colour the next one.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import type { PointConfig, PointResult } from './point-config';

const ROOT = path.resolve(__dirname, '..');
const REGISTER = path.join(ROOT, 'test/support/register.js');

/** Runs a child to completion; resolves with its stdout (rejects with stderr on failure or timeout). */
export function runChild(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${args.join(' ')}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`exit ${code ?? signal}: ${args.join(' ')}\n${err.slice(-2000)}`));
    });
  });
}

export async function runPointChild(config: PointConfig, env?: NodeJS.ProcessEnv): Promise<PointResult> {
  try {
    const out = await runChild(['-r', REGISTER, path.join(ROOT, 'bench/point.ts'), JSON.stringify(config)], (config.timeLimitS + 60) * 1000, env);
    const line = out.trim().split('\n').pop() ?? '';
    return JSON.parse(line) as PointResult;
  } catch (e) {
    return { config, error: (e as Error).message, window: null, serverMsgsPerOp: null, allMsgsPerOp: null, leader: null, elections: 0, leaderStats: null, cpu: [], valid: null, wallS: 0 };
  }
}

