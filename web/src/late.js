// late.js: the second script of the page, run after the first has drawn
// the reports: the key and its crypto (identity.js with nostr-tools:
// secp256k1, NIP-49's scrypt) and the QR code.  Parsing and running these
// in the first script made the first report wait on a slow phone.  It
// hands them over as window.samizdatLate and says so with an event;
// ui/ctx.js late() waits for it.  build.mjs inlines it as a deferred
// module script.

import * as identity from './identity.js';
import { qrSvg } from './qr.js';

window.samizdatLate = { ...identity, qrSvg };
window.dispatchEvent(new Event('samizdat-late'));
