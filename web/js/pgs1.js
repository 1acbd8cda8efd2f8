// SPDX-License-Identifier: MIT
// pgs1.js - checks a signed city message (the PGS1 envelope) with WebCrypto Ed25519:
//   payload   = "PGS1" ‖ issued (8 bytes, big-endian Unix s) ‖ signature (64) ‖ body
//   signature = Ed25519 over "passgate/v1/signed" ‖ 0x00 ‖ topic ‖ 0x00 ‖ issued ‖ body
// Anything that does not verify, or a browser without Ed25519, gives an error: the callers
// treat that as "cannot tell", never as "nothing to report".

const MAGIC = [0x50, 0x47, 0x53, 0x31];
const HEAD = 4 + 8 + 64;
const MAX_BODY = 1 << 20;
const enc = new TextEncoder();

export function fromBase64(s)
{
	const bin = atob(s);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++)
		out[i] = bin.charCodeAt(i);
	return out;
}

export async function importCityKey(b64)
{
	const raw = fromBase64(b64);
	if (raw.length !== 32)
		throw new Error('city key: not 32 bytes');
	return crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
}

// The body bytes of a verified message on @topic; throws when it does not verify.
export async function openSigned(key, topic, payload)
{
	const p = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
	if (p.length <= HEAD || p.length - HEAD > MAX_BODY)
		throw new Error('signed message: bad length');
	for (let i = 0; i < 4; i++)
		if (p[i] !== MAGIC[i])
			throw new Error('signed message: not PGS1');
	const issued = p.subarray(4, 12);
	const sig = p.subarray(12, HEAD);
	const body = p.subarray(HEAD);
	const domain = enc.encode('passgate/v1/signed');
	const t = enc.encode(topic);
	const msg = new Uint8Array(domain.length + 1 + t.length + 1 + 8 + body.length);
	let o = 0;
	msg.set(domain, o);
	o += domain.length + 1;
	msg.set(t, o);
	o += t.length + 1;
	msg.set(issued, o);
	o += 8;
	msg.set(body, o);
	const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
	if (!ok)
		throw new Error('signed message: bad signature');
	return body;
}
