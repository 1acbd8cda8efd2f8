// SPDX-License-Identifier: MIT
// dashboard.js - the city dashboard: today's checks per hour, reason and kind (stats/day and
// stats/ward/<ward>/day), the fleet (kiosk status topics and stats/fleet) and the notices.
// It subscribes to nothing else: the broker's ACL lets its account read only these topics.

import { renderBars, renderHours, resizeHours } from './charts.js';
import { brokerUrl, loadConfig } from './config.js';
import { dayCsv, readDay, showCount } from './counts.js';
import { Fleet, renderFleet } from './fleet.js';
import { applyWords, currentLang, initLang, t } from './i18n.js';
import { openLink } from './link.js';
import { readNotice } from './notices.js';
import { importCityKey } from './pgs1.js';
import { localDate, slotWindow } from './time.js';

const $ = (s) => document.querySelector(s);
const state = { cfg: null, key: null, days: new Map(), fleet: new Fleet(), notices: new Map(), badNotices: 0, conn: 'connecting' };
const dec = new TextDecoder('utf-8', { fatal: true });
let dirty = false;

function json(bytes)
{
	try {
		return bytes.length ? JSON.parse(dec.decode(bytes)) : null;
	} catch {
		return null;
	}
}

function route(topic, bytes, packet)
{
	const p = topic.split('/');
	const base = `passgate/v1/${state.cfg.city}`;
	if (!topic.startsWith(`${base}/`))
		return;
	if (p[3] === 'stats' && p[4] === 'fleet')
		state.fleet.summary(json(bytes));
	else if (p[3] === 'stats') {
		const day = readDay(json(bytes));
		const area = p[4] === 'ward' ? p[5] : '';
		if (day)
			state.days.set(`${day.date}\u0000${area}`, day);
	} else if (p[3] === 'venue' && p[5] === 'kiosk' && p[7] === 'status' && p.length === 8)
		state.fleet.status(p[4], p[6], json(bytes), !packet?.retain);
	else if (p[3] === 'notice' && p.length === 5)
		return takeNotice(topic, bytes);
	schedule();
}

async function takeNotice(topic, bytes)
{
	if (!bytes.length) {
		state.notices.delete(topic);
	} else {
		try {
			state.notices.set(topic, await readNotice(state.key, topic, bytes));
		} catch {
			state.notices.delete(topic);
			state.badNotices++;
		}
	}
	schedule();
}

function schedule()
{
	if (dirty)
		return;
	dirty = true;
	setTimeout(() => {
		dirty = false;
		render();
	}, 50);
}

function options(sel, values, label)
{
	const keep = sel.value;
	sel.innerHTML = values.map((v) => `<option value="${v}">${label(v)}</option>`).join('');
	if (values.includes(keep))
		sel.value = keep;
}

function renderPickers()
{
	const today = localDate(Date.now() / 1000, state.cfg.timezone);
	const dates = new Set([today]);
	const areas = new Set(['']);
	for (const d of state.days.values()) {
		dates.add(d.date);
		areas.add(d.ward ?? '');
	}
	options($('#day'), [...dates].sort().reverse(), (v) => v);
	options($('#area'), [...areas].sort(), (v) => (v === '' ? t('today.city') : v));
}

function renderDay()
{
	const day = state.days.get(`${$('#day').value}\u0000${$('#area').value}`);
	$('#nodata').hidden = !!day;
	const lang = currentLang();
	$('[data-metric="admitted"]').textContent = day ? showCount(day.admitted, lang) : '—';
	$('[data-metric="denied"]').textContent = day ? showCount(day.denied, lang) : '—';
	$('#k-note').textContent = t('k.note', { k: day?.k ?? 10, k1: (day?.k ?? 10) - 1 });
	$('#updated').textContent = day?.updated ?
		new Date(day.updated * 1000).toLocaleString(lang, { timeZone: state.cfg.timezone }) : '—';
	renderHours($('#hours'), day?.hours ?? []);
	renderBars($('#reasons'), [t('reasons.reason'), t('count')], day?.reasons ?? [], (k) => k);
	renderBars($('#kinds'), [t('kinds.kind'), t('count')], day?.kinds ?? [], (k) => t(`kind.${k}`));
	const csv = $('#csv');
	if (csv.href)
		URL.revokeObjectURL(csv.href);
	if (day) {
		const area = $('#area').value || 'city';
		csv.href = URL.createObjectURL(new Blob([dayCsv(day, area)], { type: 'text/csv' }));
		csv.download = `passgate-${state.cfg.city}-${area}-${day.date}.csv`;
	} else
		csv.removeAttribute('href');
}

function renderNotices()
{
	const rows = [];
	for (const n of [...state.notices.values()].sort((a, b) => b.date.localeCompare(a.date)))
		for (const e of n.entries)
			rows.push(`<tr><td>${n.date}</td><td>${slotWindow(e.from, e.to, state.cfg.timezone)}</td></tr>`);
	$('#notice-table').innerHTML = rows.length ?
		`<thead><tr><th scope="col">${t('notices.date')}</th><th scope="col">${t('notices.window')}</th></tr></thead><tbody>${rows.join('')}</tbody>` :
		`<tbody><tr><td>${t('notices.none')}</td></tr></tbody>`;
	const bad = $('#notices-bad');
	bad.hidden = state.badNotices === 0;
	bad.textContent = t('notices.unverified', { n: state.badNotices });
}

function render()
{
	$('#conn').textContent = t(`conn.${state.conn}`);
	$('#conn').dataset.state = state.conn;
	renderPickers();
	renderDay();
	renderFleet(state.fleet, $('#fleet'), state.cfg.timezone);
	renderNotices();
	document.body.dataset.rendered = String(Date.now());
}

let client = null;

function connect(username, password)
{
	const c = state.cfg.city;
	client?.end(true);
	client = openLink({
		username, password,
		topics: [`passgate/v1/${c}/stats/#`, `passgate/v1/${c}/venue/+/kiosk/+/status`, `passgate/v1/${c}/notice/+`],
		onMessage: route,
		onState: (s) => {
			if (state.conn === 'denied' && s === 'offline')
				return;
			state.conn = s;
			$('#login').hidden = s !== 'denied';
			schedule();
		},
	});
}

function initLogin()
{
	const form = $('#login');
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		form.hidden = true;
		const f = new FormData(form);
		sessionStorage.setItem('passgate.user', f.get('user'));
		sessionStorage.setItem('passgate.password', f.get('password'));
		state.conn = 'connecting';
		connect(f.get('user'), f.get('password'));
	});
}

async function main()
{
	initLang($('#lang'), () => state.cfg && render());
	try {
		state.cfg = await loadConfig();
		state.key = await importCityKey(state.cfg.cityKey).catch(() => null);
	} catch (err) {
		$('#error').hidden = false;
		$('#error').textContent = String(err.message || err);
		return;
	}
	for (const sel of ['#day', '#area'])
		$(sel).addEventListener('change', render);
	window.addEventListener('resize', () => resizeHours($('#hours')));
	applyWords();
	const user = sessionStorage.getItem('passgate.user');
	initLogin();
	if (user)
		connect(user, sessionStorage.getItem('passgate.password'));
	else
		$('#login').hidden = false;
	document.body.dataset.broker = brokerUrl();
	render();
}

main();
