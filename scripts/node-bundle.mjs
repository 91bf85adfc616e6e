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

export const nodeBundle = {
  plugins: [grayMatterYaml],
  bundle: true,
  format: 'cjs',
  target: 'node20',
  platform: 'node',
  logLevel: 'info',
};
