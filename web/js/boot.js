// SPDX-License-Identifier: MIT
// boot.js - loads the page's ES modules when the web server sends no Content-Type, as
// mosquitto's http_dir does (2.0.11): browsers refuse a module script without a JavaScript
// type, but run a classic script and fetch() anything. This classic script fetches each module
// of the page, gives it the right type as a blob: URL, and rewrites the relative imports
// ('./x.js', '../vendor/y.js') to those URLs, dependencies first.
//   <script src="js/boot.js" data-main="js/dashboard.js"></script>
'use strict';

(function boot() {
	const IMPORT = /(\bfrom\s*|\bimport\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;
	const LEAF = /\/vendor\//; /* third-party bundles import nothing */
	const loaded = new Map();

	function load(url) {
		if (!loaded.has(url))
			loaded.set(url, fetch(url).then((res) => {
				if (!res.ok)
					throw new Error(`${url}: HTTP ${res.status}`);
				return res.text();
			}).then((text) => link(url, text)));
		return loaded.get(url);
	}

	async function link(url, text) {
		let out = text;
		if (!LEAF.test(url)) {
			const specs = new Set([...text.matchAll(IMPORT)].map((m) => m[3]));
			/* all of a module's imports at once: each request to mosquitto costs a round of its loop */
			const list = [...specs];
			const got = await Promise.all(list.map((s) => load(new URL(s, url).href)));
			const urls = new Map(list.map((s, i) => [s, got[i]]));
			out = text.replace(IMPORT, (all, kw, q, s) => `${kw}${q}${urls.get(s)}${q}`);
		}
		return URL.createObjectURL(new Blob([out], { type: 'text/javascript' }));
	}

	const main = document.currentScript.dataset.main;
	load(new URL(main, document.baseURI).href).then((u) => import(u)).catch((err) => {
		const p = document.getElementById('error');
		if (p) {
			p.hidden = false;
			p.textContent = String(err.message || err);
		}
	});
})();
