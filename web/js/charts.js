// SPDX-License-Identifier: MIT
// charts.js - every chart with its numbers as a table beside it: the hourly bars with uPlot,
// the reason and kind bars in CSS. Suppressed counts are gaps in a chart and "< k" in a table.

import uPlot from '../vendor/uPlot.esm.js';
import { chartValue, readCount, showCount } from './counts.js';
import { currentLang, t } from './i18n.js';

export function esc(s)
{
	return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function countCell(c)
{
	const r = readCount(c);
	const cls = r?.suppressed ? ' class="suppressed"' : '';
	return `<td${cls} data-value="${esc(c ?? '')}">${esc(showCount(c, currentLang()))}</td>`;
}

export function tableHtml(head, rows)
{
	const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
	const body = rows
		.map((r) => `<tr><th scope="row">${esc(r[0])}</th>${r.slice(1).map(countCell).join('')}</tr>`)
		.join('');
	return `<thead><tr>${th}</tr></thead><tbody>${body}</tbody>`;
}

let hourPlot = null;

function plotSize(el)
{
	return { width: Math.max(280, el.clientWidth || 320), height: 200 };
}

// The 24 hours, admitted and denied side by side.
export function renderHours(fig, hours)
{
	const byHour = new Map(hours.map((h) => [h.hour, h]));
	const xs = [...Array(24).keys()];
	const adm = xs.map((h) => chartValue(byHour.get(h)?.admitted));
	const den = xs.map((h) => chartValue(byHour.get(h)?.denied));
	const el = fig.querySelector('.plot');
	const bars = uPlot.paths.bars;
	const opts = {
		...plotSize(el),
		legend: { show: true },
		scales: { x: { time: false, range: [-0.5, 23.5] } },
		axes: [{ incrs: [1, 2, 3, 6], values: (u, v) => v.map((x) => `${x}`) }, {}],
		series: [
			{ label: t('hours.hour') },
			{ label: t('metric.admitted'), fill: '#2e7d32aa', stroke: '#2e7d32',
			  paths: bars({ size: [0.4, 40], align: -1 }), points: { show: false } },
			{ label: t('metric.denied'), fill: '#c62828aa', stroke: '#c62828',
			  paths: bars({ size: [0.4, 40], align: 1 }), points: { show: false } },
		],
	};
	hourPlot?.destroy();
	el.textContent = '';
	hourPlot = new uPlot(opts, [xs, adm, den], el);
	const rows = xs.map((h) => [`${h}:00`, byHour.get(h)?.admitted ?? 0, byHour.get(h)?.denied ?? 0]);
	fig.querySelector('.numbers table').innerHTML =
		tableHtml([t('hours.hour'), t('metric.admitted'), t('metric.denied')], rows);
}

export function resizeHours(fig)
{
	if (hourPlot)
		hourPlot.setSize(plotSize(fig.querySelector('.plot')));
}

// Horizontal CSS bars for [key, count] pairs; @label turns a key into words.
export function renderBars(fig, head, pairs, label)
{
	const max = Math.max(1, ...pairs.map(([, c]) => chartValue(c) ?? 0));
	const rows = pairs.map(([k, c]) => {
		const v = chartValue(c);
		const w = v === null ? 0 : Math.round((100 * v) / max);
		const cls = readCount(c)?.suppressed ? 'bar suppressed' : 'bar';
		return `<div class="row"><span>${esc(label(k))}</span><span class="${cls}" style="width:${w}%"></span></div>`;
	});
	fig.querySelector('.plot').innerHTML = rows.join('');
	fig.querySelector('.numbers table').innerHTML = tableHtml(head, pairs.map(([k, c]) => [label(k), c]));
}
