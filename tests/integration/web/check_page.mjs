// SPDX-License-Identifier: MIT
// check_page.mjs - check.html in the browser: a receipt of a notified venue-day and slot
// matches; another day, another venue or a slot outside the window does not; a notice that does
// not verify gives no answer; and no request or WebSocket frame carries what was entered.

import crypto from 'node:crypto';
import * as H from './harness.mjs';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// The printed short code (independent of the page's reader): MSB first, zero-padded.
export function shortCode(date, localSlot, vc)
{
	let bits = '';
	for (const b of vc)
		bits += b.toString(2).padStart(8, '0');
	bits = bits.padEnd(130, '0');
	let s = '';
	for (let i = 0; i < 130; i += 5)
		s += CROCKFORD[parseInt(bits.slice(i, i + 5), 2)];
	const groups = s.match(/.{1,4}/g).join('-');
	return `${date.replaceAll('-', '')}-${String(localSlot).padStart(3, '0')}-${groups}`;
}

function qrText(date, slot, vc)
{
	const body = JSON.stringify({ v: 1, venue: 'shop-a', kiosk: 'k1', date, slot, decision: 'admit', kind: 'test',
		program: 'p', trip_start: null, night: null, vc: vc.toString('base64url'),
		hb: { s: crypto.randomBytes(16).toString('base64url'), h: crypto.randomBytes(8).toString('base64url') } });
	return `PGR1:${Buffer.from(body).toString('base64url')}.${crypto.randomBytes(64).toString('base64url')}`;
}

async function verdict(page, code)
{
	await page.fill('#code', code);
	await page.click('#form button[type=submit]');
	await H.until(`a verdict for ${code}`, async () => !(await page.isHidden('#result')));
	return page.getAttribute('#result', 'data-result');
}

// The things that must never leave the phone: every code typed, the visit codes, their hashes.
function secrets(cases, vcs)
{
	const out = [];
	for (const [code] of cases)
		out.push(code, code.replace(/^PGR1:/, '').slice(0, 40), code.replaceAll('-', ''));
	for (const vc of vcs) {
		out.push(vc.toString('hex'), vc.toString('base64url'), vc.toString('base64'), vc.toString('latin1'));
		out.push(crypto.createHash('sha256').update(vc).digest('base64url'));
	}
	return out;
}

function watch(page)
{
	const seen = { requests: [], frames: [] };
	page.on('request', (r) => seen.requests.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`));
	page.on('websocket', (ws) => {
		seen.requests.push(`WS ${ws.url()}`);
		ws.on('framesent', (f) => seen.frames.push(Buffer.from(f.payload).toString('latin1')));
	});
	return seen;
}

export async function checkPage(ctx, broker, tz)
{
	const page = await ctx.browser.newPage();
	const seen = watch(page);
	H.logErrors(page, 'check.html');
	await page.goto(`${broker.url}/check.html`);
	await H.until('notices verified', async () => (await page.getAttribute('#notices-state', 'data-state')) === 'ready');
	const vcB = crypto.randomBytes(16);
	const slot = ctx.day0 + 55;
	const cases = [
		[shortCode(ctx.today, 55, ctx.vcA), 'match', 'the notified venue-day and slot (short code)'],
		[shortCode(ctx.today, 55, ctx.vcA).toLowerCase().replaceAll('0', 'o').replaceAll('-', ' '), 'match', 'typed loosely'],
		[qrText(ctx.today, slot, ctx.vcA), 'match', 'the QR text'],
		[shortCode(ctx.today, 56, ctx.vcA), 'match', 'the last slot of the window'],
		[shortCode(ctx.yesterday, 55, ctx.vcA), 'nomatch', 'another day'],
		[shortCode(ctx.today, 55, vcB), 'nomatch', 'another venue'],
		[shortCode(ctx.today, 57, ctx.vcA), 'nomatch', 'a slot after the window'],
		[shortCode(ctx.today, 53, ctx.vcA), 'nomatch', 'a slot before the window'],
		['20260230-001-ZW00-0000-0000-0000-0000-0000-04', 'bad', 'a date that does not exist'],
	];
	for (const [code, want, what] of cases) {
		const got = await verdict(page, code);
		H.need(got === want, `check.html, ${what}: ${got}, want ${want}`);
	}
	await verdict(page, cases[0][0]);
	await H.shots(page, 'check');
	const leaks = secrets(cases, [ctx.vcA, vcB]);
	for (const s of leaks) {
		H.need(!seen.requests.some((r) => r.includes(s)), `no request carries ${s.slice(0, 24)}…`);
		H.need(!seen.frames.some((f) => f.includes(s)), `no WebSocket frame carries ${s.slice(0, 24)}…`);
	}
	H.need(seen.frames.some((f) => f.includes(`notice/+`)) && !seen.frames.some((f) => /notice\/\d/.test(f)),
		'check.html subscribes to notice/+ (no date of its own)');
	await page.close();
	await failSafe(ctx, broker);
}

// A city key that does not match: the page refuses to answer rather than say "no exposure".
async function failSafe(ctx, broker)
{
	const page = await ctx.browser.newPage();
	await page.route('**/config.json', (route) =>
		route.fulfill({ contentType: 'application/json', body: JSON.stringify({ city: 'testcity', city_key: Buffer.alloc(32, 7).toString('base64'), timezone: 'Asia/Tokyo' }) }));
	await page.goto(`${broker.url}/check.html`);
	await H.until('notices refused', async () => (await page.getAttribute('#notices-state', 'data-state')) === 'failed');
	const got = await verdict(page, shortCode(ctx.today, 55, ctx.vcA));
	H.need(got === 'unknown', `check.html with notices it cannot verify: ${got}, want unknown`);
	await page.close();
}
