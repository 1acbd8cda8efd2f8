// SPDX-License-Identifier: MIT
// notices.js - the city's notices (passgate/v1/<city>/notice/<date>, retained, signed):
//   {"v":1,"date":"YYYY-MM-DD","notices":[{"h":"<base64url SHA-256(visit_code)>","from":S,"to":S}],
//    "advice":{"ja":"…","en":"…"}}
// No venue is named: a notice can be matched only by someone holding a receipt of that venue-day.

import { openSigned } from './pgs1.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const H = /^[A-Za-z0-9_-]{43}$/;
const MAX_ENTRIES = 4096;
const MAX_ADVICE = 2000;

function readAdvice(a)
{
	const out = {};
	for (const l of ['ja', 'en'])
		if (a && typeof a[l] === 'string')
			out[l] = a[l].slice(0, MAX_ADVICE);
	return out;
}

// A verified notice message as {date, entries, advice}; throws when it is not valid.
export async function readNotice(key, topic, payload)
{
	const topicDate = topic.slice(topic.lastIndexOf('/') + 1);
	const body = await openSigned(key, topic, payload);
	const msg = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
	if (msg?.v !== 1 || msg.date !== topicDate || !DATE.test(msg.date) || !Array.isArray(msg.notices))
		throw new Error('notice: not a v1 notice for its topic');
	if (msg.notices.length > MAX_ENTRIES)
		throw new Error('notice: too many entries');
	const entries = [];
	for (const n of msg.notices) {
		if (typeof n?.h !== 'string' || !H.test(n.h) || !Number.isSafeInteger(n.from) ||
		    !Number.isSafeInteger(n.to) || n.from > n.to)
			throw new Error('notice: malformed entry');
		entries.push({ h: n.h, from: n.from, to: n.to });
	}
	return { date: msg.date, entries, advice: readAdvice(msg.advice) };
}
