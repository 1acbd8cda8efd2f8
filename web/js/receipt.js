// SPDX-License-Identifier: MIT
// receipt.js - reads a receipt code on the visitor's phone and matches it against notices.
//   QR:    "PGR1:" base64url(body JSON) "." base64url(signature)
//   short: "YYYYMMDD-SSS-" + the 16-byte visit code in Crockford base32 (26 characters, most
//          significant bit first, the last one padded with zero bits), in groups of four.
// The receipt's signature is not checked here: the page holds no kiosk keys, and a forged code
// could only mislead the person who forged it. Nothing read here leaves the page.

import { localMidnight, SLOT_S } from './time.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TEXT = 1200;

function b64urlDecode(s)
{
	if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1)
		throw new Error('base64url');
	const std = s.replaceAll('-', '+').replaceAll('_', '/');
	const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
	return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function b64url(bytes)
{
	let bin = '';
	for (const b of bytes)
		bin += String.fromCharCode(b);
	return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function validDate(y, m, d)
{
	const t = new Date(Date.UTC(y, m - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function crockfordDecode(s)
{
	let acc = 0;
	let bits = 0;
	const out = [];
	for (const ch of s) {
		const v = CROCKFORD.indexOf(ch);
		if (v < 0)
			throw new Error('not Crockford base32');
		acc = (acc << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((acc >> (bits - 8)) & 0xff);
			bits -= 8;
			acc &= (1 << bits) - 1;
		}
	}
	if (acc !== 0)
		throw new Error('non-zero padding');
	return Uint8Array.from(out);
}

// The short code as typed: {date, localSlot, vc}; throws when it is not one.
export function parseShort(text)
{
	const s = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
	const m = /^(\d{4})(\d{2})(\d{2})(\d{3})([0-9A-Z]{26})$/.exec(s);
	if (!m)
		throw new Error('short code: wrong shape');
	const [y, mo, d, slot] = [+m[1], +m[2], +m[3], +m[4]];
	if (!validDate(y, mo, d) || slot > 143)
		throw new Error('short code: no such date or slot');
	return { date: `${m[1]}-${m[2]}-${m[3]}`, localSlot: slot, vc: crockfordDecode(m[5]) };
}

// The QR text: {date, slot, vc} from the body (the signature is not checked, see above).
export function parseQr(text)
{
	const dot = text.indexOf('.');
	if (!text.startsWith('PGR1:') || dot < 0 || text.length > MAX_TEXT)
		throw new Error('not a receipt code');
	const body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64urlDecode(text.slice(5, dot))));
	const vc = b64urlDecode(String(body?.vc ?? ''));
	if (body?.v !== 1 || !/^\d{4}-\d{2}-\d{2}$/.test(body.date) || !Number.isSafeInteger(body.slot) ||
	    vc.length !== 16)
		throw new Error('receipt code: bad body');
	return { date: body.date, slot: body.slot, vc };
}

// Either form, as {date, slot (unix/600), vc}; @tz turns a short code's slot of the day into
// the unix slot.
export function readReceipt(text, tz)
{
	const s = text.trim();
	if (s.startsWith('PGR1:'))
		return parseQr(s);
	const r = parseShort(s);
	return { date: r.date, slot: Math.floor(localMidnight(r.date, tz) / SLOT_S) + r.localSlot, vc: r.vc };
}

// The notices (from readNotice) that this visit falls in.
export async function matchReceipt(receipt, notices)
{
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', receipt.vc));
	const h = b64url(digest);
	const hits = [];
	for (const n of notices) {
		if (n.date !== receipt.date)
			continue;
		for (const e of n.entries)
			if (e.h === h && receipt.slot >= e.from && receipt.slot <= e.to)
				hits.push({ notice: n, entry: e });
	}
	return hits;
}
