-- src/store/sqlite/migrations/0002_validation_jobs.sql in PostgreSQL's types. Each result belongs to
-- one trigger (a run whose results decide the version's status together); each result has one job,
-- the persisted work behind it, held by a worker under a lease; a version keeps what validation
-- learnt about it.

-- No result row predates this migration, so the column needs no default.
ALTER TABLE aimodelvalidationresults ADD COLUMN trigger_id UUID NOT NULL;
CREATE INDEX aimodelvalidationresults_by_trigger ON aimodelvalidationresults(trigger_id);
CREATE INDEX aimodelvalidationresults_by_version_creation
  ON aimodelvalidationresults(model_version_id, created_at, id);

ALTER TABLE aimodelversions ADD COLUMN io_signature JSONB;
ALTER TABLE aimodelversions ADD COLUMN validation_decision JSONB;

CREATE TABLE validation_jobs (
  result_id UUID NOT NULL CONSTRAINT validation_jobs_pkey PRIMARY KEY
    REFERENCES aimodelvalidationresults(id),
  trigger_id UUID NOT NULL,
  model_version_id UUID NOT NULL REFERENCES aimodelversions(id),
  scan_type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'DONE')),
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  lease_token TEXT,
  lease_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  -- Exactly the RUNNING jobs are held under a lease.
  CHECK ((state = 'RUNNING') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX validation_jobs_queue ON validation_jobs(created_at, result_id) WHERE state = 'QUEUED';
CREATE INDEX validation_jobs_leases ON validation_jobs(lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX validation_jobs_open_by_version ON validation_jobs(model_version_id, created_at)
  WHERE state <> 'DONE';
