// SPDX-License-Identifier: MIT
// scan.js - reads the receipt's QR with the phone's camera: the browser's BarcodeDetector where
// there is one, else jsQR (from npm, vendored), loaded only when needed. Frames stay on the phone.

const MAX_TRIES = 20 * 60 * 2; /* about two minutes of frames */

function loadJsQr()
{
	if (window.jsQR)
		return Promise.resolve(window.jsQR);
	return new Promise((resolve, reject) => {
		const s = document.createElement('script');
		s.src = 'vendor/jsQR.js';
		s.onload = () => resolve(window.jsQR);
		s.onerror = reject;
		document.head.append(s);
	});
}

async function detector()
{
	if ('BarcodeDetector' in window) {
		const formats = await window.BarcodeDetector.getSupportedFormats();
		if (formats.includes('qr_code')) {
			const d = new window.BarcodeDetector({ formats: ['qr_code'] });
			return async (video) => (await d.detect(video))[0]?.rawValue ?? null;
		}
	}
	const jsQR = await loadJsQr();
	const canvas = document.createElement('canvas');
	const ctx = canvas.getContext('2d', { willReadFrequently: true });
	return async (video) => {
		canvas.width = video.videoWidth;
		canvas.height = video.videoHeight;
		if (!canvas.width)
			return null;
		ctx.drawImage(video, 0, 0);
		const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
		return jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
	};
}

const frame = () => new Promise((r) => setTimeout(r, 50));

// The first receipt code the camera sees (text starting "PGR1:").
export async function startScan(video)
{
	const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
	video.srcObject = stream;
	video.hidden = false;
	await video.play();
	const detect = await detector();
	for (let i = 0; i < MAX_TRIES && video.srcObject; i++) {
		const text = await detect(video).catch(() => null);
		if (text && text.startsWith('PGR1:'))
			return text;
		await frame();
	}
	throw new Error('no receipt code seen');
}

export function stopScan(video)
{
	for (const tr of video.srcObject?.getTracks() ?? [])
		tr.stop();
	video.srcObject = null;
	video.hidden = true;
}
