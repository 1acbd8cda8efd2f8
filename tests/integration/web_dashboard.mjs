// SPDX-License-Identifier: MIT
// web_dashboard.mjs - the dashboard and the exposure check in headless chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), against a real mosquitto that serves web/
// over its WebSockets listener with the documented ACL. The city's messages are published in
// the contract formats (docs/dashboard.md): stats, fleet, and notices signed by city_sign.
//   node web_dashboard.mjs MOSQUITTO CITY_SIGN
// Screenshots of both pages, in Japanese and English, go to docs/.

import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as H from './web/harness.mjs';
import { checkPage } from './web/check_page.mjs';

const [mosquitto, citySign] = process.argv.slice(2);
const CITY = 'testcity';
const TZ = 'Asia/Tokyo';
const SEED = '11'.repeat(32);
const KIOSKS = [['shop-a', 'k1'], ['shop-a', 'k2'], ['hall-b', 'k3']];
const USERS = { dashboard: 'dash-pw', city: 'city-pw', k1: 'k1-pw', k2: 'k2-pw', k3: 'k3-pw' };
const NAME = 'YAMADA';
const DOB = '1980-04-01';
const TOK = 'CuWC6Y3P3d2iUAP9Sr__dA';
const base = `passgate/v1/${CITY}`;

function localDate(unix)
{
	return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(unix * 1000));
}

// Signs @body for @topic; returns the payload and the city key (base64).
function sign(dir, topic, body)
{
	const out = path.join(dir, 'signed.bin');
	const key = execFileSync(citySign, [SEED, topic, String(Math.floor(Date.now() / 1000)), body, out]).toString().trim();
	return { payload: fs.readFileSync(out), key };
}

function dayStats(date, ward)
{
	const hours = [...Array(24).keys()].map((hour) => ({ hour, admitted: 0, denied: 0 }));
	hours[9] = { hour: 9, admitted: 20, denied: '<10' };
	hours[10] = { hour: 10, admitted: 17, denied: '<10' };
	return JSON.stringify({
		v: 1, city: CITY, ward, date, k: 10, updated: Math.floor(Date.now() / 1000),
		admitted: ward ? '<10' : 37, denied: ward ? 0 : 12, hours,
		reasons: { vaccinated: 25, 'test-negative': 12, 'test-expired': '<10', 'no-credential': '<10' },
		kinds: { vaccination: 25, test: 12, recovery: 0, 'staff-verified': '<10', 'child-exempt': 0, none: '<10' },
	});
}

function fleetStats()
{
	const k = (venue, kiosk, ward) => ({ venue, kiosk, ward, state: 'unknown', last_seen: null, backlog: null, faults: [], daykey: null, eid_gaps: 0 });
	return JSON.stringify({ v: 1, updated: Math.floor(Date.now() / 1000),
		kiosks: [k('shop-a', 'k1', 'chuo'), k('shop-a', 'k2', 'chuo'), k('hall-b', 'k3', 'kita'), k('hall-b', 'k4', 'kita')] });
}

function status(venue, kiosk, pending, faults)
{
	return JSON.stringify({ state: 'online', venue, kiosk,
		outbox: { pending, next_seq: 10, dropped: 0, lost: 0, write_error: null },
		uplink: { rejected: 0, paused: false, last_reject: null }, daykey: true, judging: 'ok', faults });
}

// The city's and kiosks' retained messages, as passgate-cityd and passgated publish them.
async function seed(mqtt, broker, ctx)
{
	const city = await H.client(mqtt, broker, { username: 'city', password: USERS.city });
	await H.publish(city, `${base}/stats/day/${ctx.today}`, dayStats(ctx.today, null));
	await H.publish(city, `${base}/stats/ward/chuo/day/${ctx.today}`, dayStats(ctx.today, 'chuo'));
	await H.publish(city, `${base}/stats/fleet`, fleetStats());
	for (const n of ctx.notices)
		await H.publish(city, n.topic, n.payload);
	city.end();
	for (const [venue, kiosk, pending, faults] of [['shop-a', 'k1', 0, []], ['shop-a', 'k2', 3, ['camera-absent']], ['hall-b', 'k3', 1, []]]) {
		const c = await H.client(mqtt, broker, { username: kiosk, password: USERS[kiosk] });
		await H.publish(c, `${base}/venue/${venue}/kiosk/${kiosk}/status`, status(venue, kiosk, pending, faults));
		c.end();
	}
}

// k3 stays connected with its will (as passgated's uplink does) until it is SIGKILLed.
function holdK3(broker)
{
	const topic = `${base}/venue/hall-b/kiosk/k3/status`;
	return spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-u', 'k3', '-P', USERS.k3,
		'-i', 'passgate-k3', '-t', `${base}/kiosk/k3/daykeys`, '--will-topic', topic, '--will-retain', '--will-qos', '1',
		'--will-payload', JSON.stringify({ state: 'offline', venue: 'hall-b', kiosk: 'k3' })], { stdio: 'ignore' });
}

// The dashboard account itself, subscribed to everything: only what the ACL allows arrives.
async function dashboardAccount(mqtt, broker)
{
	const seen = [];
	const c = await H.client(mqtt, broker, { username: 'dashboard', password: USERS.dashboard });
	c.on('message', (topic) => seen.push(topic));
	await new Promise((r) => c.subscribe(['#', `${base}/venue/+/kiosk/+/check`], { qos: 1 }, r));
	return { c, seen };
}

