#!/usr/bin/env bash
# http-probe PORT PATH [STATUS]: the containers' health check, with nothing but bash (the .NET and
# CUDA base images carry no curl or wget). Sends `GET PATH` to 127.0.0.1:PORT and exits 0 when the
# status code of the answer matches STATUS, an extended regular expression (default 200).
#
#   http-probe 8080 /health/live              # the query API and the workers
#   http-probe 8080 / '[1-5][0-9][0-9]'       # any answer: the process serves HTTP
set -euo pipefail

port=${1:?usage: http-probe PORT PATH [STATUS]}
path=${2:?usage: http-probe PORT PATH [STATUS]}
expected=${3:-200}

exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status_line <&3 || { echo "http-probe: no answer from 127.0.0.1:${port}${path}" >&2; exit 1; }
status_line=${status_line%$'\r'}
if [[ $status_line =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] && [[ ${BASH_REMATCH[1]} =~ ^(${expected})$ ]]; then
  exit 0
fi
echo "http-probe: 127.0.0.1:${port}${path} answered '${status_line}', expected status ${expected}" >&2
exit 1
