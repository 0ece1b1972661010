// The README's walk-throughs, run as a reader would: every code block of "Five minutes with curl
// and a STOMP client" in the order given (the curl steps in one bash, Bob's STOMP listener in Node
// between steps 2 and 4), then the JavaScript client example of the next section, in a project
// where the client, ws and @stomp/stompjs resolve. Nothing is set up beforehand but the bridge.
// What changes: the bridge's address, and in the walk-through the names mars, earth, alice and bob
// get a suffix of this run, so it starts fresh on a bridge (or Redis) that has seen it before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRIDGE_URL, eventually, unique } from './support.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const E2E_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** The fenced code blocks of a README section, in order: `{lang, code}`. */
async function blocksOf(heading) {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({ lang, code }));
}

const suffix = unique('readme');
/** The bridge under test in place of the README's. */
function located(code) {
  return code.replaceAll('http://localhost:8080', BRIDGE_URL).replaceAll('ws://localhost:8080', `ws://${new URL(BRIDGE_URL).host}`);
}

/** ... and this run's names in place of the walk-through's fixed ones (the client example makes its own). */
const adapted = (code) => located(code).replace(/\b(mars|earth|alice|bob)\b/g, (name) => `${name}-${suffix}`);

/** Runs a process to its end; resolves with its exit code and output. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    if (options.onStart) options.onStart(child, () => output);
  });
}

test('the README walk-throughs run as written, in their order, on a fresh start', { timeout: 180000 }, async () => {
  const blocks = await blocksOf('Five minutes with curl and a STOMP client');
  assert.deepEqual(blocks.map((b) => b.lang), ['bash', 'bash', 'bash', 'js', 'bash'], 'the section\'s steps');
  const [serverToken, tokens, meetings, listener, connectChatEnd] = blocks.map((b) => adapted(b.code));
  const [example] = (await blocksOf('The console and the JavaScript client')).filter((b) => b.lang === 'js').map((b) => located(b.code));

  const project = await mkdtemp(join(tmpdir(), 'meeting-bridge-readme-'));
  try {
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
    await mkdir(join(project, 'node_modules/@stomp'), { recursive: true });
    await mkdir(join(project, 'node_modules/@meeting-bridge'), { recursive: true });
    await symlink(join(E2E_MODULES, 'ws'), join(project, 'node_modules/ws'));
    await symlink(join(E2E_MODULES, '@stomp/stompjs'), join(project, 'node_modules/@stomp/stompjs'));
    await symlink(join(ROOT, 'clients/js'), join(project, 'node_modules/@meeting-bridge/client'));
    await writeFile(join(project, 'listener.mjs'), listener);
    await writeFile(join(project, 'example.mjs'), example);
    const state = join(project, 'state.sh');
    const bash = (script) => run('bash', ['-c', script], { cwd: ROOT, env: process.env });

    // Steps 1 and 2, as one shell session would run them; what step 4 needs is kept for it.
    const first = await bash(`${serverToken}\n${tokens}\n${meetings}\ndeclare -p SERVER B ALICE BOB > '${state}'; declare -f api json >> '${state}'`);
    assert.equal(first.code, 0, `steps 1 and 2:\n${first.output}`);
    assert.match(first.output, /"displayName":"Bob"/);
    const tokensOf = await bash(`source '${state}'; echo "$ALICE"; echo "$BOB"`);
    const [alice, bob] = tokensOf.output.trim().split('\n');

    // Step 3: Bob listens to earth in a second "terminal".
    let listening;
    const listened = run('node', ['listener.mjs'], {
      cwd: project, env: { ...process.env, BOB: bob },
      onStart: (child, output) => { listening = output; },
    });
    await eventually(() => listening?.().includes('listening to earth'), { timeoutMs: 20000, message: 'the listener subscribed' });

    // Step 4, in the first shell's state.
    const fourth = await bash(`source '${state}'\n${connectChatEnd}`);
    assert.equal(fourth.code, 0, `step 4:\n${fourth.output}`);
    assert.match(fourth.output, /"status":"ended"/);

    const { code, output } = await listened;
    assert.equal(code, 0, `the listener:\n${output}`);
    assert.match(output, /connection-open/);
    assert.match(output, /chat-message Hi there, from MARS!/);
    assert.match(output, /participant-left Bob/);
    assert.match(output, /meeting-ended/);

    // The JavaScript client example, with Alice's token from step 1.
    const js = await run('node', ['example.mjs'], { cwd: project, env: { ...process.env, ALICE: alice } });
    assert.equal(js.code, 0, `the client example:\n${js.output}`);
    const lines = js.output.trim().split('\n');
    assert.match(lines[0], /^[a-z]{4}-[a-z]{4}-[a-z]{4}$/, 'connection.meeting.id');
    assert.ok(lines.includes('sent Hi there, from MARS!'), js.output);
    assert.ok(lines.some((line) => line.endsWith(': Hi there, from MARS!')), `chat-message heard: ${js.output}`);
    assert.match(lines.at(-1), /^409 meeting-ended /);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
