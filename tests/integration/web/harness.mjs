// SPDX-License-Identifier: MIT
// harness.mjs - what the browser tests share: a real mosquitto with a plain and a WebSockets
// listener (http_dir = a copy of web/ with a config.json), the ACL from etc/mosquitto/, the
// npm packages from web/ (scripts/web-vendor), and Debian's chromium driven by playwright-core.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SRC = process.env.PASSGATE_SOURCE_DIR || path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(SRC, 'web/package.json'));

export function need(cond, what)
{
	if (!cond)
		throw new Error(`FAIL: ${what}`);
}

// The npm packages from the lock file (no-op when up to date); then the modules.
export function vendor()
{
	execFileSync(path.join(SRC, 'scripts/web-vendor'), { stdio: 'inherit' });
	return { playwright: require('playwright-core'), mqtt: require('mqtt') };
}

export function freePort()
{
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, fn, ms = 10000)
{
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`FAIL: timed out waiting for ${what}`);
		await sleep(50);
	}
}

function copyWeb(www, config)
{
	fs.mkdirSync(www, { recursive: true });
	for (const f of ['index.html', 'check.html', 'passgate.css', 'js', 'vendor'])
		fs.cpSync(path.join(SRC, 'web', f), path.join(www, f), { recursive: true });
	fs.writeFileSync(path.join(www, 'config.json'), JSON.stringify(config));
}

// The documented ACL for @city, one kiosk block per [venue, kiosk].
function writeAcl(file, city, kiosks)
{
	const head = fs.readFileSync(path.join(SRC, 'etc/mosquitto/passgate.acl'), 'utf8');
	const block = fs.readFileSync(path.join(SRC, 'etc/mosquitto/passgate-kiosk.acl'), 'utf8');
	let acl = head.replaceAll('CITY', city);
	for (const [venue, kiosk] of kiosks)
		acl += block.replaceAll('CITY', city).replaceAll('VENUE', venue).replaceAll('KIOSK', kiosk);
	fs.writeFileSync(file, acl);
}

// @opts: {city, cityKey, timezone, kiosks: [[venue, kiosk]], users: {name: password}}
export async function startBroker(mosquitto, opts)
{
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passgate-web-'));
	const www = path.join(dir, 'www');
	copyWeb(www, { city: opts.city, city_key: opts.cityKey, timezone: opts.timezone });
	const passwd = path.join(dir, 'passwd');
	fs.writeFileSync(passwd, '');
	for (const [u, p] of Object.entries(opts.users))
		execFileSync('mosquitto_passwd', ['-b', passwd, u, p]);
	writeAcl(path.join(dir, 'acl'), opts.city, opts.kiosks);
	const port = await freePort();
	const wsPort = await freePort();
	const user = os.userInfo().username;
	fs.writeFileSync(path.join(dir, 'mosquitto.conf'),
		`user ${user}\nper_listener_settings false\nallow_anonymous true\npersistence false\n` +
		`password_file ${passwd}\nacl_file ${path.join(dir, 'acl')}\nmax_queued_messages 100000\n` +
		`listener ${port} 127.0.0.1\nlistener ${wsPort} 127.0.0.1\nprotocol websockets\nhttp_dir ${www}\n`);
	const log = fs.openSync(path.join(dir, 'broker.log'), 'a');
	const proc = spawn(mosquitto, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', log, log] });
	await until('the broker', () => new Promise((resolve) => {
		const c = net.connect(wsPort, '127.0.0.1', () => resolve(c.end() || true));
		c.on('error', () => resolve(false));
	}));
	return { dir, www, port, wsPort, proc, url: `http://127.0.0.1:${wsPort}` };
}

export function stopProc(p)
{
	if (p && p.exitCode === null && p.signalCode === null)
		p.kill('SIGTERM');
}

export async function launch(playwright, dir)
{
	return playwright.chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 },
		locale: 'ja-JP',
		timezoneId: 'Asia/Tokyo',
	});
}

// Every WebSocket frame @page receives (and sends), as Buffers.
export function recordFrames(page)
{
	const got = { received: [], sent: [] };
	page.on('websocket', (ws) => {
		ws.on('framereceived', (f) => got.received.push(Buffer.from(f.payload)));
		ws.on('framesent', (f) => got.sent.push(Buffer.from(f.payload)));
	});
	return got;
}

// An MQTT client on the plain listener; resolves once connected.
export function client(mqtt, broker, options)
{
	return new Promise((resolve, reject) => {
		const c = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0, ...options });
		c.once('connect', () => resolve(c));
		c.once('error', reject);
	});
}

export function publish(c, topic, payload, retain = true)
{
	return new Promise((resolve, reject) =>
		c.publish(topic, payload, { qos: 1, retain }, (err, pkt) =>
			err ? reject(err) : pkt?.reasonCode >= 0x80 ? reject(new Error(`${topic}: 0x${pkt.reasonCode.toString(16)}`)) : resolve()));
}

// ja and en screenshots into docs/, and the phone width (375 px) without sideways scrolling.
export async function shots(page, name)
{
	const docs = path.join(SRC, 'docs');
	for (const lang of ['ja', 'en']) {
		if ((await page.getAttribute('html', 'lang')) !== lang)
			await page.click('#lang');
		await until(`lang ${lang}`, async () => (await page.getAttribute('html', 'lang')) === lang);
		await page.waitForTimeout(150);
		await page.screenshot({ path: path.join(docs, `${name}.${lang}.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 375, height: 800 });
	await page.waitForTimeout(200);
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
		.filter((e) => e.getBoundingClientRect().right > 376).slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`));
	need(w <= 375, `${name} fits 375 px (scrollWidth ${w}; ${wide})`);
	await page.setViewportSize({ width: 1280, height: 900 });
}


// The page's own errors go to the test's log.
export function logErrors(page, name)
{
	page.on('pageerror', (e) => console.error(`${name}: page error: ${e.message}`));
	page.on('console', (m) => m.type() === 'error' && console.error(`${name}: console: ${m.text()}`));
}
