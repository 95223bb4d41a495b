/*
 * store_schema.c: the store's schema text, one part per schema version.
 * A store of version v has run parts 0 to v-1; running the later ones
 * upgrades it in place.  Parts 1 to 6 are CREATE ... IF NOT EXISTS and
 * may run again; from 7 on a part runs once (STORE_PARTS_AGAIN).  Only
 * data: store.c runs the parts when it creates or upgrades the node's
 * own store, and store_foreign.c runs them in a fresh in-memory
 * database to learn the exact schema a store from elsewhere must have,
 * so the two can never drift apart.
 *
 * Layout (docs/store.md has the reasoning): events keeps the JSON as it
 * came in (since version 7 without id and sig) plus the columns queries
 * need; authors maps a pubkey to a small integer so indexes stay narrow;
 * tags holds one row per single-letter tag value, keyed so that a tag
 * query is one index range already in time order; deleted and
 * addr_deleted remember NIP-09 requests so deleted events cannot be
 * re-synced; fts is a contentless FTS5 index of content.  Version 2
 * added the mesh's links and seen (store_mesh.c), version 3 the witness
 * index: keys first seen, marks and vouches, newest per key
 * (witness_index.c), version 4 the photos and videos: blobs,
 * blob_owners, blob_refs, blob_seen, blob_state (docs/blobs.md says what
 * each column means), version 5 the custody log (store_custody.c,
 * docs/archive.md), version 6 the NIP-77 index (store_negidx.c),
 * version 7 events.sig: rows since then keep the JSON without its id and
 * sig, which ev_json (store_evjson.c) puts back.
 */
#include "store_int.h"

