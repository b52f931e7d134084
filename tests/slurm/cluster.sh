# cluster.sh — a one-node Slurm cluster in $W for tests/slurm/run.sh
# (sourced): munged with its own key and socket, slurmctld and slurmd as
# root on private ports, proctrack/linuxproc and task/none (no cgroups
# needed), cons_tres over every CPU; and helpers to wait for jobs.

# elapsed T0: seconds since T0 (date +%s.%N), 1 decimal.
elapsed() { echo "$(date +%s.%N) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

write_conf() {
    host=$(hostname)
    cat >"$SLURM_CONF" <<CONF
ClusterName=likeness-test
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$W/munge.sock
CredType=cred/munge
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

# Starts the daemons; 0 once the node is idle, 1 (logs printed) if not.
start_cluster() {
    mkdir -p "$W/state" "$W/spool"
    dd if=/dev/urandom of="$W/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$W/munge.key"
    munged -f --key-file="$W/munge.key" --socket="$W/munge.sock" --pid-file="$W/munged.pid" \
        --log-file="$W/munged.log" --seed-file="$W/munge.seed" || { cat "$W/munged.log"; return 1; }
    write_conf
    slurmctld -f "$SLURM_CONF" && slurmd -f "$SLURM_CONF" || return 1
    i=0
    while [ $i -lt 60 ]; do
        sinfo -h -o %T 2>/dev/null | grep -q '^idle' && return 0
        sleep 0.5; i=$((i + 1))
    done
    tail -n 20 "$W/slurmctld.log" "$W/slurmd.log" >&2
    return 1
}

# wait_job ID: waits until job ID (not an array) has ended; 0 if COMPLETED.
wait_job() {
    [ -n "$1" ] || return 1
    i=0
    while [ $i -lt 1200 ]; do
        state=$(scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
        case $state in
        COMPLETED) return 0 ;;
        FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)
            echo "job $1: $state" >&2; return 1 ;;
        PENDING)
            scontrol -o show job "$1" | grep -q 'Reason=DependencyNeverSatisfied' &&
                { echo "job $1: dependency never satisfied" >&2; return 1; } ;;
        esac
        sleep 0.25; i=$((i + 1))
    done
    echo "job $1: still $state after 300 s" >&2
    return 1
}

# requeue_mid_part JOB OUT P: once a task of shard-scan array JOB is
# running with at least one line in its part file, requeues it (its scan
# gets SIGTERM, the task goes back to the queue and resumes its part file)
# and lets it start again at once.
# 0 when one was requeued.
requeue_mid_part() {
    i=0
    while [ $i -lt 600 ]; do
        for t in $(squeue -h -r -t R -j "$1" -o %K 2>/dev/null); do
            n=$((t - 1))
            f="$2/shard-$((n / $3 + 1)).part-$((n % $3 + 1)).jsonl"
            [ -f "$f" ] || continue
            lines=$(wc -l <"$f")
            [ "$lines" -ge 1 ] || continue
            scontrol requeue "${1}_$t" || return 1
            # Slurm delays a requeued job's start (about 2 minutes): not here
            sleep 1
            scontrol update JobId="${1}_$t" StartTime=now || return 1
            echo "slurm-test: requeued task $t of job $1 with $lines line(s) in $(basename "$f")"
            return 0
        done
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
