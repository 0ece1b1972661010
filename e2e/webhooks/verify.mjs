// Verifies deliveries with the Standard Webhooks reference implementation (npm standardwebhooks).
// Usage: node webhooks/verify.mjs <deliveries.json> <secret>; the file is [{"body", "headers": {...}}].
// Prints the number verified; exits 1 at the first delivery the library refuses.
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';

const [file, secret] = process.argv.slice(2);
const deliveries = JSON.parse(readFileSync(file, 'utf8'));
const webhook = new Webhook(secret);
let verified = 0;
for (const delivery of deliveries) {
  try {
    const payload = webhook.verify(delivery.body, delivery.headers);
    if (payload.data === undefined || payload.type === undefined) {
      throw new Error('no type or data');
    }
    verified++;
  } catch (error) {
    console.error(`refused ${delivery.headers['webhook-id']}: ${error.message}`);
    process.exit(1);
  }
}
console.log(verified);