const char *const store_schema_parts[STORE_SCHEMA_VERSION] = {
    /* Version 1: the events. */
    "CREATE TABLE IF NOT EXISTS authors("
    " aid INTEGER PRIMARY KEY,"
    " pubkey BLOB NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS events("
    " eid INTEGER PRIMARY KEY AUTOINCREMENT,"	/* never reused: see store_since */
    " id BLOB NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " kind INTEGER NOT NULL,"
    " aid INTEGER NOT NULL,"
    " d TEXT,"			/* addressable kinds only */
    " expires INTEGER,"		/* NIP-40, NULL when none */
    " json TEXT NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS ev_id ON events(id);"
    "CREATE INDEX IF NOT EXISTS ev_time ON events(created_at);"
    "CREATE INDEX IF NOT EXISTS ev_kind ON events(kind, created_at);"
    "CREATE INDEX IF NOT EXISTS ev_author ON events(aid, kind, created_at);"
    "CREATE INDEX IF NOT EXISTS ev_author_time ON events(aid, created_at);"
    "CREATE INDEX IF NOT EXISTS ev_addr ON events(aid, kind, d)"
    " WHERE d IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS ev_expires ON events(expires)"
    " WHERE expires IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS tags("
    " key BLOB NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " eid INTEGER NOT NULL,"
    " PRIMARY KEY(key, created_at, eid)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS deleted("
    " id BLOB NOT NULL,"
    " aid INTEGER NOT NULL,"
    " PRIMARY KEY(id, aid)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS addr_deleted("
    " aid INTEGER NOT NULL,"
    " kind INTEGER NOT NULL,"
    " d TEXT NOT NULL,"
    " until INTEGER NOT NULL,"
    " PRIMARY KEY(aid, kind, d)) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(content,"
    " content='', detail=none,"
    " tokenize='unicode61 remove_diacritics 2');",
    /* Version 2: the mesh's links and who holds which event. */
    "CREATE TABLE IF NOT EXISTS links("
    " lid INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"		/* URL, data dir, or npub (inbound) */
    " kind INTEGER NOT NULL,"		/* enum link_kind */
    " how TEXT NOT NULL,"		/* config, mdns, inbound */
    " npub TEXT,"
    " state TEXT NOT NULL DEFAULT '',"
    " last_seen INTEGER NOT NULL DEFAULT 0,"
    " last_sync INTEGER NOT NULL DEFAULT 0,"
    " sent INTEGER NOT NULL DEFAULT 0,"
    " received INTEGER NOT NULL DEFAULT 0,"
    " refused INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " UNIQUE(name, kind));"
    "CREATE TABLE IF NOT EXISTS seen("
    " eid INTEGER NOT NULL,"
    " lid INTEGER NOT NULL,"
    " how INTEGER NOT NULL,"		/* enum seen_how */
    " at INTEGER NOT NULL,"
    " reason TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(eid, lid)) WITHOUT ROWID;",
    /* Version 3: the witness index (witness_index.c, docs/witness.md). */
    "CREATE TABLE IF NOT EXISTS wkeys("
    " aid INTEGER PRIMARY KEY,"
    " first_seen INTEGER NOT NULL,"	/* this node's clock */
    " first_eid INTEGER NOT NULL,"
    " pending INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS marks("
    " target BLOB NOT NULL,"		/* the report's id */
    " aid INTEGER NOT NULL,"
    " label INTEGER NOT NULL,"		/* enum witness_label */
    " created_at INTEGER NOT NULL,"
    " lid BLOB NOT NULL,"		/* the label event's id */
    " eid INTEGER NOT NULL,"		/* and its row */
    " expires INTEGER,"			/* NIP-40, NULL when none */
    " first_seen INTEGER NOT NULL,"	/* wkeys.first_seen of aid, a copy */
    " pend INTEGER NOT NULL,"		/* the report is not stored */
    " PRIMARY KEY(target, aid)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS marks_eid ON marks(eid);"
    "CREATE TABLE IF NOT EXISTS vouches("
    " aid INTEGER NOT NULL,"
    " whom INTEGER NOT NULL,"		/* authors.aid of the person */
    " label INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " lid BLOB NOT NULL,"
    " eid INTEGER NOT NULL,"
    " expires INTEGER,"
    " PRIMARY KEY(aid, whom)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS vouches_eid ON vouches(eid);"
    "CREATE TABLE IF NOT EXISTS wgen("
    " one INTEGER PRIMARY KEY CHECK(one = 1),"
    " gen INTEGER NOT NULL);",
    /* Version 4: the blobs (blob.h, blob_index.h, docs/blobs.md). */
    "CREATE TABLE IF NOT EXISTS blobs("
    " sha256 BLOB PRIMARY KEY,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " type INTEGER NOT NULL DEFAULT 0,"	/* enum media_type */
    " role INTEGER NOT NULL DEFAULT 1,"	/* 0 original, 1 public, 2 thumb */
    " reporter BLOB,"			/* author of the first report naming it */
    " created INTEGER NOT NULL,"
    " accessed INTEGER NOT NULL DEFAULT 0,"
    " present INTEGER NOT NULL DEFAULT 0,"	/* the file is here */
    " gone INTEGER NOT NULL DEFAULT 0,"	/* enum blob_gone */
    " width INTEGER NOT NULL DEFAULT 0,"
    " height INTEGER NOT NULL DEFAULT 0,"
    " tries INTEGER NOT NULL DEFAULT 0,"	/* fetches that failed */
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS blobs_want ON blobs(next_try)"
    " WHERE present = 0;"
    "CREATE INDEX IF NOT EXISTS blobs_here ON blobs(accessed)"
    " WHERE present = 1;"
    "CREATE TABLE IF NOT EXISTS blob_owners("
    " sha256 BLOB NOT NULL,"
    " pubkey BLOB NOT NULL,"		/* the BUD-11 signer who uploaded it */
    " uploaded INTEGER NOT NULL,"
    " PRIMARY KEY(sha256, pubkey)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS blob_owners_pk ON blob_owners(pubkey,"
    " uploaded);"
    "CREATE TABLE IF NOT EXISTS blob_refs("
    " sha256 BLOB NOT NULL,"
    " eid INTEGER NOT NULL,"
    " role INTEGER NOT NULL,"
    " PRIMARY KEY(sha256, eid)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS blob_refs_eid ON blob_refs(eid);"
    "CREATE TABLE IF NOT EXISTS blob_seen("
    " sha256 BLOB NOT NULL,"
    " lid INTEGER NOT NULL,"
    " how INTEGER NOT NULL,"		/* enum seen_how */
    " at INTEGER NOT NULL,"
    " reason TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(sha256, lid)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS blob_state("
    " k TEXT PRIMARY KEY,"
    " v INTEGER NOT NULL) WITHOUT ROWID;",
    /* Version 5: the custody log, append-only (store_custody.c). */
    "CREATE TABLE IF NOT EXISTS custody("
    " seq INTEGER PRIMARY KEY,"		/* 1, 2, ...: never a gap */
    " at INTEGER NOT NULL,"
    " id BLOB NOT NULL,"
    " via INTEGER NOT NULL,"		/* enum custody_via */
    " origin TEXT NOT NULL,"		/* the source line's "from" */
    " salt BLOB NOT NULL,"
    " chain BLOB NOT NULL);"		/* c(seq) */
    "CREATE TRIGGER IF NOT EXISTS custody_no_update BEFORE UPDATE ON custody"
    " BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS custody_no_delete BEFORE DELETE ON custody"
    " BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;",
    /*
     * Version 6: the NIP-77 index (store_neg.c): events in (created_at,
     * id) order, which also serves the time queries ev_time served, and
     * per block of them the first key, count and id sum; negidx_gen
     * counts the index's changes.  store.c builds it from the events.
     */
    "CREATE INDEX IF NOT EXISTS ev_neg ON events(created_at, id);"
    "DROP INDEX IF EXISTS ev_time;"
    "CREATE TABLE IF NOT EXISTS negidx("
    " ts INTEGER NOT NULL,"
    " id BLOB NOT NULL,"
    " n INTEGER NOT NULL,"
    " sum BLOB NOT NULL,"
    " PRIMARY KEY(ts, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS negidx_gen("
    " one INTEGER PRIMARY KEY CHECK(one = 1),"
    " g INTEGER NOT NULL);",
    /*
     * Version 7: the sig as 64 bytes, out of the JSON (store_evjson.c);
     * not IF NOT EXISTS, so store.c runs it once (STORE_PARTS_AGAIN).
     */
    "ALTER TABLE events ADD COLUMN sig BLOB;",
};
