-- The schema of src/store/sqlite/migrations/0001_init.sql in PostgreSQL's types: ids UUID,
-- timestamps BIGINT milliseconds since the epoch (exact round trips, the same integers as SQLite),
-- JSON objects JSONB, enum columns TEXT with a CHECK on the wire strings of domain/enums.h and
-- domain/roles.h. Constraints are named: PostgresMetadataTx tells conflicts apart by these names.

CREATE TABLE aimodels (
  id UUID NOT NULL CONSTRAINT aimodels_pkey PRIMARY KEY,
  -- Bytewise order ("C"), whatever the database's collation: the unique index then serves
  -- name_prefix filters as a range scan with the same semantics as SQLite's.
  name TEXT COLLATE "C" NOT NULL CONSTRAINT aimodels_name_key UNIQUE,
  description TEXT,
  task_type TEXT NOT NULL,
  owner_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX aimodels_by_creation ON aimodels(created_at, id);
CREATE INDEX aimodels_by_task_type ON aimodels(task_type, created_at, id);

CREATE TABLE aimodelversions (
  id UUID NOT NULL CONSTRAINT aimodelversions_pkey PRIMARY KEY,
  model_id UUID NOT NULL REFERENCES aimodels(id),
  version_string TEXT NOT NULL,
  description TEXT,
  artifact_path TEXT NOT NULL,
  model_format TEXT NOT NULL CHECK (model_format IN ('ONNX', 'TENSORFLOW_SAVEDMODEL',
      'PYTORCH_TORCHSCRIPT', 'CUSTOM_PYTHON_CONTAINER', 'OTHER')),
  interface_type TEXT NOT NULL CHECK (interface_type IN ('TENSORFLOW_SERVING', 'TORCHSERVE',
      'TRITON_INFERENCE_SERVER', 'CUSTOM_FASTAPI', 'CUSTOM_FLASK')),
  parameters JSONB,
  metrics JSONB,
  status TEXT NOT NULL CHECK (status IN ('STAGING', 'PENDING_VALIDATION', 'VALIDATION_FAILED',
      'VALIDATED', 'PRODUCTION', 'DEPRECATED', 'ARCHIVED')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by_user_id TEXT,
  artifact_size_bytes BIGINT NOT NULL CHECK (artifact_size_bytes >= 0),
  artifact_sha256 TEXT NOT NULL,
  CONSTRAINT aimodelversions_version_string_key UNIQUE (model_id, version_string)
);
CREATE INDEX aimodelversions_by_model ON aimodelversions(model_id, created_at, id);
CREATE INDEX aimodelversions_by_model_status ON aimodelversions(model_id, status, created_at, id);
-- At most one PRODUCTION version per model.
CREATE UNIQUE INDEX aimodelversions_one_production ON aimodelversions(model_id)
  WHERE status = 'PRODUCTION';

CREATE TABLE aimodeldeployments (
  id UUID NOT NULL PRIMARY KEY,
  model_version_id UUID NOT NULL REFERENCES aimodelversions(id),
  environment TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('REQUESTED', 'DEPLOYING', 'ACTIVE', 'INACTIVE_BLUEGREEN',
      'ROLLING_OUT_CANARY', 'FAILED', 'ROLLED_BACK', 'DELETED')),
  deployment_strategy TEXT,
  endpoint_url TEXT,
  replicas INTEGER CHECK (replicas IS NULL OR replicas >= 0),
  config JSONB,
  deployed_at BIGINT NOT NULL,
  deployed_by_user_id TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX aimodeldeployments_by_version ON aimodeldeployments(model_version_id, status);
CREATE INDEX aimodeldeployments_by_environment ON aimodeldeployments(environment);
CREATE INDEX aimodeldeployments_by_status ON aimodeldeployments(status);

CREATE TABLE aimodelvalidationresults (
  id UUID NOT NULL PRIMARY KEY,
  model_version_id UUID NOT NULL REFERENCES aimodelversions(id),
  scan_type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'PASSED', 'FAILED', 'WARNING',
      'SKIPPED')),
  summary TEXT,
  details JSONB,
  details_path TEXT,
  validated_at BIGINT NOT NULL,
  validated_by_user_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX aimodelvalidationresults_by_version ON aimodelvalidationresults(model_version_id);
CREATE INDEX aimodelvalidationresults_by_status ON aimodelvalidationresults(status);

CREATE TABLE aimodelfeedback (
  id UUID NOT NULL CONSTRAINT aimodelfeedback_pkey PRIMARY KEY,
  model_version_id UUID NOT NULL REFERENCES aimodelversions(id),
  user_id TEXT,
  generation_request_id TEXT,
  rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
  comment TEXT,
  feedback_data JSONB,
  submitted_at BIGINT NOT NULL
);
CREATE INDEX aimodelfeedback_by_version ON aimodelfeedback(model_version_id, submitted_at, id);
CREATE INDEX aimodelfeedback_by_user ON aimodelfeedback(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX aimodelfeedback_by_generation_request ON aimodelfeedback(generation_request_id)
  WHERE generation_request_id IS NOT NULL;

CREATE TABLE api_keys (
  id UUID NOT NULL CONSTRAINT api_keys_pkey PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'model_manager', 'viewer', 'feedback_writer')),
  key_hash TEXT NOT NULL CONSTRAINT api_keys_key_hash_key UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_by_creation ON api_keys(created_at, id);
