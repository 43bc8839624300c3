#!/usr/bin/env bash
# A real Spark standalone cluster (one master, one worker) from the build's own jars, no Spark
# distribution needed: the jars listed in spark-bridge/target/driver-classpath.txt and
# application-jars.txt become DIR/jars; the master and the worker run as separate JVMs, executors
# as further ones.
#
#   scripts/spark-cluster.sh start [DIR]   prints the master URL (spark://127.0.0.1:PORT)
#   scripts/spark-cluster.sh stop [DIR]    stops the worker (and its executors) and the master
#
# DIR defaults to spark-bridge/target/spark-cluster. SPARK_MASTER_PORT (7077), WORKER_CORES (all
# cores) and WORKER_MEMORY (2g) change the defaults. Logs: DIR/master.log, DIR/worker.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${2:-$ROOT/spark-bridge/target/spark-cluster}
PORT=${SPARK_MASTER_PORT:-7077}
CORES=${WORKER_CORES:-$(nproc)}
MEMORY=${WORKER_MEMORY:-2g}

die() {
  echo "spark-cluster: $*" >&2
  exit 1
}

java_home() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] &&
    "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
    echo "$JAVA_HOME"
    return
  fi
  local j
  for j in /usr/lib/jvm/*25*; do
    [[ -x $j/bin/java ]] && { echo "$j"; return; }
  done
  die "no JDK 25 found (set JAVA_HOME)"
}

# Waits until FILE contains TEXT, or the process PID died, or 90 s passed.
await() {
  local file=$1 text=$2 pid=$3 i
  for ((i = 0; i < 450; i++)); do
    grep -q "$text" "$file" 2>/dev/null && return
    kill -0 "$pid" 2>/dev/null || die "pid $pid exited; see $file"
    sleep 0.2
  done
  die "no '$text' in $file within 90 s"
}

start() {
  local classpath=$ROOT/spark-bridge/target/driver-classpath.txt jdk entry
  [[ -f $classpath ]] || die "$classpath is missing: build first (./harmonics build)"
  [[ -f $DIR/master.pid ]] && kill -0 "$(<"$DIR/master.pid")" 2>/dev/null &&
    die "a cluster already runs from $DIR (stop it first)"
  jdk=$(java_home)
  mkdir -p "$DIR/jars" "$DIR/work"
  # Spark's jars (provided scope) and the runtime-scope ones (netty's native transports)
  local runtime=${classpath%/*}/application-jars.txt
  for entry in $(tr ':' '\n' <"$classpath"; echo; tr ',' '\n' <"$runtime"); do
    if [[ $entry == *.jar ]]; then
      ln -sf "$entry" "$DIR/jars/"
    fi
  done
  export SPARK_HOME=$DIR SPARK_SCALA_VERSION=2.13 JAVA_HOME=$jdk SPARK_LOCAL_IP=127.0.0.1
  "$jdk/bin/java" -Xmx512m -cp "$DIR/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$DIR/master.log" 2>&1 &
  echo $! >"$DIR/master.pid"
  await "$DIR/master.log" "Starting Spark master" "$!"
  "$jdk/bin/java" -Xmx512m -cp "$DIR/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" --webui-port 0 \
    --work-dir "$DIR/work" "spark://127.0.0.1:$PORT" >"$DIR/worker.log" 2>&1 &
  echo $! >"$DIR/worker.pid"
  await "$DIR/worker.log" "Successfully registered with master" "$!"
  echo "spark://127.0.0.1:$PORT"
}

# Stops the process in DIR/NAME.pid and its child processes (a worker's executors), by pid.
stop_one() {
  local file=$DIR/$1.pid pid child i
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    kill "$child" 2>/dev/null || true
  done
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$file"
  echo "stopped $1 (pid $pid)"
}

case ${1:-} in
  start) start ;;
  stop)
    stop_one worker
    stop_one master
    ;;
  *)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
