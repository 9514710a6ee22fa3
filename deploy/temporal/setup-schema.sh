#!/bin/sh
# Run by the compose stack's temporal-schema job (temporalio/admin-tools image)
# before the Temporal server starts: creates Temporal's two PostgreSQL
# databases on the first `up` and brings both schemas to the versions this
# admin-tools release ships, so a server upgrade upgrades them too. Safe to run
# on every `up`: a database that exists only gets its schema updated.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  schema=${pair#*:}
  if sql_tool --db "$db" create; then
    echo "database $db created: setting up its schema"
    sql_tool --db "$db" setup-schema -v 0.0
  else
    echo "database $db exists: updating its schema"
  fi
  sql_tool --db "$db" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo "Temporal's PostgreSQL schemas are up to date"
