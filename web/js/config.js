// SPDX-License-Identifier: MIT
// config.js - the deploy's config.json next to the pages: which city, the city's public key
// (standard base64 of the 32-byte Ed25519 key, as [mqtt] city_key) and its time zone.

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function loadConfig()
{
	const res = await fetch('config.json', { cache: 'no-store' });
	if (!res.ok)
		throw new Error(`config.json: HTTP ${res.status}`);
	const c = await res.json();
	if (typeof c.city !== 'string' || !ID.test(c.city))
		throw new Error('config.json: "city" must be a topic level (letters, digits, . _ -)');
	if (typeof c.city_key !== 'string' || c.city_key.length !== 44)
		throw new Error('config.json: "city_key" must be the base64 of a 32-byte key');
	let tz = c.timezone || 'Asia/Tokyo';
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
	} catch {
		throw new Error(`config.json: unknown time zone ${tz}`);
	}
	return { city: c.city, cityKey: c.city_key, timezone: tz };
}

// The broker that served the page: ws:// or wss:// to the same host and port.
export function brokerUrl()
{
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
}
