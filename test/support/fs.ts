/**
 * Folders made unreadable for a test. Tests may run as root, who can read anything, so `readdirSync` is
 * made to fail for these paths as it does without read permission. Restore the spy when done.
 */
import fs from 'node:fs';

export function denyReaddir(denied: ReadonlySet<string>): jest.SpyInstance {
  const real = fs.readdirSync;
  return jest.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
    if (denied.has(String(p))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(p)}'`), { code: 'EACCES' });
    return (real as (p: fs.PathLike, o?: unknown) => unknown)(p, o);
  }) as unknown as typeof fs.readdirSync);
}
