// crypto.js: what late.js hands over when first asked: the key and its
// crypto (identity.js with nostr-tools) and the QR code (qr.js).
export * from './identity.js';
export { qrSvg } from './qr.js';
