// Bundles the package into the one ES module the bridge serves at /client/meeting-bridge.js.
//   node scripts/bundle.mjs [outfile]     (default dist/meeting-bridge.js; Maven passes target/classes/...)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { name, version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = process.argv[2] ?? `${root}dist/meeting-bridge.js`;

await build({
  entryPoints: [`${root}src/index.js`],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  legalComments: 'none',
  banner: {
    js: `// ${name} ${version}: the bridge's JavaScript client as one ES module (built from clients/js; do not edit).\n`
      + '// In Node: npm install the package; here: import { MeetingBridge } from \'/client/meeting-bridge.js\'.',
  },
  logLevel: 'warning',
});
console.log(`bundled ${name} ${version} into ${outfile}`);
