#!/usr/bin/env bash
# kafka-storage.sh format|info|random-uuid ...: the KRaft storage tool.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
