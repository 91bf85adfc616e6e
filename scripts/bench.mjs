// `npm run bench`: builds the shipped bundles, bundles the benchmark with the same esbuild settings (scripts/node-bundle.mjs) (so
// that it times the code as shipped, not as a TypeScript loader compiles it), then runs it with the
// garbage collector exposed so that runs start from a clean heap.
import { spawnSync } from 'node:child_process';
import esbuild from 'esbuild';
import { nodeBundle } from './node-bundle.mjs';

const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step(process.execPath, ['esbuild.config.mjs', 'production']);
const common = { ...nodeBundle, logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'bench/out/run.cjs' });
await esbuild.build({ ...common, entryPoints: ['bench/floor.ts'], outfile: 'bench/out/floor.cjs' });
await esbuild.build({ ...common, entryPoints: ['bench/cold-phases.ts'], outfile: 'bench/out/cold-phases.cjs' });
step(process.execPath, ['--expose-gc', 'bench/out/run.cjs', ...process.argv.slice(2)]);
