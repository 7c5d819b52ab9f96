import GRDB

/// The schema, as named migrations that are only ever appended, never edited:
/// a database made by any earlier version upgrades in place.
enum Migrations {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1 raw mails, cases, audit, outbox, quarantine") { db in
      try db.execute(sql: """
        CREATE TABLE raw_mail (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          sha256 TEXT NOT NULL UNIQUE,
          message_id TEXT,
          size INTEGER NOT NULL,
          received_at DATETIME NOT NULL,
          imap_uid INTEGER,
          state TEXT NOT NULL CHECK (state IN ('received', 'cased', 'quarantined', 'filed')),
          bytes BLOB NOT NULL
        );
        CREATE TABLE case_file (
          id TEXT PRIMARY KEY,
          year INTEGER NOT NULL,
          number INTEGER NOT NULL,
          raw_mail_id INTEGER NOT NULL UNIQUE REFERENCES raw_mail(id),
          state TEXT NOT NULL,
          title TEXT NOT NULL,
          severity TEXT,
          reporter_address TEXT NOT NULL,
          reporter_name TEXT,
          reporter_fingerprint TEXT,
          message_id TEXT,
          received_at DATETIME NOT NULL,
          acknowledged_at DATETIME,
          triage_due DATETIME NOT NULL,
          fix_due DATETIME NOT NULL,
          disclosure_proposed DATETIME NOT NULL,
          verdict TEXT NOT NULL,
          attachments TEXT NOT NULL,
          report_text TEXT,
          UNIQUE (year, number)
        );
        CREATE TABLE audit_event (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          case_id TEXT REFERENCES case_file(id),
          raw_mail_id INTEGER REFERENCES raw_mail(id),
          at DATETIME NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          detail TEXT NOT NULL
        );
        CREATE INDEX audit_event_case ON audit_event(case_id);
        CREATE TRIGGER audit_event_append_only_update BEFORE UPDATE ON audit_event
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_event_append_only_delete BEFORE DELETE ON audit_event
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          case_id TEXT REFERENCES case_file(id),
          raw_mail_id INTEGER REFERENCES raw_mail(id),
          kind TEXT NOT NULL,
          sender TEXT NOT NULL,
          recipient TEXT NOT NULL,
          message_id TEXT NOT NULL UNIQUE,
          message BLOB NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'held')),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          next_attempt_at DATETIME,
          created_at DATETIME NOT NULL,
          sent_at DATETIME
        );
        -- One acknowledgement per case, whatever happens.
        CREATE UNIQUE INDEX outbox_one_ack ON outbox(case_id) WHERE kind = 'acknowledgement';
        CREATE TABLE quarantine (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          raw_mail_id INTEGER UNIQUE REFERENCES raw_mail(id),
          imap_uid INTEGER,
          reason TEXT NOT NULL,
          detail TEXT NOT NULL,
          quarantined_at DATETIME NOT NULL,
          released INTEGER NOT NULL DEFAULT 0
        );
        """)
    }
    migrator.registerMigration("v2 structured cases: details, agreement, follow-ups, notes, threading") { db in
      try db.execute(sql: """
        ALTER TABLE case_file ADD COLUMN assets TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE case_file ADD COLUMN scope TEXT NOT NULL DEFAULT 'unknown';
        ALTER TABLE case_file ADD COLUMN cwe TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE case_file ADD COLUMN cve TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE case_file ADD COLUMN cvss TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE case_file ADD COLUMN fields TEXT;
        ALTER TABLE case_file ADD COLUMN language TEXT;
        ALTER TABLE case_file ADD COLUMN agreement TEXT;
        ALTER TABLE case_file ADD COLUMN triaged_at DATETIME;
        ALTER TABLE case_file ADD COLUMN fixed_at DATETIME;
        ALTER TABLE case_file ADD COLUMN duplicate_of TEXT;
        CREATE TABLE case_message (
          message_id TEXT PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES case_file(id)
        );
        CREATE TABLE follow_up (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          case_id TEXT NOT NULL REFERENCES case_file(id),
          raw_mail_id INTEGER NOT NULL UNIQUE REFERENCES raw_mail(id),
          received_at DATETIME NOT NULL,
          verdict TEXT NOT NULL,
          signer TEXT,
          keywords TEXT NOT NULL DEFAULT '[]',
          applied INTEGER NOT NULL DEFAULT 0,
          impersonation INTEGER NOT NULL DEFAULT 0,
          text TEXT
        );
        CREATE INDEX follow_up_case ON follow_up(case_id);
        CREATE TABLE case_note (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          case_id TEXT NOT NULL REFERENCES case_file(id),
          at DATETIME NOT NULL,
          actor TEXT NOT NULL,
          text TEXT NOT NULL
        );
        CREATE TABLE agreement_change (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          case_id TEXT NOT NULL REFERENCES case_file(id),
          at DATETIME NOT NULL,
          source TEXT NOT NULL,
          field TEXT NOT NULL,
          old_value TEXT,
          new_value TEXT,
          raw_mail_id INTEGER REFERENCES raw_mail(id)
        );
        INSERT OR IGNORE INTO case_message (message_id, case_id)
          SELECT message_id, id FROM case_file WHERE message_id IS NOT NULL;
        INSERT OR IGNORE INTO case_message (message_id, case_id)
          SELECT message_id, case_id FROM outbox WHERE case_id IS NOT NULL;
        """)
    }
    migrator.registerMigration("v3 remember a move in progress") { db in
      try db.execute(sql: "ALTER TABLE raw_mail ADD COLUMN moving_to TEXT")
    }
    migrator.registerMigration("v4 reporter keys and where they came from") { db in
      try db.execute(sql: """
        CREATE TABLE reporter_key (
          fingerprint TEXT NOT NULL,
          address TEXT NOT NULL,
          source TEXT NOT NULL,
          first_seen DATETIME NOT NULL,
          last_seen DATETIME NOT NULL,
          PRIMARY KEY (fingerprint, address)
        );
        CREATE TABLE key_event (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at DATETIME NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          detail TEXT NOT NULL
        );
        """)
    }
    migrator.registerMigration("v5 indexes for the lookups every mail makes") { db in
      // Without these, each new mail scanned whole tables (duplicate check, outbox by case,
      // rate limit by recipient), so the cost of a mail grew with the number of cases.
      try db.execute(sql: """
        CREATE INDEX case_file_reporter ON case_file(reporter_address COLLATE NOCASE, year, number);
        CREATE INDEX outbox_case ON outbox(case_id);
        CREATE INDEX outbox_raw_mail ON outbox(raw_mail_id);
        CREATE INDEX outbox_recipient ON outbox(lower(recipient), created_at);
        CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
        CREATE INDEX raw_mail_moving ON raw_mail(moving_to) WHERE moving_to IS NOT NULL;
        CREATE INDEX audit_event_raw_mail ON audit_event(raw_mail_id);
        CREATE INDEX case_note_case ON case_note(case_id);
        CREATE INDEX agreement_change_case ON agreement_change(case_id);
        CREATE INDEX reporter_key_address ON reporter_key(address);
        CREATE INDEX key_event_fingerprint ON key_event(fingerprint);
        """)
    }
    migrator.registerMigration("v6 mail bytes in a table of their own") { db in
      // SQLite rewrites a whole row, overflow pages included, on every UPDATE: with the
      // bytes in raw_mail, each change of state or move mark wrote the mail out again
      // (about 0.7 MB of write-ahead log per mail in the benchmark). Bytes are written once.
      try db.execute(sql: """
        CREATE TABLE raw_mail_content (
          raw_mail_id INTEGER PRIMARY KEY REFERENCES raw_mail(id),
          bytes BLOB NOT NULL
        );
        INSERT INTO raw_mail_content (raw_mail_id, bytes) SELECT id, bytes FROM raw_mail;
        ALTER TABLE raw_mail DROP COLUMN bytes;
        """)
    }
    migrator.registerMigration("v7 whom the gateway trusts: pinned keys, awaited signers, claimed cases, copies") { db in
      // Issue 18: a key is pinned to an address by an admin or by a case whose first report it
      // signed with a user ID for that address; a first report signed by a key the gateway did not
      // have waits for it (awaited_signer); a mail that names a case of another reporter opens a
      // case of its own that says so (claimed_case); re-sent ciphertext is known by its encrypted
      // data packet (case_ciphertext).
      try db.execute(sql: """
        ALTER TABLE reporter_key ADD COLUMN pinned_at DATETIME;
        ALTER TABLE case_file ADD COLUMN awaited_signer TEXT;
        ALTER TABLE case_file ADD COLUMN claimed_case TEXT;
        ALTER TABLE case_file ADD COLUMN copy_of TEXT;
        ALTER TABLE follow_up ADD COLUMN sender TEXT;
        ALTER TABLE follow_up ADD COLUMN refused TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE case_ciphertext (
          identity TEXT PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES case_file(id)
        );
        CREATE INDEX case_file_awaited_signer ON case_file(awaited_signer) WHERE awaited_signer IS NOT NULL;
        UPDATE reporter_key SET pinned_at = first_seen WHERE source = 'admin';
        UPDATE reporter_key SET pinned_at = first_seen WHERE pinned_at IS NULL AND EXISTS (
          SELECT 1 FROM case_file WHERE upper(case_file.reporter_fingerprint) = upper(reporter_key.fingerprint)
            AND lower(case_file.reporter_address) = reporter_key.address);
        """)
    }
    return migrator
  }
}
