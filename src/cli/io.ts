/** Output helpers shared by the CLI's commands. */
import { loadVault, type LoadedVault } from './vault';

export const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};
export const json = (v: unknown): void => out(JSON.stringify(v, null, 2));

/** A command's exit status when it is not 0 (failures that are not bad arguments, e.g. writes that failed). */
let exitStatus = 0;
export function setExitStatus(code: number): void {
  exitStatus = code;
}
export function takeExitStatus(): number {
  const code = exitStatus;
  exitStatus = 0;
  return code;
}

function progress(done: number, total: number): void {
  process.stderr.write(`reading notes: ${done}/${total}\n`);
}

/** Reads the vault with progress on stderr; `rollUp: false` comes from `--no-rollup`. */
export function load(vault: string, opts: { rollUp?: boolean; keepSources?: boolean } = {}): LoadedVault {
  return loadVault(vault, { progress, keepSources: opts.keepSources ?? true, settings: opts.rollUp === false ? { rollUp: false } : {} });
}
