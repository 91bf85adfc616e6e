// esbuild settings for every Node bundle: the CLI, its reader threads, and the benchmark programs that
// must be built exactly like them.
import { fileURLToPath } from 'node:url';

// gray-matter's default YAML engine drags in js-yaml 3 and esprima; we always pass our own engine.
const grayMatterYaml = {
  name: 'gray-matter-default-yaml',
  setup(build) {
    build.onResolve({ filter: /^js-yaml$/ }, (args) =>
      /[\\/]gray-matter[\\/]/.test(args.importer) ? { path: fileURLToPath(new URL('./gray-matter-default-yaml.cjs', import.meta.url)) } : undefined,
    );
  },
};

/**
 * Code that only one or two commands use, built into files of its own beside the CLI and required when a
 * command first needs it, so that every other command starts without parsing it: the packed ATT&CK details
 * (`analytics`) and linkedom (`report`), together about 40% of the CLI.
 */
export const ON_DEMAND = [
  { name: 'attack-details', entry: 'src/core/attack/details-packed.ts', imports: /[\\/]details-packed$/ },
  { name: 'linkedom', entry: 'linkedom', imports: /^linkedom$/ },
];

/** Resolves the ON_DEMAND imports to the side files (`./<name>.js`, next to the bundle) instead of inlining them. */
export const onDemand = {
  name: 'on-demand',
  setup(build) {
    for (const { name, imports } of ON_DEMAND) build.onResolve({ filter: imports }, () => ({ path: `./${name}.js`, external: true }));
  },
};

export const nodeBundle = {
  plugins: [grayMatterYaml],
  bundle: true,
  format: 'cjs',
  target: 'node20',
  platform: 'node',
  logLevel: 'info',
};
