// Two bundles from one source tree: the plugin (browser-safe, for desktop and mobile) and the CLI (Node).
import esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import { nodeBundle, ON_DEMAND, onDemand } from './scripts/node-bundle.mjs';
import { copyFileSync, mkdirSync, statSync, readFileSync } from 'node:fs';

const prod = process.argv[2] === 'production';
const pluginDir = 'test-vault/.obsidian/plugins/attack-coverage';

const plugin = {
  entryPoints: ['src/main.ts'],
  bundle: true,
  format: 'cjs',
  target: 'es2021',
  platform: 'browser',
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  logLevel: 'info',
  sourcemap: prod ? false : 'inline',
  minify: prod,
  treeShaking: true,
  outfile: 'main.js',
};

const cli = {
  ...nodeBundle,
  plugins: [...nodeBundle.plugins, onDemand],
  entryPoints: ['src/cli/main.ts'],
  banner: { js: '#!/usr/bin/env node' },
  outfile: 'dist/cli.js',
};

// What the CLI's reader threads run: only the note reader and analyser, so that a thread starts fast.
const readWorker = {
  ...nodeBundle,
  entryPoints: ['src/cli/read-worker.ts'],
  outfile: 'dist/read-worker.js',
};

function installIntoTestVault() {
  mkdirSync(pluginDir, { recursive: true });
  for (const f of ['main.js', 'manifest.json', 'styles.css']) copyFileSync(f, `${pluginDir}/${f}`);
}

// The plugin bundle must stay mobile-safe and free of code evaluation. It may require only what Obsidian
// provides on every platform: any Node built-in (worker_threads, util, …) or electron breaks it on mobile.
const PROVIDED = /^(obsidian|@codemirror\/[\w-]+|@lezer\/[\w-]+)$/;
function checkPluginBundle() {
  const text = readFileSync('main.js', 'utf8');
  for (const re of [/\beval\(/, /new Function\(/]) {
    if (re.test(text)) throw new Error(`main.js contains ${re}: the plugin bundle must stay free of code evaluation`);
  }
  const required = new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
  const foreign = [...required].filter((m) => !PROVIDED.test(m));
  if (foreign.length) throw new Error(`main.js requires ${foreign.join(', ')}: the plugin bundle must stay mobile-safe`);
  console.log(`main.js: ${(statSync('main.js').size / 1024).toFixed(1)} KiB`);
}

if (prod) {
  await esbuild.build(plugin);
  await esbuild.build(cli);
  await esbuild.build(readWorker);
  for (const { name, entry } of ON_DEMAND) await esbuild.build({ ...nodeBundle, entryPoints: [entry], outfile: `dist/${name}.js` });
  checkPluginBundle();
  installIntoTestVault();
} else {
  const ctx = await esbuild.context({ ...plugin, plugins: [{ name: 'install', setup: (b) => b.onEnd(() => installIntoTestVault()) }] });
  await ctx.watch();
}
