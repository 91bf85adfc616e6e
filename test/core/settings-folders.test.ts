/**
 * Role folders in settings are typed by people: a folder given as a path must match the vault's folder in
 * any letter case, as a bare folder name already does.
 */
import { inAnyFolder } from '../../src/core/settings';

const vaultPath = 'Detection Rules/Windows/proc_creation_win_whoami.md';

test.each([
  ['a bare folder name', 'detection rules'],
  ['a folder path', 'detection rules/windows'],
  ['a folder path, upper case', 'DETECTION RULES/WINDOWS'],
  ['a folder path with slashes around it', '/detection rules/Windows/'],
])('%s matches whatever the letter case', (_what, entry) => {
  expect(inAnyFolder(vaultPath, [entry])).toBe(true);
});

test('a folder path still matches only whole folders from the vault root', () => {
  expect(inAnyFolder(vaultPath, ['detection rules/win'])).toBe(false);
  expect(inAnyFolder(vaultPath, ['windows/detection rules'])).toBe(false);
  expect(inAnyFolder('Archive/Detection Rules/Windows/x.md', ['detection rules/windows'])).toBe(false);
});
