// SPDX-License-Identifier: MIT
// counts.js - the city's aggregates as published on stats/#: a count C is an integer that is 0
// or >= k, or the string "<k" (1..k-1, suppressed). A suppressed count is never shown as zero.

const SUPPRESSED = /^<([0-9]{1,6})$/;

// {n: number|null, suppressed: bool, k: number|null}; a malformed value gives null.
export function readCount(c)
{
	if (Number.isSafeInteger(c) && c >= 0)
		return { n: c, suppressed: false, k: null };
	if (typeof c === 'string') {
		const m = SUPPRESSED.exec(c);
		if (m)
			return { n: null, suppressed: true, k: Number(m[1]) };
	}
	return null;
}

// "1,234" or "< 10" (with a thin space as the page shows it); "—" for a malformed value.
export function showCount(c, locale)
{
	const r = readCount(c);
	if (!r)
		return '—';
	if (r.suppressed)
		return `< ${r.k}`;
	return r.n.toLocaleString(locale);
}

// The value for charts: suppressed and malformed counts are gaps, not zeros.
export function chartValue(c)
{
	const r = readCount(c);
	return r && !r.suppressed ? r.n : null;
}

const MAX_KEYS = 256;

function countMap(o)
{
	const out = [];
	if (!o || typeof o !== 'object' || Array.isArray(o))
		return out;
	for (const [k, v] of Object.entries(o).slice(0, MAX_KEYS))
		if (readCount(v))
			out.push([k, v]);
	return out;
}

// A stats/day message, checked; null when it is not one.
export function readDay(msg)
{
	if (!msg || msg.v !== 1 || typeof msg.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(msg.date))
		return null;
	const hours = [];
	for (const h of Array.isArray(msg.hours) ? msg.hours.slice(0, 24) : [])
		if (Number.isInteger(h?.hour) && h.hour >= 0 && h.hour < 24)
			hours.push({ hour: h.hour, admitted: h.admitted, denied: h.denied });
	hours.sort((a, b) => a.hour - b.hour);
	return {
		date: msg.date,
		ward: typeof msg.ward === 'string' ? msg.ward : null,
		k: Number.isInteger(msg.k) ? msg.k : null,
		updated: Number.isInteger(msg.updated) ? msg.updated : null,
		admitted: msg.admitted,
		denied: msg.denied,
		hours,
		reasons: countMap(msg.reasons),
		kinds: countMap(msg.kinds),
	};
}

function csvCell(v)
{
	const s = v === null || v === undefined ? '' : String(v);
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

// The day's aggregates as CSV, counts exactly as published ("<10" stays "<10").
export function dayCsv(day, area)
{
	const rows = [['date', 'area', 'section', 'key', 'admitted', 'denied', 'count']];
	rows.push([day.date, area, 'total', '', day.admitted, day.denied, '']);
	for (const h of day.hours)
		rows.push([day.date, area, 'hour', h.hour, h.admitted, h.denied, '']);
	for (const [k, v] of day.reasons)
		rows.push([day.date, area, 'reason', k, '', '', v]);
	for (const [k, v] of day.kinds)
		rows.push([day.date, area, 'kind', k, '', '', v]);
	return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
