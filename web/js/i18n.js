// SPDX-License-Identifier: MIT
// i18n.js - the pages' words in Japanese (first) and English, and the language switch.
// Elements carry data-i18n="key"; t(key) gives the text in the current language.

const WORDS = {
	ja: {
		'dash.title': 'passgate 市ダッシュボード',
		'check.title': '接触確認（レシートの照合）',
		'lang.switch': 'English',
		'conn.connecting': '接続中…',
		'conn.online': '接続済み',
		'conn.offline': '切断（再接続します）',
		'conn.denied': 'ログインできません（ユーザー名・パスワードを確認してください）',
		'login.legend': 'ブローカーにログイン',
		'login.user': 'ユーザー名',
		'login.password': 'パスワード',
		'login.submit': 'ログイン',
		'today.heading': '本日のチェック',
		'today.date': '日付',
		'today.area': '範囲',
		'today.city': '市全体',
		'today.nodata': 'この日の集計はまだありません',
		'today.updated': '更新',
		'metric.admitted': '入場許可',
		'metric.denied': '入場不可',
		'hours.heading': '時間帯別',
		'hours.hour': '時',
		'reasons.heading': '理由別',
		'reasons.reason': '理由',
		'kinds.heading': '証明の種類別',
		'kinds.kind': '種類',
		'count': '件数',
		'csv.download': 'この日の集計を CSV でダウンロード',
		'k.note': '1〜{k1} 件の数は個人の特定を防ぐため「< {k}」と表示します（0 ではありません）。',
		'fleet.heading': 'キオスク',
		'metric.kiosks-online': 'オンライン',
		'metric.kiosks-offline': 'オフライン',
		'fleet.faulted': '異常あり',
		'fleet.venue': '会場',
		'fleet.kiosk': 'キオスク',
		'fleet.ward': '区',
		'fleet.state': '状態',
		'fleet.backlog': '未送信',
		'fleet.last_seen': '最終確認',
		'fleet.faults': '異常',
		'fleet.gaps': '欠番',
		'state.online': 'オンライン',
		'state.offline': 'オフライン',
		'state.unknown': '不明',
		'fault.camera-absent': 'カメラなし',
		'fault.printer-paper-out': '用紙切れ',
		'fault.printer-offline': 'プリンター未接続',
		'fault.clock-unsynchronized': '時刻未同期',
		'fault.no-daykey': '日次鍵なし',
		'notices.heading': '市からのお知らせ（接触の可能性）',
		'notices.date': '日付',
		'notices.window': '時間帯',
		'notices.entries': '件',
		'notices.none': '公開中のお知らせはありません',
		'notices.unverified': '署名を確認できないお知らせ {n} 件は表示していません',
		'check.intro':
			'入場時に受け取ったレシートの QR コードを読み取るか、QR の下の短いコードを入力してください。照合はこの端末の中だけで行い、入力した内容は送信しません。',
		'check.code': 'レシートのコード',
		'check.submit': '照合する',
		'check.scan': 'カメラで QR を読み取る',
		'check.scan.stop': '読み取りをやめる',
		'check.scan.none': 'この端末ではカメラを使えません。コードを入力してください。',
		'check.loading': 'お知らせを取得しています…',
		'check.ready': 'お知らせ {n} 件を確認済み（{d} 日分）',
		'check.fail':
			'お知らせを確認できませんでした（署名を検証できないか、接続できません）。このページでは判定できません。保健所の案内をご確認ください。',
		'check.bad': 'コードを読み取れません。もう一度確認してください。',
		'check.match': '接触の可能性があります',
		'check.nomatch': '市が公開しているお知らせに、この来場は含まれていません。',
		'check.visit': '来場: {date} {time} ごろ',
		'kind.vaccination': 'ワクチン接種',
		'kind.test': '検査',
		'kind.recovery': '回復',
		'kind.staff-verified': '係員確認',
		'kind.child-exempt': '子ども（対象外）',
		'kind.none': '証明なし',
		'notices.verified': '署名確認済み',
		'check.advice.default':
			'体調に注意し、発熱などの症状があれば受診前に相談窓口へ電話してください。',
	},
	en: {
		'dash.title': 'passgate city dashboard',
		'check.title': 'Exposure check (your receipt)',
		'lang.switch': '日本語',
		'conn.connecting': 'Connecting…',
		'conn.online': 'Connected',
		'conn.offline': 'Disconnected (reconnecting)',
		'conn.denied': 'Login refused (check the user name and password)',
		'login.legend': 'Log in to the broker',
		'login.user': 'User name',
		'login.password': 'Password',
		'login.submit': 'Log in',
		'today.heading': "Today's checks",
		'today.date': 'Date',
		'today.area': 'Area',
		'today.city': 'Whole city',
		'today.nodata': 'No figures for this day yet',
		'today.updated': 'Updated',
		'metric.admitted': 'Admitted',
		'metric.denied': 'Denied',
		'hours.heading': 'Per hour',
		'hours.hour': 'Hour',
		'reasons.heading': 'By reason',
		'reasons.reason': 'Reason',
		'kinds.heading': 'By kind of credential',
		'kinds.kind': 'Kind',
		'count': 'Count',
		'csv.download': "Download this day's figures (CSV)",
		'k.note':
			'Counts from 1 to {k1} are shown as "< {k}" so that nobody can be singled out; they are not zero.',
		'fleet.heading': 'Kiosks',
		'metric.kiosks-online': 'Online',
		'metric.kiosks-offline': 'Offline',
		'fleet.faulted': 'With faults',
		'fleet.venue': 'Venue',
		'fleet.kiosk': 'Kiosk',
		'fleet.ward': 'Ward',
		'fleet.state': 'State',
		'fleet.backlog': 'Backlog',
		'fleet.last_seen': 'Last seen',
		'fleet.faults': 'Faults',
		'fleet.gaps': 'Gaps',
		'state.online': 'online',
		'state.offline': 'offline',
		'state.unknown': 'unknown',
		'fault.camera-absent': 'camera absent',
		'fault.printer-paper-out': 'printer out of paper',
		'fault.printer-offline': 'printer offline',
		'fault.clock-unsynchronized': 'clock unsynchronized',
		'fault.no-daykey': 'no day key',
		'notices.heading': "The city's notices (possible exposure)",
		'notices.date': 'Date',
		'notices.window': 'Time window',
		'notices.entries': 'Entries',
		'notices.none': 'No notice is published',
		'notices.unverified': '{n} notice(s) whose signature did not verify are not shown',
		'check.intro':
			'Scan the QR code on the receipt you got at the entrance, or type the short code printed under it. The check runs on this device only; nothing you enter is sent anywhere.',
		'check.code': 'Receipt code',
		'check.submit': 'Check',
		'check.scan': 'Scan the QR with the camera',
		'check.scan.stop': 'Stop scanning',
		'check.scan.none': 'The camera is not available on this device. Please type the code.',
		'check.loading': 'Fetching the notices…',
		'check.ready': '{n} notice entries verified ({d} days)',
		'check.fail':
			"The notices could not be verified (bad signature or no connection). This page cannot tell you anything; please follow the public health centre's guidance.",
		'check.bad': 'The code cannot be read. Please check it and try again.',
		'check.match': 'You may have been exposed',
		'check.nomatch': "Your visit is not in any of the city's published notices.",
		'check.visit': 'Visit: {date} around {time}',
		'kind.vaccination': 'vaccination',
		'kind.test': 'test',
		'kind.recovery': 'recovery',
		'kind.staff-verified': 'staff-verified',
		'kind.child-exempt': 'child (exempt)',
		'kind.none': 'no credential',
		'notices.verified': 'signature verified',
		'check.advice.default':
			'Watch your health; if you get a fever or other symptoms, call the consultation centre before you see a doctor.',
	},
};

const KEY = 'passgate.lang';
let lang = 'ja';
const listeners = [];

export function currentLang()
{
	return lang;
}

export function t(key, vars = {})
{
	let s = WORDS[lang][key] ?? WORDS.ja[key] ?? key;
	for (const [k, v] of Object.entries(vars))
		s = s.replaceAll(`{${k}}`, String(v));
	return s;
}

export function applyWords(root = document)
{
	document.documentElement.lang = lang;
	for (const el of root.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
}

export function setLang(next)
{
	lang = next === 'en' ? 'en' : 'ja';
	try {
		localStorage.setItem(KEY, lang);
	} catch {
		/* private mode: the choice lasts for this page only */
	}
	applyWords();
	for (const fn of listeners)
		fn(lang);
}

// Japanese first: ?lang=en or a saved choice switches; the button toggles.
export function initLang(button, onChange)
{
	if (onChange)
		listeners.push(onChange);
	let saved = null;
	try {
		saved = localStorage.getItem(KEY);
	} catch {
		saved = null;
	}
	const asked = new URLSearchParams(location.search).get('lang');
	setLang(asked || saved || 'ja');
	button.addEventListener('click', () => setLang(lang === 'ja' ? 'en' : 'ja'));
}
