// The console while the bridge's Redis is frozen (CLIENT PAUSE, what a stuck or failing-over Redis
// does), in headless Chromium: the store indicator turns red and back by itself, the live link and
// the token keep their own indicators, and the 503 refusals the freeze caused go once it is over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BRIDGE_URL, REDIS_URL, createMeeting, redis, serverToken, unique } from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !REDIS_URL ? 'set BRIDGE_REDIS_URL to the bridge\'s Redis to run it' : false;
const FREEZE_MS = 7000;

let browser;
before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
after(async () => {
  await browser?.close();
});

test('a Redis freeze turns the store indicator red and back, and the 503 it caused goes with it', { skip, timeout: 90000 }, async () => {
  const listed = unique('listed');
  await createMeeting(listed);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${BRIDGE_URL}/`);
  await page.getByLabel('Token (JWT)').fill(serverToken());
  await page.getByLabel(/Act as participant/).fill(unique('ops'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator(`#meetings-rows tr[data-meeting="${listed}"]`).waitFor();
  await page.locator('#store-state', { hasText: 'store: ok' }).waitFor();
  await page.getByLabel('Refresh every').selectOption('0');

  await redis('CLIENT', 'PAUSE', String(FREEZE_MS), 'ALL');
  await page.locator('#store-state', { hasText: 'store: unavailable' }).waitFor({ timeout: FREEZE_MS });
  assert.match(await page.locator('#store-state').getAttribute('class'), /\bbad\b/);
  // The live link is a separate thing: it may well stay up while the store is frozen.
  assert.match(await page.locator('#connection-state').textContent(), /^live link: /);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const refusal = page.locator('#meetings-problem .problem[data-status="503"]');
  await refusal.waitFor({ timeout: FREEZE_MS });

  // Redis answers again: green, and the refusal is gone without anybody dismissing it.
  await page.locator('#store-state', { hasText: 'store: ok' }).waitFor({ timeout: FREEZE_MS + 15000 });
  await refusal.waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await context.close();
});
