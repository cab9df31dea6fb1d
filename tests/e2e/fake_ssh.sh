#!/usr/bin/env bash
# fake_ssh.sh [ssh options] HOST [--] COMMAND... -- stands in for ssh so that GNU parallel's
# multi-host path (--sshlogin, the remote shell command, --workdir) runs in the tests without an
# ssh server: ignores the options and the host and runs the command here, as sshd would.
while [ $# -gt 0 ]; do
  case "$1" in
    -o | -p | -l | -S | -i | -F) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift  # the host
[ "${1:-}" = "--" ] && shift
exec bash -c "$*"
