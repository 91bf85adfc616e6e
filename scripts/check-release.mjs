// Release consistency: one version across manifest, package and versions.json, and a size budget for main.js.
import { readFileSync, statSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('manifest.json', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const versions = JSON.parse(readFileSync('versions.json', 'utf8'));
const problems = [];
if (manifest.version !== pkg.version) problems.push(`manifest ${manifest.version} != package ${pkg.version}`);
if (versions[manifest.version] !== manifest.minAppVersion) problems.push(`versions.json lacks ${manifest.version}: ${manifest.minAppVersion}`);
if (manifest.id.includes('obsidian')) problems.push('plugin id must not contain "obsidian"');
if (manifest.description.length > 250 || !manifest.description.endsWith('.')) problems.push('description: at most 250 characters, ending with a period');
// Most of main.js is ATT&CK data: the compact catalog (~210 KiB) and the packed details for analytics (~650 KiB).
const BUDGET_KIB = 1200;
const kib = statSync('main.js').size / 1024;
if (kib > BUDGET_KIB) problems.push(`main.js is ${kib.toFixed(1)} KiB, over the ${BUDGET_KIB} KiB budget`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`release checks ok (main.js ${kib.toFixed(1)} KiB)`);
