/*
 * blob_schema.c: the tables of schema version 3, the blobs (blob.h,
 * blob_index.h; docs/blobs.md has what each column means).  store.c runs
 * it after the tables of versions 1 and 2 when it brings a store up to
 * date; every statement is IF NOT EXISTS, so it runs on any older store.
 */
#include "store_int.h"

const char store_schema_blobs[] =
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
    " v INTEGER NOT NULL) WITHOUT ROWID;";
