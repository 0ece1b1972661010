// Renders the JSON lines written by load.mjs as the spike's Markdown table.
import fs from 'node:fs';
import os from 'node:os';

const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const peer = rows.find((r) => r.label === 'peer' && !r.failed);
const f = (x, d = 2) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
const int = (x) => Math.round(x).toLocaleString('en-US');
const out = [];
const first = rows.find((r) => !r.failed) || {};
out.push(`Spike run ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), `
  + `node ${process.version}; ${first.conns} sessions, ${first.rate} frames/s, ${first.warm} s warm-up, ${first.window} s measured.`);
out.push('');
out.push('| variant | server CPU µs/delivery | deliveries per server CPU s | peer\'s deliveries per CPU s (same run) | ratio to peer | delivered/expected | idle heap KiB/session |');
out.push('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.failed) { out.push(`| ${r.label} | failed | | | | | |`); continue; }
  const peerRate = peer ? peer.deliveriesPerCpuSecond : NaN;
  out.push(`| ${r.label} | ${f(r.cpuMicrosPerDelivery)} | ${int(r.deliveriesPerCpuSecond)} | ${peer ? int(peerRate) : 'n/a'} | `
    + `${f(r.deliveriesPerCpuSecond / peerRate)} | ${r.received.toLocaleString('en-US')}/${r.expected.toLocaleString('en-US')} | ${f(r.heapKiBPerSession, 1)} |`);
}
out.push('');
out.push('Load client CPU (one Node process on the same machine), % of one core: '
  + rows.filter((r) => !r.failed).map((r) => `${r.label} ${f(r.clientCpuPercentOfOneCore, 0)}%`).join(', ') + '.');
out.push('Load average (1/5/15 min, from /proc/loadavg) at the end of each variant: '
  + rows.filter((r) => !r.failed).map((r) => `${r.label} ${r.loadavg.split(' ').slice(0, 3).join('/')}`).join(', ')
  + '. The 2 cores are shared with other work, so CPU per delivery carries that noise.');
console.log(out.join('\n'));
