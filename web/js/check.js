// SPDX-License-Identifier: MIT
// check.js - the visitor's exposure check. The page fetches every notice of the city on load,
// before anything is entered (one anonymous subscription to notice/+, no date in it), verifies
// each signature with the city key, and matches the receipt code on the phone. Nothing the
// visitor enters or scans is sent anywhere. Without verified notices it says it cannot tell.

import { loadConfig } from './config.js';
import { applyWords, currentLang, initLang, t } from './i18n.js';
import { openLink } from './link.js';
import { readNotice } from './notices.js';
import { importCityKey } from './pgs1.js';
import { matchReceipt, readReceipt } from './receipt.js';
import { localTime, SLOT_S } from './time.js';
import { startScan, stopScan } from './scan.js';

const $ = (s) => document.querySelector(s);
const st = { cfg: null, key: null, notices: new Map(), phase: 'loading', last: null };
const QUIET_MS = 600;
let quiet = null;

function showState()
{
	const el = $('#notices-state');
	el.dataset.state = st.phase;
	if (st.phase === 'ready') {
		const n = [...st.notices.values()].reduce((a, x) => a + x.entries.length, 0);
		el.textContent = t('check.ready', { n, d: st.notices.size });
	} else
		el.textContent = t(st.phase === 'failed' ? 'check.fail' : 'check.loading');
}

function settle()
{
	clearTimeout(quiet);
	quiet = setTimeout(() => {
		if (st.phase === 'loading')
			st.phase = 'ready';
		showState();
		if (st.last)
			check(st.last);
	}, QUIET_MS);
}

async function take(topic, bytes)
{
	if (!bytes.length) {
		st.notices.delete(topic);
		return settle();
	}
	try {
		st.notices.set(topic, await readNotice(st.key, topic, bytes));
	} catch {
		/* one notice that does not verify: no answer can be trusted */
		st.phase = 'failed';
	}
	settle();
}

function say(kind, html)
{
	const r = $('#result');
	r.hidden = false;
	r.dataset.result = kind;
	r.innerHTML = html;
}

function esc(s)
{
	return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function check(text)
{
	st.last = text;
	let receipt;
	try {
		receipt = readReceipt(text, st.cfg.timezone);
	} catch {
		return say('bad', esc(t('check.bad')));
	}
	if (st.phase !== 'ready')
		return say('unknown', esc(t(st.phase === 'failed' ? 'check.fail' : 'check.loading')));
	const hits = await matchReceipt(receipt, [...st.notices.values()]);
	const visit = esc(t('check.visit', { date: receipt.date, time: localTime(receipt.slot * SLOT_S, st.cfg.timezone) }));
	if (!hits.length)
		return say('nomatch', `<p>${esc(t('check.nomatch'))}</p><p class="note">${visit}</p>`);
	const advice = hits[0].notice.advice[currentLang()] || t('check.advice.default');
	say('match', `<p><strong>${esc(t('check.match'))}</strong></p><p class="note">${visit}</p><p>${esc(advice)}</p>`);
}

function fail()
{
	st.phase = 'failed';
	showState();
}

async function main()
{
	initLang($('#lang'), () => {
		showState();
		if (st.last && !$('#result').hidden)
			check(st.last);
	});
	applyWords();
	showState();
	$('#form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		check($('#code').value);
	});
	$('#scan').addEventListener('click', () => toggleScan());
	try {
		st.cfg = await loadConfig();
		st.key = await importCityKey(st.cfg.cityKey);
	} catch {
		return fail();
	}
	openLink({
		topics: [`passgate/v1/${st.cfg.city}/notice/+`],
		onMessage: (topic, bytes) => take(topic, bytes),
		onSubscribed: (ok) => (ok ? settle() : fail()),
		onState: (s) => s === 'denied' && fail(),
	});
}

let scanning = false;

async function toggleScan()
{
	const btn = $('#scan');
	if (scanning) {
		stopScan($('#video'));
		scanning = false;
		btn.textContent = t('check.scan');
		return;
	}
	scanning = true;
	btn.textContent = t('check.scan.stop');
	try {
		const text = await startScan($('#video'));
		$('#code').value = '';
		check(text);
	} catch {
		say('bad', esc(t('check.scan.none')));
	} finally {
		stopScan($('#video'));
		scanning = false;
		btn.textContent = t('check.scan');
	}
}

main();