async function checkEvent(mqtt, broker)
{
	const k1 = await H.client(mqtt, broker, { username: 'k1', password: USERS.k1 });
	const ev = { v: 1, eid: 'k1:1', venue: 'shop-a', kiosk: 'k1', slot: Math.floor(Date.now() / 600000), program: 'p',
		decision: 'admit', reasons: ['vaccinated'], kind: 'vaccination', format: 'shc', tok: TOK };
	await H.publish(k1, `${base}/venue/shop-a/kiosk/k1/check`, JSON.stringify(ev), false);
	k1.end();
}

async function dashboard(ctx, broker, mqtt, k3)
{
	const page = await ctx.browser.newPage();
	const frames = H.recordFrames(page);
	H.logErrors(page, 'index.html');
	await page.goto(`${broker.url}/index.html`);
	await page.fill('#login input[name=user]', 'dashboard');
	await page.fill('#login input[name=password]', USERS.dashboard);
	await page.click('#login button[type=submit]');
	const metric = (m) => page.textContent(`[data-metric="${m}"]`);
	await H.until('admitted 37, denied 12', async () => (await metric('admitted')) === '37' && (await metric('denied')) === '12');
	await H.until('3 kiosks online', async () => (await metric('kiosks-online')) === '3' && (await metric('kiosks-offline')) === '0');
	H.need(await page.$('tr[data-kiosk="k2"] .fault[data-fault="camera-absent"]'), 'k2 shows camera-absent');
	H.need(await page.$('tr[data-kiosk="k4"][data-state="unknown"]'), 'k4 (never connected) shows unknown');
	const sup = await page.$$eval('#hours td[data-value="<10"], #kinds td[data-value="<10"]', (tds) => tds.map((td) => td.textContent));
	H.need(sup.length === 4 && sup.every((s) => s === '< 10'), `suppressed counts render as "< 10": ${sup}`);
	await checkEvent(mqtt, broker);
	k3.kill('SIGKILL');
	await H.until('k3 offline after its will', async () => (await metric('kiosks-offline')) === '1' && (await metric('kiosks-online')) === '2');
	H.need(await page.$('tr[data-kiosk="k3"][data-state="offline"]'), 'k3 row offline');
	const csv = await page.evaluate(async () => (await fetch(document.querySelector('#csv').href)).text());
	H.need(csv.includes('total,,37,12') && csv.includes('hour,9,20,<10'), `CSV has the day's aggregates: ${csv.slice(0, 200)}`);
	await page.selectOption('#area', 'chuo');
	await H.until('ward chuo: admitted < 10', async () => (await metric('admitted')) === '< 10');
	await page.selectOption('#area', '');
	await H.shots(page, 'dashboard');
	await page.close();
	return frames;
}

function noSecrets(frames, what)
{
	const text = frames.map((b) => b.toString('latin1')).join('\n');
	H.need(frames.length > 0 && text.includes('/stats/day/'), `${what}: frames were recorded`);
	for (const bad of ['"tok"', TOK, NAME, DOB, '/check', '"slot"', 'daykeys'])
		H.need(!text.includes(bad), `${what}: no frame carries ${bad}`);
}

async function main()
{
	const { playwright, mqtt } = H.vendor();
	const now = Math.floor(Date.now() / 1000);
	const ctx = { today: localDate(now), yesterday: localDate(now - 86400), notices: [] };
	const tmp = fs.mkdtempSync('/tmp/passgate-web-sign-');
	const vcA = crypto.randomBytes(16);
	const cityKey = sign(tmp, 'x', '{}').key;
	let broker = null;
	let k3 = null;
	try {
		broker = await H.startBroker(mosquitto, { city: CITY, cityKey, timezone: TZ, kiosks: KIOSKS, users: USERS });
		ctx.vcA = vcA;
		ctx.notices = makeNotices(tmp, ctx);
		await seed(mqtt, broker, ctx);
		k3 = holdK3(broker);
		await H.sleep(300);
		const acct = await dashboardAccount(mqtt, broker);
		ctx.browser = await H.launch(playwright, broker.dir);
		const frames = await dashboard(ctx, broker, mqtt, k3);
		noSecrets(frames.received, 'dashboard');
		H.need(acct.seen.length > 0 && !acct.seen.some((t) => !/\/(stats\/.*|status|notice\/[0-9-]+)$/.test(t)),
			`the dashboard account reads only stats, status and notices: ${[...new Set(acct.seen)]}`);
		acct.c.end();
		await checkPage(ctx, broker, TZ);
		console.log('web_dashboard: dashboard, fleet, suppression, privacy of frames and check.html: ok');
	} finally {
		await ctx.browser?.close();
		H.stopProc(k3);
		H.stopProc(broker?.proc);
	}
}

// Today: venue A's visit code warned for 09:00-09:30 (slots 54..56 of the day).
function makeNotices(tmp, ctx)
{
	const h = crypto.createHash('sha256').update(ctx.vcA).digest('base64url');
	const day0 = Math.floor(Date.parse(`${ctx.today}T00:00:00+09:00`) / 600000);
	ctx.day0 = day0;
	const out = [];
	for (const [date, entries] of [[ctx.today, [{ h, from: day0 + 54, to: day0 + 56 }]], [ctx.yesterday, []]]) {
		const topic = `${base}/notice/${date}`;
		const body = JSON.stringify({ v: 1, date, notices: entries, advice: { ja: '保健所（0120-000-000）に相談してください。', en: 'Call the health centre (0120-000-000).' } });
		out.push({ topic, payload: sign(tmp, topic, body).payload });
	}
	return out;
}

main().catch((err) => {
	console.error(err.stack || String(err));
	process.exit(1);
});
