#!/bin/sh
# Container entry point: apply the metadata migrations, then serve. Replicas starting together
# migrate once (PostgreSQL migrations run under an advisory lock). Arguments go to `serve`.
set -eu
mlops migrate
exec mlops serve "$@"
