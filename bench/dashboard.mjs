// SPDX-License-Identifier: MIT
// bench/dashboard.mjs - the dashboard's load and render time with N kiosks' status retained on
// the broker (issue 12; budget < 1 s for 5 000), in headless chromium (/usr/bin/chromium, as
// the browser test), from navigation start until the fleet figures show every kiosk and the
// page has painted. Anchor, measured in the same run: the same page on a broker with no kiosk.
//
//   node bench/dashboard.mjs [N] [ROUNDS]        (defaults: 5000 5)
//
// The broker is a real mosquitto serving web/ (tests/integration/web/harness.mjs); the
// statuses are the kiosks' JSON with a backlog and, for one kiosk in ten, a fault; the city's
// stats/fleet lists the same kiosks.
import * as H from '../tests/integration/web/harness.mjs';

const n = Number(process.argv[2] || 5000);
const rounds = Number(process.argv[3] || 5);
const CITY = 'bench';
const base = `passgate/v1/${CITY}`;

function status(i)
{
	return JSON.stringify({ state: 'online', venue: `venue-${Math.floor(i / 4)}`, kiosk: `k${i}`,
		outbox: { pending: i % 7, next_seq: 1000 + i, dropped: 0, lost: 0, write_error: null },
		uplink: { rejected: 0, paused: false, last_reject: null }, daykey: true, judging: 'ok',
		faults: i % 10 === 3 ? ['printer-paper-out'] : [] });
}

async function fill(mqtt, broker, count)
{
	const c = await H.client(mqtt, broker, { username: 'city', password: 'city-pw' });
	const kiosks = [];
	const pubs = [];
	for (let i = 0; i < count; i++) {
		pubs.push(H.publish(c, `${base}/venue/venue-${Math.floor(i / 4)}/kiosk/k${i}/status`, status(i)));
		kiosks.push({ venue: `venue-${Math.floor(i / 4)}`, kiosk: `k${i}`, ward: `w${i % 9}`, state: 'online',
			last_seen: Math.floor(Date.now() / 1000), backlog: i % 7, faults: [], daykey: true, eid_gaps: 0 });
	}
	pubs.push(H.publish(c, `${base}/stats/fleet`, JSON.stringify({ v: 1, updated: 0, kiosks })));
	await Promise.all(pubs);
	c.end();
}

async function once(browser, broker, count)
{
	const page = await browser.newPage();
	await page.addInitScript(() => {
		sessionStorage.setItem('passgate.user', 'dashboard');
		sessionStorage.setItem('passgate.password', 'dash-pw');
	});
	H.logErrors(page, 'bench');
	await page.goto(`${broker.url}/index.html`);
	const want = [count.toLocaleString('ja'), Math.floor((count + 6) / 10).toLocaleString('ja')];
	const ms = await page.waitForFunction(([online, faulted]) => {
		const m = (k) => document.querySelector(`[data-metric="${k}"]`)?.textContent;
		return m('kiosks-online') === online && m('kiosks-faulted') === faulted && performance.now();
	}, want, { polling: 'raf', timeout: 30000 }).catch(async (err) => {
		console.error(await page.evaluate(() => [...document.querySelectorAll('[data-metric]')].map((e) => e.dataset.metric + '=' + e.textContent).join(' ')));
		throw err;
	});
	const t = await ms.jsonValue();
	const rows = await page.$$eval('#kiosks tbody tr', (r) => r.length);
	H.need(rows === count, `${rows} kiosk rows, want ${count}`);
	await page.close();
	return t;
}

async function series(playwright, mqtt, count)
{
	const broker = await H.startBroker('/usr/sbin/mosquitto', { city: CITY, cityKey: Buffer.alloc(32).toString('base64'),
		timezone: 'Asia/Tokyo', kiosks: [], users: { dashboard: 'dash-pw', city: 'city-pw' } });
	let browser = null;
	try {
		if (count)
			await fill(mqtt, broker, count);
		browser = await H.launch(playwright, broker.dir);
		await once(browser, broker, count); /* warm-up: the files in the page cache */
		const t = [];
		for (let r = 0; r < rounds; r++)
			t.push(await once(browser, broker, count));
		t.sort((a, b) => a - b);
		return { best: t[0], median: t[Math.floor(t.length / 2)], worst: t[t.length - 1] };
	} finally {
		await browser?.close();
		H.stopProc(broker.proc);
	}
}

const { playwright, mqtt } = H.vendor();
const anchor = await series(playwright, mqtt, 0);
const full = await series(playwright, mqtt, n);
const f = (x) => `${x.toFixed(0)} ms`;
console.log(`| broker holds | best | median | worst |\n|---|---|---|---|`);
console.log(`| no kiosk (anchor) | ${f(anchor.best)} | ${f(anchor.median)} | ${f(anchor.worst)} |`);
console.log(`| ${n} kiosks' status + stats/fleet | ${f(full.best)} | ${f(full.median)} | ${f(full.worst)} |`);
console.log(`budget < 1000 ms: ${full.worst < 1000 ? 'met' : 'NOT met'} (worst of ${rounds})`);
