// SPDX-License-Identifier: MIT
// web_modules.test.mjs - the pages' pure modules (web/js) under node: the receipt short code
// (the same vectors as test_codes.c), counts and suppression, the CSV, local dates and slots.
import assert from 'node:assert/strict';
import test from 'node:test';
import { dayCsv, readCount, readDay, showCount } from '../../web/js/counts.js';
import { matchReceipt, parseQr, parseShort, readReceipt } from '../../web/js/receipt.js';
import { localDate, localMidnight, slotWindow } from '../../web/js/time.js';

test('short code: the vectors of test_codes.c', () => {
	const r = parseShort('20220720-114-ZW00-0000-0000-0000-0000-0000-04');
	assert.equal(r.date, '2022-07-20');
	assert.equal(r.localSlot, 114);
	assert.equal(Buffer.from(r.vc).toString('hex'), 'ff000000000000000000000000000001');
	const typed = parseShort('2022 0720 114 zwoo oooo 0000 0000 0000 0000 04');
	assert.deepEqual(typed.vc, r.vc);
	assert.deepEqual(parseShort('20220720-114-ZW00-0000-0000-0000-0000-0000-O4').vc, r.vc);
	for (const bad of ['20220720-114-ZW00', '20220720-114-ZW00-0000-0000-0000-0000-0000-05',
		'20220720-144-ZW00-0000-0000-0000-0000-0000-04', '20220230-001-ZW00-0000-0000-0000-0000-0000-04',
		'20220720-001-ZW00-0000-0000-0000-0000-0000-0U', ''])
		assert.throws(() => parseShort(bad), undefined, bad);
});

test('short code: slot of the local day to the unix slot (Asia/Tokyo)', () => {
	const r = readReceipt('20220720-114-ZW00-0000-0000-0000-0000-0000-04', 'Asia/Tokyo');
	assert.equal(r.slot, Math.floor(Date.parse('2022-07-20T00:00:00+09:00') / 600000) + 114);
	assert.equal(localMidnight('2022-07-20', 'Asia/Tokyo'), Date.parse('2022-07-19T15:00:00Z') / 1000);
	assert.equal(localMidnight('2022-03-27', 'Europe/Berlin'), Date.parse('2022-03-26T23:00:00Z') / 1000);
	assert.equal(localDate(Date.parse('2022-07-19T15:00:00Z') / 1000, 'Asia/Tokyo'), '2022-07-20');
	assert.equal(slotWindow(2764836, 2764838, 'Asia/Tokyo'), '15:00–15:30');
});

test('QR text: body read, bad ones refused', () => {
	const vc = Buffer.alloc(16, 9);
	const body = Buffer.from(JSON.stringify({ v: 1, date: '2022-07-20', slot: 2764836, vc: vc.toString('base64url') }));
	const r = parseQr(`PGR1:${body.toString('base64url')}.sig`);
	assert.equal(r.slot, 2764836);
	assert.deepEqual(Buffer.from(r.vc), vc);
	assert.throws(() => parseQr(`PGR1:${body.toString('base64url')}`));
	assert.throws(() => parseQr(`PGB1:${body.toString('base64url')}.x`));
	assert.throws(() => parseQr(`PGR1:${'A'.repeat(1300)}.x`));
});

test('matching: hash, date and window', async () => {
	const vc = Buffer.alloc(16, 1);
	const h = (await import('node:crypto')).createHash('sha256').update(vc).digest('base64url');
	const notices = [{ date: '2022-07-20', entries: [{ h, from: 10, to: 12 }], advice: {} }];
	const at = (date, slot, v = vc) => matchReceipt({ date, slot, vc: v }, notices);
	assert.equal((await at('2022-07-20', 10)).length, 1);
	assert.equal((await at('2022-07-20', 12)).length, 1);
	assert.equal((await at('2022-07-20', 13)).length, 0);
	assert.equal((await at('2022-07-21', 11)).length, 0);
	assert.equal((await at('2022-07-20', 11, Buffer.alloc(16, 2))).length, 0);
});

test('counts: suppressed is never zero', () => {
	assert.deepEqual(readCount('<10'), { n: null, suppressed: true, k: 10 });
	assert.equal(showCount('<10', 'en'), '< 10');
	assert.equal(showCount(0, 'en'), '0');
	assert.equal(showCount(1234, 'en'), '1,234');
	for (const bad of [-1, 1.5, '10', '<', null, {}])
		assert.equal(readCount(bad), null);
	const day = readDay({ v: 1, date: '2026-12-04', admitted: 12, denied: '<10', hours: [{ hour: 3, admitted: '<10', denied: 0 }, { hour: 99 }],
		reasons: { 'a,b': '<10', x: 'bogus' }, kinds: { test: 12 } });
	assert.equal(day.hours.length, 1);
	assert.deepEqual(day.reasons, [['a,b', '<10']]);
	const csv = dayCsv(day, 'city');
	assert.match(csv, /^date,area,section,key,admitted,denied,count\r\n2026-12-04,city,total,,12,<10,\r\n/);
	assert.match(csv, /reason,"a,b",,,<10/);
	assert.equal(readDay({ v: 2, date: '2026-12-04' }), null);
});
