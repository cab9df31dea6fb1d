# Sourced by the end-to-end tests: a single-node Slurm cluster of this machine, started by the
# test and stopped when the script exits.
#   start_slurm DIR -- writes DIR/slurm.conf (no munge: auth/none; free high ports; state, spool,
#                      logs and pid files in DIR), starts slurmctld and slurmd as root, exports
#                      SLURM_CONF and waits until the node is idle. Returns 1 with the reason in
#                      SLURM_WHY when Slurm cannot run here.

SLURM_WHY=""
SLURM_DIR=""

stop_slurm() {
  local pid
  for pid in "$SLURM_DIR/slurmd.pid" "$SLURM_DIR/slurmctld.pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  return 0
}

start_slurm() {
  SLURM_DIR=$1
  if [ "$(id -u)" != 0 ]; then SLURM_WHY="slurmd must run as root (uid $(id -u))"; return 1; fi
  local tool
  for tool in slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || { SLURM_WHY="$tool not installed (Debian package slurm-wlm)"; return 1; }
  done
  rm -rf "$SLURM_DIR" && mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool"
  local host port
  host=$(hostname -s)
  port=$((20000 + RANDOM % 20000))
  cat >"$SLURM_DIR/slurm.conf" <<CONF
ClusterName=qcctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/slurmctld.log
SlurmdLogFile=$SLURM_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=qcc Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$SLURM_DIR/slurm.conf"
  trap stop_slurm EXIT
  slurmctld -f "$SLURM_CONF" || { SLURM_WHY="slurmctld did not start ($(tail -n 1 "$SLURM_DIR/slurmctld.log" 2>/dev/null))"; return 1; }
  slurmd -f "$SLURM_CONF" || { SLURM_WHY="slurmd did not start ($(tail -n 1 "$SLURM_DIR/slurmd.log" 2>/dev/null))"; return 1; }
  local i
  for i in $(seq 30); do
    sinfo -h -o %t 2>/dev/null | grep -qx idle && return 0
    sleep 1
  done
  SLURM_WHY="the node did not become idle in 30 s ($(tail -n 1 "$SLURM_DIR/slurmd.log" 2>/dev/null))"
  return 1
}
