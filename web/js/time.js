// SPDX-License-Identifier: MIT
// time.js - local dates and slots in the city's time zone (Intl, no library).
// A slot is floor(unix / 600): ten minutes.

export const SLOT_S = 600;

function parts(unix, tz)
{
	const f = new Intl.DateTimeFormat('en-CA', {
		timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
	});
	const o = {};
	for (const p of f.formatToParts(new Date(unix * 1000)))
		o[p.type] = p.value;
	return o;
}

export function localDate(unix, tz)
{
	const p = parts(unix, tz);
	return `${p.year}-${p.month}-${p.day}`;
}

export function localTime(unix, tz)
{
	const p = parts(unix, tz);
	return `${p.hour}:${p.minute}`;
}

// The zone's offset from UTC at @unix, in seconds.
function offsetAt(unix, tz)
{
	const p = parts(unix, tz);
	const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) / 1000;
	return asUtc - unix;
}

// Unix time of local midnight starting @date ("YYYY-MM-DD") in @tz.
export function localMidnight(date, tz)
{
	const [y, m, d] = date.split('-').map(Number);
	const guess = Date.UTC(y, m - 1, d) / 1000;
	let t = guess - offsetAt(guess, tz);
	t = guess - offsetAt(t, tz); /* once more across an offset change */
	return t;
}

export function slotWindow(from, to, tz)
{
	return `${localTime(from * SLOT_S, tz)}–${localTime((to + 1) * SLOT_S, tz)}`;
}
