// Test support for suites that run a command-line tool (promtool, kubectl): find it on PATH,
// or skip the suite and say why, as the suites that need a server do (shared/testing).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type ToolRun = Readonly<{ status: number | null; stdout: string; stderr: string }>;
export type ExternalTool = Readonly<{
  path: string | undefined;
  describeWithTool: jest.Describe;
  run(args: readonly string[], options?: { cwd?: string }): ToolRun;
}>;

const TOOL_TIMEOUT_MS = 60_000;
const TOOL_OUTPUT_BYTES_MAX = 32 * 1024 * 1024;

export function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** `install` says how to get the tool, printed with the skip. */
export function externalTool(suite: string, name: string, install: string): ExternalTool {
  const path = findOnPath(name);
  if (!path) process.stderr.write(`[${suite}] skipped: ${name} not on PATH (${install})\n`);
  return {
    path,
    describeWithTool: path ? describe : describe.skip,
    run(args, options = {}) {
      if (!path) throw new Error(`${name} is not installed`);
      const result = spawnSync(path, args, {
        cwd: options.cwd,
        encoding: 'utf8',
        timeout: TOOL_TIMEOUT_MS,
        maxBuffer: TOOL_OUTPUT_BYTES_MAX,
      });
      if (result.error) throw result.error;
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
