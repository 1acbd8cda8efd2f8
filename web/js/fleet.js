// SPDX-License-Identifier: MIT
// fleet.js - the kiosks, from their own retained status topics (the will marks a kiosk offline)
// and from the city's stats/fleet summary (ward, last seen, eid gaps, kiosks never heard of).

import { esc } from './charts.js';
import { currentLang, t } from './i18n.js';

const FAULTS = ['camera-absent', 'printer-paper-out', 'printer-offline', 'clock-unsynchronized', 'no-daykey'];
const MAX_KIOSKS = 100000;

export class Fleet {
	constructor()
	{
		this.kiosks = new Map();
	}

	entry(venue, kiosk)
	{
		const key = `${venue}\u0000${kiosk}`;
		let e = this.kiosks.get(key);
		if (!e && this.kiosks.size < MAX_KIOSKS) {
			e = { venue, kiosk, ward: null, state: null, cityState: 'unknown', lastSeen: null,
			      backlog: null, faults: [], gaps: null };
			this.kiosks.set(key, e);
		}
		return e;
	}

	// A kiosk's status message (@live: not a retained copy, so the kiosk was just seen).
	status(venue, kiosk, msg, live)
	{
		const e = this.entry(venue, kiosk);
		if (!e || !msg || typeof msg !== 'object')
			return;
		e.state = msg.state === 'online' ? 'online' : 'offline';
		if (msg.state === 'online') {
			const p = msg.outbox?.pending;
			e.backlog = Number.isSafeInteger(p) ? p : e.backlog;
			e.faults = Array.isArray(msg.faults) ? msg.faults.filter((f) => typeof f === 'string').slice(0, 16) : [];
			if (msg.daykey === false && !e.faults.includes('no-daykey'))
				e.faults.push('no-daykey');
		}
		if (live)
			e.lastSeen = Math.floor(Date.now() / 1000);
	}

	// The city's stats/fleet message.
	summary(msg)
	{
		if (msg?.v !== 1 || !Array.isArray(msg.kiosks))
			return;
		for (const k of msg.kiosks) {
			if (typeof k?.venue !== 'string' || typeof k?.kiosk !== 'string')
				continue;
			const e = this.entry(k.venue, k.kiosk);
			if (!e)
				return;
			e.ward = typeof k.ward === 'string' ? k.ward : null;
			e.cityState = ['online', 'offline'].includes(k.state) ? k.state : 'unknown';
			if (Number.isSafeInteger(k.last_seen) && (e.lastSeen === null || k.last_seen > e.lastSeen))
				e.lastSeen = k.last_seen;
			if (e.state === null) {
				e.backlog = Number.isSafeInteger(k.backlog) ? k.backlog : null;
				e.faults = Array.isArray(k.faults) ? k.faults.filter((f) => typeof f === 'string').slice(0, 16) : [];
			}
			e.gaps = Number.isSafeInteger(k.eid_gaps) ? k.eid_gaps : null;
		}
	}

	counts()
	{
		const c = { online: 0, offline: 0, faulted: 0 };
		for (const e of this.kiosks.values()) {
			const s = e.state ?? e.cityState;
			if (s === 'online')
				c.online++;
			else if (s === 'offline')
				c.offline++;
			if (s === 'online' && e.faults.length)
				c.faulted++;
		}
		return c;
	}
}

function rank(e)
{
	const s = e.state ?? e.cityState;
	return s === 'offline' ? 0 : e.faults.length ? 1 : s === 'unknown' ? 2 : 3;
}

function faultText(f)
{
	return FAULTS.includes(f) ? t(`fault.${f}`) : f;
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// One formatter per language and zone: building one per row costs more than the whole table.
let seenFmt = null;

function seenText(unix, tz)
{
	const lang = currentLang();
	if (!seenFmt || seenFmt.lang !== lang || seenFmt.tz !== tz)
		seenFmt = { lang, tz, f: new Intl.DateTimeFormat(lang, { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }) };
	return seenFmt.f.format(new Date(unix * 1000));
}

function row(e, tz)
{
	const s = e.state ?? e.cityState;
	const seen = e.lastSeen === null ? '—' : seenText(e.lastSeen, tz);
	const faults = e.faults.map((f) => `<span class="fault" data-fault="${esc(f)}">${esc(faultText(f))}</span>`).join(' ');
	return `<tr data-venue="${esc(e.venue)}" data-kiosk="${esc(e.kiosk)}" data-state="${s}">` +
		`<td>${esc(e.venue)}</td><td>${esc(e.kiosk)}</td><td>${esc(e.ward ?? '—')}</td>` +
		`<td class="state ${s}">${esc(t(`state.${s}`))}</td><td class="num">${e.backlog ?? '—'}</td>` +
		`<td>${esc(seen)}</td><td>${faults}</td><td class="num">${e.gaps ?? '—'}</td></tr>`;
}

export function renderFleet(fleet, root, tz)
{
	const c = fleet.counts();
	root.querySelector('[data-metric="kiosks-online"]').textContent = c.online.toLocaleString(currentLang());
	root.querySelector('[data-metric="kiosks-offline"]').textContent = c.offline.toLocaleString(currentLang());
	root.querySelector('[data-metric="kiosks-faulted"]').textContent = c.faulted.toLocaleString(currentLang());
	const list = [...fleet.kiosks.values()].sort((a, b) =>
		rank(a) - rank(b) || cmp(a.venue, b.venue) || cmp(a.kiosk, b.kiosk));
	const head = ['fleet.venue', 'fleet.kiosk', 'fleet.ward', 'fleet.state', 'fleet.backlog',
		'fleet.last_seen', 'fleet.faults', 'fleet.gaps'].map((k) => `<th scope="col">${esc(t(k))}</th>`).join('');
	root.querySelector('#kiosks').innerHTML =
		`<thead><tr>${head}</tr></thead><tbody>${list.map((e) => row(e, tz)).join('')}</tbody>`;
}
