#!/usr/bin/env bash
# Writes an AppCDS archive next to finescope.jar (target/finescope.jsa by default): the classes the app loads
# until its first heatmap is on screen, parsed and verified once, so that later starts map them instead of
# loading them. The app is started once on the sample workspace with -Dfinescope.smokeTest=true (it closes
# itself after the first heatmap), under xvfb-run when there is no display.
#
#   src/main/scripts/cds-archive.sh [JAR] [JAVA]
#
# Use it with: java -XX:SharedArchiveFile=target/finescope.jsa -jar target/finescope.jar
# The archive belongs to that JVM and to that class path (the jar and target/lib/*.jar as they are now): rebuild
# it after every build. A JVM that finds it stale prints a warning and starts without it.
set -euo pipefail
jar=${1:-target/finescope.jar}
java=${2:-java}
jsa=${jar%.jar}.jsa
if [ ! -f "$jar" ]; then
    echo "$jar: no such jar; build it first (mvn -B -DskipTests package)" >&2
    exit 2
fi
rm -f "$jsa"
run=("$java" -XX:ArchiveClassesAtExit="$jsa" -Dfinescope.smokeTest=true -jar "$jar")
if [ -z "${DISPLAY:-}" ]; then
    xvfb-run -a -s '-screen 0 1600x1000x24' "${run[@]}" >/dev/null
else
    "${run[@]}" >/dev/null
fi
ls -l "$jsa"
