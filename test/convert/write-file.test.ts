import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotUtf8Error, readSnapshot, replaceFileAtomic } from '../../src/cli/write-file';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'attack-coverage-write-'));
}

describe('replaceFileAtomic', () => {
  test('replaces the whole file and leaves no temporary file', () => {
    const dir = folder();
    const f = join(dir, 'n.md');
    writeFileSync(f, 'old\r\n');
    expect(replaceFileAtomic(readSnapshot(f), 'new\r\n')).toEqual({ ok: true });
    expect(readFileSync(f, 'utf8')).toBe('new\r\n');
    expect(readdirSync(dir)).toEqual(['n.md']);
  });

  test('keeps the permissions, and a symbolic link keeps pointing at its (replaced) target', () => {
    const dir = folder();
    const target = join(dir, 'target.md');
    const link = join(dir, 'link.md');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    symlinkSync(target, link);
    expect(replaceFileAtomic(readSnapshot(link), 'new')).toEqual({ ok: true });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o640);
  });

  test('a file whose time, size or content changed since it was read is left as it is', () => {
    const dir = folder();
    const f = join(dir, 'n.md');
    writeFileSync(f, 'old');
    const snap = readSnapshot(f);
    utimesSync(f, new Date(2001, 1, 1), new Date(2001, 1, 1)); // same content, other time
    expect(replaceFileAtomic(snap, 'new')).toMatchObject({ ok: false, reason: 'changed' });
    expect(readFileSync(f, 'utf8')).toBe('old');
    // Same size and time but other content (a coarse clock): the content check catches it.
    const snap2 = readSnapshot(f);
    writeFileSync(f, 'OLD');
    utimesSync(f, new Date(snap2.mtimeMs), new Date(snap2.mtimeMs));
    expect(replaceFileAtomic(snap2, 'new')).toMatchObject({ ok: false, reason: 'changed' });
    expect(readFileSync(f, 'utf8')).toBe('OLD');
  });

  test('any failure before the rename keeps the original and removes the temporary file', () => {
    const dir = folder();
    const f = join(dir, 'n.md');
    writeFileSync(f, 'old');
    const res = replaceFileAtomic(readSnapshot(f), 'new', {
      beforeCommit: () => {
        throw new Error('disk full');
      },
    });
    expect(res).toEqual({ ok: false, reason: 'error', message: 'disk full' });
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['n.md']);
  });

  test('a deleted file is not recreated; bytes that are not UTF-8 are refused when read', () => {
    const dir = folder();
    const f = join(dir, 'n.md');
    writeFileSync(f, 'old');
    const snap = readSnapshot(f);
    unlinkSync(f);
    expect(replaceFileAtomic(snap, 'new')).toMatchObject({ ok: false, reason: 'changed' });
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(f, Buffer.from([0x61, 0xff]));
    expect(() => readSnapshot(f)).toThrow(NotUtf8Error);
  });
});
