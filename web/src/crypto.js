// crypto.js: what late.js hands over when first asked: the key and its
// crypto (identity.js with nostr-tools) and the QR code (qr.js); the QR
// reader for vouching (witness/scan.js) is set up only when a photo comes.
export * from './identity.js';
export { qrSvg } from './qr.js';
export { npubToHex } from './witness/late.js';
export const scanner = () => import('./witness/scan.js');
