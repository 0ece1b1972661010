// The package as an application gets it: `npm pack` in clients/js, the tarball installed into an
// empty project, the README's example (VideoSDK's ConnectionMeeting page) run there against the
// bridge and type-checked against the declarations the tarball ships.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BRIDGE_URL, moderatorToken, unique } from './support.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = join(ROOT, 'clients/js');

/** The first ```js block of the README section on the JavaScript client. */
async function readmeExample() {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The console and the JavaScript client'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'the README section has a js example');
  return match[1];
}

test('npm pack, installed into an empty project, runs the README example against the bridge', { timeout: 180000 }, async () => {
  const project = await mkdtemp(join(tmpdir(), 'meeting-bridge-client-'));
  try {
    const { stdout: packed } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: PACKAGE });
    const [{ filename, name, files }] = JSON.parse(packed.slice(packed.indexOf('[')));
    assert.equal(name, '@meeting-bridge/client');
    assert.ok(files.some((f) => f.path === 'types/index.d.ts'), 'declarations in the tarball');
    assert.ok(!files.some((f) => f.path.startsWith('test/') || f.path.startsWith('node_modules/')), 'nothing but src and types');

    const wsVersion = JSON.parse(await readFile(new URL('../node_modules/ws/package.json', import.meta.url), 'utf8')).version;
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${filename}`, `ws@${wsVersion}`], { cwd: project });

    // The example makes its own meetings: only the bridge's address changes.
    const example = (await readmeExample()).replaceAll("'http://localhost:8080'", `'${BRIDGE_URL}'`);
    await writeFile(join(project, 'example.mjs'), example);

    const { stdout } = await run('node', ['example.mjs'], {
      cwd: project, timeout: 60000, env: { ...process.env, ALICE: moderatorToken(unique('alice')) },
    });
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^[a-z]{4}-[a-z]{4}-[a-z]{4}$/, 'connection.meeting.id');
    assert.equal(lines[1], '0 participants in earth', 'connection.meeting.participants');
    assert.ok(lines.includes('sent Hi there, from MARS!'), stdout);
    assert.ok(lines.some((line) => line.endsWith(': Hi there, from MARS!')), `chat-message heard: ${stdout}`);
    assert.match(lines.at(-1), /^409 meeting-ended /, 'the refusal after the end');

    // The same example type-checks against the tarball's declarations (TypeScript from clients/js;
    // the project has no @types/node, so `process` is declared here).
    await writeFile(join(project, 'node.d.ts'), 'declare const process: { env: Record<string, string | undefined>, exitCode?: number };\n');
    const tsc = join(PACKAGE, 'node_modules/typescript/bin/tsc');
    const checked = await run('node', [tsc, '--noEmit', '--allowJs', '--checkJs', '--skipLibCheck', '--module', 'nodenext',
      '--moduleResolution', 'nodenext', '--target', 'es2022', 'node.d.ts', 'example.mjs'], { cwd: project })
      .catch((error) => error);
    assert.equal(checked.code ?? 0, 0, `tsc over the example:\n${checked.stdout ?? ''}`);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
