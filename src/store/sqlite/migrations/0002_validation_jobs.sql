-- The validation pipeline. Each result belongs to one trigger (a run whose results decide the
-- version's status together); each result has one job, the persisted work behind it, held by a
-- worker under a lease; a version keeps what validation learnt about it.

-- SQLite adds a NOT NULL column only with a default; no result row predates this migration.
ALTER TABLE aimodelvalidationresults ADD COLUMN trigger_id TEXT NOT NULL DEFAULT '';
CREATE INDEX aimodelvalidationresults_by_trigger ON aimodelvalidationresults(trigger_id);
CREATE INDEX aimodelvalidationresults_by_version_creation
  ON aimodelvalidationresults(model_version_id, created_at, id);

ALTER TABLE aimodelversions ADD COLUMN io_signature TEXT;
ALTER TABLE aimodelversions ADD COLUMN validation_decision TEXT;

CREATE TABLE validation_jobs (
  result_id TEXT PRIMARY KEY NOT NULL REFERENCES aimodelvalidationresults(id),
  trigger_id TEXT NOT NULL,
  model_version_id TEXT NOT NULL REFERENCES aimodelversions(id),
  scan_type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'DONE')),
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  lease_token TEXT,
  lease_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- Exactly the RUNNING jobs are held under a lease.
  CHECK ((state = 'RUNNING') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX validation_jobs_queue ON validation_jobs(created_at, result_id) WHERE state = 'QUEUED';
CREATE INDEX validation_jobs_leases ON validation_jobs(lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX validation_jobs_open_by_version ON validation_jobs(model_version_id, created_at)
  WHERE state <> 'DONE';
