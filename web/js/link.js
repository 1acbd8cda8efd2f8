// SPDX-License-Identifier: MIT
// link.js - MQTT over WebSockets to the broker that served the page (mqtt from npm).
// Messages arrive as (topic, Uint8Array); retained ones first, then live ones.

import mqtt from '../vendor/mqtt.esm.js';
import { brokerUrl } from './config.js';

// @opts: {username, password, topics[], onMessage(topic, bytes, packet), onState(state),
//         onSubscribed(ok)}
// state: 'connecting' | 'online' | 'offline' | 'denied'. Returns the client.
export function openLink(opts)
{
	const client = mqtt.connect(brokerUrl(), {
		protocolVersion: 5,
		clean: true,
		reconnectPeriod: 3000,
		connectTimeout: 10000,
		username: opts.username || undefined,
		password: opts.password || undefined,
		clientId: `passgate-web-${Math.random().toString(16).slice(2, 10)}`,
	});
	opts.onState?.('connecting');
	client.on('connect', () => {
		opts.onState?.('online');
		/* QoS 0: retained state needs no acknowledgements, so thousands of kiosks' retained
		 * statuses arrive in one burst instead of 20 in flight at a time. */
		client.subscribe(opts.topics, { qos: 0 }, (err, granted) => {
			const refused = err || granted?.some((g) => g.qos >= 0x80);
			if (refused)
				opts.onState?.('denied');
			opts.onSubscribed?.(!refused);
		});
	});
	client.on('error', (err) => {
		/* 0x86/0x87 (bad user name or password, not authorized): stop retrying */
		if (err?.code === 134 || err?.code === 135 || err?.code === 4 || err?.code === 5) {
			opts.onState?.('denied');
			client.end(true);
		}
	});
	client.on('close', () => opts.onState?.('offline'));
	client.on('message', (topic, payload, packet) => opts.onMessage(topic, new Uint8Array(payload), packet));
	return client;
}
