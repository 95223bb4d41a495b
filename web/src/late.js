// late.js: the second script of the page, a deferred module script
// (build.mjs inlines it): the key's crypto (identity.js with nostr-tools:
// secp256k1, NIP-49's scrypt) and the QR code.  Parsing them in the first
// script, and running their set-up at load, made the first report wait on
// a slow phone; here they are compiled after the page is parsed and set
// up only when window.samizdatLate() is first called (esbuild keeps a
// dynamically imported module's body for later).  ui/ctx.js late() calls
// it when a key is needed.

window.samizdatLate = () => import('./crypto.js');
window.dispatchEvent(new Event('samizdat-late'));
